using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Native.Tests;

public sealed class BlockFileTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Open_RegularFile_ReportsSizeSectorAndIdentity()
    {
        var path = _scratch.CreateFile("disk.img", 1 << 20);
        using var file = BlockFile.Open(path);
        Assert.Equal(1 << 20, file.Size);
        Assert.Equal(512, file.LogicalSectorSize);
        Assert.False(file.IsBlockDevice);
        Assert.True(file.Direct);
        Assert.Equal(path, file.Path);
        Assert.NotEqual(0UL, file.Inode);
        Assert.Equal(BlockFile.Identify(path), file.Identity);
    }

    [Fact]
    public async Task WriteThenRead_AlignedMemory_RoundTrips()
    {
        using var file = BlockFile.Open(_scratch.CreateFile("disk.img", 1 << 20));
        var data = TestData.Random(65536, seed: 1);
        var buffer = AlignedBufferPool.Shared.Rent(65536);
        data.CopyTo(buffer.GetSpan());
        Assert.Equal(65536, await file.WriteAsync(8192, buffer.Memory));
        buffer.GetSpan().Clear();
        Assert.Equal(65536, await file.ReadAsync(8192, buffer.Memory));
        Assert.Equal(data, buffer.GetSpan().ToArray());
        await file.FlushAsync();
        AlignedBufferPool.Shared.Return(buffer);
        Assert.Equal(data, File.ReadAllBytes(file.Path).AsSpan(8192, 65536).ToArray());
    }

    [Fact]
    public async Task WriteThenRead_UnalignedMemory_IsBouncedAndRoundTrips()
    {
        using var file = BlockFile.Open(_scratch.CreateFile("disk.img", 1 << 20));
        var data = TestData.Random(4096, seed: 2);
        var unaligned = new byte[4096 + 3];
        data.CopyTo(unaligned, 3);
        Assert.Equal(4096, await file.WriteAsync(4096, unaligned.AsMemory(3, 4096)));
        var readBack = new byte[4096 + 7];
        Assert.Equal(4096, await file.ReadAsync(4096, readBack.AsMemory(7, 4096)));
        Assert.Equal(data, readBack.AsSpan(7).ToArray());
    }

    [Fact]
    public async Task Read_AtEndOfFile_ReturnsShortCount()
    {
        using var file = BlockFile.Open(_scratch.CreateFile("disk.img", 8192));
        var buffer = AlignedBufferPool.Shared.Rent(16384);
        Assert.Equal(4096, await file.ReadAsync(4096, buffer.Memory[..16384]));
        Assert.Equal(0, await file.ReadAsync(8192, buffer.Memory[..4096]));
        AlignedBufferPool.Shared.Return(buffer);
    }

    [Fact]
    public void Open_MissingPath_ThrowsENOENTNamingPath()
    {
        var path = _scratch["missing.img"];
        var error = Assert.Throws<ErrnoException>(() => BlockFile.Open(path));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Open_Directory_ThrowsEISDIRNamingPath()
    {
        var error = Assert.Throws<ErrnoException>(() => BlockFile.Open(_scratch.Path));
        Assert.Equal(Errno.EISDIR, error.Errno);
        Assert.Contains(_scratch.Path, error.Message);
    }

    [Fact]
    public void Open_CharacterDevice_ThrowsEINVALNamingPath()
    {
        var error = Assert.Throws<ErrnoException>(() => BlockFile.Open("/dev/null"));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("/dev/null", error.Message);
    }

    [Fact]
    public void Identify_HardLinkAndSymlink_GiveTheSameIdentity()
    {
        var path = _scratch.CreateFile("disk.img", 4096);
        var hardLink = _scratch["hard.img"];
        File.Copy(path, _scratch["copy.img"]);
        Assert.Equal(0, Link(path, hardLink));
        File.CreateSymbolicLink(_scratch["soft.img"], path);
        var identity = BlockFile.Identify(path);
        Assert.Equal(identity, BlockFile.Identify(hardLink));
        Assert.Equal(identity, BlockFile.Identify(_scratch["soft.img"]));
        Assert.NotEqual(identity, BlockFile.Identify(_scratch["copy.img"]));
    }

    [Fact]
    public async Task Dispose_ThenRead_ThrowsObjectDisposed()
    {
        var file = BlockFile.Open(_scratch.CreateFile("disk.img", 4096));
        file.Dispose();
        var buffer = new byte[512];
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await file.ReadAsync(0, buffer));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string oldPath, string newPath);
}
