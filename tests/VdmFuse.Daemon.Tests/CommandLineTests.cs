using VdmFuse.Daemon.Hosting;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public class CommandLineTests
{
    [Fact]
    public void Parse_AllOptions_Read()
    {
        var c = CommandLine.Parse(new[] { "-f", "-c", "/etc/v.conf", "/mnt/x" });
        Assert.Equal(new CommandLine(true, "/etc/v.conf", "/mnt/x", false), c);
    }

    [Fact]
    public void Parse_Nothing_Defaults()
    {
        var c = CommandLine.Parse(Array.Empty<string>());
        Assert.Equal(new CommandLine(false, null, null, false), c);
        Assert.False(c.StartDisabled);
        Assert.False(c.KillRunning);
        Assert.False(c.Reset);
        Assert.Null(c.DebugLevel);
        Assert.Equal("vdm", c.RequestFile);
        Assert.Equal("vdmdiag", c.DiagnosticFile);
    }

    [Fact]
    public void Parse_VoldOptions_Read()
    {
        var c = CommandLine.Parse(new[] { "-d", "-k", "-f", "-r", "reset", "-x", "2", "-R", "req", "-D", "diag", "-c", "/etc/v.conf", "/mnt/x" });
        Assert.True(c.StartDisabled);
        Assert.True(c.KillRunning);
        Assert.True(c.Foreground);
        Assert.True(c.Reset);
        Assert.Equal(2, c.DebugLevel);
        Assert.Equal("req", c.RequestFile);
        Assert.Equal("diag", c.DiagnosticFile);
        Assert.Equal("/etc/v.conf", c.ConfigPath);
        Assert.Equal("/mnt/x", c.MountPoint);
    }

    [Theory]
    [InlineData(0, "info")]
    [InlineData(1, "debug")]
    [InlineData(2, "trace")]
    public void LogLevelOf_DebugLevel_NLogLevel(int level, string expected) => Assert.Equal(expected, CommandLine.LogLevelOf(level));

    [Theory]
    [InlineData(new[] { "-z" }, "unknown option '-z'")]
    [InlineData(new[] { "-c" }, "option -c needs a configuration file")]
    [InlineData(new[] { "/a", "/b" }, "only one mount point may be given ('/a' and '/b')")]
    [InlineData(new[] { "-r", "foo" }, "option -r takes only the literal argument 'reset', not 'foo'")]
    [InlineData(new[] { "-r" }, "option -r needs the argument 'reset'")]
    [InlineData(new[] { "-x", "3" }, "debug level '3' is not 0, 1 or 2")]
    [InlineData(new[] { "-x", "one" }, "debug level 'one' is not 0, 1 or 2")]
    [InlineData(new[] { "-x" }, "option -x needs a debug level (0, 1 or 2)")]
    [InlineData(new[] { "-R" }, "option -R needs a file name")]
    [InlineData(new[] { "-D", "a/b" }, "option -D: 'a/b' is not a file name under the mount (one component, not dsk, rdsk or plex)")]
    [InlineData(new[] { "-R", "dsk" }, "option -R: 'dsk' is not a file name under the mount (one component, not dsk, rdsk or plex)")]
    [InlineData(new[] { "-R", "x", "-D", "x" }, "the request and diagnostic control files must differ (both are 'x')")]
    public void Parse_Bad_ArgumentExceptionWithMessage(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => CommandLine.Parse(args)).Message);
}
