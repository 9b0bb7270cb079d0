using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class InstanceRegistryTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly ScratchDirectory _scratch = new();
    private readonly InstanceRegistry _registry = new();

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public void CreatePhysical_AssignsNumbersAndIsFoundByNameOrNumber()
    {
        var d0 = _registry.CreatePhysical("d0", _scratch.CreateFile("d0.img", MiB));
        var d1 = _registry.CreatePhysical("d1", _scratch.CreateFile("d1.img", MiB), exported: false);
        Assert.Equal(1u, d0.DeviceNumber);
        Assert.Equal(2u, d1.DeviceNumber);
        Assert.True(d0.Exported);
        Assert.False(d1.Exported);
        Assert.Same(d1, _registry.Get("d1"));
        Assert.Same(d1, _registry.Get("2"));
        Assert.True(_registry.TryGet(1u, out var byNumber));
        Assert.Same(d0, byNumber);
        Assert.Equal([d0, d1], _registry.All);
    }

    [Fact]
    public void CreatePhysical_DuplicateName_ThrowsEEXIST()
    {
        _registry.CreatePhysical("d0", _scratch.CreateFile("a.img", MiB));
        var path = _scratch.CreateFile("b.img", MiB);
        var error = Assert.Throws<ErrnoException>(() => _registry.CreatePhysical("d0", path));
        Assert.Equal(Errno.EEXIST, error.Errno);
        Assert.Contains("'d0'", error.Message);
        Assert.Equal(1, _registry.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("-dash")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("ümlaut")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234x")]
    public void CreatePhysical_BadName_ThrowsEINVALBeforeOpening(string name)
    {
        var path = _scratch.CreateFile("d0.img", MiB);
        var error = Assert.Throws<ErrnoException>(() => _registry.CreatePhysical(name, path));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal(0, _registry.Count);
        _registry.CreatePhysical("fine", path);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("disk_0.backup-2")]
    [InlineData("0")]
    [InlineData("a2345678901234567890123456789012345678901234567890123456789012x")]
    public void InstanceName_GoodNames_AreValid(string name) => Assert.True(InstanceName.IsValid(name));

    [Fact]
    public void CreatePhysical_SameFileByHardLinkOrSymlink_ThrowsEBUSYNamingPathAndInstance()
    {
        var path = _scratch.CreateFile("d0.img", MiB);
        _registry.CreatePhysical("d0", path);
        var hardLink = _scratch["hard.img"];
        Assert.Equal(0, Link(path, hardLink));
        File.CreateSymbolicLink(_scratch["soft.img"], path);
        foreach (var alias in new[] { path, hardLink, _scratch["soft.img"] })
        {
            var error = Assert.Throws<ErrnoException>(() => _registry.CreatePhysical("other", alias));
            Assert.Equal(Errno.EBUSY, error.Errno);
            Assert.Contains(alias, error.Message);
            Assert.Contains("physical 'd0'", error.Message);
        }
        Assert.Equal(1, _registry.Count);
    }

    [Fact]
    public void CreatePhysical_SameLoopDeviceTwice_ThrowsEBUSYNamingTheInstance()
    {
        using var loop = LoopDevice.Attach(_scratch.CreateFile("d0.img", 4 * MiB));
        var disk = (PhysicalDisk)_registry.CreatePhysical("d0", loop.Path);
        Assert.True(disk.IsBlockDevice);
        Assert.Equal(4 * MiB, disk.Size);
        var error = Assert.Throws<ErrnoException>(() => _registry.CreatePhysical("d1", loop.Path));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Contains("physical 'd0'", error.Message);
        _registry.Delete("d0");
    }

    [Fact]
    public void CreatePhysical_MissingPath_ThrowsENOENTNamingPath()
    {
        var path = _scratch["missing.img"];
        var error = Assert.Throws<ErrnoException>(() => _registry.CreatePhysical("d0", path));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void CreatePartition_ByChildNumber_IsRegisteredWithTheNextNumber()
    {
        _registry.CreatePhysical("d0", _scratch.CreateFile("d0.img", MiB));
        var p0 = (PartitionDisk)_registry.CreatePartition("p0", "1", 8, 16);
        Assert.Equal(2u, p0.DeviceNumber);
        Assert.Equal("d0", p0.Child.Name);
        Assert.Equal(16 * 512, p0.Size);
    }

    [Fact]
    public void CreatePartition_UnknownChild_ThrowsENOENT()
    {
        var error = Assert.Throws<ErrnoException>(() => _registry.CreatePartition("p0", "nothing", 0, 1));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("'nothing'", error.Message);
    }

    [Fact]
    public void CreatePartition_OutOfRange_ThrowsEINVALAndRegistersNothing()
    {
        _registry.CreatePhysical("d0", _scratch.CreateFile("d0.img", MiB));
        var error = Assert.Throws<ErrnoException>(() => _registry.CreatePartition("p0", "d0", 2000, 100));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("'p0'", error.Message);
        Assert.Contains("'d0'", error.Message);
        Assert.Equal(1, _registry.Count);
        Assert.Empty(_registry.Get("d0").Parents);
    }

    [Fact]
    public void Delete_WhileOpen_ThrowsEBUSYSayingHowManyOpens()
    {
        var d0 = _registry.CreatePhysical("d0", _scratch.CreateFile("d0.img", MiB));
        d0.AddOpen();
        d0.AddOpen();
        var error = Assert.Throws<ErrnoException>(() => _registry.Delete("d0"));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Equal("cannot delete physical 'd0': it is open (2 opens)", error.Message);
        d0.RemoveOpen();
        d0.RemoveOpen();
        _registry.Delete("d0");
        Assert.Equal(0, _registry.Count);
        Assert.Equal(Errno.ENOENT, Assert.Throws<ErrnoException>(d0.AddOpen).Errno);
    }

    [Fact]
    public void Delete_WithAParent_ThrowsEBUSYNamingTheParent()
    {
        _registry.CreatePhysical("d0", _scratch.CreateFile("d0.img", MiB));
        _registry.CreatePartition("p0", "d0", 0, 8);
        var error = Assert.Throws<ErrnoException>(() => _registry.Delete("d0"));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Equal("cannot delete physical 'd0': partition 'p0' is built on it", error.Message);
        _registry.Delete("p0");
        _registry.Delete("d0");
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void Delete_Unknown_ThrowsENOENT()
    {
        var error = Assert.Throws<ErrnoException>(() => _registry.Delete("7"));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("'7'", error.Message);
    }

    [Fact]
    public void Delete_ClosesTheBacking_SoItCanBeCreatedAgainWithAFreshNumber()
    {
        var path = _scratch.CreateFile("d0.img", MiB);
        var first = _registry.CreatePhysical("d0", path);
        _registry.Delete("d0");
        var second = _registry.CreatePhysical("d0", path);
        Assert.Equal(1u, first.DeviceNumber);
        Assert.Equal(2u, second.DeviceNumber);
        Assert.False(_registry.TryGet("1", out _));
        Assert.Same(second, _registry.Get("2"));
    }

    [Fact]
    public void Events_AreRaisedOnAddAndDelete()
    {
        var added = new List<string>();
        var removed = new List<string>();
        _registry.Added += i => added.Add(i.Name);
        _registry.Removed += i => removed.Add(i.Name);
        _registry.CreatePhysical("d0", _scratch.CreateFile("d0.img", MiB));
        _registry.CreatePartition("p0", "d0", 0, 8);
        _registry.Delete("p0");
        Assert.Equal(["d0", "p0"], added);
        Assert.Equal(["p0"], removed);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string oldPath, string newPath);
}
