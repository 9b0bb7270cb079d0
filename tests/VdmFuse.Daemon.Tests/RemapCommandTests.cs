using System.Buffers.Binary;
using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine.Fault;
using VdmFuse.Engine.Remap;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// The remap subdriver through the dispatcher (vdmremap(7)): remap-format, create-instance subdriver=remap,
/// list-remap-table, force-remap, recover-bad-block (as verbs, as ioctl-subdriver commands and as packets), and the
/// framework commands on a remap instance. The rig: physical 'a' (an O_DIRECT image) under fault 'f'; partitions of
/// 'f': tables 'pt' (2048+8) and 'st' (2056+8), area 'ra' (2064+64), data 'p0' (4096+4096) and 'p1' (8192+4096).
/// </summary>
public sealed class RemapCommandTests : DispatcherFixture
{
    private const int Block = 512;
    private static readonly ControlCaller Root = new(0, 0, 0);

    public RemapCommandTests()
    {
        Ok($"create-instance subdriver=physical name=a path={Image}");
        Ok("create-instance subdriver=fault name=f child=a");
        Ok("create-instance subdriver=partition name=pt child=f start=2048 size=8");
        Ok("create-instance subdriver=partition name=st child=f start=2056 size=8");
        Ok("create-instance subdriver=partition name=ra child=f start=2064 size=64");
        Ok("create-instance subdriver=partition name=p0 child=f start=4096 size=4096");
        Ok("create-instance subdriver=partition name=p1 child=f start=8192 size=4096");
    }

    private FaultDisk Fault => (FaultDisk)Registry.Get("f");

    private RemapDisk Remap => (RemapDisk)Registry.Get("R");

    /// <summary>Formats the tables, creates remap 'R' and links it under 'p0'.</summary>
    private void CreateRemapOnP0()
    {
        Ok("remap-format primary=pt secondary=st area=ra");
        Ok("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra");
        Ok("link-child-instance parent=p0 child=R");
    }

    private static void AssertFails(ControlReply reply, int errno, string fragment)
    {
        Assert.False(reply.IsOk, $"expected {Errno.Name(errno)} '{fragment}', got ok");
        Assert.Equal(Errno.Name(errno), reply.ErrnoName);
        Assert.Contains(fragment, reply.Message, StringComparison.Ordinal);
    }

    private static string Entry(ControlReply reply) =>
        $"{reply.Find("bad-block")} {reply.Find("remap-index")} {reply.Find("status")} {reply.Find("key")}";

    // ---- remap-format ------------------------------------------------------------------------------------------

    [Fact]
    public void RemapFormat_ThreePartitionsOfOneDisk_ReturnsTheTableCapacityAndTheAreaBlocks()
    {
        var reply = Ok("remap-format primary=pt secondary=4 area=ra");

        Assert.Equal(("504", "64"), (reply.Find("table-capacity"), reply.Find("area-blocks")));
        Assert.Equal(RemapTableFormat.CapacityOf(8), int.Parse(reply.Find("table-capacity")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void RemapFormat_AreaTooBigForTheTables_IsEinvalSizesMismatch()
    {
        Ok("create-instance subdriver=partition name=big child=f start=2200 size=1024");

        AssertFails(Run("remap-format primary=pt secondary=st area=big"), Errno.EINVAL,
            "remap-format: remap-format: the sizes of the tables and the remap area do not match: tables of 8 blocks hold 504 entries");
    }

    [Fact]
    public void RemapFormat_TablesOfDifferentSizes_IsEinval()
    {
        Ok("create-instance subdriver=partition name=st16 child=f start=2200 size=16");

        AssertFails(Run("remap-format primary=pt secondary=st16 area=ra"), Errno.EINVAL,
            "the two tables must be the same size; 'pt' is 8 blocks and 'st16' is 16");
    }

    [Fact]
    public void RemapFormat_PartitionsOfTwoDisks_IsEinvalNotOneDisk()
    {
        Ok($"create-instance subdriver=physical name=b path={Scratch.CreateFile("b.img", 8L << 20)}");
        Ok("create-instance subdriver=partition name=sb child=b start=2056 size=8");

        AssertFails(Run("remap-format primary=pt secondary=sb area=ra"), Errno.EINVAL,
            "the three partitions must be on one disk; 'pt' is on 'f', 'sb' on 'b', 'ra' on 'f'");
    }

    [Fact]
    public void RemapFormat_NotAPartition_IsEinval()
    {
        AssertFails(Run("remap-format primary=pt secondary=st area=f"), Errno.EINVAL,
            "the remap area must be a partition; 'f' is a fault instance");
        AssertFails(Run("remap-format primary=pt secondary=st area=nope"), Errno.ENOENT, "there is no instance named or numbered 'nope'");
    }

    [Fact]
    public void RemapFormat_PartitionAlreadyInARemap_IsEbusy()
    {
        CreateRemapOnP0();

        AssertFails(Run("remap-format primary=pt secondary=st area=ra force=1"), Errno.EBUSY, "'pt' is already a child of remap instance 'R'");
    }

    [Fact]
    public void RemapFormat_TablesListingBadBlocks_IsEexistWithoutForce()
    {
        CreateRemapOnP0();
        Ok("force-remap name=R block=4100");
        Ok("unlink-child-instance parent=p0 child=R");
        Ok("delete-instance name=R");

        AssertFails(Run("remap-format primary=pt secondary=st area=ra"), Errno.EEXIST,
            "tables 'pt' and 'st' list 1 bad blocks of disk 'f'; formatting would lose them (give force=1 to format anyway)");
        Ok("remap-format primary=pt secondary=st area=ra force=1");
        Ok("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra");
        Assert.Equal("0", Ok("get-attributes name=R").Find("entries"));
    }

    [Fact]
    public void RemapFormat_NonRoot_IsEperm()
    {
        AssertError(Run("remap-format primary=pt secondary=st area=ra", Unprivileged), Errno.EPERM,
            "remap-format: only root may run this command (caller uid 1000)");
    }

    // ---- create-instance subdriver=remap -----------------------------------------------------------------------

    [Fact]
    public void CreateInstance_Remap_IsNotExportedAndShowsItsAttributesAndRoles()
    {
        Ok("remap-format primary=pt secondary=st area=ra");

        var device = Ok("create-instance subdriver=remap name=R primary-table=3 secondary-table=st remap-area=ra").Find("device-number");

        Assert.Equal("8", device);
        Assert.False(Remap.Exported);
        Assert.Equal(0, Remap.Size);
        var attributes = Run("get-attributes name=R", Unprivileged);
        Assert.Equal(
            "subdriver=remap primary-table=pt primary-table-device-number=3 secondary-table=st secondary-table-device-number=4 remap-area=ra " +
            "remap-area-device-number=5 disk=f unit-size=512 area-blocks=64 free-area-blocks=64 table-blocks=8 table-capacity=504 entries=0 " +
            "unmapped=0 mapped=0 forced=0 pseudo=0 bad-remap=0 primary-table-state=in-use secondary-table-state=in-use",
            string.Join(' ', attributes.Fields.Take(21).Select(f => $"{f.Key}={f.Value}")));
        Assert.Equal("", attributes.Find("partitions"));
        Assert.Equal("3", Run("get-child-instance parent=R available=0", Unprivileged).Find("count"));
        Assert.Equal(["primary-table pt", "secondary-table st", "remap-area ra"],
            Enumerable.Range(0, 3).Select(key => Run($"get-child-instance parent=R parent-subdriver=remap available=1 key={key}", Unprivileged))
                .Select(reply => $"{reply.Find("child-type")} {reply.Find("child")}"));
        Ok("link-child-instance parent=p0 child=R");
        Assert.Equal("p0", Ok("get-attributes name=R").Find("partitions"));
        Assert.Equal(("R", "8"), (Ok("get-attributes name=p0").Find("remap"), Ok("get-attributes name=p0").Find("remap-device-number")));
    }

    [Fact]
    public void CreateInstance_RemapOnUnformattedTables_IsEinval()
    {
        AssertFails(Run("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra"), Errno.EINVAL,
            "(format the tables with remap-format)");
        Assert.False(Registry.TryGet("R", out _));
        Assert.Empty(Registry.Get("pt").Parents); // the refused instance left no parent behind
    }

    [Fact]
    public void CreateInstance_RemapExported_IsEinval()
    {
        Ok("remap-format primary=pt secondary=st area=ra");

        AssertError(Run("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra exported=1"), Errno.EINVAL,
            "create-instance: remap instance 'R' cannot be exported: a remap instance has no size and is not exported (leave exported out or give exported=0)");
        Ok("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra exported=0");
    }

    [Theory]
    [InlineData("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra child=f",
        "create-instance: field 'child' does not apply to subdriver remap (remap instance 'R')")]
    [InlineData("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra path=/x",
        "create-instance: field 'path' does not apply to subdriver remap (remap instance 'R')")]
    [InlineData("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra images=pt",
        "create-instance: field 'images' does not apply to subdriver remap (only to mirror; instance 'R')")]
    [InlineData("create-instance subdriver=partition name=q child=f start=0 size=8 primary-table=pt",
        "create-instance: field 'primary-table' does not apply to subdriver partition (only to remap; instance 'q')")]
    [InlineData("create-instance subdriver=fault name=g child=f remap-area=ra",
        "create-instance: field 'remap-area' does not apply to subdriver fault (only to remap; instance 'g')")]
    [InlineData("create-instance subdriver=remap name=R secondary-table=st remap-area=ra",
        "create-instance: missing field 'primary-table' (required when subdriver=remap)")]
    [InlineData("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra persistent=1",
        "create-instance: this daemon runs without a configuration database; persistent instances cannot be recorded")]
    public void CreateInstance_RemapWithFieldsItDoesNotTake_IsRefused(string line, string message)
    {
        Ok("remap-format primary=pt secondary=st area=ra");

        var reply = Run(line);

        Assert.Equal(message, reply.Message);
        Assert.Equal(line.Contains("persistent", StringComparison.Ordinal) ? "ENOTSUP" : "EINVAL", reply.ErrnoName);
        Assert.Empty(Registry.Get("pt").Parents);
    }

    [Fact]
    public void CreateInstance_SecondRemapOnTheSameDisk_IsEbusy()
    {
        CreateRemapOnP0();
        Ok("create-instance subdriver=partition name=pt2 child=f start=3000 size=8");
        Ok("create-instance subdriver=partition name=st2 child=f start=3008 size=8");
        Ok("create-instance subdriver=partition name=ra2 child=f start=3016 size=64");
        Ok("remap-format primary=pt2 secondary=st2 area=ra2");

        AssertFails(Run("create-instance subdriver=remap name=R2 primary-table=pt2 secondary-table=st2 remap-area=ra2"), Errno.EBUSY,
            "disk 'f' already has remap instance 'R' (one per disk)");
        Assert.False(Registry.TryGet("R2", out _));
    }

    [Fact]
    public void CreateInstance_RemapOverAPartitionOfARemap_IsEbusy()
    {
        CreateRemapOnP0();

        AssertFails(Run("create-instance subdriver=remap name=R2 primary-table=pt secondary-table=st remap-area=ra"), Errno.EBUSY,
            "'pt' is already a child of remap instance 'R'");
    }

    // ---- I/O through a remapped partition ----------------------------------------------------------------------

    [Fact]
    public async Task WriteFailure_OnARemappedPartition_IsMappedAndListed()
    {
        CreateRemapOnP0();
        Fault.AddRule(FaultOperation.Write, 4100, 1, Errno.EIO, times: 0);
        var p0 = Registry.Get("p0");
        var data = new byte[4 * Block];
        Random.Shared.NextBytes(data);

        await p0.WriteAsync(2 * Block, data); // blocks 2-5 of p0 = 4098-4101 of the disk; 4100 fails

        var back = new byte[4 * Block];
        await p0.ReadAsync(2 * Block, back);
        Assert.Equal(data, back);
        Assert.Equal("4100 0 mapped 1", Entry(Run("list-remap-table name=R", Unprivileged)));
        AssertFails(Run("list-remap-table name=R key=1"), Errno.ENOENT, "no more entries to list");
        Assert.Equal(("1", "1", "63"), (Ok("get-attributes name=R").Find("mapped"), Ok("get-attributes name=R").Find("entries"),
            Ok("get-attributes name=R").Find("free-area-blocks")));
        Assert.Equal("1", Run("dsk-usage name=p0", Unprivileged).Find("remapped-blocks"));
        Assert.Equal("0", Run("dsk-usage name=p1", Unprivileged).Find("remapped-blocks"));
        Assert.Equal("0", Run("dsk-usage name=a", Unprivileged).Find("remapped-blocks"));
    }

    [Fact]
    public async Task WriteFailure_WithoutARemapLinked_FailsTheWrite()
    {
        Fault.AddRule(FaultOperation.Write, 4100, 1, Errno.EIO, times: 0);

        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await Registry.Get("p0").WriteAsync(4 * Block, new byte[Block]));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Equal("0", Ok("dsk-usage name=p0").Find("remapped-blocks"));
    }

    // ---- list-remap-table --------------------------------------------------------------------------------------

    [Fact]
    public void ListRemapTable_KeyWalk_ListsEveryEntryInBlockOrderThenEnoent()
    {
        CreateRemapOnP0();
        Ok("force-remap name=R block=5000");
        Ok("force-remap name=R block=4200");
        Ok("ioctl-subdriver subdriver=remap name=R command=force-remap block=4300");

        var listed = new List<string>();
        var key = "0";
        while (true)
        {
            var reply = Run($"list-remap-table name=R key={key}", Unprivileged);
            if (!reply.IsOk)
            {
                AssertError(reply, Errno.ENOENT, "list-remap-table: remap instance 'R': no more entries to list (the bad-block table has 3, key 3)");
                break;
            }
            listed.Add(Entry(reply));
            key = reply.Find("key")!;
        }

        Assert.Equal(["4200 -1 forced 1", "4300 -1 forced 2", "5000 -1 forced 3"], listed);
    }

    [Fact]
    public void ListRemapTable_PartitionWithARemap_ListsItsRemapsTable()
    {
        CreateRemapOnP0();
        Ok("force-remap name=R block=4104");

        Assert.Equal("4104 -1 forced 1", Entry(Run("list-remap-table name=p0", Unprivileged)));
        Assert.Equal("4104 -1 forced 1", Entry(Run("ioctl-subdriver subdriver=remap name=R command=list-remap-table", Unprivileged)));
        Assert.Equal("4104 -1 forced 1", Entry(Run("list-remap-table name=8")));
    }

    [Fact]
    public void ListRemapTable_EmptyTable_IsEnoent()
    {
        CreateRemapOnP0();

        AssertError(Run("list-remap-table name=R"), Errno.ENOENT, "list-remap-table: remap instance 'R': no more entries to list (the bad-block table has 0)");
    }

    [Theory]
    [InlineData("list-remap-table name=p1", "list-remap-table: partition 'p1' has no remap instance linked, so it has no bad-block table (link one with link-child-instance parent=p1 child=R)")]
    [InlineData("list-remap-table name=f", "list-remap-table: fault instance 'f' is not a remap instance or a partition with one linked (list-remap-table works on instances of subdriver remap)")]
    [InlineData("ioctl-subdriver subdriver=remap name=p0 command=list-remap-table", "ioctl-subdriver: instance 'p0' is a partition instance, not remap")]
    [InlineData("ioctl-subdriver subdriver=remap name=R command=erase", "ioctl-subdriver: subdriver remap has no command 'erase'")]
    public void ListRemapTable_NotARemap_IsEinval(string line, string message)
    {
        CreateRemapOnP0();

        AssertError(Run(line, Unprivileged), Errno.EINVAL, message);
    }

    // ---- force-remap -------------------------------------------------------------------------------------------

    [Fact]
    public async Task ForceRemap_ThenWrite_MapsTheBlock()
    {
        CreateRemapOnP0();
        Ok("force-remap name=R block=4104");
        Assert.Equal("4104 -1 forced 1", Entry(Ok("list-remap-table name=R")));

        var data = new byte[Block];
        Random.Shared.NextBytes(data);
        await Registry.Get("p0").WriteAsync(8 * Block, data);

        Assert.Equal("4104 0 mapped 1", Entry(Ok("list-remap-table name=R")));
        var back = new byte[Block];
        await Registry.Get("p0").ReadAsync(8 * Block, back);
        Assert.Equal(data, back);
    }

    [Theory]
    [InlineData("force-remap name=R block=131072", "force-remap: remap instance 'R': block 131072 is outside disk 'f' (blocks 0-131071)")]
    [InlineData("force-remap name=R block=9000", "force-remap: remap instance 'R': block 9000 of disk 'f' is not in a partition it remaps ('p0' blocks 4096-8191); force-remap refused")]
    [InlineData("force-remap name=R block=2050", "force-remap: remap instance 'R': block 2050 of disk 'f' is not in a partition it remaps ('p0' blocks 4096-8191); force-remap refused")]
    [InlineData("force-remap name=p0 block=4100", "force-remap: partition instance 'p0' is not a remap instance (force-remap works on instances of subdriver remap)")]
    [InlineData("recover-bad-block name=p0 block=4100", "recover-bad-block: partition instance 'p0' is not a remap instance (recover-bad-block works on instances of subdriver remap)")]
    [InlineData("ioctl-subdriver subdriver=remap name=R command=force-remap block=-1", "ioctl-subdriver: field 'block' is not a number of blocks or a size: '-1'")]
    public void ForceRemap_BlockItCannotList_IsEinval(string line, string message)
    {
        CreateRemapOnP0();

        AssertError(Run(line), Errno.EINVAL, message);
    }

    [Fact]
    public void ForceRemap_BlockAlreadyListed_IsEinval()
    {
        CreateRemapOnP0();
        Ok("force-remap name=R block=4100");

        AssertError(Run("ioctl-subdriver subdriver=remap name=R command=force-remap block=4100"), Errno.EINVAL,
            "ioctl-subdriver: remap instance 'R': block 4100 of disk 'f' already has an entry in the bad-block table (Forced)");
    }

    [Theory]
    [InlineData("force-remap name=R block=4100", "force-remap")]
    [InlineData("recover-bad-block name=R block=4100", "recover-bad-block")]
    [InlineData("ioctl-subdriver subdriver=remap name=R command=force-remap block=4100", "ioctl-subdriver")]
    [InlineData("ioctl-subdriver subdriver=remap name=R command=recover-bad-block block=4100", "ioctl-subdriver")]
    public void ForceAndRecover_NonRoot_AreEperm(string line, string verb)
    {
        CreateRemapOnP0();

        AssertError(Run(line, Unprivileged), Errno.EPERM, $"{verb}: only root may run this command (caller uid 1000)");
        Assert.Empty(Remap.Entries);
    }

    // ---- recover-bad-block -------------------------------------------------------------------------------------

    [Fact]
    public void RecoverBadBlock_NoEntry_IsEnoent()
    {
        CreateRemapOnP0();

        AssertError(Run("recover-bad-block name=R block=4100"), Errno.ENOENT,
            "recover-bad-block: remap instance 'R': the bad-block table has no entry for block 4100 of disk 'f'");
    }

    [Fact]
    public async Task RecoverBadBlock_MappedBlockThatIsGoodAgain_MovesItsDataBackAndRemovesTheEntry()
    {
        CreateRemapOnP0();
        var rule = Fault.AddRule(FaultOperation.Write, 4100, 1, Errno.EIO, times: 0);
        var data = new byte[Block];
        Random.Shared.NextBytes(data);
        await Registry.Get("p0").WriteAsync(4 * Block, data);
        Assert.Equal("4100 0 mapped 1", Entry(Ok("list-remap-table name=R")));

        AssertFails(Run("recover-bad-block name=R block=4100"), Errno.EIO, "block 4100 of disk 'f' is still bad");
        Fault.ClearRules(rule.Id);
        Ok("ioctl-subdriver subdriver=remap name=R command=recover-bad-block block=4100");

        AssertError(Run("list-remap-table name=R"), Errno.ENOENT, "list-remap-table: remap instance 'R': no more entries to list (the bad-block table has 0)");
        var back = new byte[Block];
        await Registry.Get("f").ReadAsync(4100L * Block, back);
        Assert.Equal(data, back);
        Assert.Equal("0", Ok("dsk-usage name=p0").Find("remapped-blocks"));
    }

    // ---- framework commands on a remap instance -----------------------------------------------------------------

    [Fact]
    public void LinkChild_RemapOfAnotherDisk_IsEinval()
    {
        CreateRemapOnP0();
        Ok($"create-instance subdriver=physical name=b path={Scratch.CreateFile("b.img", 8L << 20)}");
        Ok("create-instance subdriver=partition name=pb child=b start=0 size=1024");

        AssertFails(Run("link-child-instance parent=pb child=R"), Errno.EINVAL,
            "remap instance 'R' remaps disk 'f'; partition 'pb' is on 'b' (link the remap instance of that disk)");
        AssertFails(Run("link-child-instance parent=pt child=R"), Errno.EINVAL, "would make a cycle: 'pt' is beneath 'R'");
        Ok("create-instance subdriver=partition name=ov child=f start=2060 size=8");
        AssertFails(Run("link-child-instance parent=ov child=R"), Errno.EINVAL,
            "partition 'ov' (blocks 2060-2067) overlaps 'st' (blocks 2056-2063) of remap instance 'R'");
        AssertFails(Run("link-child-instance parent=p0 child=R"), Errno.EEXIST, "'R' is already a child of partition instance 'p0'");
        Ok("link-child-instance parent=p1 child=R");
        Assert.Equal("p0,p1", Ok("get-attributes name=R").Find("partitions"));
    }

    [Fact]
    public void UnlinkChild_WhilePartitionOpen_IsEbusy()
    {
        CreateRemapOnP0();
        var p0 = Registry.Get("p0");
        p0.AddOpen();
        try
        {
            AssertFails(Run("unlink-child-instance parent=p0 child=R"), Errno.EBUSY, "p0");
        }
        finally
        {
            p0.RemoveOpen();
        }
        Ok("unlink-child-instance parent=p0 child=R");
        Assert.Equal("-", Ok("get-attributes name=p0").Find("remap"));
    }

    [Fact]
    public void DeleteInstance_RemapWhileLinked_IsEbusy()
    {
        CreateRemapOnP0();

        AssertFails(Run("delete-instance name=R"), Errno.EBUSY, "cannot delete remap 'R': partition 'p0' is built on it");
        AssertFails(Run("delete-instance name=pt"), Errno.EBUSY, "cannot delete partition 'pt': remap 'R' is built on it");
        Ok("unlink-child-instance parent=p0 child=R");
        Ok("delete-instance name=R");
        Ok("delete-instance name=pt");
    }

    [Theory]
    [InlineData("dsk-get name=R", "dsk-get: remap instance 'R' has no size and does no I/O of its own: DSKIOCGET is not supported (vdmremap(7))")]
    [InlineData("dsk-usage name=R", "dsk-usage: remap instance 'R' has no size and does no I/O of its own: DSKIOCUSAGE is not supported (vdmremap(7))")]
    public void DiskCommands_OnARemap_AreEnotsup(string line, string message)
    {
        CreateRemapOnP0();

        AssertError(Run(line, Unprivileged), Errno.ENOTSUP, message);
    }

    [Fact]
    public void UpdateAttributes_OnARemap_IsEinval()
    {
        CreateRemapOnP0();

        AssertFails(Run("update-attributes name=R"), Errno.EINVAL, "has no size and its partitions are fixed at creation");
        AssertFails(Run("update-attributes name=R subdriver=remap start=1"), Errno.EINVAL, "has no size and its partitions are fixed at creation");
    }

    [Fact]
    public void GetInstances_Remap_HasSizeZeroAndIsNotExported()
    {
        CreateRemapOnP0();

        var record = Ok("get-instances").Records.Single(r => r.Find("name") == "R");

        Assert.Equal(("remap", "0", "0", "pt,st,ra", "p0"),
            (record.Find("subdriver"), record.Find("size"), record.Find("exported"), record.Find("children"), record.Find("parents")));
    }

    // ---- the binary front doors --------------------------------------------------------------------------------

    [Fact]
    public void Packets_CreateListAndForce_TravelThroughTheControlFileAndThePartitionsFile()
    {
        Ok("remap-format primary=pt secondary=st area=ra");
        var door = new PacketDoor(Dispatcher);

        var create = Request(VdmAbi.CmdCreateInstance, 1144, packet =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(packet[4..], VdmAbi.SubdriverRemap);
            "R"u8.CopyTo(packet[8..]);
            BinaryPrimitives.WriteUInt32LittleEndian(packet[76..], 1); // not_exported
            BinaryPrimitives.WriteUInt32LittleEndian(packet[92..], 3);
            BinaryPrimitives.WriteUInt32LittleEndian(packet[96..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(packet[100..], 5);
        });
        var created = door.ExecuteRequest(create, Root);
        Assert.Equal(0, created.Errno);
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32LittleEndian(created.Reply.AsSpan(PacketCodec.ReplyHeaderSize + 80)));
        Ok("link-child-instance parent=p0 child=R");

        // force-remap through ioctl-subdriver on the control file; refused to an ordinary user.
        var force = new byte[1040];
        BinaryPrimitives.WriteUInt32LittleEndian(force.AsSpan(4), VdmAbi.SubdriverRemap);
        BinaryPrimitives.WriteUInt32LittleEndian(force.AsSpan(8), 8);
        BinaryPrimitives.WriteUInt32LittleEndian(force.AsSpan(12), 2);
        BinaryPrimitives.WriteUInt64LittleEndian(force.AsSpan(16 + 8), 4104);
        Assert.Equal(Errno.EPERM, door.ExecuteIoctl(VdmAbi.CmdIoctlSubdriver, 1040, 1040, 1040, force, null, "vdm", Unprivileged).Errno);
        Assert.Equal(0, door.ExecuteIoctl(VdmAbi.CmdIoctlSubdriver, 1040, 1040, 1040, force, null, "vdm", Root).Errno);

        // force-remap as its own ioctl on the control file.
        var forceVerb = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(forceVerb.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt64LittleEndian(forceVerb.AsSpan(8), 4096);
        Assert.Equal(0, door.ExecuteIoctl(VdmAbi.CmdForceRemap, 16, 16, 16, forceVerb, null, "vdm", Root).Errno);

        // list-remap-table through ioctl(2) on dsk/p0: the partition is implied and names its remap; open to all.
        var list = new byte[32];
        var first = door.ExecuteIoctl(VdmAbi.CmdListRemapTable, 32, 32, 32, list, Registry.Get("p0"), "dsk/p0", Unprivileged);
        Assert.Equal(0, first.Errno);
        Assert.Equal((1u, VdmAbi.RemapForcedEntry, 4096L, -1L), ListEntry(first.Reply));
        BinaryPrimitives.WriteUInt32LittleEndian(list.AsSpan(8), 1); // the key returned; output fields go back as zero
        var second = door.ExecuteIoctl(VdmAbi.CmdListRemapTable, 32, 32, 32, list, Registry.Get("p0"), "dsk/p0", Unprivileged);
        Assert.Equal((2u, VdmAbi.RemapForcedEntry, 4104L, -1L), ListEntry(second.Reply));
        Assert.Equal(Errno.EINVAL, door.ExecuteIoctl(VdmAbi.CmdListRemapTable, 32, 32, 32, second.Reply, Registry.Get("p0"), "dsk/p0", Unprivileged).Errno);
        BinaryPrimitives.WriteUInt32LittleEndian(list.AsSpan(8), 2);
        var end = door.ExecuteIoctl(VdmAbi.CmdListRemapTable, 32, 32, 32, list, Registry.Get("p0"), "dsk/p0", Unprivileged);
        Assert.Equal(Errno.ENOENT, end.Errno);
        Assert.Equal("list-remap-table: remap instance 'R': no more entries to list (the bad-block table has 2, key 2)", end.Message);

        // list-remap-table as the remap's ioctl-subdriver command: the argument is the same packet.
        var subdriverList = new byte[1040];
        BinaryPrimitives.WriteUInt32LittleEndian(subdriverList.AsSpan(4), VdmAbi.SubdriverRemap);
        BinaryPrimitives.WriteUInt32LittleEndian(subdriverList.AsSpan(8), 8);
        BinaryPrimitives.WriteUInt32LittleEndian(subdriverList.AsSpan(12), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(subdriverList.AsSpan(16 + 8), 1);
        var listed = door.ExecuteIoctl(VdmAbi.CmdIoctlSubdriver, 1040, 1040, 1040, subdriverList, null, "vdm", Unprivileged);
        Assert.Equal(0, listed.Errno);
        Assert.Equal((2u, VdmAbi.RemapForcedEntry, 4104L, -1L), ListEntry(listed.Reply.AsSpan(16).ToArray()));
    }

    [Fact]
    public void Packets_FormatAttributesRoleAndUsage_CarryTheRemapsNumbers()
    {
        var door = new PacketDoor(Dispatcher);
        var format = Request(VdmAbi.CmdRemapFormat, 32, packet =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(packet[8..], 3);
            BinaryPrimitives.WriteUInt32LittleEndian(packet[12..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(packet[16..], 5);
        });
        Assert.Equal(Errno.EPERM, door.ExecuteRequest(format, Unprivileged).Errno);
        var formatted = door.ExecuteRequest(format, Root);
        Assert.Equal(0, formatted.Errno);
        Assert.Equal(504u, BinaryPrimitives.ReadUInt32LittleEndian(formatted.Reply.AsSpan(PacketCodec.ReplyHeaderSize + 20)));
        Assert.Equal(64ul, BinaryPrimitives.ReadUInt64LittleEndian(formatted.Reply.AsSpan(PacketCodec.ReplyHeaderSize + 24)));
        Ok("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra");
        Ok("link-child-instance parent=p0 child=R");
        Ok("force-remap name=R block=4100");

        var get = new byte[1072];
        BinaryPrimitives.WriteUInt32LittleEndian(get.AsSpan(4), 8);
        var attributes = door.ExecuteIoctl(VdmAbi.CmdGetAttributes, 1072, 1072, 1072, get, null, "vdm", Unprivileged);
        Assert.Equal(0, attributes.Errno);
        var numbers = Enumerable.Range(0, 17).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(attributes.Reply.AsSpan(16 + 4 * i))).ToArray();
        Assert.Equal([VdmAbi.SubdriverRemap], [BinaryPrimitives.ReadUInt32LittleEndian(attributes.Reply.AsSpan(8))]);
        Assert.Equal([0u, 3u, 4u, 5u, 512u, 64u, 64u, 8u, 504u, 1u, 0u, 0u, 1u, 0u, 0u, VdmAbi.RemapTableInUse, VdmAbi.RemapTableInUse], numbers);
        Assert.Equal((ulong)Remap.Tables.Sequence, BinaryPrimitives.ReadUInt64LittleEndian(attributes.Reply.AsSpan(88)));

        var child = new byte[112];
        BinaryPrimitives.WriteUInt32LittleEndian(child.AsSpan(4), VdmAbi.SubdriverRemap);
        BinaryPrimitives.WriteUInt32LittleEndian(child.AsSpan(8), 8);
        BinaryPrimitives.WriteUInt32LittleEndian(child.AsSpan(12), 1);
        var types = new List<(uint Device, uint Type)>();
        for (var key = 0u; key < 3; key++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(child.AsSpan(16), key);
            var role = door.ExecuteIoctl(VdmAbi.CmdGetChildInstance, 112, 112, 112, child, null, "vdm", Unprivileged);
            Assert.Equal(0, role.Errno);
            types.Add((BinaryPrimitives.ReadUInt32LittleEndian(role.Reply.AsSpan(28)), BinaryPrimitives.ReadUInt32LittleEndian(role.Reply.AsSpan(52))));
        }
        Assert.Equal([(3u, VdmAbi.RemapPrimaryTableChild), (4u, VdmAbi.RemapSecondaryTableChild), (5u, VdmAbi.RemapAreaChild)], types);

        var usage = new byte[72];
        var refused = door.ExecuteIoctl(VdmAbi.CmdDskUsage, 72, 72, 72, usage, Registry.Get("R"), "vdm", Unprivileged);
        Assert.Equal(Errno.ENOTSUP, refused.Errno);
        var p0Usage = door.ExecuteIoctl(VdmAbi.CmdDskUsage, 72, 72, 72, usage, Registry.Get("p0"), "dsk/p0", Unprivileged);
        Assert.Equal(0, p0Usage.Errno);
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(p0Usage.Reply.AsSpan(64))); // forced is not mapped yet
    }

    [Fact]
    public void Abi_RemapConstants_AreTheEngines()
    {
        Assert.Equal(RemapTableFormat.MaxEntries, VdmAbi.RemapMaxBlocksRemappable);
        Assert.Equal(RemapTableFormat.MaxTableBlocks, VdmAbi.RemapMaxTableBlocks);
        Assert.Equal(RemapTableFormat.EntriesPerBlock, VdmAbi.RemapTableEntriesPerBlock);
        Assert.Equal(
            [VdmAbi.RemapUnmappedEntry, VdmAbi.RemapMappedEntry, VdmAbi.RemapForcedEntry, VdmAbi.RemapPseudoEntry, VdmAbi.RemapBadRemapEntry],
            new[] { RemapEntryState.Unmapped, RemapEntryState.Mapped, RemapEntryState.Forced, RemapEntryState.Pseudo, RemapEntryState.BadRemap }.Select(s => (uint)s));
        Assert.Equal(VdmAbi.SubdriverRemap, VdmAbi.SubdriverId("remap"));
    }

    private static (uint Key, uint Status, long BadBlock, long RemapIndex) ListEntry(byte[] packet) =>
        (BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(8)), BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(12)),
            BinaryPrimitives.ReadInt64LittleEndian(packet.AsSpan(16)), BinaryPrimitives.ReadInt64LittleEndian(packet.AsSpan(24)));

    /// <summary>A request (header and packet) of command <paramref name="command"/>, the packet filled by <paramref name="fill"/>.</summary>
    private static byte[] Request(uint command, int size, SpanAction fill)
    {
        var data = new byte[PacketCodec.RequestHeaderSize + size];
        BinaryPrimitives.WriteUInt32LittleEndian(data, VdmAbi.RequestMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), command);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)size);
        fill(data.AsSpan(PacketCodec.RequestHeaderSize));
        return data;
    }

    private delegate void SpanAction(Span<byte> packet);
}
