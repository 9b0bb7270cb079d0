using VdmFuse.Engine.Fault;
using VdmFuse.Engine.Remap;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Remap;

/// <summary>Remapping over real image files opened with O_DIRECT, with media errors injected by a fault instance.</summary>
public sealed class RemapOnImageTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task WriteOverAFaultyBlock_RemappedOnDiskAndReadBackAfterReopen()
    {
        using var physical = PhysicalDisk.Open("d", _scratch.CreateFile("d.img", 8 * MiB));
        using var fault = new FaultDisk("f", physical);
        using var pt = new PartitionDisk("pt", fault, 2048, 8);
        using var st = new PartitionDisk("st", fault, 2056, 8);
        using var ra = new PartitionDisk("ra", fault, 2064, 64);
        using var p0 = new PartitionDisk("p0", fault, 4096, 8192);
        RemapDisk.Format(pt, st, ra, force: false);
        var remap = new RemapDisk("R", pt, st, ra);
        p0.LinkChild(remap, new Dictionary<string, string>());
        fault.AddRule(FaultOperation.Write, 4096 + 300, 2, Errno.EIO, 0);
        var data = Patterns(256 * 1024, 1);
        var buffer = AlignedBufferPool.Shared.Rent(data.Length);
        try
        {
            data.CopyTo(buffer.GetSpan());
            await p0.WriteAsync(256 * 512, buffer.Memory[..data.Length]);

            Assert.Equal(
                [new RemapEntry(4096 + 300, 0, RemapEntryState.Mapped), new RemapEntry(4096 + 301, 1, RemapEntryState.Mapped)],
                remap.Entries);
            p0.UnlinkChild(remap);
            remap.Dispose();
            remap = new RemapDisk("R", pt, st, ra);
            p0.LinkChild(remap, new Dictionary<string, string>());
            buffer.GetSpan()[..data.Length].Clear();
            await p0.ReadAsync(256 * 512, buffer.Memory[..data.Length]);
            Assert.True(buffer.GetSpan()[..data.Length].SequenceEqual(data));
            Assert.Equal(2, p0.RemappedBlocks);
        }
        finally
        {
            AlignedBufferPool.Shared.Return(buffer);
            p0.UnlinkChild(remap);
            remap.Dispose();
        }
    }

    [Fact]
    public async Task FourKibSectorDisk_RemapsWholeSectorsAndRefusesUnalignedBlocks()
    {
        var image = _scratch.CreateFile("d4k.img", 8 * MiB);
        using var loop = LoopDevice.Attach(image, 4096);
        using var physical = PhysicalDisk.Open("d4k", loop.Path);
        using var fault = new FaultDisk("f4k", physical);
        using var pt = new PartitionDisk("pt", fault, 2048, 16);
        using var st = new PartitionDisk("st", fault, 2064, 16);
        using var ra = new PartitionDisk("ra", fault, 2080, 64);
        using var p0 = new PartitionDisk("p0", fault, 4096, 8192);
        RemapDisk.Format(pt, st, ra, force: false);
        using var remap = new RemapDisk("R", pt, st, ra);
        p0.LinkChild(remap, new Dictionary<string, string>());
        Assert.Equal(4096, remap.UnitSize);
        Assert.Equal(8, remap.AreaBlocks);
        fault.AddRule(FaultOperation.Write, 4096 + 16, 8, Errno.EIO, 0);
        var data = Patterns(64 * 1024, 2);
        var buffer = AlignedBufferPool.Shared.Rent(data.Length);
        try
        {
            data.CopyTo(buffer.GetSpan());
            await p0.WriteAsync(0, buffer.Memory[..data.Length]);
            buffer.GetSpan()[..data.Length].Clear();
            await p0.ReadAsync(0, buffer.Memory[..data.Length]);

            Assert.True(buffer.GetSpan()[..data.Length].SequenceEqual(data));
            Assert.Equal(new RemapEntry(4096 + 16, 0, RemapEntryState.Mapped), Assert.Single(remap.Entries));
            var error = Assert.Throws<ErrnoException>(() => remap.ForceRemap(4096 + 3));
            Assert.Equal(Errno.EINVAL, error.Errno);
            Assert.Contains("is not the first block of a 4096-byte sector of disk 'f4k' (use 4096)", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            AlignedBufferPool.Shared.Return(buffer);
            p0.UnlinkChild(remap);
        }
    }

    private static byte[] Patterns(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
