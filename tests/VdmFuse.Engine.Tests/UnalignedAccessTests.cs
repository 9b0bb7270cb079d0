using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class UnalignedAccessTests : IDisposable
{
    private const int Size = 256 * 1024;
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task RandomRanges_OnAPhysicalDisk_MatchAReferenceArray()
    {
        var initial = TestData.Random(Size, seed: 30);
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", initial));
        await CheckRandomRangesAsync(disk, initial, seed: 31);
    }

    [Fact]
    public async Task RandomRanges_OnAPartition_MatchAReferenceArray()
    {
        var initial = TestData.Random(2 * Size, seed: 32);
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", initial));
        using var partition = new PartitionDisk("p0", disk, 64, Size / 512);
        await CheckRandomRangesAsync(partition, initial.AsSpan(64 * 512, Size).ToArray(), seed: 33);
        var whole = new byte[2 * Size];
        await disk.ReadAsync(0, whole);
        Assert.Equal(initial.AsSpan(0, 64 * 512).ToArray(), whole.AsSpan(0, 64 * 512).ToArray());
        Assert.Equal(initial.AsSpan(64 * 512 + Size).ToArray(), whole.AsSpan(64 * 512 + Size).ToArray());
    }

    [Fact]
    public void RandomRanges_ThroughAnAioLoop_MatchAReferenceArray()
    {
        var reference = TestData.Random(Size, seed: 34);
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", reference));
        using var loop = new AioLoop();
        var random = new Random(35);
        for (var i = 0; i < 100; i++)
        {
            var (offset, length) = RandomRange(random);
            var data = TestData.Random(length, seed: 1000 + i);
            loop.Run(disk.WriteUnalignedAsync(offset, data));
            data.CopyTo(reference, offset);
            var (readOffset, readLength) = RandomRange(random);
            var back = new byte[readLength];
            loop.Run(disk.ReadUnalignedAsync(readOffset, back));
            Assert.Equal(reference.AsSpan(readOffset, readLength).ToArray(), back);
        }
    }

    [Fact]
    public async Task ReadUnaligned_PastTheEnd_ThrowsENXIONotClipped()
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", 4096));
        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await disk.ReadUnalignedAsync(4000, new byte[100]));
        Assert.Equal(Errno.ENXIO, error.Errno);
        Assert.Equal("read of 100 bytes at offset 4000 is past the end of physical 'd0' (4096 bytes)", error.Message);
    }

    [Fact]
    public async Task WriteUnaligned_ConcurrentBytesInTheSameSectors_AllSurvive()
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", 4096));
        var writers = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            await disk.WriteUnalignedAsync(100 + i * 3, new[] { (byte)(i + 1) })));
        await Task.WhenAll(writers);
        var back = new byte[4096];
        await disk.ReadAsync(0, back);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal((byte)(i + 1), back[100 + i * 3]);
        }
    }

    private static async Task CheckRandomRangesAsync(DiskInstance disk, byte[] reference, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 300; i++)
        {
            var (offset, length) = RandomRange(random);
            if (random.Next(2) == 0)
            {
                var data = TestData.Random(length, seed: seed * 1000 + i);
                await disk.WriteUnalignedAsync(offset, data);
                data.CopyTo(reference, offset);
            }
            else
            {
                var back = new byte[length];
                await disk.ReadUnalignedAsync(offset, back);
                Assert.Equal(reference.AsSpan(offset, length).ToArray(), back);
            }
        }
        var whole = new byte[Size];
        await disk.ReadAsync(0, whole);
        Assert.Equal(reference, whole);
    }

    /// <summary>A range inside the disk: mostly small and odd, sometimes spanning many sectors, sometimes at the very end.</summary>
    private static (int Offset, int Length) RandomRange(Random random)
    {
        var length = random.Next(4) switch
        {
            0 => random.Next(1, 512),
            1 => random.Next(1, 1100),
            2 => random.Next(1, 20000),
            _ => 512 * random.Next(1, 8),
        };
        var offset = random.Next(6) == 0 ? Size - length : random.Next(0, Size - length + 1);
        return (offset, length);
    }
}
