using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>The registry's device numbers as the daemon uses them for recorded instances.</summary>
public sealed class DeviceNumberTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();
    private readonly InstanceRegistry _registry = new();
    private readonly string _image;

    public DeviceNumberTests()
    {
        _image = _scratch.CreateFile("a.img", 1L << 20);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public void CreateWithNumber_Given_KeptAndNextIsAbove()
    {
        Assert.Equal(7u, _registry.CreatePhysical("a", _image, true, 7).DeviceNumber);
        Assert.Equal(8u, _registry.NextDeviceNumber);
        Assert.Equal(8u, _registry.CreatePartition("p", "a", 0, 8).DeviceNumber);
        Assert.Equal(3u, _registry.CreatePartition("q", "a", 0, 8, true, 3).DeviceNumber);
        Assert.Equal(9u, _registry.CreatePartition("r", "a", 0, 8).DeviceNumber);
    }

    [Fact]
    public void CreateWithNumber_Taken_EexistNamingTheHolder()
    {
        _registry.CreatePhysical("a", _image, true, 2);

        var error = Assert.Throws<ErrnoException>(() => _registry.CreatePartition("p", "a", 0, 8, true, 2));

        Assert.Equal(Errno.EEXIST, error.Errno);
        Assert.Equal("device number 2 is taken by instance 'a' (physical)", error.Message);
    }

    [Fact]
    public void ReserveBelow_Recorded_NeverHandedOut()
    {
        _registry.ReserveDeviceNumbersBelow(10);

        Assert.Equal(10u, _registry.CreatePhysical("a", _image).DeviceNumber);
        _registry.Delete("a");
        Assert.Equal(11u, _registry.CreatePhysical("a", _image).DeviceNumber);
    }
}
