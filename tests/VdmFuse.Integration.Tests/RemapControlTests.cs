using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// vdmremap(7)'s control plane through the real mount: the remap instance's children and roles, that it has no size
/// and is not exported, the page's errors with their errno and sentence, ACCESS CONTROL as another user, and the
/// table as the operator sees it without the control plane (extended attributes) and with vdmadm.
/// </summary>
public sealed class RemapControlTests : IDisposable
{
    private const int EBUSY = 16, EINVAL = 22, ENOTSUP = 95;
    private const int Block = RemapRig.Block;

    private readonly RemapRig _rig = new(secondDisk: true);

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void GetChildInstance_RemapInstance_ListsItsThreeChildrenWithTheirRoles()
    {
        _rig.CreateRemap();

        Assert.Equal("3", _rig.Send("get-child-instance parent=R available=0").Fields["count"]);
        var children = new List<(string Child, string Type)>();
        for (int key = 0; key < 3; key++)
        {
            var role = _rig.Send(RemapRig.Invariant($"get-child-instance parent=R available=1 key={key}")).Fields;
            children.Add((role["child"], role["child-type"]));
            Assert.Equal(RemapRig.Invariant($"{key + 1}"), role["key"]);
        }
        _rig.SendExpectingError("get-child-instance parent=R available=1 key=3", LinuxErrno.ENOENT, "ENOENT");

        Assert.Equal([("pt", "primary-table"), ("st", "secondary-table"), ("ra", "remap-area")], children);
        var attributes = _rig.Attributes();
        Assert.Equal(("pt", "st", "ra", "f"), (attributes["primary-table"], attributes["secondary-table"], attributes["remap-area"], attributes["disk"]));
        Assert.Equal(("64", "64", "8", "504", "0"), (attributes["area-blocks"], attributes["free-area-blocks"], attributes["table-blocks"], attributes["table-capacity"], attributes["entries"]));
        Assert.Equal(("in-use", "in-use", "p0"), (attributes["primary-table-state"], attributes["secondary-table-state"], attributes["partitions"]));
        Assert.Equal("", GetXattr(_rig.Workspace.Dsk("p0"), "user.vdm.remap-table")); // no entries yet
        Assert.Equal("0", GetXattr(_rig.Workspace.Dsk("p0"), "user.vdm.remapped-blocks"));
    }

    [Fact]
    public void RemapInstance_HasNoSize_IsNotExportedAndAnswersNeitherDskGetNorDskUsage()
    {
        _rig.CreateRemap();

        Assert.False(File.Exists(_rig.Workspace.Dsk("R")), "dsk/R exists");
        Assert.False(File.Exists(_rig.Workspace.Rdsk("R")), "rdsk/R exists");
        var record = ControlFile.GetInstances(_rig.Mountpoint)["R"];
        Assert.Equal(("remap", "0", "0"), (record["subdriver"], record["size"], record["exported"]));
        _rig.SendExpectingError("dsk-get name=R", ENOTSUP, "ENOTSUP", "remap instance 'R' has no size and does no I/O of its own", "DSKIOCGET is not supported");
        _rig.SendExpectingError("dsk-usage name=R", ENOTSUP, "ENOTSUP", "remap instance 'R'");
        _rig.SendExpectingError("update-attributes name=R subdriver=remap", EINVAL, "EINVAL", "cannot be expanded or shrunk");
        Assert.Equal("usable", record["state"]); // USABILITY: usable while its three partitions are
        // Nor can the three partitions it uses be expanded or shrunk.
        foreach (var (child, start) in new[] { ("pt", RemapRig.PrimaryStart), ("st", RemapRig.SecondaryStart), ("ra", RemapRig.AreaStart) })
        {
            var resize = ControlFile.Send(_rig.Mountpoint, RemapRig.Invariant($"update-attributes name={child} subdriver=partition start={start} size=4"));
            Assert.True(resize.WriteErrno is EBUSY or EINVAL && resize.ErrorMessage.Length > 0, $"resizing {child} of remap instance R: {resize}");
        }
        _rig.SendExpectingError("create-instance subdriver=remap name=R9 primary-table=pt secondary-table=st remap-area=ra exported=1",
            EINVAL, "EINVAL", "has no size and is not exported");

        // Remapping is enabled by the link and disabled by the unlink (not while p0 is open).
        Assert.Equal("p0", _rig.Attributes()["partitions"]);
        using (var open = _rig.OpenRaw())
        {
            _rig.SendExpectingError("unlink-child-instance parent=p0 child=R", EBUSY, "EBUSY");
        }
        _rig.SendExpectingError("delete-instance name=R", EBUSY, "EBUSY");
        _rig.Send("unlink-child-instance parent=p0 child=R");
        Assert.Equal("", _rig.Attributes()["partitions"].Trim('"')); // the text form quotes an empty value
        _rig.Fault("write", 4100);
        Assert.Equal(LinuxErrno.EIO, _rig.TryWriteRaw(4100, Random(Block))); // not remapped: the media error reaches the writer
        _rig.AssertTable();
        _rig.Send("link-child-instance parent=p0 child=R");
        _rig.WriteRaw(4100, Random(Block));
        _rig.AssertTable((4100, 0, "mapped"));
    }

    [Fact]
    public void Errors_ThePagesErrnos_ComeWithASentence()
    {
        _rig.Send("create-instance subdriver=partition name=tiny1 child=f start=2200 size=1");
        _rig.Send("create-instance subdriver=partition name=tiny2 child=f start=2201 size=1");
        _rig.Send("create-instance subdriver=partition name=ra32 child=f start=2300 size=32");

        // EINVAL: the sizes of the replicated tables and the remap area do not match.
        _rig.SendExpectingError("remap-format primary=tiny1 secondary=tiny2 area=ra", EINVAL, "EINVAL", "do not match");
        _rig.SendExpectingError("remap-format primary=pt secondary=tiny2 area=ra", EINVAL, "EINVAL");
        // Not formatted yet, then formatted for another area.
        _rig.SendExpectingError("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra", EINVAL, "EINVAL", "remap-format");
        _rig.Format();
        _rig.SendExpectingError("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra32", EINVAL, "EINVAL", "do not match");
        // A child of another disk.
        _rig.SendExpectingError("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=q0", EINVAL, "EINVAL", "one disk");

        _rig.Send("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra");
        _rig.Send("link-child-instance parent=p0 child=R");

        // EBUSY: a second remap instance on the disk, or a partition already in one.
        _rig.Send("create-instance subdriver=partition name=pt2 child=f start=2400 size=8");
        _rig.Send("create-instance subdriver=partition name=st2 child=f start=2408 size=8");
        _rig.Send("create-instance subdriver=partition name=ra2 child=f start=2416 size=64");
        _rig.Send("remap-format primary=pt2 secondary=st2 area=ra2");
        _rig.SendExpectingError("create-instance subdriver=remap name=R2 primary-table=pt2 secondary-table=st2 remap-area=ra2", EBUSY, "EBUSY", "already has remap instance 'R'");
        _rig.SendExpectingError("remap-format primary=pt secondary=st area=ra", EBUSY, "EBUSY", "remap instance 'R'");
        // Linking the remap instance of another disk, or under one of its own partitions.
        _rig.SendExpectingError("link-child-instance parent=q0 child=R", EINVAL, "EINVAL", "remaps disk 'f'");
        _rig.SendExpectingError("link-child-instance parent=pt child=R", EINVAL, "EINVAL");

        // EINVAL: force-remap outside the disk, outside a remapped partition, or of a block already listed.
        _rig.SendExpectingError("force-remap name=R block=99999999", EINVAL, "EINVAL", "outside disk 'f'");
        _rig.SendExpectingError("force-remap name=R block=3000", EINVAL, "EINVAL", "not in a partition it remaps");
        _rig.SendExpectingError("force-remap name=p0 block=4300", EINVAL, "EINVAL");
        _rig.Send("force-remap name=R block=4300");
        _rig.SendExpectingError("force-remap name=R block=4300", EINVAL, "EINVAL", "already has an entry");

        // ENOENT: no more entries to list; no entry to recover.
        _rig.AssertTable((4300, -1, "forced"));
        _rig.SendExpectingError("list-remap-table name=R key=1", LinuxErrno.ENOENT, "ENOENT", "no more entries");
        _rig.SendExpectingError("recover-bad-block name=R block=4999", LinuxErrno.ENOENT, "ENOENT", "no entry for block 4999");
        // A partition with a remap linked names its remap for list-remap-table.
        Assert.Equal("4300", _rig.Send("list-remap-table name=p0 key=0").Fields["bad-block"]);
        Assert.Equal("forced", _rig.Send("ioctl-subdriver subdriver=remap name=R command=list-remap-table key=0").Fields["status"]);

        // Deleted, the instance leaves its tables: formatting them again would lose the entry unless forced.
        _rig.Send("unlink-child-instance parent=p0 child=R");
        _rig.Send("delete-instance name=R");
        _rig.SendExpectingError("remap-format primary=pt secondary=st area=ra", 17, "EEXIST", "force=1");
        _rig.Send("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra");
        _rig.AssertTable((4300, -1, "forced"));
        _rig.Send("delete-instance name=R");
        _rig.Send("remap-format primary=pt secondary=st area=ra force=1");
        _rig.Send("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra");
        _rig.AssertTable();
    }

    [Fact]
    public void Doors_ListForceRecoverAndDskGet_AnswerThroughTextPacketAndIoctl()
    {
        _rig.CreateRemap();
        var doors = new[] { ControlDoor.Text, ControlDoor.Packet, ControlDoor.Ioctl };
        for (int i = 0; i < doors.Length; i++)
        {
            var door = doors[i];
            long block = 4300 + i;
            ControlDoors.SendOk(door, _rig.Mountpoint, RemapRig.Invariant($"force-remap name=R block={block}"));
            var entry = ControlDoors.SendOk(door, _rig.Mountpoint, RemapRig.Invariant($"list-remap-table name=R key={i}"));
            Assert.True((entry.Number("bad-block"), entry.Number("remap-index"), entry["status"], entry.Number("key")) == (block, -1L, "forced", i + 1L),
                entry.ToString());
            ControlDoors.SendExpectingError(door, _rig.Mountpoint, RemapRig.Invariant($"list-remap-table name=R key={i + 1}"), LinuxErrno.ENOENT);
            ControlDoors.SendExpectingError(door, _rig.Mountpoint, RemapRig.Invariant($"force-remap name=R block={block}"), EINVAL, "already has an entry");
            ControlDoors.SendExpectingError(door, _rig.Mountpoint, "dsk-get name=R", ENOTSUP, "DSKIOCGET is not supported");
            ControlDoors.SendExpectingError(door, _rig.Mountpoint, "dsk-usage name=R", ENOTSUP);
            var child = ControlDoors.SendOk(door, _rig.Mountpoint, "get-child-instance parent=R parent-subdriver=remap available=1 key=1");
            Assert.True(child["child-type"] == "secondary-table", child.ToString());
        }
        _rig.AssertTable((4300, -1, "forced"), (4301, -1, "forced"), (4302, -1, "forced"));
        for (int i = 0; i < doors.Length; i++)
        {
            ControlDoors.SendOk(doors[i], _rig.Mountpoint, RemapRig.Invariant($"ioctl-subdriver subdriver=remap name=R command=recover-bad-block block={4300 + i}"));
        }
        _rig.AssertTable();
        ControlDoors.SendExpectingError(ControlDoor.Packet, _rig.Mountpoint, "recover-bad-block name=R block=4300", LinuxErrno.ENOENT, "no entry for block 4300");
    }

    [Fact]
    public void Create_BothTablesUnreadable_FailsWithEio()
    {
        _rig.Format();
        _rig.Fault("read", RemapRig.PrimaryStart, RemapRig.TableBlocks);
        _rig.Fault("read", RemapRig.SecondaryStart, RemapRig.TableBlocks);

        _rig.SendExpectingError("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra", LinuxErrno.EIO, "EIO",
            "'pt'", "'st'");

        // With one table readable again the instance comes up on it.
        _rig.Send("fault-clear name=f");
        _rig.Fault("read", RemapRig.PrimaryStart, RemapRig.TableBlocks);
        _rig.Send("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra");
        Assert.Equal("in-use", _rig.Attributes()["secondary-table-state"]);
    }

    [Fact]
    public void AccessControl_Nobody_ListsAndGetsChildrenButMayNotChangeAnything()
    {
        _rig.CreateRemap();
        _rig.Send("force-remap name=R block=4300");
        string image = _rig.Workspace.PathOf("other.img");

        var replies = ForeignClient.Send(ForeignClient.Nobody, _rig.Mountpoint,
        [
            (ControlDoor.Text, "list-remap-table name=R key=0"),
            (ControlDoor.Text, "list-remap-table name=R key=1"),
            (ControlDoor.Text, "get-child-instance parent=R available=1 key=2"),
            (ControlDoor.Text, "get-attributes name=R"),
            (ControlDoor.Text, "force-remap name=R block=4301"),
            (ControlDoor.Text, "recover-bad-block name=R block=4300"),
            (ControlDoor.Text, "create-instance subdriver=remap name=R2 primary-table=pt secondary-table=st remap-area=ra"),
            (ControlDoor.Text, "remap-format primary=pt secondary=st area=ra force=1"),
            (ControlDoor.Text, "ioctl-subdriver subdriver=remap name=R command=force-remap block=4301"),
        ]);

        Assert.True(replies[0].IsOk && replies[0]["bad-block"] == "4300" && replies[0]["status"] == "forced", replies[0].ToString());
        Assert.True(replies[1].Errno == LinuxErrno.ENOENT, replies[1].ToString());
        Assert.True(replies[2].IsOk && replies[2]["child-type"] == "remap-area", replies[2].ToString());
        Assert.True(replies[3].IsOk, replies[3].ToString());
        foreach (var (reply, verb) in replies.Skip(4).Zip(new[] { "force-remap", "recover-bad-block", "create-instance", "remap-format", "ioctl-subdriver" }))
        {
            Assert.True(reply.Errno == LinuxErrno.EPERM, reply.ToString());
            Assert.True(reply.Message.StartsWith(verb + ":", StringComparison.Ordinal) && reply.Message.Contains("caller uid 65534", StringComparison.Ordinal),
                $"unexpected sentence; {reply}");
        }
        _rig.AssertTable((4300, -1, "forced"));
        Assert.False(ControlFile.GetInstances(_rig.Mountpoint).ContainsKey("R2"));
    }

    [Fact]
    public void Listing_EveryStateThroughXattrsAndVdmadm_ShowsThePagesTable()
    {
        var format = Vdmadm.RunOk(_rig.Mountpoint, "remap", "format", "--primary", "pt", "--secondary", "st", "--area", "ra").StandardOutput;
        Assert.Contains("504 entries each", format, StringComparison.Ordinal);
        Vdmadm.RunOk(_rig.Mountpoint, "create", "remap", "R", "--primary", "pt", "--secondary", "st", "--area", "ra");
        _rig.Send("link-child-instance parent=p0 child=R");
        CreateOneEntryOfEachState(_rig);

        var expected = new RemapListing[]
        {
            new(RemapRig.AreaStart + 1, 1, "bad-remap"), new(4100, 0, "mapped"), new(4200, -1, "unmapped"), new(4300, -1, "forced"), new(4400, 2, "mapped"),
        };
        _rig.AssertTable(expected);
        var attributes = _rig.Attributes();
        Assert.Equal(("5", "1", "2", "1", "0", "1"),
            (attributes["entries"], attributes["unmapped"], attributes["mapped"], attributes["forced"], attributes["pseudo"], attributes["bad-remap"]));

        // Without the control plane: extended attributes of dsk/p0 and rdsk/p0.
        foreach (var view in new[] { _rig.Workspace.Dsk("p0"), _rig.Workspace.Rdsk("p0") })
        {
            Assert.Equal(string.Concat(expected.Select(e => e + "\n")), GetXattr(view, "user.vdm.remap-table"));
            Assert.Equal("2", GetXattr(view, "user.vdm.remapped-blocks"));
        }
        var listed = CommandRunner.Run("getfattr", "-d", "-m", "^user\\.vdm\\.remap", _rig.Workspace.Dsk("p0"));
        Assert.True(listed.Succeeded, listed.ToString());
        Assert.Contains("user.vdm.remapped-blocks=\"2\"", listed.StandardOutput, StringComparison.Ordinal);

        // vdmadm remap list prints the page's table.
        var list = Vdmadm.RunOk(_rig.Mountpoint, "remap", "list", "R").StandardOutput;
        string[] rows =
        [
            " Bad block   Remapped to    Status",
            "----------   -----------   --------",
            "      2065             1   Bad remap (5)",
            "      4100             0   Mapped (2)",
            "      4200            -1   Unmapped (1)",
            "      4300            -1   Forced (3)",
            "      4400             2   Mapped (2)",
        ];
        string table = string.Join('\n', rows) + "\n";
        Assert.True(list.Contains(table, StringComparison.Ordinal), $"vdmadm remap list R printed\n{list}\nexpected the rows\n{table}");
        Assert.Contains("Number of blocks listed = 5", list, StringComparison.Ordinal);

        // vdmadm remap force and recover.
        Vdmadm.RunOk(_rig.Mountpoint, "remap", "force", "R", "4600");
        Assert.Contains(new RemapListing(4600, -1, "forced"), _rig.List());
        Vdmadm.RunOk(_rig.Mountpoint, "remap", "recover", "R", "4600");
        _rig.AssertTable(expected);
        var missing = Vdmadm.Run(_rig.Mountpoint, "remap", "recover", "R", "4600");
        Assert.True(missing.ExitCode != 0 && missing.StandardError.Contains("ENOENT", StringComparison.Ordinal), missing.ToString());
        Vdmadm.RunOk(_rig.Mountpoint, "remap", "status", "R");
    }

    /// <summary>
    /// Makes one entry of every state the rig can reach without losing a remap-area block: 4100 Mapped (a failed
    /// write), 4200 Unmapped (a failed read), 4300 Forced, remap-area block 1 Bad remap (a failed write there) and
    /// 4400 Mapped past it.
    /// </summary>
    internal static void CreateOneEntryOfEachState(RemapRig rig)
    {
        rig.Fault("write", 4100);
        rig.WriteRaw(4100, Random(Block));
        rig.Fault("read", 4200);
        Assert.Equal(LinuxErrno.EIO, rig.TryReadRaw(4200, Block));
        rig.Send("force-remap name=R block=4300");
        rig.Fault("write", RemapRig.AreaStart + 1);
        rig.Fault("write", 4400);
        rig.WriteRaw(4400, Random(Block));
    }

    /// <summary>An extended attribute's value, with getfattr.</summary>
    private static string GetXattr(string path, string name)
    {
        var result = CommandRunner.Run("getfattr", "--only-values", "-n", name, path);
        Assert.True(result.Succeeded, result.ToString());
        return result.StandardOutput;
    }
}
