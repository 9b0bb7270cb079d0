using System.Buffers.Binary;
using System.IO.Hashing;
using VdmFuse.Daemon.Hosting;
using VdmFuse.Engine.Metadata;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// The exit codes the daemon returns before it mounts, from <see cref="Program.Main"/> run in the foreground:
/// 1, 3, 4, 6, 7 and 8. (0, 2, 5 and 9 need a mount: the integration tests start the real daemon for them.)
/// </summary>
[Collection(nameof(ProgramExitCodeTests))]
public sealed class ProgramExitCodeTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public ProgramExitCodeTests()
    {
        Directory.CreateDirectory(StateDirectory);
    }

    private string StateDirectory => _scratch["state"];

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("-r", "foo")]
    [InlineData("-x", "3")]
    [InlineData("-q")]
    public void BadOption_Exit1(params string[] args) => Assert.Equal(ExitCodes.BadOption, Program.Main([.. args, "-f"]));

    [Fact]
    public void BadConfigurationFile_Exit1() =>
        Assert.Equal(ExitCodes.BadOption, Program.Main(["-f", "-c", WriteConfig("colour = blue\n"), _scratch["mnt"]]));

    [Fact]
    public void LockHeld_Exit3()
    {
        using var held = StateLock.TryAcquire(StateDirectory, out _);

        Assert.Equal(ExitCodes.AlreadyRunning, Program.Main(["-f", "-c", WriteConfig(), _scratch["mnt"]]));
    }

    [Fact]
    public void ResetWhileAnotherDaemonRuns_Exit3()
    {
        using var held = StateLock.TryAcquire(StateDirectory, out _);

        Assert.Equal(ExitCodes.AlreadyRunning, Program.Main(["-f", "-r", "reset", "-c", WriteConfig(), _scratch["mnt"]]));
    }

    [Fact]
    public void StateDirectoryCannotBeCreated_Exit4()
    {
        var file = _scratch.CreateFile("plain", 0);
        var config = WriteConfig($"state-dir = {file}/state\n", withStateDir: false);

        Assert.Equal(ExitCodes.StartFailed, Program.Main(["-f", "-c", config, _scratch["mnt"]]));
    }

    [Fact]
    public void ResetOfACopyThatCannotBeWritten_Exit7()
    {
        var file = _scratch.CreateFile("plain", 0);
        var config = WriteConfig($"config-copy = {_scratch["c0"]}\nconfig-copy = {file}/c1\n");

        Assert.Equal(ExitCodes.ResetFailed, Program.Main(["-f", "-r", "reset", "-c", config, _scratch["mnt"]]));
    }

    [Fact]
    public void CopyOfANewerFormatVersion_Exit6()
    {
        var copies = new[] { new RecordLocation(Path.Combine(StateDirectory, "config.0")), new RecordLocation(Path.Combine(StateDirectory, "config.1")) };
        Assert.True(ConfigDatabase.Open(copies).IsEnabled);
        using (var file = new FileStream(copies[0].Path, FileMode.Open, FileAccess.ReadWrite))
        {
            var header = new byte[64];
            file.ReadExactly(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 2);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(60), Crc32.HashToUInt32(header.AsSpan(0, 60)));
            file.Position = 0;
            file.Write(header);
        }

        Assert.Equal(ExitCodes.UnsupportedFormat, Program.Main(["-f", "-c", WriteConfig(), _scratch["mnt"]]));
    }

    [Fact]
    public void MountPointIsAFile_Exit8()
    {
        var file = _scratch.CreateFile("mnt-file", 0);

        Assert.Equal(ExitCodes.MountFailed, Program.Main(["-f", "-c", WriteConfig(), file]));
        Assert.Null(StateLock.FindHolder(StateDirectory));
    }

    private string WriteConfig(string extra = "", bool withStateDir = true)
    {
        var path = _scratch["vdmfuse.conf"];
        File.WriteAllText(path, (withStateDir ? $"state-dir = {StateDirectory}\n" : "") + extra);
        return path;
    }
}
