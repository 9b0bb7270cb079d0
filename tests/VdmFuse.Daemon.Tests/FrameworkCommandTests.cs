using VdmFuse.Control;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>link, unlink, get-child-instance, get-attributes, update-attributes, ioctl-subdriver, keyed get-instances.</summary>
public sealed class FrameworkCommandTests : DispatcherFixture
{
    public FrameworkCommandTests() => CreateDiskAndPartitions();

    [Fact]
    public void LinkChild_UnderPhysical_EINVAL()
    {
        AssertError(Run("link-child-instance parent=a child=p"), Errno.EINVAL,
            "link-child-instance: linking 'p' under physical instance 'a' would make a cycle: 'a' is beneath 'p'");
        var b = Scratch.CreateFile("b.img", 1 << 20);
        Ok($"create-instance subdriver=physical name=b path={b}");
        AssertError(Run("link-child-instance parent=b child=a"), Errno.EINVAL, "link-child-instance: physical instance 'b' takes no children");
        AssertError(Run("link-child-instance parent=4 child=1"), Errno.EINVAL, "link-child-instance: physical instance 'b' takes no children");
    }

    [Fact]
    public void LinkChild_PhysicalUnderPartition_EINVALOnlyRemap()
    {
        var b = Scratch.CreateFile("b.img", 1 << 20);
        Ok($"create-instance subdriver=physical name=b path={b}");
        AssertError(Run("link-child-instance parent=p child=b"), Errno.EINVAL,
            "link-child-instance: partition 'p' can take only a remap instance as an extra child; 'b' is a physical instance");
        Assert.Equal("0", Ok("get-instances key=3").Find("parent-count"));
    }

    [Fact]
    public void LinkChild_ErrorsOfTheFramework_ErrnoAndMessage()
    {
        AssertError(Run("link-child-instance parent=p child=p"), Errno.EINVAL, "link-child-instance: partition instance 'p' cannot be a child of itself");
        AssertError(Run("link-child-instance parent=p child=a"), Errno.EEXIST, "link-child-instance: 'a' is already a child of partition instance 'p'");
        AssertError(Run("link-child-instance parent=p child=zz"), Errno.ENOENT, "link-child-instance: there is no instance named or numbered 'zz'");
        AssertError(Run("link-child-instance parent=p"), Errno.EINVAL, "link-child-instance: missing field 'child'");
    }

    [Fact]
    public void UnlinkChild_DataChildOrStranger_EINVAL()
    {
        AssertError(Run("unlink-child-instance parent=p child=a"), Errno.EINVAL,
            "unlink-child-instance: 'a' is the data child of partition 'p' and defines it: it cannot be unlinked (delete the partition instead)");
        AssertError(Run("unlink-child-instance parent=p child=q"), Errno.EINVAL, "unlink-child-instance: 'q' is not a child of partition instance 'p'");
        AssertError(Run("unlink-child-instance parent=9 child=a"), Errno.ENOENT, "unlink-child-instance: there is no instance named or numbered '9'");
        Assert.Equal("1", Ok("get-child-instance parent=p available=0").Find("count"));
    }

    [Fact]
    public void GetChildInstance_Count_ByNameOrNumber()
    {
        Assert.Equal(new ControlField("count", "1"), Assert.Single(Ok("get-child-instance parent=p available=0").Fields));
        Assert.Equal("1", Ok("get-child-instance parent=2 parent-subdriver=partition available=0").Find("count"));
        Assert.Equal("0", Ok("get-child-instance parent=a available=0").Find("count"));
    }

    [Fact]
    public void GetChildInstance_Iterate_OneChildThenENOENT()
    {
        var first = Ok("get-child-instance parent=p available=1");
        Assert.Equal(
            [new("key", "1"), new("device-number-used", "1"), new("device-number", "1"), new("child-subdriver", "physical"), new("child", "a")],
            first.Fields);
        Assert.Equal(first, Ok("get-child-instance parent=p available=1 key=0"));
        AssertError(Run("get-child-instance parent=p available=1 key=1"), Errno.ENOENT,
            "get-child-instance: partition instance 'p' has no child after key 1 (1 child)");
        AssertError(Run("get-child-instance parent=a available=1"), Errno.ENOENT, "get-child-instance: physical instance 'a' has no children");
        AssertError(Run("get-child-instance parent=p available=1 key=-1"), Errno.EINVAL, "get-child-instance: key -1 is out of range (0 to 4294967295)");
    }

    [Fact]
    public void GetChildInstance_WrongParentSubdriver_EINVAL()
    {
        AssertError(Run("get-child-instance parent=p parent-subdriver=physical available=0"), Errno.EINVAL,
            "get-child-instance: instance 'p' is a partition instance, not physical");
        AssertError(Run("get-child-instance parent=p parent-subdriver=tape available=0"), Errno.EINVAL,
            "get-child-instance: unknown subdriver 'tape' (known: physical, partition, mirror, remap, fault, volume, slice)");
    }

    [Fact]
    public void GetAttributes_Physical_BackingDescribed()
    {
        var reply = Ok("get-attributes name=a");
        Assert.Equal("physical", reply.Find("subdriver"));
        Assert.Equal(Image, reply.Find("path"));
        Assert.Equal(ImageSize.ToString(), reply.Find("size"));
        Assert.Equal("512", reply.Find("sector-size"));
        Assert.Contains(reply.Find("direct"), new[] { "0", "1" });
        Assert.Equal("0", reply.Find("block-device"));
    }

    [Fact]
    public void GetAttributes_Partition_WindowAndChild()
    {
        Assert.Equal(
            [new("subdriver", "partition"), new("child", "a"), new("child-device-number", "1"), new("start", "2048"),
             new("size", "4096"), new("remap", "-"), new("remap-device-number", "-")],
            Ok("get-attributes name=2").Fields);
        AssertError(Run("get-attributes name=nope"), Errno.ENOENT, "get-attributes: there is no instance named or numbered 'nope'");
    }

    [Fact]
    public void UpdateAttributes_Partition_MovesWindowWhenClosed()
    {
        Assert.Equal("ok\n", Ok("update-attributes name=p subdriver=partition start=4096 size=1M").ToString());
        var attributes = Ok("get-attributes name=p");
        Assert.Equal("4096", attributes.Find("start"));
        Assert.Equal("2048", attributes.Find("size"));
        Assert.Equal((1L << 20).ToString(), Ok("get-instances key=1").Find("size"));
    }

    [Fact]
    public void UpdateAttributes_EveryRefusal_ErrnoAndMessage()
    {
        AssertError(Run("update-attributes name=a size=1"), Errno.EINVAL, "update-attributes: physical instance 'a' has no updatable attributes");
        AssertError(Run("update-attributes name=p subdriver=physical size=1"), Errno.EINVAL, "update-attributes: instance 'p' is a partition instance, not physical");
        AssertError(Run("update-attributes name=p start=131000 size=1000"), Errno.EINVAL,
            "update-attributes: partition 'p' (start 131000, 1000 blocks) does not fit in physical 'a' (131072 blocks of 512 bytes)");
        Registry.Get("p").AddOpen();
        AssertError(Run("update-attributes name=p size=10"), Errno.EBUSY, "update-attributes: cannot change the window of partition instance 'p': it is open (1 open)");
        Registry.Get("p").RemoveOpen();
        AssertError(Run("update-attributes name=p size=10", Unprivileged), Errno.EPERM,
            "update-attributes: only root may run this command (caller uid 1000)");
        Assert.Equal("4096", Ok("get-attributes name=p").Find("size"));
    }

    [Fact]
    public void IoctlSubdriver_PhysicalGetInfo_OpenToAll()
    {
        var reply = Run("ioctl-subdriver subdriver=physical name=a command=get-info", Unprivileged);
        Assert.True(reply.IsOk, reply.Message);
        Assert.Equal(Image, reply.Find("path"));
        Assert.Equal(ImageSize.ToString(), reply.Find("size"));
        Assert.Equal("0", reply.Find("block-device"));
        Assert.Equal(((Engine.PhysicalDisk)Registry.Get("a")).Identity.Inode.ToString(), reply.Find("backing-inode"));
    }

    [Fact]
    public void IoctlSubdriver_PhysicalFlush_PrivilegedAndFlushes()
    {
        var disk = Registry.Get("a");
        var flushes = disk.Statistics.Flushes;
        Assert.Equal("ok\n", Ok("ioctl-subdriver subdriver=physical name=1 command=flush").ToString());
        Assert.Equal(flushes + 1, disk.Statistics.Flushes);
        AssertError(Run("ioctl-subdriver subdriver=physical name=a command=flush", Unprivileged), Errno.EPERM,
            "ioctl-subdriver: only root may run this command (caller uid 1000)");
    }

    [Fact]
    public void IoctlSubdriver_Refusals_ErrnoAndMessage()
    {
        AssertError(Run("ioctl-subdriver subdriver=physical name=a command=x"), Errno.EINVAL, "ioctl-subdriver: subdriver physical has no command 'x'");
        AssertError(Run("ioctl-subdriver subdriver=partition name=p command=flush"), Errno.EINVAL, "ioctl-subdriver: subdriver partition has no command 'flush'");
        AssertError(Run("ioctl-subdriver subdriver=physical name=p command=get-info"), Errno.EINVAL, "ioctl-subdriver: instance 'p' is a partition instance, not physical");
        AssertError(Run("ioctl-subdriver subdriver=physical name=zz command=get-info"), Errno.ENOENT, "ioctl-subdriver: there is no instance named or numbered 'zz'");
    }

    [Fact]
    public void GetInstances_Keyed_IteratesByDeviceNumberThenENOENT()
    {
        var first = Ok("get-instances key=0");
        Assert.Equal(
            [new("key", "1"), new("name", "a"), new("subdriver", "physical"), new("device-number", "1"), new("size", ImageSize.ToString()),
             new("child-count", "0"), new("parent-count", "2"), new("exported", "1"), new("open", "0")],
            first.Fields);
        var second = Ok("get-instances key=1");
        Assert.Equal("p", second.Find("name"));
        Assert.Equal("1", second.Find("child-count"));
        Assert.Equal("q", Ok("get-instances key=2").Find("name"));
        AssertError(Run("get-instances key=3"), Errno.ENOENT, "get-instances: there is no instance after key 3");
        Ok("delete-instance name=p");
        Assert.Equal("q", Ok("get-instances key=1").Find("name"));
    }

    [Fact]
    public void CreatePartition_WithARemapThatIsNotOne_EINVALAndNothingCreated()
    {
        AssertError(Run("create-instance subdriver=partition name=r child=a start=0 size=10 remap=q"), Errno.EINVAL,
            "create-instance: partition 'r' can take only a remap instance as its remap; 'q' is a partition instance");
        AssertError(Run("create-instance subdriver=partition name=r child=a start=0 size=10 remap=zz"), Errno.ENOENT,
            "create-instance: there is no instance named or numbered 'zz'");
        Assert.False(Registry.TryGet("r", out _));
        Assert.Equal("ok device-number=4\n", Ok("create-instance subdriver=partition name=r child=a start=0 size=10 remap=-").ToString());
    }
}
