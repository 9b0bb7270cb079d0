using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class DiskGeometryTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void GetGeometry_Physical_255HeadsAnd63SectorsAndWholeCylinders()
    {
        using var disk = PhysicalDisk.Open("a", _scratch.CreateFile("a.img", 64L << 20));
        var geometry = disk.GetGeometry();
        Assert.Equal(131072, geometry.TotalBlocks);
        Assert.Equal(disk.SectorSize, geometry.SectorSize);
        Assert.Equal(63, geometry.SectorsPerTrack);
        Assert.Equal(255, geometry.TracksPerCylinder);
        Assert.Equal(131072 / (255 * 63), geometry.Cylinders);
        Assert.Equal(8, geometry.Cylinders);
    }

    [Fact]
    public void GetGeometry_SmallerThanACylinder_ZeroCylinders()
    {
        using var disk = new MemoryDisk("m", 512 * 100);
        Assert.Equal(new DiskGeometry(100, 512, 63, 255, 0), disk.GetGeometry());
    }

    [Fact]
    public void GetGeometry_Partition_CountsItsOwnBlocks()
    {
        using var disk = PhysicalDisk.Open("a", _scratch.CreateFile("a.img", 32L << 20));
        using var partition = new PartitionDisk("p", disk, 2048, 16065 * 2 + 5);
        var geometry = partition.GetGeometry();
        Assert.Equal(16065 * 2 + 5, geometry.TotalBlocks);
        Assert.Equal(2, geometry.Cylinders);
        Assert.True(partition.IsUsable);
        Assert.Equal("usable", partition.State);
    }

    [Fact]
    public void GetGeometry_NotUsable_RefusedWithEINVAL()
    {
        using var disk = new OfflineDisk("gone");
        Assert.False(disk.IsUsable);
        var error = Assert.Throws<ErrnoException>(() => disk.GetGeometry());
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal("offline 'gone' is not usable (state unusable)", error.Message);
    }

    /// <summary>An instance whose storage is gone: the state a later subdriver (a mirror without images) reports.</summary>
    private sealed class OfflineDisk(string name) : DiskInstance(name, [])
    {
        public override string Subdriver => "offline";

        public override long Size => 512;

        public override bool IsUsable => false;

        protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer) =>
            ValueTask.FromException(new ErrnoException(Errno.EIO, $"{this} is offline"));

        protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer) =>
            ValueTask.FromException(new ErrnoException(Errno.EIO, $"{this} is offline"));

        protected override ValueTask FlushCoreAsync() => ValueTask.CompletedTask;
    }
}
