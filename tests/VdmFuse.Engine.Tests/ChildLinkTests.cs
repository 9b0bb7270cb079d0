using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class ChildLinkTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly ScratchDirectory _scratch = new();
    private readonly InstanceRegistry _registry = new();
    private readonly DiskInstance _a;
    private readonly DiskInstance _b;
    private readonly DiskInstance _p;

    public ChildLinkTests()
    {
        _a = _registry.CreatePhysical("a", _scratch.CreateFile("a.img", 4 * MiB));
        _b = _registry.CreatePhysical("b", _scratch.CreateFile("b.img", 4 * MiB));
        _p = _registry.CreatePartition("p", "a", 0, 100);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
    }

    private static void AssertRefused(int errno, string message, Action action)
    {
        var error = Assert.Throws<ErrnoException>(action);
        Assert.Equal(errno, error.Errno);
        Assert.Equal(message, error.Message);
    }

    private void AssertLinksUnchanged()
    {
        Assert.Equal([_a], _p.Children);
        Assert.Equal([_p], _a.Parents);
        Assert.Empty(_b.Children);
        Assert.Empty(_b.Parents);
    }

    [Fact]
    public void Link_UnderPhysical_RefusedWithEINVAL()
    {
        AssertRefused(Errno.EINVAL, "physical instance 'b' takes no children", () => _registry.LinkChild("b", "p"));
        AssertLinksUnchanged();
    }

    [Fact]
    public void Link_PhysicalUnderPartition_RefusedBecauseOnlyRemapIsAccepted()
    {
        AssertRefused(Errno.EINVAL,
            "partition 'p' can take only a remap instance as an extra child; 'b' is a physical instance",
            () => _registry.LinkChild("p", "b"));
        AssertLinksUnchanged();
    }

    [Fact]
    public void Link_ByDeviceNumber_ResolvesLikeNames()
    {
        AssertRefused(Errno.EINVAL,
            "partition 'p' can take only a remap instance as an extra child; 'b' is a physical instance",
            () => _registry.LinkChild(_p.DeviceNumber.ToString(), _b.DeviceNumber.ToString()));
    }

    [Fact]
    public void Link_ToItself_RefusedWithEINVAL()
    {
        AssertRefused(Errno.EINVAL, "partition instance 'p' cannot be a child of itself", () => _registry.LinkChild("p", "p"));
        AssertLinksUnchanged();
    }

    [Fact]
    public void Link_ThatMakesACycle_RefusedWithEINVAL()
    {
        AssertRefused(Errno.EINVAL,
            "linking 'p' under physical instance 'a' would make a cycle: 'a' is beneath 'p'",
            () => _registry.LinkChild("a", "p"));
        AssertLinksUnchanged();
    }

    [Fact]
    public void Link_AlreadyAChild_RefusedWithEEXIST()
    {
        AssertRefused(Errno.EEXIST, "'a' is already a child of partition instance 'p'", () => _registry.LinkChild("p", "a"));
        AssertLinksUnchanged();
    }

    [Fact]
    public void Link_UnknownInstance_RefusedWithENOENT()
    {
        AssertRefused(Errno.ENOENT, "there is no instance named or numbered 'ghost'", () => _registry.LinkChild("p", "ghost"));
        AssertRefused(Errno.ENOENT, "there is no instance named or numbered '99'", () => _registry.LinkChild("99", "a"));
        AssertLinksUnchanged();
    }

    [Fact]
    public void Unlink_PartitionDataChild_RefusedBecauseItDefinesThePartition()
    {
        var error = Assert.Throws<ErrnoException>(() => _registry.UnlinkChild("p", "a"));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("'a' is the data child of partition 'p' and defines it", error.Message);
        AssertLinksUnchanged();
    }

    [Fact]
    public void Unlink_NotAChild_RefusedWithEINVAL()
    {
        AssertRefused(Errno.EINVAL, "'b' is not a child of partition instance 'p'", () => _registry.UnlinkChild("p", "b"));
        AssertRefused(Errno.EINVAL, "'p' is not a child of physical instance 'a'", () => _registry.UnlinkChild("a", "p"));
        AssertLinksUnchanged();
    }

    [Fact]
    public void ChildSlots_PresentChildren_OneSlotEachWithSubdriver()
    {
        var slot = Assert.Single(_p.ChildSlots);
        Assert.True(slot.IsPresent);
        Assert.Same(_a, slot.Instance);
        Assert.Null(slot.Id);
        Assert.Equal("physical", slot.Subdriver);
        Assert.Empty(_a.ChildSlots);
        Assert.Empty(_p.ChildRole(slot));
    }

    [Fact]
    public void ChildSlot_Missing_CarriesItsIdAndNoInstance()
    {
        var slot = ChildSlot.Missing(new InstanceId(3, 77), "physical");
        Assert.False(slot.IsPresent);
        Assert.Null(slot.Instance);
        Assert.Equal(new InstanceId(3, 77), slot.Id);
    }

    [Theory]
    [InlineData("a/b", "instance name 'a/b' contains '/'; only letters, digits, '.', '_' and '-' are allowed")]
    [InlineData("a\u0001", "instance name 'a\u0001' contains '\u0001'; only letters, digits, '.', '_' and '-' are allowed")]
    [InlineData("", "an instance name must not be empty")]
    public void Lookup_NameNoInstanceCouldHave_EINVALNotENOENT(string name, string message)
    {
        AssertRefused(Errno.EINVAL, message, () => _registry.Get(name));
        AssertRefused(Errno.EINVAL, message, () => _registry.LinkChild("p", name));
        AssertRefused(Errno.EINVAL, message, () => _registry.Delete(name));
    }

    [Fact]
    public void Names_63CharactersFitThePacketField_64DoNot()
    {
        var path = _scratch.CreateFile("c.img", MiB);
        AssertRefused(Errno.EINVAL, $"instance name '{new string('n', 64)}' is 64 characters long; at most 63 are allowed",
            () => _registry.CreatePhysical(new string('n', 64), path));
        Assert.Equal(new string('n', 63), _registry.CreatePhysical(new string('n', 63), path).Name);
    }
}
