using VdmFuse.Daemon.Hosting;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public sealed class StateLockTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void TryAcquire_Free_TakesItAndWritesThePid()
    {
        using var held = StateLock.TryAcquire(_scratch.Path, out var holder);

        Assert.NotNull(held);
        Assert.Equal(0, holder);
        Assert.Equal(Environment.ProcessId, StateLock.FindHolder(_scratch.Path));
    }

    [Fact]
    public void TryAcquire_Held_NullWithTheHoldersPid()
    {
        using var first = StateLock.TryAcquire(_scratch.Path, out _);

        using var second = StateLock.TryAcquire(_scratch.Path, out var holder);

        Assert.Null(second);
        Assert.Equal(Environment.ProcessId, holder);
    }

    [Fact]
    public void Dispose_Held_FreesTheLockForTheNext()
    {
        StateLock.TryAcquire(_scratch.Path, out _)!.Dispose();

        Assert.Null(StateLock.FindHolder(_scratch.Path));
        using var again = StateLock.TryAcquire(_scratch.Path, out _);
        Assert.NotNull(again);
    }

    [Fact]
    public void FindHolder_NoLockFile_Null() => Assert.Null(StateLock.FindHolder(_scratch["nowhere"]));

    [Fact]
    public void Stop_NoDaemon_TrueAtOnce() => Assert.True(RunningDaemon.Stop(_scratch.Path, TimeSpan.FromSeconds(1)));

    [Fact]
    public void Stop_HolderThatDiesOnSigterm_TrueOnceTheLockIsFree()
    {
        // sh writes its pid into the lock file, then becomes flock(1) holding the lock around a long sleep.
        using var holder = StartHolder("echo $$ > vdmfuse.lock; exec flock -x -o vdmfuse.lock sleep 60");
        WaitUntilHeld();
        Assert.Equal(holder.Id, StateLock.FindHolder(_scratch.Path));

        Assert.True(RunningDaemon.Stop(_scratch.Path, TimeSpan.FromSeconds(10)));

        Assert.True(holder.WaitForExit(5000));
        Assert.Null(StateLock.FindHolder(_scratch.Path));
    }

    [Fact]
    public void Stop_HolderThatSurvives_FalseAfterTheTimeout()
    {
        // The holder's pid is not in the file (0): nothing can be signalled, and the lock stays.
        using var holder = StartHolder("echo 0 > vdmfuse.lock; exec flock -x -o vdmfuse.lock sleep 60");
        WaitUntilHeld();
        try
        {
            Assert.False(RunningDaemon.Stop(_scratch.Path, TimeSpan.FromMilliseconds(300)));
            using var second = StateLock.TryAcquire(_scratch.Path, out var pid);
            Assert.Null(second);
            Assert.Equal(0, pid);
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    private System.Diagnostics.Process StartHolder(string script)
    {
        var start = new System.Diagnostics.ProcessStartInfo("sh") { WorkingDirectory = _scratch.Path };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return System.Diagnostics.Process.Start(start)!;
    }

    private void WaitUntilHeld()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (StateLock.FindHolder(_scratch.Path) is null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the holder did not take the lock");
            Thread.Sleep(20);
        }
    }
}
