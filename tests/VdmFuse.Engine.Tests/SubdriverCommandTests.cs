using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class SubdriverCommandTests : IDisposable
{
    private const int MiB = 1 << 20;
    private static readonly Dictionary<string, string> NoFields = [];
    private readonly ScratchDirectory _scratch = new();
    private readonly InstanceRegistry _registry = new();
    private readonly PhysicalDisk _a;
    private readonly DiskInstance _p;
    private readonly string _path;

    public SubdriverCommandTests()
    {
        _path = _scratch.CreateFile("a.img", 4 * MiB);
        _a = (PhysicalDisk)_registry.CreatePhysical("a", _path);
        _p = _registry.CreatePartition("p", "a", 0, 100);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public async Task PhysicalFlush_AfterAWrite_FlushesTheBackingAndRepliesNothing()
    {
        await _a.WriteAsync(0, TestData.Random(4096, seed: 1));
        var before = _a.Statistics.Flushes;
        var reply = _a.ExecuteSubdriverCommand("flush", NoFields);
        Assert.Empty(reply);
        Assert.Equal(before + 1, _a.Statistics.Flushes);
    }

    [Fact]
    public void PhysicalGetInfo_DescribesTheBacking()
    {
        var reply = _a.ExecuteSubdriverCommand("get-info", NoFields).ToDictionary(f => f.Key, f => f.Value);
        var stat = new FileInfo(_path);
        Assert.Equal(_path, reply["path"]);
        Assert.Equal((4 * MiB).ToString(), reply["size"]);
        Assert.Equal(_a.SectorSize.ToString(), reply["sector-size"]);
        Assert.Equal(_a.Direct ? "1" : "0", reply["direct"]);
        Assert.Equal("0", reply["block-device"]);
        Assert.Equal(_a.Identity.Inode.ToString(), reply["backing-inode"]);
        Assert.NotEqual("0", reply["backing-inode"]);
        Assert.Equal(_a.Identity.DeviceId.ToString(), reply["backing-device"]);
        Assert.True(stat.Exists);
    }

    [Fact]
    public void Attributes_PhysicalAndPartition_AsGetAttributesReportsThem()
    {
        Assert.Equal(
            [new("path", _path), new("size", (4 * MiB).ToString()), new("sector-size", _a.SectorSize.ToString()),
             new("direct", _a.Direct ? "1" : "0"), new("block-device", "0")],
            _a.Attributes);
        Assert.Equal(
            [new("child", "a"), new("child-device-number", "1"), new("start", "0"), new("size", "100"), new("remap", "-"), new("remap-device-number", "-")],
            _p.Attributes);
    }

    [Fact]
    public void PhysicalCommand_Unknown_RefusedWithEINVAL()
    {
        var error = Assert.Throws<ErrnoException>(() => _a.ExecuteSubdriverCommand("x", NoFields));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal("subdriver physical has no command 'x'", error.Message);
    }

    [Fact]
    public void PhysicalCommand_WithAFieldItDoesNotTake_RefusedWithEINVAL()
    {
        var error = Assert.Throws<ErrnoException>(() =>
            _a.ExecuteSubdriverCommand("flush", new Dictionary<string, string> { ["colour"] = "red" }));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal("subdriver physical command 'flush' takes no field 'colour'", error.Message);
    }

    [Fact]
    public void PartitionCommand_None_RefusedWithEINVALNamingSubdriverAndCommand()
    {
        var error = Assert.Throws<ErrnoException>(() => _p.ExecuteSubdriverCommand("flush", NoFields));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal("subdriver partition has no command 'flush'", error.Message);
    }
}
