using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Native.Tests;

/// <summary>Real loop devices (the tests run as root).</summary>
public sealed class BlockDeviceTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Open_LoopDevice_ReportsSizeSectorAndRoundTrips()
    {
        var image = _scratch.CreateFile("disk.img", 8 << 20);
        using var loop = LoopDevice.Attach(image);
        using (var device = BlockFile.Open(loop.Path))
        {
            Assert.True(device.IsBlockDevice);
            Assert.True(device.Direct);
            Assert.Equal(8 << 20, device.Size);
            Assert.Equal(512, device.LogicalSectorSize);
            Assert.Equal(0UL, device.Inode);
            var data = TestData.Random(4096, seed: 3);
            Assert.Equal(4096, await device.WriteAsync(1 << 20, data));
            await device.FlushAsync();
        }
        var onImage = File.ReadAllBytes(image).AsSpan(1 << 20, 4096).ToArray();
        Assert.Equal(TestData.Random(4096, seed: 3), onImage);
    }

    [Fact]
    public async Task Read_MisalignedOffsetOnBlockDevice_ThrowsEINVALNamingPathAndOffset()
    {
        var image = _scratch.CreateFile("disk.img", 4 << 20);
        using var loop = LoopDevice.Attach(image);
        using var device = BlockFile.Open(loop.Path);
        var buffer = AlignedBufferPool.Shared.Rent(4096);
        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await device.ReadAsync(100, buffer.Memory[..512]));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains(loop.Path, error.Message);
        Assert.Contains("offset 100", error.Message);
        AlignedBufferPool.Shared.Return(buffer);
    }

    [Fact]
    public void Open_LoopDeviceWith4096Sectors_ReportsSectorSize()
    {
        var image = _scratch.CreateFile("disk.img", 4 << 20);
        using var loop = LoopDevice.Attach(image, sectorSize: 4096);
        using var device = BlockFile.Open(loop.Path);
        Assert.Equal(4096, device.LogicalSectorSize);
        Assert.Equal(4 << 20, device.Size);
    }

    [Fact]
    public void Open_LoopDeviceTwice_SecondIsRefusedWithEBUSY()
    {
        var image = _scratch.CreateFile("disk.img", 4 << 20);
        using var loop = LoopDevice.Attach(image);
        using var first = BlockFile.Open(loop.Path);
        var error = Assert.Throws<ErrnoException>(() => BlockFile.Open(loop.Path));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Contains(loop.Path, error.Message);
    }

    [Fact]
    public void Identify_LoopDeviceThroughSymlink_IsTheSameDevice()
    {
        var image = _scratch.CreateFile("disk.img", 4 << 20);
        using var loop = LoopDevice.Attach(image);
        File.CreateSymbolicLink(_scratch["dev-link"], loop.Path);
        using var device = BlockFile.Open(loop.Path);
        Assert.Equal(device.Identity, BlockFile.Identify(_scratch["dev-link"]));
        Assert.NotEqual(BlockFile.Identify(image), device.Identity);
    }
}
