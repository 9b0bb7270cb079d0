using System.Diagnostics;
using NLog;
using NLog.Config;
using NLog.Targets;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Native.Tests;

/// <summary>
/// A file system that refuses O_DIRECT: ramfs has no direct I/O, so open(O_DIRECT) fails with EINVAL there.
/// BlockFile must say so in the log and carry on with buffered I/O.
/// </summary>
public sealed class BufferedFallbackTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();
    private readonly string _mount;

    public BufferedFallbackTests()
    {
        _mount = Path.Combine(_scratch.Path, "ramfs");
        Directory.CreateDirectory(_mount);
        Run("mount", "-t", "ramfs", "ramfs", _mount);
    }

    public void Dispose()
    {
        Run("umount", _mount);
        _scratch.Dispose();
    }

    [Fact]
    public async Task Open_FileSystemWithoutODirect_FallsBackToBufferedAndWarns()
    {
        var path = Path.Combine(_mount, "disk.img");
        using (var f = File.Create(path))
        {
            f.SetLength(1 << 20);
        }
        var memory = new MemoryTarget("fallback") { Layout = "${level} ${message}" };
        var previous = LogManager.Configuration;
        var config = new LoggingConfiguration();
        config.AddRule(LogLevel.Warn, LogLevel.Fatal, memory);
        LogManager.Configuration = config;
        try
        {
            using var file = BlockFile.Open(path);

            Assert.False(file.Direct);
            var data = TestData.Random(4096, seed: 7);
            Assert.Equal(4096, await file.WriteAsync(4096, data));
            await file.FlushAsync();
            var back = new byte[4096];
            Assert.Equal(4096, await file.ReadAsync(4096, back));
            Assert.Equal(data, back);
            var warning = Assert.Single(memory.Logs);
            Assert.Equal($"Warn '{path}' is on a file system that does not support O_DIRECT; using buffered I/O with fdatasync on flush", warning);
        }
        finally
        {
            LogManager.Configuration = previous;
        }
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)}: {err}");
    }
}
