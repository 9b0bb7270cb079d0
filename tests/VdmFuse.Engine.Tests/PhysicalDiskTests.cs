using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class PhysicalDiskTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Open_ImageFile_ReportsSizeSubdriverAndBacking()
    {
        var path = _scratch.CreateFile("d0.img", MiB);
        using var disk = PhysicalDisk.Open("d0", path);
        Assert.Equal("physical", disk.Subdriver);
        Assert.Equal(MiB, disk.Size);
        Assert.Equal(512, disk.SectorSize);
        Assert.Equal(path, disk.Path);
        Assert.True(disk.Direct);
        Assert.False(disk.IsBlockDevice);
        Assert.Empty(disk.Children);
        Assert.Null(disk.Parent);
        Assert.Equal("usable", disk.State);
    }

    [Fact]
    public void Open_FileNotAMultipleOfTheSector_UsesWholeSectorsOnly()
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", 4096 + 700));
        Assert.Equal(4096 + 512, disk.Size);
    }

    [Fact]
    public void Open_FileSmallerThanASector_ThrowsEINVALNamingPath()
    {
        var path = _scratch.CreateFile("tiny.img", 100);
        var error = Assert.Throws<ErrnoException>(() => PhysicalDisk.Open("d0", path));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task WriteThenRead_Aligned_RoundTripsAndReachesTheFile()
    {
        var path = _scratch.CreateFile("d0.img", MiB);
        using var disk = PhysicalDisk.Open("d0", path);
        var data = TestData.Random(8192, seed: 10);
        await disk.WriteAsync(65536, data);
        var back = new byte[8192];
        await disk.ReadAsync(65536, back);
        Assert.Equal(data, back);
        await disk.FlushAsync();
        Assert.Equal(data, File.ReadAllBytes(path).AsSpan(65536, 8192).ToArray());
    }

    [Fact]
    public void WriteThenRead_ThroughAnAioLoop_RoundTrips()
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", MiB));
        using var loop = new AioLoop();
        var data = TestData.Random(4096, seed: 11);
        var write = disk.WriteAsync(4096, data);
        Assert.False(write.IsCompleted);
        loop.Run(write);
        var back = new byte[4096];
        loop.Run(disk.ReadAsync(4096, back));
        Assert.Equal(data, back);
        Assert.Equal(1, disk.Statistics.Reads);
        Assert.Equal(1, disk.Statistics.Writes);
    }

    [Fact]
    public async Task Read_PastTheEnd_ThrowsENXIONamingTheInstance()
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", MiB));
        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await disk.ReadAsync(MiB, new byte[4096]));
        Assert.Equal(Errno.ENXIO, error.Errno);
        Assert.Equal("read of 4096 bytes at offset 1048576 is past the end of physical 'd0' (1048576 bytes)", error.Message);
    }

    [Fact]
    public async Task Write_StraddlingTheEnd_ThrowsENXIOAndWritesNothing()
    {
        var path = _scratch.CreateFile("d0.img", MiB);
        using var disk = PhysicalDisk.Open("d0", path);
        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await disk.WriteAsync(MiB - 512, TestData.Filled(1024, 7)));
        Assert.Equal(Errno.ENXIO, error.Errno);
        Assert.Equal(0, disk.WriteStamp);
        Assert.All(File.ReadAllBytes(path).AsSpan(MiB - 512).ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(100, 512)]
    [InlineData(512, 100)]
    public async Task Read_Misaligned_ThrowsEINVALNamingTheInstance(long offset, int length)
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", MiB));
        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await disk.ReadAsync(offset, new byte[length]));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal($"read of {length} bytes at offset {offset} on physical 'd0' is not aligned to its 512-byte sectors", error.Message);
    }

    [Fact]
    public async Task Write_NegativeOffset_ThrowsEINVAL()
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", MiB));
        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await disk.WriteAsync(-512, new byte[512]));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("physical 'd0'", error.Message);
    }

    [Fact]
    public async Task Statistics_AfterMixedIo_CountsOperationsBytesAndErrors()
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", MiB));
        await disk.WriteAsync(0, new byte[4096]);
        await disk.WriteAsync(8192, new byte[1024]);
        await disk.ReadAsync(0, new byte[512]);
        await disk.FlushAsync();
        await Assert.ThrowsAsync<ErrnoException>(async () => await disk.ReadAsync(3, new byte[512]));
        await Assert.ThrowsAsync<ErrnoException>(async () => await disk.ReadAsync(MiB, new byte[512]));
        var stats = disk.Statistics;
        Assert.Equal(2, stats.Writes);
        Assert.Equal(5120, stats.BytesWritten);
        Assert.Equal(1, stats.Reads);
        Assert.Equal(512, stats.BytesRead);
        Assert.Equal(1, stats.Flushes);
        Assert.Equal(2, stats.Errors);
        Assert.True(stats.WriteTicks > 0);
        Assert.True(stats.ReadTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task WriteStamp_GrowsOnWritesOnly()
    {
        using var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", MiB));
        Assert.Equal(0, disk.WriteStamp);
        await disk.WriteAsync(0, new byte[512]);
        var first = disk.WriteStamp;
        Assert.True(first > 0);
        await disk.ReadAsync(0, new byte[512]);
        Assert.Equal(first, disk.WriteStamp);
        await disk.WriteAsync(512, new byte[512]);
        Assert.True(disk.WriteStamp > first);
    }

    [Fact]
    public async Task Dispose_ClosesTheBackingFile()
    {
        var disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", MiB));
        disk.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await disk.ReadAsync(0, new byte[512]));
    }
}
