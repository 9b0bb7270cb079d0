using VdmFuse.Engine.Mirror;

namespace VdmFuse.Engine.Tests.Mirror;

public sealed class RangeLockTests
{
    [Fact]
    public async Task Shared_Overlapping_BothGranted()
    {
        var ranges = new RangeLock();
        using var first = await ranges.AcquireSharedAsync(0, 100);
        using var second = await ranges.AcquireSharedAsync(50, 100);
        Assert.Equal(2, ranges.HeldCount);
    }

    [Fact]
    public async Task Exclusive_WaitsForOverlappingShared_ThenNewSharedWaits()
    {
        var ranges = new RangeLock();
        var shared = await ranges.AcquireSharedAsync(0, 100);
        var exclusive = ranges.AcquireExclusiveAsync(50, 10).AsTask();
        var later = ranges.AcquireSharedAsync(55, 1).AsTask();
        var elsewhere = await ranges.AcquireSharedAsync(200, 10);

        Assert.False(exclusive.IsCompleted);
        Assert.False(later.IsCompleted);
        shared.Dispose();
        var held = await exclusive.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(later.IsCompleted);
        held.Dispose();
        (await later.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        elsewhere.Dispose();
        Assert.Equal(0, ranges.HeldCount);
    }
}
