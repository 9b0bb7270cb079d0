using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// dkio(7) through ioctl(2) on the exported files of a real mount, by the C program c/dkio_example.c: every query on
/// dsk/, rdsk/ and plex/ files with every field checked, DKIOCSGEOM, the VTOC set and read back in both forms with the
/// partition-map view, and the directed mirror read's calling sequence over a synchronised two-image mirror.
/// Physical d (64 MiB of random data), partition p on d (sectors 2048-34815), physical a and b (8 MiB) and mirror m
/// over them, synchronised.
/// </summary>
public sealed class DkioExampleTests : IDisposable
{
    private const long DiskBlocks = 64L * MiB / DkioRig.Block;
    private const long MirrorBlocks = 8L * MiB / DkioRig.Block;
    private const long PartitionStart = 2048, PartitionBlocks = 32768;
    private const string NoFields = "";

    private readonly DkioRig _rig = new();
    private readonly string _diskImage;

    public DkioExampleTests()
    {
        try
        {
            _diskImage = _rig.CreatePhysical("d", DiskBlocks * DkioRig.Block);
            _rig.Send(DkioRig.Invariant($"create-instance subdriver=partition name=p child=d start={PartitionStart} size={PartitionBlocks}"));
            _rig.CreatePhysical("a", MirrorBlocks * DkioRig.Block);
            _rig.CreatePhysical("b", MirrorBlocks * DkioRig.Block);
            _rig.CreateSyncedMirror("m", "a", "b");
        }
        catch
        {
            _rig.Dispose();
            throw;
        }
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void CProgram_QueriesOnDskRdskAndPlex_EveryFieldIsTheInstancesOwn()
    {
        var disk = _rig.Run("query", _rig.Dsk("d"));
        var partition = _rig.Run("query", _rig.Rdsk("p"));
        var plex = _rig.Run("query", _rig.Plex("m", "a"));
        var mirror = _rig.Run("query", _rig.Dsk("m"));

        disk.AssertOk("constants", "dkc_md=16 fixed_disk=0x10001 none=0 ejected=1 inserted=2 sane=0x600ddeee numpar=16 abr=1 dmr=2 " +
            "side_init=-1 next_side=1 done=2 error=4 success=16 short=32 max_data=8192 signature=0xaa55");
        AssertQuery(disk, "physical", _rig.DeviceNumber("d"), DiskBlocks, start: 0);
        AssertQuery(partition, "partition", _rig.DeviceNumber("p"), PartitionBlocks, start: PartitionStart);
        AssertQuery(plex, "physical", _rig.DeviceNumber("a"), MirrorBlocks, start: 0);
        AssertQuery(mirror, "mirror", _rig.DeviceNumber("m"), MirrorBlocks, start: 0);
        foreach (var output in new[] { disk, partition, plex })
        {
            output.AssertFails("getvolcap", "EINVAL");
            output.AssertFails("addbad", "ENOTSUP");
        }
        // A mirror can always do directed reads; ABR needs a journal, which a non-persistent mirror does not have.
        mirror.AssertOk("getvolcap", "info=2 set=0");
        // No label has been written: random data in sector 1 is not a VTOC.
        foreach (var output in new[] { disk, partition, plex, mirror })
        {
            output.AssertFails("vtoc", "EINVAL");
            output.AssertFails("extvtoc", "EINVAL");
            output.AssertFails("apart", "EINVAL");
        }
    }

    [Fact]
    public void CProgram_SetGeom_TheDriversNotionChangesAndTheDiskDoesNot()
    {
        string before = Sha256OfFile(_diskImage);

        var set = _rig.Run("setgeom", _rig.Dsk("d"), "4", "255", "63");
        var tooBig = _rig.Run("setgeom", _rig.Rdsk("d"), "9", "255", "63"); // 144585 sectors > 131072
        var none = _rig.Run("setgeom", _rig.Rdsk("d"), "0", "255", "63");
        var query = _rig.Run("query", _rig.Rdsk("d"));

        set.AssertOk("setgeom", NoFields);
        set.AssertOk("geom", "ncyl=4 acyl=0 bcyl=0 nhead=255 nsect=63 intrlv=1 apc=0 rpm=5400 pcyl=4");
        tooBig.AssertFails("setgeom", "EINVAL");
        none.AssertFails("setgeom", "EINVAL");
        tooBig.AssertOk("geom", "ncyl=4 nhead=255 nsect=63 rpm=5400");
        query.AssertOk("geom", "ncyl=4 nhead=255 nsect=63 rpm=5400");
        query.AssertOk("phygeom", "ncyl=4 nhead=255 nsect=63 rpm=5400");
        query.AssertOk("minfo", $"capacity={DiskBlocks}");
        Assert.Equal(before, Sha256OfFile(_diskImage));
        Assert.Equal("4", _rig.Send("dk-get-geom name=d").Fields["ncyl"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void CProgram_SetVtocThenGetBothForms_SameSlicesAndTheMapView(int extended)
    {
        // Cylinders of 16065 sectors (255 × 63): slices on cylinder boundaries, so that the map view is exact.
        string[] slices = ["0:2:0:16065:16065", "1:3:1:32130:8192", "2:5:1:0:131072", "7:8:16:48195:4096"];

        var output = _rig.Run(["setvtoc", _rig.Dsk("d"), extended.ToString(System.Globalization.CultureInfo.InvariantCulture), "vol1", "dkio example", .. slices]);

        output.AssertOk(extended == 1 ? "setextvtoc" : "setvtoc", NoFields);
        foreach (var form in new[] { "vtoc", "extvtoc" })
        {
            output.AssertOk(form, "bootinfo=0,0,0 sanity=0x600ddeee version=1 volume=vol1 sectorsz=512 nparts=16 asciilabel=dkio_example " +
                "p0=2:0:16065:16065 p1=3:1:32130:8192 p2=5:1:0:131072 p7=8:16:48195:4096 timestamps=0");
            foreach (var empty in new[] { 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15 })
            {
                Assert.Equal("0:0:0:0", output[form][$"p{empty}"]);
            }
        }
        output.AssertOk("apart", "m0=1:16065 m1=2:8192 m2=0:131072 m3=0:0 m7=3:4096 m15=0:0");
        output.AssertOk("setapart", NoFields);

        // The slices are instances: DKIOCINFO names the slice, DKIOCPARTINFO its window on d.
        var slice = _rig.Run("query", _rig.Dsk("ds7"));
        slice.AssertOk("cinfo", $"cname=vdmfuse ctype=16 dname=slice unit={_rig.DeviceNumber("ds7")} partition=7 maxtransfer=2048");
        slice.AssertOk("partinfo", "start=48195 length=4096");
        slice.AssertOk("extpartinfo", "start=48195 length=4096");
        slice.AssertOk("minfo", "media_type=0x10001 lbsize=512 capacity=4096");
        Assert.Equal(4096L * DkioRig.Block, new FileInfo(_rig.Dsk("ds7")).Length);
        Assert.Equal(16065L * DkioRig.Block, new FileInfo(_rig.Rdsk("ds0")).Length);
        Assert.Equal(["ds0", "ds1", "ds2", "ds7"], SlicesOf("d"));
    }

    [Fact]
    public void CProgram_DirectedReadOverSyncedMirror_InitSideZeroSideOneThenDoneWithTheData()
    {
        byte[] data = Random(4096);
        using (var mirror = PosixFile.Open(_rig.Rdsk("m"), Libc.O_RDWR))
        {
            mirror.WriteExactly(data, 1L * MiB);
        }
        string hex = Convert.ToHexStringLower(data);

        var output = _rig.Run("dmr", _rig.Dsk("m"), "1048576", "4096");

        var volcaps = output.All("getvolcap");
        Assert.True(volcaps.Count == 2, output.Text);
        Assert.Equal(("2", "0"), (volcaps[0]["info"], volcaps[0]["set"]));
        Assert.Equal(("2", "2"), (volcaps[1]["info"], volcaps[1]["set"]));
        output.AssertOk("setvolcap", NoFields);
        var steps = output.All("dmr");
        Assert.True(steps.Count == 3, $"expected side 0, side 1, then DONE:\n{output.Text}");
        Assert.Equal(("0x10", "0", "a", "4096"), (steps[0]["flags"], steps[0]["side"], steps[0]["side_name"], steps[0]["bytesread"]));
        Assert.Equal(hex, steps[0]["data"]);
        Assert.Equal(("0x10", "1", "b", "4096"), (steps[1]["flags"], steps[1]["side"], steps[1]["side_name"], steps[1]["bytesread"]));
        Assert.Equal(hex, steps[1]["data"]);
        Assert.Equal(("0x2", "1"), (steps[2]["flags"], steps[2]["side"]));

        // Across the end: SHORT with the bytes that exist, which are the plex file's.
        var across = _rig.Run("dmr", _rig.Dsk("m"), (MirrorBlocks * DkioRig.Block - 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), "4096");
        var shortStep = across.All("dmr")[0];
        Assert.True((shortStep["flags"], shortStep["bytesread"]) == ("0x20", "1024"), across.Text);
        byte[] tail = ReadFileRange(_rig.Workspace.PathOf("a.img"), MirrorBlocks * DkioRig.Block - 1024, 1024);
        Assert.Equal(Convert.ToHexStringLower(tail), shortStep["data"]);

        // The text form gives the same sequence.
        var first = _rig.Send("dk-dmr name=m flags=1 side=-1 offset=1048576 nbytes=4096").Fields;
        Assert.Equal(("16", "0", "a", "4096"), (first["flags"], first["side"], first["side-name"], first["bytesread"]));
        Assert.Equal(hex, first["data"].ToLowerInvariant());
        var done = _rig.Send("dk-dmr name=m flags=1 side=1 offset=1048576 nbytes=4096").Fields;
        Assert.Equal("2", done["flags"]);
    }

    [Fact]
    public void CProgram_AbrOnANonPersistentMirror_FailsWithEnotsupAndNothingIsSet()
    {
        var abr = _rig.Run("setvolcap", _rig.Dsk("m"), "1");
        var unknown = _rig.Run("setvolcap", _rig.Dsk("m"), "4");
        var partition = _rig.Run("setvolcap", _rig.Dsk("p"), "2");

        abr.AssertFails("setvolcap", "ENOTSUP");
        abr.AssertOk("getvolcap", "info=2 set=0");
        unknown.AssertFails("setvolcap", "ENOTSUP");
        partition.AssertFails("setvolcap", "EINVAL");
        partition.AssertFails("getvolcap", "EINVAL");
    }

    /// <summary>The queries of an instance of <paramref name="blocks"/> sectors that is not a slice, checked field by field.</summary>
    private static void AssertQuery(DkioOutput output, string subdriver, string unit, long blocks, long start)
    {
        output.AssertOk("cinfo", $"cname=vdmfuse ctype=16 flags=0 cnum=0 addr=0 space=0 prio=0 vec=0 dname={subdriver} unit={unit} " +
            "slave=0 partition=65535 maxtransfer=2048");
        long cylinders = blocks / (255 * 63);
        foreach (var form in new[] { "geom", "phygeom", "virtgeom" })
        {
            output.AssertOk(form, $"ncyl={cylinders} acyl=0 bcyl=0 nhead=255 obs1=0 nsect=63 intrlv=1 obs2=0 obs3=0 apc=0 rpm=7200 " +
                $"pcyl={cylinders} write_reinstruct=0 read_reinstruct=0 extra=0,0,0,0,0,0,0");
            long ncyl = output.Number(form, "ncyl"), nhead = output.Number(form, "nhead"), nsect = output.Number(form, "nsect");
            Assert.True(ncyl * nhead * nsect <= blocks && (ncyl + 1) * nhead * nsect > blocks,
                $"{form}: {ncyl} × {nhead} × {nsect} is not the largest whole-cylinder geometry within {blocks} sectors");
        }
        output.AssertOk("minfo", $"media_type=0x10001 lbsize=512 capacity={blocks}");
        output.AssertOk("removable", "value=0");
        output.AssertOk("hotpluggable", "value=0");
        output.AssertOk("partinfo", $"start={start} length={blocks}");
        output.AssertOk("extpartinfo", $"start={start} length={blocks}");
        output.AssertOk("state", "state=2");
        output.AssertFails("eject", "ENOTSUP");
        output.AssertFails("lock", "ENOTSUP");
        output.AssertFails("unlock", "ENOTSUP");
    }

    private IEnumerable<string> SlicesOf(string disk) =>
        ControlFile.GetInstances(_rig.Mountpoint).Values
            .Where(r => r.Fields.TryGetValue("subdriver", out var s) && s == "slice" && r["name"].StartsWith(disk + "s", StringComparison.Ordinal))
            .Select(r => r["name"]).Order(StringComparer.Ordinal);
}
