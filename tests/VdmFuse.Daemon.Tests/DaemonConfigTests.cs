using System.Runtime.CompilerServices;
using VdmFuse.Daemon.Configuration;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public class DaemonConfigTests
{
    [Fact]
    public void Parse_EverySetting_IsRead()
    {
        var config = DaemonConfig.Parse("""
            # comment
            mountpoint = /mnt/x
            state-dir = /var/tmp/s
            log-level = debug
            log-file = /var/tmp/s/l.log
            allow-other = no
            io-mode = aio
            image = /var/tmp/s/a.img 64M
            command = create-instance subdriver=physical name=a path=/var/tmp/s/a.img
            """, "test.conf");
        Assert.Equal("/mnt/x", config.MountPoint);
        Assert.Equal("/var/tmp/s", config.StateDirectory);
        Assert.Equal("debug", config.LogLevel);
        Assert.Equal("/var/tmp/s/l.log", config.EffectiveLogFile);
        Assert.False(config.AllowOther);
        Assert.Equal(IoMode.Queued, config.IoMode);
        Assert.Equal(new ImageSpec("/var/tmp/s/a.img", 64L << 20), Assert.Single(config.Images));
        Assert.Equal("create-instance subdriver=physical name=a path=/var/tmp/s/a.img", Assert.Single(config.Commands));
    }

    [Fact]
    public void Parse_Defaults_MatchTheDocumentation()
    {
        var config = DaemonConfig.Parse("", "empty");
        Assert.Equal("/mnt/vdm", config.MountPoint);
        Assert.Equal("/var/lib/vdmfuse", config.StateDirectory);
        Assert.Equal("/var/lib/vdmfuse/vdmfuse.log", config.EffectiveLogFile);
        Assert.Equal("info", config.LogLevel);
        Assert.True(config.AllowOther);
    }

    [Theory]
    [InlineData("colour = blue", "test.conf:1: unknown setting 'colour'")]
    [InlineData("just words", "test.conf:1: expected 'key = value', found 'just words'")]
    [InlineData("mountpoint = relative/path", "test.conf:1: mountpoint must be an absolute path, not 'relative/path'")]
    [InlineData("log-level = loud", "test.conf:1: log-level must be trace, debug, info, warn or error, not 'loud'")]
    [InlineData("io-mode = fast", "test.conf:1: io-mode must be hybrid, inline or aio, not 'fast'")]
    [InlineData("allow-other = maybe", "test.conf:1: allow-other must be yes or no, not 'maybe'")]
    [InlineData("image = /a.img", "test.conf:1: image needs a path and a size ('image = /var/lib/vdmfuse/disk0.img 1G'), found '/a.img'")]
    [InlineData("image = /a.img 1000", "test.conf:1: image size '1000' is not a positive multiple of 512 bytes")]
    [InlineData("\n\ncommand =", "test.conf:3: command is empty")]
    public void Parse_BadLine_EinvalNamingFileAndLine(string text, string message)
    {
        var e = Assert.Throws<ErrnoException>(() => DaemonConfig.Parse(text, "test.conf"));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Load_MissingFile_EnoentNamingPath()
    {
        var e = Assert.Throws<ErrnoException>(() => DaemonConfig.Load("/nonexistent/vdmfuse.conf"));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Contains("/nonexistent/vdmfuse.conf", e.Message);
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("4K", 4096)]
    [InlineData("1G", 1L << 30)]
    [InlineData("2048s", 2048L * 512)]
    [InlineData("1t", 1L << 40)]
    public void TryParseSize_Units_Bytes(string text, long bytes)
    {
        Assert.True(DaemonConfig.TryParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("-1")]
    [InlineData("1.5G")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999T")]
    public void TryParseSize_Garbage_False(string text) => Assert.False(DaemonConfig.TryParseSize(text, out _));

    [Fact]
    public void EmbeddedDefault_TwoImagesTwoDisksTwoPartitions()
    {
        var config = EmbeddedDefault.Load();
        Assert.Equal(2, config.Images.Count);
        Assert.All(config.Images, i => Assert.Equal(1L << 30, i.Size));
        Assert.Equal(4, config.Commands.Count);
        // The partitions end exactly at the end of their 1 GiB disks.
        Assert.All(config.Commands.Where(c => c.Contains("partition")), c => Assert.Contains("start=2048 size=2095104", c));
        Assert.Equal((1L << 30) / 512, 2048 + 2095104);
    }

    [Theory]
    [InlineData("disk", 6u, "disk")]
    [InlineData("6", 6u, "disk")]
    [InlineData("0", 0u, "root")]
    [InlineData("4242", 4242u, "4242")]
    public void Parse_AdminGroup_ByNameOrGid(string value, uint gid, string name)
    {
        var config = DaemonConfig.Parse($"admin-group = {value}", "test.conf");
        Assert.Equal(new ControlPlane.AdminGroup(gid, name), config.AdminGroup);
    }

    [Fact]
    public void Parse_NoAdminGroup_Null()
    {
        Assert.Null(DaemonConfig.Parse("", "empty").AdminGroup);
    }

    [Theory]
    [InlineData("admin-group = nosuchgroupxyz", "test.conf:1: admin-group 'nosuchgroupxyz' is not a group of this system (give a group name or a numeric gid)")]
    [InlineData("admin-group =", "test.conf:1: admin-group needs a group name or a numeric gid")]
    public void Parse_UnknownAdminGroup_EINVALNamingTheLine(string text, string message)
    {
        var error = Assert.Throws<ErrnoException>(() => DaemonConfig.Parse(text, "test.conf"));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ExampleConfiguration_Parses_WithItsDocumentedAdminGroup()
    {
        var text = File.ReadAllText(RepositoryFile("vdmfuse.conf.example"));
        Assert.Contains("# admin-group = disk", text);
        Assert.Null(DaemonConfig.Parse(text, "vdmfuse.conf.example").AdminGroup);
        var config = DaemonConfig.Parse(text.Replace("# admin-group = disk", "admin-group = disk"), "vdmfuse.conf.example");
        Assert.Equal(6u, config.AdminGroup!.Gid);
    }

    [Fact]
    public void Parse_ConfigCopies_WholeFilesAndRanges()
    {
        var config = DaemonConfig.Parse("state-dir = /s\nconfig-copy = /s/c0\nconfig-copy = /dev/sdb 1048576 65536\n", "t");

        Assert.Equal([new RecordLocation("/s/c0"), new RecordLocation("/dev/sdb", 1048576, 65536)], config.ConfigCopies);
        Assert.Equal(config.ConfigCopies, config.EffectiveConfigCopies);
    }

    [Fact]
    public void Parse_ConfigCopyOnAnInstance_KeptAsInstanceLocation()
    {
        var config = DaemonConfig.Parse("state-dir = /s\nconfig-copy = instance:p0\nconfig-copy = /s/c1\n", "t");

        var copy = config.ConfigCopies[0];
        Assert.True(copy.IsInstance);
        Assert.Equal("p0", copy.InstanceName);
        Assert.Equal(RecordLocation.OfInstance("p0"), copy);
        Assert.Equal(new RecordLocation("/s/c1"), config.ConfigCopies[1]);
    }

    [Fact]
    public void EffectiveConfigCopies_NoneConfigured_TwoFilesInTheStateDirectory() =>
        Assert.Equal([new RecordLocation("/s/config.0"), new RecordLocation("/s/config.1")],
            DaemonConfig.Parse("state-dir = /s\n", "t").EffectiveConfigCopies);

    [Theory]
    [InlineData("config-copy = /dev/sdb 100 65536", "t:1: configuration copy '/dev/sdb' [100+65536]: the offset must be a non-negative multiple of 512")]
    [InlineData("config-copy = /dev/sdb 4096", "t:1: configuration copy '/dev/sdb 4096' is not 'PATH', 'PATH OFFSET LENGTH' or 'instance:NAME'")]
    [InlineData("config-copy = instance:p0 0 4096", "t:1: configuration copy 'instance:p0' takes the whole instance: give no offset or length")]
    [InlineData("config-copy = instance:-p0", "t:1: configuration copy 'instance:-p0' does not name an instance: 'instance:' must be followed by an instance name")]
    [InlineData("config-copy = relative/c0", "t:1: config-copy must be an absolute path, not 'relative/c0'")]
    public void Parse_BadConfigCopy_EINVALNamingTheLine(string text, string message)
    {
        var error = Assert.Throws<ErrnoException>(() => DaemonConfig.Parse(text, "t"));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ExampleConfiguration_ConfigCopyLines_DocumentedAndCommentedOut()
    {
        var text = File.ReadAllText(RepositoryFile("vdmfuse.conf.example"));
        Assert.Contains("# config-copy = /var/lib/vdmfuse/config.0", text);
        var config = DaemonConfig.Parse(text.Replace("# config-copy = /", "config-copy = /"), "vdmfuse.conf.example");
        Assert.Equal(3, config.ConfigCopies.Count);
        var withInstance = DaemonConfig.Parse(text.Replace("# config-copy = instance:", "config-copy = instance:"), "vdmfuse.conf.example");
        Assert.Equal(RecordLocation.OfInstance("cfg0"), Assert.Single(withInstance.ConfigCopies));
    }

    private static string RepositoryFile(string name, [CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", name));
}
