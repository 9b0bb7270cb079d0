using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.ControlPlaneFixture;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Every framework and disk command through each of the three front doors of a real mount: a text line, a packet
/// written and read back on MNT/vdm, and ioctl(2) on MNT/vdm or on an exported file. Each test uses instance names
/// of its own, suffixed with the door, so the tests share one daemon.
/// </summary>
public sealed class ControlCommandTests : IClassFixture<ControlPlaneFixture>
{
    private readonly ControlPlaneFixture _fixture;

    public ControlCommandTests(ControlPlaneFixture fixture) => _fixture = fixture;

    private string Mountpoint => _fixture.Mountpoint;

    private DaemonWorkspace Workspace => _fixture.Workspace;

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void CreateInstance_PhysicalThenPartition_RepliesDeviceNumbersAndExports(ControlDoor door)
    {
        string physical = Name("cph", door), partition = Name("cpp", door);
        string image = _fixture.NewImage(physical + ".img", 8L << 20);

        var created = ControlDoors.SendOk(door, Mountpoint, $"create-instance subdriver=physical name={physical} path={image}");
        long physicalNumber = created.Number("device-number");
        var child = ControlDoors.SendOk(door, Mountpoint, $"create-instance subdriver=partition name={partition} child={physical} start=2048 size=4096");
        long partitionNumber = child.Number("device-number");

        Assert.True(physicalNumber > 0 && partitionNumber > 0 && physicalNumber != partitionNumber, $"{created}\n{child}");
        var instances = ControlFile.GetInstances(Mountpoint);
        Assert.Equal(physicalNumber.ToString(CultureInfo.InvariantCulture), instances[physical]["device-number"]);
        Assert.Equal(partitionNumber.ToString(CultureInfo.InvariantCulture), instances[partition]["device-number"]);
        Assert.Equal(4096L * 512, new FileInfo(Workspace.Rdsk(partition)).Length);

        ControlDoors.SendExpectingError(door, Mountpoint, $"delete-instance name={physical}", LinuxErrno.EBUSY, physical);
        ControlDoors.SendOk(door, Mountpoint, $"delete-instance name={partition}");
        ControlDoors.SendOk(door, Mountpoint, $"delete-instance name={physical}");
        Assert.False(File.Exists(Workspace.Dsk(physical)), $"dsk/{physical} is still there after delete-instance");
        Assert.False(ControlFile.GetInstances(Mountpoint).ContainsKey(partition), $"get-instances still lists {partition}");
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void CreateInstance_NameInUse_FailsWithEexist(ControlDoor door) =>
        ControlDoors.SendExpectingError(door, Mountpoint,
            $"create-instance subdriver=physical name=d1 path={_fixture.NewImage(Name("dup", door) + ".img", 1L << 20)}",
            LinuxErrno.EEXIST, "d1");

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void CreateInstance_PartitionPastChildEnd_FailsWithEinval(ControlDoor door) =>
        ControlDoors.SendExpectingError(door, Mountpoint,
            $"create-instance subdriver=partition name={Name("cpe", door)} child=d1 start=2048 size={DiskBlocks}", LinuxErrno.EINVAL);

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void DeleteInstance_WithParent_FailsWithEbusyNamingIt(ControlDoor door)
    {
        ControlDoors.SendExpectingError(door, Mountpoint, "delete-instance name=d0", LinuxErrno.EBUSY, "d0");
        Assert.True(File.Exists(Workspace.Dsk("d0")), "dsk/d0 vanished after a refused delete");
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void DeleteInstance_Unknown_FailsWithEnoent(ControlDoor door)
    {
        string target = door == ControlDoor.Text ? "nosuch9" : "4000000";
        ControlDoors.SendExpectingError(door, Mountpoint, $"delete-instance name={target}", LinuxErrno.ENOENT, target);
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void GetChildInstance_Partition_CountsThenIteratesToEnoent(ControlDoor door)
    {
        uint d0 = ControlDoors.DeviceNumberOf(Mountpoint, "d0");

        var count = ControlDoors.SendOk(door, Mountpoint, "get-child-instance parent=p0 available=0");
        Assert.Equal(1, count.Number("count"));

        var first = ControlDoors.SendOk(door, Mountpoint, "get-child-instance parent=p0 parent-subdriver=partition available=1 key=0");
        Assert.Equal("1", first["device-number-used"]);
        Assert.Equal(d0, first.Number("device-number"));
        AssertSubdriver("physical", first["child-subdriver"], first);
        if (door == ControlDoor.Text)
        {
            Assert.Equal("d0", first["child"]);
        }
        long key = first.Number("key");
        Assert.NotEqual(0, key);

        ControlDoors.SendExpectingError(door, Mountpoint,
            string.Create(CultureInfo.InvariantCulture, $"get-child-instance parent=p0 available=1 key={key}"), LinuxErrno.ENOENT);
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void GetChildInstance_Physical_HasNoChildren(ControlDoor door)
    {
        Assert.Equal(0, ControlDoors.SendOk(door, Mountpoint, "get-child-instance parent=d1 available=0").Number("count"));
        ControlDoors.SendExpectingError(door, Mountpoint, "get-child-instance parent=d1 available=1 key=0", LinuxErrno.ENOENT);
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void GetChildInstance_WrongParentSubdriver_FailsWithEinval(ControlDoor door) =>
        ControlDoors.SendExpectingError(door, Mountpoint, "get-child-instance parent=p0 parent-subdriver=physical available=0", LinuxErrno.EINVAL);

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void GetAttributes_Physical_ReportsPathSizeAndSectorSize(ControlDoor door)
    {
        var reply = ControlDoors.SendOk(door, Mountpoint, "get-attributes name=d0");

        AssertSubdriver("physical", reply["subdriver"], reply);
        Assert.Equal(_fixture.Disk0Image, reply["path"]);
        Assert.Equal(DiskSize, reply.Number("size"));
        Assert.Contains(reply["sector-size"], new[] { "512", "4096" });
        Assert.Equal("0", reply["block-device"]);
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void GetAttributes_Partition_ReportsChildStartAndSize(ControlDoor door)
    {
        var reply = ControlDoors.SendOk(door, Mountpoint, "get-attributes name=p0");

        AssertSubdriver("partition", reply["subdriver"], reply);
        AssertInstance("d0", reply.Find("child") ?? reply["child-device-number"], reply);
        Assert.Equal(PartitionStartBlock, reply.Number("start"));
        Assert.Equal(PartitionSizeBlocks, reply.Number("size"));
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void GetAttributes_Unknown_FailsWithEnoent(ControlDoor door) =>
        ControlDoors.SendExpectingError(door, Mountpoint, $"get-attributes name={(door == ControlDoor.Text ? "nosuch8" : "4000001")}", LinuxErrno.ENOENT);

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void UpdateAttributes_ClosedPartition_ChangesStartAndSize(ControlDoor door)
    {
        string partition = Name("up", door);
        ControlDoors.SendOk(door, Mountpoint, $"create-instance subdriver=partition name={partition} child=d1 start=0 size=1000");
        try
        {
            ControlDoors.SendOk(door, Mountpoint, $"update-attributes name={partition} subdriver=partition start=100 size=2000");

            var attributes = ControlDoors.SendOk(door, Mountpoint, $"get-attributes name={partition}");
            Assert.Equal(100, attributes.Number("start"));
            Assert.Equal(2000, attributes.Number("size"));
            Assert.Equal(2000L * 512, new FileInfo(Workspace.Rdsk(partition)).Length);

            ControlDoors.SendExpectingError(door, Mountpoint,
                $"update-attributes name={partition} subdriver=partition start={DiskBlocks - 10} size=2000", LinuxErrno.EINVAL);
            using (PosixFile.Open(Workspace.Rdsk(partition), Libc.O_RDONLY))
            {
                ControlDoors.SendExpectingError(door, Mountpoint, $"update-attributes name={partition} subdriver=partition start=100 size=3000",
                    LinuxErrno.EBUSY, partition);
            }
            Assert.Equal(2000, ControlDoors.SendOk(door, Mountpoint, $"get-attributes name={partition}").Number("size"));
        }
        finally
        {
            DeleteEventually(partition);
        }
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void UpdateAttributes_Physical_FailsWithEinvalSayingNothingIsUpdatable(ControlDoor door)
    {
        var reply = ControlDoors.SendExpectingError(door, Mountpoint, "update-attributes name=d1 subdriver=physical", LinuxErrno.EINVAL,
            "has no updatable attributes");
        if (door != ControlDoor.Ioctl)
        {
            Assert.Equal("update-attributes: physical instance 'd1' has no updatable attributes", reply.Message);
        }
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void IoctlSubdriver_PhysicalGetInfo_ReportsTheBackingFile(ControlDoor door)
    {
        var reply = ControlDoors.SendOk(door, Mountpoint, "ioctl-subdriver subdriver=physical name=d0 command=get-info");

        Assert.Equal(_fixture.Disk0Image, reply["path"]);
        Assert.Equal(DiskSize, reply.Number("size"));
    }

    [Fact]
    public void IoctlSubdriver_GetInfoOnExportedFile_AddressesThatInstance()
    {
        var reply = ControlDoors.SendOk(ControlDoor.Ioctl, Mountpoint, "ioctl-subdriver subdriver=physical name=0 command=get-info",
            Workspace.Rdsk("d1"));

        Assert.Equal(_fixture.Disk1Image, reply["path"]);
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void IoctlSubdriver_PhysicalFlush_Succeeds(ControlDoor door) =>
        ControlDoors.SendOk(door, Mountpoint, "ioctl-subdriver subdriver=physical name=d1 command=flush");

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void IoctlSubdriver_SubdriverNotTheInstances_FailsWithEinval(ControlDoor door) =>
        ControlDoors.SendExpectingError(door, Mountpoint, "ioctl-subdriver subdriver=physical name=p0 command=get-info", LinuxErrno.EINVAL);

    [Fact]
    public void IoctlSubdriver_UnknownCommand_FailsWithEinvalNamingIt() =>
        Assert.Equal("ioctl-subdriver: subdriver physical has no command 'x'",
            ControlDoors.SendExpectingError(ControlDoor.Text, Mountpoint, "ioctl-subdriver subdriver=physical name=d0 command=x", LinuxErrno.EINVAL).Message);

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void GetInstances_Key_IteratesEveryInstanceThenEnoent(ControlDoor door)
    {
        var expected = ControlFile.GetInstances(Mountpoint);
        var seen = new Dictionary<long, long>();
        long key = 0;
        for (int step = 0; step <= expected.Count; step++)
        {
            var reply = ControlDoors.Send(door, Mountpoint, string.Create(CultureInfo.InvariantCulture, $"get-instances key={key}"));
            if (reply.Errno == LinuxErrno.ENOENT)
            {
                break;
            }
            Assert.True(reply.IsOk, reply.ToString());
            long next = reply.Number("key");
            Assert.True(next != key, $"the key did not advance; {reply}");
            seen[reply.Number("device-number")] = reply.Number("size");
            key = next;
        }
        var listed = expected.Values.ToDictionary(
            r => long.Parse(r["device-number"], CultureInfo.InvariantCulture), r => long.Parse(r["size"], CultureInfo.InvariantCulture));
        Assert.Equal(listed.OrderBy(p => p.Key), seen.OrderBy(p => p.Key));
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void DskGet_Partition_ReportsBlocksAndGeometry(ControlDoor door)
    {
        var reply = ControlDoors.SendOk(door, Mountpoint, "dsk-get name=p0");

        AssertGeometry(PartitionSizeBlocks, reply);
    }

    [Fact]
    public void DskGet_IoctlOnExportedFileWithoutDeviceNumber_AddressesThatInstance()
    {
        AssertGeometry(PartitionSizeBlocks, ControlDoors.SendOk(ControlDoor.Ioctl, Mountpoint, "dsk-get name=0", Workspace.Rdsk("p0")));
        AssertGeometry(DiskBlocks, ControlDoors.SendOk(ControlDoor.Ioctl, Mountpoint, "dsk-get name=0", Workspace.Dsk("d1")));
        uint p0 = ControlDoors.DeviceNumberOf(Mountpoint, "p0");
        AssertGeometry(PartitionSizeBlocks, ControlDoors.SendOk(ControlDoor.Ioctl, Mountpoint, $"dsk-get name={p0}", Workspace.Rdsk("p0")));
    }

    [Fact]
    public void DskGet_IoctlOnExportedFileNamingAnotherInstance_FailsWithEinval()
    {
        var reply = ControlDoors.Send(ControlDoor.Ioctl, Mountpoint, "dsk-get name=d1", Workspace.Rdsk("p0"));

        Assert.True(reply.Errno == LinuxErrno.EINVAL, reply.ToString());
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void DskUsage_AfterReads_CountsThem(ControlDoor door)
    {
        var before = ControlDoors.SendOk(door, Mountpoint, "dsk-usage name=d1");
        using (var disk = PosixFile.Open(Workspace.Rdsk("d1"), Libc.O_RDONLY))
        {
            disk.ReadBytes(0, 8 * 512);
            disk.ReadBytes(1 << 20, 4096);
        }

        var after = ControlDoors.SendOk(door, Mountpoint, "dsk-usage name=d1");

        Assert.True(after.Number("reads") >= before.Number("reads") + 2, $"{before}\n{after}");
        Assert.True(after.Number("blocks-read") >= before.Number("blocks-read") + 16, $"{before}\n{after}");
        Assert.Equal(0, after.Number("errors"));
        foreach (var key in new[] { "writes", "blocks-written", "read-time-us", "write-time-us" })
        {
            Assert.True(after.Number(key) >= 0, after.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void DskGetAddress_Partition_ChainsToThePhysicalBlock(ControlDoor door)
    {
        uint p0 = ControlDoors.DeviceNumberOf(Mountpoint, "p0"), d0 = ControlDoors.DeviceNumberOf(Mountpoint, "d0");

        var reply = ControlDoors.SendOk(door, Mountpoint, "dsk-get-address name=p0 block=100");

        Assert.Equal(2, reply.Number("depth"));
        var levels = reply.Records.Where(r => r.Tag == "level").ToList();
        Assert.True(levels.Count == 2, reply.ToString());
        Assert.Equal(p0.ToString(CultureInfo.InvariantCulture), levels[0].Find("device-number"));
        AssertSubdriver("partition", levels[0].Find("subdriver") ?? "", reply);
        Assert.Equal("100", levels[0].Find("block"));
        Assert.Equal(d0.ToString(CultureInfo.InvariantCulture), levels[1].Find("device-number"));
        AssertSubdriver("physical", levels[1].Find("subdriver") ?? "", reply);
        Assert.Equal((PartitionStartBlock + 100).ToString(CultureInfo.InvariantCulture), levels[1].Find("block"));
        if (door == ControlDoor.Text)
        {
            Assert.Equal("p0", levels[0].Find("name"));
            Assert.Equal("d0", levels[1].Find("name"));
        }
    }

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void DskGetAddress_BlockPastTheEnd_FailsWithEinval(ControlDoor door) =>
        ControlDoors.SendExpectingError(door, Mountpoint,
            string.Create(CultureInfo.InvariantCulture, $"dsk-get-address name=p0 block={PartitionSizeBlocks}"), LinuxErrno.EINVAL);

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void LinkChildInstance_PhysicalParent_FailsWithEinval(ControlDoor door) =>
        ControlDoors.SendExpectingError(door, Mountpoint, "link-child-instance parent=d1 child=d0", LinuxErrno.EINVAL);

    [Theory]
    [MemberData(nameof(ControlDoors.All), MemberType = typeof(ControlDoors))]
    public void UnlinkChildInstance_NotAChild_FailsWithEinvalNamingBoth(ControlDoor door) =>
        ControlDoors.SendExpectingError(door, Mountpoint, "unlink-child-instance parent=p0 child=d1", LinuxErrno.EINVAL,
            "'d1' is not a child of partition instance 'p0'");

    private static string Name(string prefix, ControlDoor door) => prefix + (int)door;

    /// <summary>Subdrivers are names in the text form; the decoded binary reply may give the name or the id.</summary>
    private static void AssertSubdriver(string expected, string actual, DoorReply reply)
    {
        string id = (Array.IndexOf(new[] { "physical", "partition", "mirror", "remap", "fault" }, expected) + 1).ToString(CultureInfo.InvariantCulture);
        Assert.True(actual == expected || actual == id, $"expected subdriver {expected} ({id}), got '{actual}'; {reply}");
    }

    /// <summary>Instances are names in the text form, device numbers in the binary forms.</summary>
    private void AssertInstance(string expectedName, string actual, DoorReply reply)
    {
        string number = ControlDoors.DeviceNumberOf(Mountpoint, expectedName).ToString(CultureInfo.InvariantCulture);
        Assert.True(actual == expectedName || actual == number, $"expected instance {expectedName} ({number}), got '{actual}'; {reply}");
    }

    private static void AssertGeometry(long blocks, DoorReply reply)
    {
        Assert.Equal(blocks, reply.Number("total-blocks"));
        Assert.Equal(512, reply.Number("sector-size"));
        Assert.Equal(63, reply.Number("sectors-per-track"));
        Assert.Equal(255, reply.Number("tracks-per-cylinder"));
        Assert.Equal(blocks / (255 * 63), reply.Number("cylinders"));
    }

    /// <summary>Deletes an instance, allowing the RELEASE of a just-closed file a moment to reach the daemon.</summary>
    private void DeleteEventually(string name)
    {
        var reply = ControlFile.Send(Mountpoint, $"delete-instance name={name}");
        for (int attempt = 0; attempt < 40 && reply.WriteErrno == LinuxErrno.EBUSY; attempt++)
        {
            Thread.Sleep(50);
            reply = ControlFile.Send(Mountpoint, $"delete-instance name={name}");
        }
        Assert.True(reply.IsOk, reply.ToString());
    }
}
