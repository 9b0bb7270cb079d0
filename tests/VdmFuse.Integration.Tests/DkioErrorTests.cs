using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// One daemon for the refusals of the dk-* verbs: sparse physical d (64 MiB), sparse physical big (1 TiB + 1 MiB, over
/// the 32-bit forms and the virtual geometry), partition p on d, and mirror m over physical a and b (not persistent).
/// </summary>
public sealed class DkioErrorFixture : IDisposable
{
    public const long DiskBlocks = 64L * MiB / DkioRig.Block;
    public const long BigBlocks = ((1L << 40) + MiB) / DkioRig.Block;

    public DkioErrorFixture()
    {
        Rig = new DkioRig();
        try
        {
            Rig.CreatePhysical("d", DiskBlocks * DkioRig.Block, sparse: true);
            Rig.CreatePhysical("big", BigBlocks * DkioRig.Block, sparse: true);
            Rig.Send("create-instance subdriver=partition name=p child=d start=2048 size=8192");
            Rig.CreatePhysical("a", 4L * MiB, sparse: true);
            Rig.CreatePhysical("b", 4L * MiB, sparse: true);
            Rig.Send("create-instance subdriver=mirror name=m images=a,b");
        }
        catch
        {
            Rig.Dispose();
            throw;
        }
    }

    public DkioRig Rig { get; }

    /// <inheritdoc/>
    public void Dispose() => Rig.Dispose();
}

/// <summary>
/// Every EINVAL, ENOTSUP, EOVERFLOW and EPERM of dkio(7) through the text form of the control file, with its errno
/// (write(2)'s) and its sentence: invalid VTOCs, the 1 TiB and 8 GiB limits, geometries bigger than the disk, the
/// removable-media operations, volume capabilities and directed reads on instances that are not mirrors, and the
/// privileged operations for nobody while the queries work for nobody.
/// </summary>
public sealed class DkioErrorTests : IClassFixture<DkioErrorFixture>
{
    private const string SliceZero = "p0-tag=2 p0-start=2048 p0-size=4096";

    private readonly DkioRig _rig;

    public DkioErrorTests(DkioErrorFixture fixture) => _rig = fixture.Rig;

    [Theory]
    [InlineData("sanity=1 " + SliceZero, "v_sanity is 0x1, not VTOC_SANE")]
    [InlineData("vtoc-version=2 " + SliceZero, "v_version is 2")]
    [InlineData("nparts=8 " + SliceZero, "v_nparts is 8")]
    [InlineData("sector-size=4096 " + SliceZero, "v_sectorsz is 4096")]
    [InlineData("p0-tag=2 p0-start=2048 p0-size=4096 p1-tag=4 p1-start=6000 p1-size=100", "slices 0 (sectors 2048-6143) and 1 (sectors 6000-6099) overlap")]
    [InlineData("p5-tag=2 p5-start=131000 p5-size=100", "slice 5 (sectors 131000-131099) runs past the end of the disk (131072 sectors)")]
    [InlineData("p0-tag=2 p0-flag=2 p0-start=0 p0-size=10", "slice 0 has unknown flag bits 0x2")]
    [InlineData("p0-tag=99 p0-start=0 p0-size=10", "slice 0 has unknown tag 0x63")]
    [InlineData("p0-tag=2 p0-start=-5 p0-size=10", "slice 0 has a negative start or size")]
    public void SetVtoc_InvalidTable_FailsWithEinvalNamingTheFieldAndNoSliceAppears(string fields, string sentence)
    {
        foreach (var verb in new[] { "dk-set-vtoc", "dk-set-extvtoc" })
        {
            _rig.SendExpectingError($"{verb} name=d {fields}", LinuxErrno.EINVAL, "EINVAL", "invalid VTOC", sentence);
        }
        _rig.SendExpectingError("dk-get-vtoc name=d", LinuxErrno.EINVAL, "EINVAL", "has no VTOC");
        Assert.False(File.Exists(_rig.Dsk("ds0")) || File.Exists(_rig.Dsk("ds5")), "a refused VTOC exported a slice");
    }

    [Fact]
    public void BigSparseDisk_ThirtyTwoBitFormsFailWithEoverflowAndTheExtendedFormsWork()
    {
        string blocks = DkioErrorFixture.BigBlocks.ToString(CultureInfo.InvariantCulture);

        _rig.SendExpectingError("dk-get-vtoc name=big", DkioRig.EOVERFLOW, "EOVERFLOW", "1 TiB", "EXTVTOC");
        _rig.SendExpectingError($"dk-set-vtoc name=big p2-tag=5 p2-start=0 p2-size={blocks}", DkioRig.EOVERFLOW, "EOVERFLOW", "1 TiB");
        _rig.SendExpectingError("dk-partinfo name=big", DkioRig.EOVERFLOW, "EOVERFLOW", "DKIOCEXTPARTINFO");
        _rig.SendExpectingError("dk-get-virtgeom name=big", LinuxErrno.EINVAL, "EINVAL", "8 GiB");

        var ext = _rig.Send("dk-extpartinfo name=big").Fields;
        Assert.Equal(("0", blocks), (ext["start"], ext["length"]));
        var media = _rig.Send("dk-media-info name=big").Fields;
        Assert.Equal(("65537", "512", blocks), (media["media-type"], media["lbsize"], media["capacity"]));
        var geometry = _rig.Send("dk-get-geom name=big").Fields;
        long cylinders = long.Parse(geometry["ncyl"], CultureInfo.InvariantCulture), heads = long.Parse(geometry["nhead"], CultureInfo.InvariantCulture),
            sectors = long.Parse(geometry["nsect"], CultureInfo.InvariantCulture);
        Assert.True(cylinders * heads * sectors <= DkioErrorFixture.BigBlocks && cylinders > 0, string.Join(' ', geometry));

        _rig.Send($"dk-set-extvtoc name=big volume=big p2-tag=5 p2-flag=1 p2-start=0 p2-size={blocks} p4-tag=4 p4-start=2147483648 p4-size=2048");
        var vtoc = _rig.Send("dk-get-extvtoc name=big").Fields;
        Assert.Equal(("big", "5", blocks, "2147483648", "2048"), (vtoc["volume"], vtoc["p2-tag"], vtoc["p2-size"], vtoc["p4-start"], vtoc["p4-size"]));
        _rig.SendExpectingError("dk-get-vtoc name=big", DkioRig.EOVERFLOW, "EOVERFLOW", "1 TiB");
        var slice = _rig.Send("dk-extpartinfo name=bigs4").Fields;
        Assert.Equal(("2147483648", "2048"), (slice["start"], slice["length"]));
        _rig.SendExpectingError("dk-partinfo name=bigs4", DkioRig.EOVERFLOW, "EOVERFLOW", "2147483648");
        Assert.Equal(2048L * DkioRig.Block, new FileInfo(_rig.Dsk("bigs4")).Length);
    }

    [Theory]
    [InlineData("ncyl=9 nhead=255 nsect=63", "144585 sectors; the disk has 131072")]
    [InlineData("ncyl=8 acyl=1 nhead=255 nsect=63", "144585 sectors; the disk has 131072")]
    [InlineData("ncyl=0 nhead=255 nsect=63", "at least 1 cylinder")]
    [InlineData("ncyl=8 nhead=255 nsect=0", "at least 1 cylinder")]
    public void SetGeom_BiggerThanTheDiskOrEmpty_FailsWithEinvalAndTheGeometryStays(string fields, string sentence)
    {
        _rig.SendExpectingError($"dk-set-geom name=d {fields}", LinuxErrno.EINVAL, "EINVAL", sentence);

        var geometry = _rig.Send("dk-get-geom name=d").Fields;
        Assert.Equal(("8", "255", "63"), (geometry["ncyl"], geometry["nhead"], geometry["nsect"]));
    }

    [Theory]
    [InlineData("dk-eject", "DKIOCEJECT")]
    [InlineData("dk-lock", "DKIOCLOCK")]
    [InlineData("dk-unlock", "DKIOCUNLOCK")]
    public void RemovableMediaOperation_AnyInstance_FailsWithEnotsup(string verb, string ioctl)
    {
        foreach (var name in new[] { "d", "p", "m" })
        {
            _rig.SendExpectingError($"{verb} name={name}", DkioRig.ENOTSUP, "ENOTSUP", "not removable", ioctl, $"'{name}'");
        }
    }

    [Fact]
    public void VolumeCapabilitiesAndDirectedRead_NotAMirror_FailWithEinval()
    {
        foreach (var name in new[] { "d", "p", "a" })
        {
            _rig.SendExpectingError($"dk-get-volcap name={name}", LinuxErrno.EINVAL, "EINVAL", $"'{name}'", "mirror");
            _rig.SendExpectingError($"dk-set-volcap name={name} set=2", LinuxErrno.EINVAL, "EINVAL", $"'{name}'", "mirror");
            _rig.SendExpectingError($"dk-dmr name={name} offset=0 nbytes=512", LinuxErrno.EINVAL, "EINVAL", $"'{name}'", "mirror");
        }
    }

    [Fact]
    public void MirrorCapabilities_AbrWithoutJournalUnknownBitsAndDmrNotEnabled_AreRefused()
    {
        var capabilities = _rig.Send("dk-get-volcap name=m").Fields;
        Assert.Equal(("2", "0"), (capabilities["info"], capabilities["set"]));

        _rig.SendExpectingError("dk-set-volcap name=m set=1", DkioRig.ENOTSUP, "ENOTSUP", "'m'");
        _rig.SendExpectingError("dk-set-volcap name=m set=4", DkioRig.ENOTSUP, "ENOTSUP", "'m'");
        _rig.SendExpectingError("dk-dmr name=m offset=0 nbytes=512", LinuxErrno.EINVAL, "EINVAL", "'m'");
        _rig.SendExpectingError("dk-dmr name=m offset=0 nbytes=0", LinuxErrno.EINVAL, "EINVAL", "nbytes");
        _rig.SendExpectingError("dk-dmr name=m offset=0 nbytes=8193", LinuxErrno.EINVAL, "EINVAL", "nbytes", "8192");

        capabilities = _rig.Send("dk-get-volcap name=m").Fields;
        Assert.Equal(("2", "0"), (capabilities["info"], capabilities["set"]));
    }

    [Fact]
    public void AddBad_NoRemapInstance_FailsWithEnotsup()
    {
        foreach (var name in new[] { "d", "p", "m" })
        {
            _rig.SendExpectingError($"dk-addbad name={name}", DkioRig.ENOTSUP, "ENOTSUP", $"'{name}'");
        }
    }

    [Fact]
    public void Nobody_QueriesWorkAndChangesFailWithEpermThroughEveryDoor()
    {
        string mboot = Convert.ToHexStringLower(new byte[510]) + "55aa";
        var queries = new[]
        {
            "dk-info name=d", "dk-get-geom name=d", "dk-get-phygeom name=d", "dk-get-virtgeom name=d", "dk-media-info name=d",
            "dk-removable name=d", "dk-hotpluggable name=d", "dk-state name=d", "dk-partinfo name=p", "dk-extpartinfo name=p",
            "dk-get-volcap name=m",
        };
        var changes = new[]
        {
            ("dk-set-geom", "dk-set-geom name=d ncyl=4 nhead=255 nsect=63"),
            ("dk-set-vtoc", "dk-set-vtoc name=p " + SliceZero),
            ("dk-set-extvtoc", "dk-set-extvtoc name=p " + SliceZero),
            ("dk-set-apart", "dk-set-apart name=p m0-cylno=0 m0-nblk=100"),
            ("dk-smboot", $"dk-smboot name=d mboot={mboot}"),
            ("dk-set-volcap", "dk-set-volcap name=m set=2"),
            ("dk-addbad", "dk-addbad name=d"),
        };

        foreach (var door in new[] { ControlDoor.Text, ControlDoor.Packet, ControlDoor.Ioctl })
        {
            var replies = ForeignClient.Send(ForeignClient.Nobody, _rig.Mountpoint,
                [.. queries.Select(q => (door, q)), .. changes.Select(c => (door, c.Item2))]);

            for (int i = 0; i < queries.Length; i++)
            {
                Assert.True(replies[i].IsOk, replies[i].ToString());
            }
            Assert.Equal("vdmfuse", replies[0]["cname"]);
            Assert.Equal("2", replies[7]["state"]);
            for (int i = 0; i < changes.Length; i++)
            {
                var reply = replies[queries.Length + i];
                Assert.True(reply.Errno == DkioRig.EPERM, reply.ToString());
                Assert.True(door == ControlDoor.Ioctl || (reply.Message.StartsWith(changes[i].Item1 + ":", StringComparison.Ordinal)
                    && reply.Message.Contains("uid 65534", StringComparison.Ordinal)), reply.ToString());
            }
        }
        var geometry = _rig.Send("dk-get-geom name=d").Fields;
        Assert.Equal("8", geometry["ncyl"]);
        _rig.SendExpectingError("dk-get-vtoc name=p", LinuxErrno.EINVAL, "EINVAL", "has no VTOC");
        Assert.Equal("0", _rig.Send("dk-get-volcap name=m").Fields["set"]);
    }
}
