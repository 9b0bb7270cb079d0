using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class PartitionUpdateTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly ScratchDirectory _scratch = new();
    private readonly InstanceRegistry _registry = new();
    private readonly DiskInstance _a;
    private readonly PartitionDisk _p;

    public PartitionUpdateTests()
    {
        _a = _registry.CreatePhysical("a", _scratch.CreateFile("a.img", 4 * MiB));
        _p = (PartitionDisk)_registry.CreatePartition("p", "a", 0, 100);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
    }

    private static Dictionary<string, string> Fields(params (string Key, string Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public async Task Update_StartAndSize_MovesTheWindowOnTheChild()
    {
        var marker = TestData.Random(512, seed: 7);
        await _a.WriteAsync(2048L * 512, marker);

        _registry.UpdateAttributes("p", Fields(("start", "2048"), ("size", "4096")));

        Assert.Equal(2048, _p.StartBlock);
        Assert.Equal(4096, _p.SizeBlocks);
        Assert.Equal(4096L * 512, _p.Size);
        var read = new byte[512];
        await _p.ReadAsync(0, read);
        Assert.Equal(marker, read);
    }

    [Fact]
    public void Update_SizeOnly_KeepsTheStart()
    {
        _registry.UpdateAttributes(_p.DeviceNumber.ToString(), Fields(("size", "200")));
        Assert.Equal(0, _p.StartBlock);
        Assert.Equal(200L * 512, _p.Size);
    }

    [Fact]
    public void Update_WhileOpen_RefusedWithEBUSY()
    {
        _p.AddOpen();
        var error = Assert.Throws<ErrnoException>(() => _registry.UpdateAttributes("p", Fields(("size", "200"))));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Equal("cannot change the window of partition instance 'p': it is open (1 open)", error.Message);
        Assert.Equal(100, _p.SizeBlocks);
        _p.RemoveOpen();
    }

    [Fact]
    public void Update_WithAnInstanceBuiltOnIt_RefusedWithEBUSY()
    {
        _registry.CreatePartition("q", "p", 0, 10);
        var error = Assert.Throws<ErrnoException>(() => _registry.UpdateAttributes("p", Fields(("size", "200"))));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Contains("partition 'q' is built on it", error.Message);
        Assert.Equal(100, _p.SizeBlocks);
    }

    [Theory]
    [InlineData("8192", "1", "does not fit in physical 'a' (8192 blocks")]
    [InlineData("8000", "500", "does not fit in physical 'a'")]
    [InlineData("0", "0", "a size of at least 1 block")]
    public void Update_OutsideTheChild_RefusedWithEINVALAndUnchanged(string start, string size, string message)
    {
        var error = Assert.Throws<ErrnoException>(() => _registry.UpdateAttributes("p", Fields(("start", start), ("size", size))));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains(message, error.Message);
        Assert.Equal(0, _p.StartBlock);
        Assert.Equal(100, _p.SizeBlocks);
    }

    [Theory]
    [InlineData("child", "b", "attribute 'child' of partition instance 'p' cannot be updated (only start and size can)")]
    [InlineData("start", "-1", "'start' of partition instance 'p' must be a non-negative whole number, not '-1'")]
    [InlineData("size", "1M", "'size' of partition instance 'p' must be a non-negative whole number, not '1M'")]
    public void Update_BadAttribute_RefusedWithEINVAL(string key, string value, string message)
    {
        var error = Assert.Throws<ErrnoException>(() => _registry.UpdateAttributes("p", Fields((key, value))));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal(message, error.Message);
        Assert.Equal(100, _p.SizeBlocks);
    }

    [Fact]
    public void Update_Physical_NothingIsUpdatable()
    {
        var error = Assert.Throws<ErrnoException>(() => _registry.UpdateAttributes("a", Fields(("size", "1"))));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal("physical instance 'a' has no updatable attributes", error.Message);
    }

    [Fact]
    public void Update_UnknownInstance_RefusedWithENOENT()
    {
        var error = Assert.Throws<ErrnoException>(() => _registry.UpdateAttributes("zz", Fields(("size", "1"))));
        Assert.Equal(Errno.ENOENT, error.Errno);
    }
}
