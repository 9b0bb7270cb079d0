using System.Globalization;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>Canonical commands and replies of the disk ioctls (dk-*), for the round-trip tests: every layout, every field.</summary>
internal static class DkioPackets
{
    /// <summary>A master boot record: boot code bytes, a Solaris partition at sector 2048 of 4096 sectors, the signature.</summary>
    public static string MbootHex
    {
        get
        {
            var sector = new byte[512];
            for (var i = 0; i < 446; i++)
            {
                sector[i] = (byte)(i * 7);
            }
            sector[446] = 0x80;
            sector[446 + 4] = 0xBF;
            BitConverter.TryWriteBytes(sector.AsSpan(446 + 8), 2048u);
            BitConverter.TryWriteBytes(sector.AsSpan(446 + 12), 4096u);
            sector[510] = 0x55;
            sector[511] = 0xAA;
            return Convert.ToHexStringLower(sector);
        }
    }

    /// <summary>The 16 slices as pN-tag, pN-flag, pN-start, pN-size fields, in packet order.</summary>
    public static string Slices(bool extended) => string.Join(' ', Enumerable.Range(0, 16).Select(i =>
    {
        var start = extended ? (1L << 40) + i * 1024L : i * 1024L;
        var size = i == 15 ? (extended ? long.MaxValue.ToString(CultureInfo.InvariantCulture) : int.MaxValue.ToString(CultureInfo.InvariantCulture)) : (i * 8).ToString(CultureInfo.InvariantCulture);
        return $"p{i}-tag={i % 13} p{i}-flag={(i % 2 == 0 ? 0x10 : 0x01)} p{i}-start={start} p{i}-size={size}";
    }));

    /// <summary>The 16 maps as mN-cylno, mN-nblk fields, in packet order.</summary>
    public static string Maps => string.Join(' ', Enumerable.Range(0, 16).Select(i => $"m{i}-cylno={(i == 0 ? -1 : i * 10)} m{i}-nblk={(i == 15 ? int.MaxValue : i * 630)}"));

    public static string[] CanonicalLines =>
    [
        "dk-info name=3",
        "dk-get-geom name=3",
        "dk-set-geom name=3 ncyl=100 acyl=2 bcyl=0 nhead=16 nsect=63 intrlv=1 apc=0 rpm=7200 pcyl=102 write-reinstruct=0 read-reinstruct=65535",
        "dk-get-phygeom name=3",
        "dk-get-virtgeom name=4294967294",
        "dk-get-vtoc name=3",
        $"dk-set-vtoc name=3 sanity=1611521774 vtoc-version=1 volume=ABCDEFGH sector-size=512 nparts=16 {Slices(false)} ascii-label=\"vdmfuse disk cyl 100 alt 2 hd 16 sec 63\"",
        "dk-set-vtoc name=3 sanity=0 vtoc-version=0 sector-size=0 nparts=0 " + string.Join(' ', Enumerable.Range(0, 16).Select(i => $"p{i}-tag=0 p{i}-flag=0 p{i}-start=0 p{i}-size=0")),
        "dk-get-extvtoc name=3",
        $"dk-set-extvtoc name=3 sanity=1611521774 vtoc-version=9223372036854775807 volume=v sector-size=512 nparts=16 {Slices(true)} ascii-label=x",
        "dk-get-apart name=3",
        $"dk-set-apart name=3 {Maps}",
        "dk-media-info name=3",
        "dk-removable name=3",
        "dk-hotpluggable name=3",
        "dk-state name=3 state=0",
        "dk-state name=3 state=2",
        "dk-eject name=3",
        "dk-lock name=3",
        "dk-unlock name=3",
        "dk-partinfo name=3",
        "dk-extpartinfo name=3",
        $"dk-smboot name=3 mboot={MbootHex}",
        "dk-get-volcap name=3",
        "dk-set-volcap name=3 set=3",
        "dk-dmr name=3 flags=1 side=-1 offset=65280 nbytes=1024",
        "dk-dmr name=3 flags=17 side=2 offset=9223372036854775807 nbytes=8192",
        "dk-addbad name=3",
    ];

    public static (string Line, string Reply)[] ReplyCases =>
    [
        ("dk-info name=3", "ok cname=vdmfuse ctype=16 flags=0 cnum=0 addr=0 space=0 prio=0 vec=0 dname=partition unit=3 slave=0 partition=65535 maxtransfer=2048"),
        ("dk-info name=3", "ok cname=123456789012345 ctype=65535 flags=1 cnum=2 addr=3 space=4 prio=5 vec=4294967295 dname=slice unit=4294967294 slave=6 partition=15 maxtransfer=0"),
        ("dk-get-geom name=3", "ok ncyl=8 acyl=0 bcyl=0 nhead=255 nsect=63 intrlv=1 apc=0 rpm=7200 pcyl=8 write-reinstruct=0 read-reinstruct=0"),
        ("dk-get-phygeom name=3", "ok ncyl=65535 acyl=1 bcyl=2 nhead=3 nsect=4 intrlv=5 apc=6 rpm=7 pcyl=8 write-reinstruct=9 read-reinstruct=65535"),
        ("dk-get-virtgeom name=3", "ok ncyl=1044 acyl=0 bcyl=0 nhead=255 nsect=63 intrlv=1 apc=0 rpm=7200 pcyl=1044 write-reinstruct=0 read-reinstruct=0"),
        ("dk-get-vtoc name=3", $"ok sanity=1611521774 vtoc-version=1 volume=ABCDEFGH sector-size=512 nparts=16 {Slices(false)} ascii-label=\"a label\""),
        ("dk-get-vtoc name=3", $"ok sanity=0 vtoc-version=4294967295 volume=\"\" sector-size=65535 nparts=0 {Slices(false)} ascii-label=\"\""),
        ("dk-get-extvtoc name=3", $"ok sanity=1611521774 vtoc-version=1 volume=\"é\" sector-size=512 nparts=16 {Slices(true)} ascii-label={new string('L', 128)}"),
        ("dk-get-apart name=3", $"ok {Maps}"),
        ("dk-media-info name=3", "ok media-type=65537 lbsize=4096 capacity=18446744073709551615"),
        ("dk-removable name=3", "ok value=1"),
        ("dk-hotpluggable name=3", "ok value=0"),
        ("dk-state name=3 state=2", "ok state=1"),
        ("dk-partinfo name=3", "ok start=2048 length=2147483647"),
        ("dk-partinfo name=3", "ok start=-1 length=-2147483648"),
        ("dk-extpartinfo name=3", "ok start=18446744073709551615 length=4096"),
        ("dk-get-volcap name=3", "ok info=3 set=2"),
        ("dk-dmr name=3 flags=1 side=-1 offset=0 nbytes=4", "ok flags=16 side=0 bytesread=4 side-name=image0 data=deadbeef"),
        ("dk-dmr name=3 flags=1 side=1 offset=0 nbytes=4", "ok flags=2 side=1 bytesread=0 side-name=\"\" data=\"\""),
        ("dk-dmr name=3 flags=1 side=-1 offset=0 nbytes=8192", $"ok flags=32 side=2 bytesread=8192 side-name=image2 data={new string('a', 16384)}"),
        ("dk-set-vtoc name=3", "ok"),
        ("dk-smboot name=3 mboot=" + MbootHex, "ok"),
        ("dk-addbad name=3", "ok"),
    ];
}
