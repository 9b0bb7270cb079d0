using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class PartitionDiskTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly ScratchDirectory _scratch = new();
    private readonly PhysicalDisk _disk;

    public PartitionDiskTests()
    {
        _disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", 4 * MiB));
    }

    public void Dispose()
    {
        _disk.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public void Create_InsideTheChild_ReportsGeometryAndParent()
    {
        using var p0 = new PartitionDisk("p0", _disk, 2048, 4096);
        Assert.Equal("partition", p0.Subdriver);
        Assert.Equal(2 * MiB, p0.Size);
        Assert.Equal(MiB, p0.StartOffset);
        Assert.Same(_disk, Assert.Single(p0.Children));
        Assert.Same(p0, _disk.Parent);
        Assert.Same(p0, Assert.Single(_disk.Parents));
    }

    [Fact]
    public void Create_EndingExactlyAtTheChildEnd_IsAccepted()
    {
        using var p0 = new PartitionDisk("p0", _disk, 0, 8192);
        Assert.Equal(_disk.Size, p0.Size);
    }

    [Fact]
    public void Create_PastTheChildEnd_ThrowsEINVALNamingBoth()
    {
        var error = Assert.Throws<ErrnoException>(() => new PartitionDisk("p0", _disk, 4096, 4097));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal("partition 'p0' (start 4096, 4097 blocks) does not fit in physical 'd0' (8192 blocks of 512 bytes)", error.Message);
        Assert.Empty(_disk.Parents);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, 0)]
    [InlineData(0, -5)]
    [InlineData(long.MaxValue, 10)]
    [InlineData(10, long.MaxValue)]
    public void Create_BadStartOrSize_ThrowsEINVAL(long start, long size)
    {
        var error = Assert.Throws<ErrnoException>(() => new PartitionDisk("p0", _disk, start, size));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("'p0'", error.Message);
    }

    [Fact]
    public async Task Write_ThroughThePartition_LandsAtItsStartOnTheChild()
    {
        using var p0 = new PartitionDisk("p0", _disk, 2048, 4096);
        var data = TestData.Random(4096, seed: 20);
        await p0.WriteAsync(8192, data);
        var back = new byte[4096];
        await _disk.ReadAsync(MiB + 8192, back);
        Assert.Equal(data, back);
        await p0.ReadAsync(8192, back);
        Assert.Equal(data, back);
    }

    [Fact]
    public async Task Read_PastThePartitionEnd_ThrowsENXIOWithExactMessage()
    {
        using var p0 = new PartitionDisk("p0", _disk, 2048, 2048);
        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await p0.ReadAsync(MiB, new byte[4096]));
        Assert.Equal(Errno.ENXIO, error.Errno);
        Assert.Equal("read of 4096 bytes at offset 1048576 is past the end of partition 'p0' (1048576 bytes)", error.Message);
        Assert.Equal(0, _disk.Statistics.Reads + _disk.Statistics.Errors);
    }

    [Fact]
    public async Task PartitionOfPartition_MapsThroughBothLevels()
    {
        using var p0 = new PartitionDisk("p0", _disk, 2048, 4096);
        using var p1 = new PartitionDisk("p1", p0, 100, 200);
        var data = TestData.Random(1024, seed: 21);
        await p1.WriteAsync(512, data);
        var back = new byte[1024];
        await _disk.ReadAsync((2048 + 100 + 1) * 512, back);
        Assert.Equal(data, back);

        var chain = p1.AddressOf(1000);
        Assert.Equal(3, chain.Count);
        Assert.Equal((p1, 1000L), (chain[0].Instance as PartitionDisk, chain[0].Offset));
        Assert.Equal((p0, 100 * 512 + 1000L), (chain[1].Instance as PartitionDisk, chain[1].Offset));
        Assert.Same(_disk, chain[2].Instance);
        Assert.Equal((2048 + 100) * 512 + 1000L, chain[2].Offset);
    }

    [Fact]
    public void AddressOf_OutsideTheInstance_ThrowsENXIO()
    {
        using var p0 = new PartitionDisk("p0", _disk, 2048, 8);
        var error = Assert.Throws<ErrnoException>(() => p0.AddressOf(4096));
        Assert.Equal(Errno.ENXIO, error.Errno);
        Assert.Contains("partition 'p0'", error.Message);
    }

    [Fact]
    public async Task Statistics_AreRecordedAtEveryLevel()
    {
        using var p0 = new PartitionDisk("p0", _disk, 2048, 4096);
        using var p1 = new PartitionDisk("p1", p0, 0, 100);
        await p1.WriteAsync(0, new byte[2048]);
        await p1.ReadAsync(0, new byte[1024]);
        await Assert.ThrowsAsync<ErrnoException>(async () => await p1.ReadAsync(100 * 512, new byte[512]));
        foreach (var level in new DiskInstance[] { p1, p0, _disk })
        {
            Assert.Equal(1, level.Statistics.Writes);
            Assert.Equal(2048, level.Statistics.BytesWritten);
            Assert.Equal(1, level.Statistics.Reads);
            Assert.Equal(1024, level.Statistics.BytesRead);
        }
        Assert.Equal(1, p1.Statistics.Errors);
        Assert.Equal(0, p0.Statistics.Errors);
    }

    [Fact]
    public async Task WriteStamp_FollowsThePhysicalDiskWhoeverWrites()
    {
        using var p0 = new PartitionDisk("p0", _disk, 2048, 4096);
        using var p1 = new PartitionDisk("p1", _disk, 0, 2048);
        var before = p0.WriteStamp;
        await p1.WriteAsync(0, new byte[512]);
        Assert.True(p0.WriteStamp > before);
        Assert.Equal(_disk.WriteStamp, p0.WriteStamp);
        var afterOther = p0.WriteStamp;
        await p0.WriteAsync(0, new byte[512]);
        Assert.True(p0.WriteStamp > afterOther);
    }

    [Fact]
    public void Dispose_DetachesFromTheChild()
    {
        var p0 = new PartitionDisk("p0", _disk, 0, 8);
        Assert.Single(_disk.Parents);
        p0.Dispose();
        Assert.Empty(_disk.Parents);
    }
}
