using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine.Dkio;
using VdmFuse.Engine.Mirror;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// The disk ioctls of dkio(7) through the dispatcher (dk-* verbs, request packets and ioctls on the control file and on
/// instance files), over real O_DIRECT image files: physical 'a' (64 MiB, 131072 sectors, device 1) and its partition
/// 'p' (sectors 2048 + 4096, device 2).
/// </summary>
public sealed class DkioCommandTests : DispatcherFixture
{
    private const int Block = 512;
    private const long Blocks = ImageSize / Block;
    private static readonly ControlCaller Root = new(0, 0, 0);

    public DkioCommandTests()
    {
        Ok($"create-instance subdriver=physical name=a path={Image}");
        Ok("create-instance subdriver=partition name=p child=a start=2048 size=4096");
    }

    private PacketDoor Door => new(Dispatcher);

    private static void AssertFails(ControlReply reply, int errno, string fragment)
    {
        Assert.False(reply.IsOk, $"expected {Errno.Name(errno)} '{fragment}', got ok");
        Assert.Equal(Errno.Name(errno), reply.ErrnoName);
        Assert.Contains(fragment, reply.Message, StringComparison.Ordinal);
    }

    private static long L(string? value) => long.Parse(value!, CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="line"/> as an ioctl: its packet, on the file of <paramref name="implied"/> (null: the control file).</summary>
    private PacketOutcome Ioctl(string line, string? implied, ControlCaller? caller = null)
    {
        var packet = Packet(line);
        var number = PacketCodec.CommandNumber(TextCodec.Parse(line)!.Verb);
        var instance = implied is null ? null : Registry.Get(implied);
        return Door.ExecuteIoctl(number, packet.Length, (uint)packet.Length, (uint)packet.Length, packet, instance, implied is null ? "vdm" : $"dsk/{implied}", caller ?? Root);
    }

    /// <summary>The packet of a text command; <c>name=0</c> leaves the device number 0 (the instance of the file is implied).</summary>
    private static byte[] Packet(string line)
    {
        var command = TextCodec.Parse(line)!;
        return PacketCodec.EncodePacket(command with { Fields = [.. command.Fields.Where(field => field is not { Key: "name", Value: "0" })] });
    }

    /// <summary>The reply fields of a successful ioctl's packet.</summary>
    private static ControlReply Decoded(string verb, PacketOutcome outcome)
    {
        Assert.True(outcome.Errno == 0, $"{verb} failed: {Errno.Name(outcome.Errno)} {outcome.Message}");
        return PacketCodec.DecodeReplyPacket(PacketCodec.CommandNumber(verb), outcome.Reply);
    }

    private const string ThreeSlices =
        "volume=vol1 p0-tag=2 p0-start=2048 p0-size=4096 p2-tag=5 p2-flag=1 p2-start=0 p2-size=131072 p3-tag=4 p3-flag=16 p3-start=8192 p3-size=2048 ascii-label=\"vdm test disk\"";

    // ---- dk-info, geometry --------------------------------------------------------------------------------------

    [Fact]
    public void DkInfo_PhysicalAndPartition_AreMetaDiskControllersNamedBySubdriverAndDevice()
    {
        Assert.Equal("ok cname=vdmfuse ctype=16 flags=0 cnum=0 addr=0 space=0 prio=0 vec=0 dname=physical unit=1 slave=0 partition=65535 maxtransfer=2048\n",
            Run("dk-info name=a", Unprivileged).ToString());
        var partition = Decoded("dk-info", Ioctl("dk-info name=0", "p", Unprivileged));
        Assert.Equal(("partition", "2", "65535"), (partition.Find("dname"), partition.Find("unit"), partition.Find("partition")));
    }

    [Fact]
    public void DkGetGeom_Physical_IsConsistentWithTheCapacityAndEqualsPhygeomAndVirtgeom()
    {
        var geometry = Run("dk-get-geom name=a", Unprivileged);

        Assert.Equal(("8", "255", "63", "1", "7200", "8"),
            (geometry.Find("ncyl"), geometry.Find("nhead"), geometry.Find("nsect"), geometry.Find("intrlv"), geometry.Find("rpm"), geometry.Find("pcyl")));
        Assert.True(L(geometry.Find("ncyl")) * L(geometry.Find("nhead")) * L(geometry.Find("nsect")) <= Blocks);
        Assert.Equal(geometry, Run("dk-get-phygeom name=a", Unprivileged));
        Assert.Equal(geometry, Run("dk-get-virtgeom name=1", Unprivileged));
        Assert.Equal(geometry, Decoded("dk-get-geom", Ioctl("dk-get-geom name=0", "a", Unprivileged)));
        var small = Run("dk-get-geom name=p");
        Assert.True(L(small.Find("ncyl")) * L(small.Find("nhead")) * L(small.Find("nsect")) <= 4096);
    }

    [Fact]
    public void DkSetGeom_WithinTheCapacity_IsTheDriversGeometryFromThenOn()
    {
        Ok("dk-set-geom name=a ncyl=100 nhead=16 nsect=64");

        Assert.Equal("ok ncyl=100 acyl=0 bcyl=0 nhead=16 nsect=64 intrlv=1 apc=0 rpm=7200 pcyl=100 write-reinstruct=0 read-reinstruct=0\n",
            Run("dk-get-geom name=a").ToString());
        Assert.Equal(0, Ioctl("dk-set-geom name=1 ncyl=50 acyl=1 bcyl=0 nhead=32 nsect=64 intrlv=1 apc=0 rpm=5400 pcyl=51 write-reinstruct=0 read-reinstruct=0", null).Errno);
        Assert.Equal(("50", "1", "5400", "51"), (Run("dk-get-phygeom name=a").Find("ncyl"), Run("dk-get-geom name=a").Find("acyl"),
            Run("dk-get-geom name=a").Find("rpm"), Run("dk-get-geom name=a").Find("pcyl")));
    }

    [Fact]
    public void DkSetGeom_MoreSectorsThanTheDiskOrNone_IsEinval()
    {
        AssertFails(Run("dk-set-geom name=a ncyl=200 nhead=16 nsect=64"), Errno.EINVAL, "is 204800 sectors; the disk has 131072");
        AssertFails(Run("dk-set-geom name=a ncyl=0 nhead=16 nsect=64"), Errno.EINVAL, "a geometry needs at least 1 cylinder, head and sector");
        AssertFails(Run("dk-set-geom name=a ncyl=70000 nhead=1 nsect=1"), Errno.EINVAL, "dk-set-geom: field 'ncyl' is 70000; it must be 0 to 65535");
    }

    [Fact]
    public void DkGetVirtgeom_DiskOver8GiB_IsEinval()
    {
        Ok($"create-instance subdriver=physical name=big path={Scratch.CreateFile("big.img", 9L << 30)}");

        AssertFails(Run("dk-get-virtgeom name=big"), Errno.EINVAL, "a virtual (CHS) geometry is not relevant for disks over 8 GiB");
        Assert.Equal(Errno.EINVAL, Ioctl("dk-get-virtgeom name=0", "big").Errno);
        Assert.True(Run("dk-get-geom name=big").IsOk);
    }

    // ---- VTOC ----------------------------------------------------------------------------------------------------

    [Fact]
    public void DkGetVtoc_NoLabel_IsEinval()
    {
        AssertFails(Run("dk-get-vtoc name=a", Unprivileged), Errno.EINVAL, "has no VTOC");
        AssertFails(Run("dk-get-apart name=a", Unprivileged), Errno.EINVAL, "has no VTOC");
    }

    [Fact]
    public void DkSetVtoc_ThenGet_RoundTripsInTextAndRegistersTheSlices()
    {
        var set = Ok($"dk-set-vtoc name=a {ThreeSlices}");

        Assert.Equal("as0,as2,as3", set.Find("slices"));
        var vtoc = Run("dk-get-vtoc name=a", Unprivileged);
        Assert.Equal(("1611521774", "1", "vol1", "512", "16", "vdm test disk"),
            (vtoc.Find("sanity"), vtoc.Find("vtoc-version"), vtoc.Find("volume"), vtoc.Find("sector-size"), vtoc.Find("nparts"), vtoc.Find("ascii-label")));
        Assert.Equal(("2", "0", "2048", "4096"), (vtoc.Find("p0-tag"), vtoc.Find("p0-flag"), vtoc.Find("p0-start"), vtoc.Find("p0-size")));
        Assert.Equal(("4", "16", "8192", "2048"), (vtoc.Find("p3-tag"), vtoc.Find("p3-flag"), vtoc.Find("p3-start"), vtoc.Find("p3-size")));
        Assert.Equal(("0", "0"), (vtoc.Find("p15-start"), vtoc.Find("p15-size")));
        Assert.Equal(vtoc, Run("dk-get-extvtoc name=a", Unprivileged));

        var slice = Assert.IsType<VtocSlice>(Registry.Get("as0"));
        Assert.Equal(("slice", 4096L * Block, true), (slice.Subdriver, slice.Size, slice.Exported));
        Assert.True(Registry.Get("as3").IsReadOnly);
        Assert.False(Registry.Get("as0").IsReadOnly);
        Assert.Equal("slice", Run("get-attributes name=as3").Find("subdriver"));
        Assert.Equal(("slice", "3"), (Run("dk-info name=as3").Find("dname"), Run("dk-info name=as3").Find("partition")));
        Assert.Equal(Errno.ENOENT, Run("dk-info name=as1").Errno);
    }

    [Fact]
    public void DkSetVtoc_WritesTheLabelInSectorOneOfTheImage()
    {
        Ok($"dk-set-vtoc name=a {ThreeSlices}");

        var label = new byte[VtocLabel.Size];
        using (var file = new FileStream(Image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            file.Seek(VtocLabel.OffsetOn(Block), SeekOrigin.Begin);
            file.ReadExactly(label);
        }
        var onDisk = VtocLabel.Decode(label);
        Assert.NotNull(onDisk);
        Assert.Equal("vol1", onDisk.Volume);
        Assert.Equal(new VtocPartition(4, 0x10, 8192, 2048), onDisk.Partitions[3]);
    }

    [Fact]
    public void DkSetVtoc_ThenTheDiskIsCreatedAgain_ItsLabelIsReadAndTheSlicesComeBack()
    {
        Ok($"dk-set-vtoc name=a {ThreeSlices}");
        Ok("delete-instance name=p");
        Ok("delete-instance name=a");
        Assert.False(Registry.TryGet("as0", out var gone) && gone.Name == "as0" && !gone.IsRevoked);

        Ok($"create-instance subdriver=physical name=a path={Image}");

        Assert.Equal(4096L * Block, Registry.Get("as0").Size);
        Assert.Equal("vol1", Run("dk-get-vtoc name=a").Find("volume"));
    }

    [Fact]
    public void DkSetExtvtoc_AsIoctlPackets_RoundTripsAndMatchesTheTextForm()
    {
        var set = Ioctl($"dk-set-extvtoc name=0 sanity=1611521774 vtoc-version=1 volume=ABCDEFGH sector-size=512 nparts=16 " +
            string.Join(' ', Enumerable.Range(0, 16).Select(i => i switch
            {
                1 => "p1-tag=3 p1-flag=1 p1-start=16384 p1-size=8192",
                2 => "p2-tag=5 p2-flag=0 p2-start=0 p2-size=131072",
                _ => $"p{i}-tag=0 p{i}-flag=0 p{i}-start=0 p{i}-size=0",
            })) + " ascii-label=label", "a");
        Assert.Equal(0, set.Errno);

        var viaPacket = Decoded("dk-get-extvtoc", Ioctl("dk-get-extvtoc name=0", "a", Unprivileged));
        var viaVtoc = Decoded("dk-get-vtoc", Ioctl("dk-get-vtoc name=1", null, Unprivileged));
        Assert.Equal(("ABCDEFGH", "16384", "8192", "label"), (viaPacket.Find("volume"), viaPacket.Find("p1-start"), viaPacket.Find("p1-size"), viaPacket.Find("ascii-label")));
        Assert.Equal(viaPacket, viaVtoc);
        var text = Run("dk-get-extvtoc name=a");
        Assert.Equal(text.Fields.OrderBy(f => f.Key), viaPacket.Fields.OrderBy(f => f.Key));
        Assert.Equal(8192L * Block, Registry.Get("as1").Size);
    }

    [Theory]
    [InlineData("sanity=1 p0-start=0 p0-size=8", "v_sanity is 0x1, not VTOC_SANE")]
    [InlineData("vtoc-version=2 p0-start=0 p0-size=8", "v_version is 2, not V_VERSION")]
    [InlineData("nparts=8 p0-start=0 p0-size=8", "v_nparts is 8, not V_NUMPAR")]
    [InlineData("sector-size=4096 p0-start=0 p0-size=8", "v_sectorsz is 4096, not 512")]
    [InlineData("p0-start=2048 p0-size=4096 p1-start=4096 p1-size=100", "slices 0 (sectors 2048-6143) and 1 (sectors 4096-4195) overlap")]
    [InlineData("p0-start=131000 p0-size=1000", "slice 0 (sectors 131000-131999) runs past the end of the disk (131072 sectors)")]
    [InlineData("p0-tag=16 p0-start=0 p0-size=8", "slice 0 has unknown tag 0x10")]
    [InlineData("p0-flag=2 p0-start=0 p0-size=8", "slice 0 has unknown flag bits 0x2")]
    public void DkSetVtoc_InvalidVtoc_IsEinvalNamingWhatIsWrong(string fields, string fragment)
    {
        var reply = Run($"dk-set-vtoc name=a {fields}");

        AssertFails(reply, Errno.EINVAL, "invalid VTOC: " + fragment);
        Assert.Equal(Errno.EINVAL, Ioctl($"dk-set-extvtoc name=1 {fields}", null).Errno);
        Assert.Empty(Dispatcher.Labels.SlicesOf(Registry.Get("a")));
    }

    [Fact]
    public void DkGetVtocAndPartinfo_DiskOver1TiB_AreEoverflowAndTheExtendedFormsWork()
    {
        Ok($"create-instance subdriver=physical name=huge path={Scratch.CreateFile("huge.img", 2L << 40)}");
        Ok("dk-set-extvtoc name=huge p2-tag=5 p2-start=0 p2-size=4294967296 p4-start=4294967040 p4-size=256");

        AssertFails(Run("dk-get-vtoc name=huge"), Errno.EOVERFLOW, "use its extended form");
        AssertFails(Run("dk-set-vtoc name=huge p0-start=0 p0-size=8"), Errno.EOVERFLOW, "use its extended form");
        Assert.Equal(Errno.EOVERFLOW, Ioctl("dk-get-vtoc name=0", "huge").Errno);
        Assert.Equal("4294967296", Run("dk-get-extvtoc name=huge").Find("p2-size"));
        AssertFails(Run("dk-partinfo name=huge"), Errno.EOVERFLOW, "do not fit the 32-bit DKIOCPARTINFO");
        AssertFails(Run("dk-partinfo name=huges4"), Errno.EOVERFLOW, "do not fit the 32-bit DKIOCPARTINFO");
        Assert.Equal(("0", "4294967296"), (Run("dk-extpartinfo name=huge").Find("start"), Run("dk-extpartinfo name=huge").Find("length")));
        var slice = Decoded("dk-extpartinfo", Ioctl("dk-extpartinfo name=0", "huges4"));
        Assert.Equal(("4294967040", "256"), (slice.Find("start"), slice.Find("length")));
    }

    // ---- partition map, media, partinfo -----------------------------------------------------------------------------

    [Fact]
    public void DkGetApartAndSetApart_AreTheSlicesInCylindersAndChangeOnlyTheDriversNotion()
    {
        Ok($"dk-set-vtoc name=a {ThreeSlices}");

        var map = Run("dk-get-apart name=a", Unprivileged);
        Assert.Equal(("0", "4096", "0", "131072", "0", "2048"),
            (map.Find("m0-cylno"), map.Find("m0-nblk"), map.Find("m2-cylno"), map.Find("m2-nblk"), map.Find("m3-cylno"), map.Find("m3-nblk")));

        Ok("dk-set-apart name=a m0-cylno=1 m0-nblk=4096 m2-nblk=131072 m3-cylno=3 m3-nblk=2048");

        Assert.Equal(("1", "3"), (Run("dk-get-apart name=a").Find("m0-cylno"), Run("dk-get-apart name=a").Find("m3-cylno")));
        Assert.Equal(("16065", "2"), (Run("dk-get-vtoc name=a").Find("p0-start"), Run("dk-get-vtoc name=a").Find("p0-tag")));
        Assert.Equal(16065L, Assert.IsType<VtocSlice>(Registry.Get("as0")).Partition.Start);
        AssertFails(Run("dk-set-apart name=a m0-cylno=9 m0-nblk=4096"), Errno.EINVAL, "runs past the end of the disk");
        Assert.Equal(Errno.EPERM, Run("dk-set-apart name=a", Unprivileged).Errno);
    }

    [Fact]
    public void DkMediaInfoRemovableHotpluggable_ImageFile_AreAFixedDiskNotRemovable()
    {
        Assert.Equal("ok media-type=65537 lbsize=512 capacity=131072\n", Run("dk-media-info name=a", Unprivileged).ToString());
        Assert.Equal("4096", Decoded("dk-media-info", Ioctl("dk-media-info name=0", "p", Unprivileged)).Find("capacity"));
        Assert.Equal("ok value=0\n", Run("dk-removable name=a", Unprivileged).ToString());
        Assert.Equal("ok value=0\n", Run("dk-hotpluggable name=p", Unprivileged).ToString());
        Assert.Equal("0", Decoded("dk-removable", Ioctl("dk-removable name=2", null, Unprivileged)).Find("value"));
    }

    [Fact]
    public void DkPartinfo_PartitionSliceAndDisk_AreTheirWindows()
    {
        Ok($"dk-set-vtoc name=a {ThreeSlices}");

        Assert.Equal("ok start=2048 length=4096\n", Run("dk-partinfo name=p", Unprivileged).ToString());
        Assert.Equal("ok start=8192 length=2048\n", Run("dk-partinfo name=as3", Unprivileged).ToString());
        Assert.Equal("ok start=0 length=131072\n", Run("dk-extpartinfo name=a", Unprivileged).ToString());
        var viaFile = Decoded("dk-partinfo", Ioctl("dk-partinfo name=0", "as0", Unprivileged));
        Assert.Equal(("2048", "4096"), (viaFile.Find("start"), viaFile.Find("length")));
    }

    [Theory]
    [InlineData("dk-eject", "cannot be ejected (DKIOCEJECT is not supported)")]
    [InlineData("dk-lock", "cannot be locked in (DKIOCLOCK is not supported)")]
    [InlineData("dk-unlock", "cannot be unlocked (DKIOCUNLOCK is not supported)")]
    public void DkEjectLockUnlock_FixedMedia_AreEnotsup(string verb, string fragment)
    {
        AssertFails(Run($"{verb} name=a", Unprivileged), Errno.ENOTSUP, "its media are not removable and " + fragment);
        Assert.Equal(Errno.ENOTSUP, Ioctl($"{verb} name=0", "p", Unprivileged).Errno);
    }

    // ---- master boot record ---------------------------------------------------------------------------------------------

    private static byte[] MasterBootRecord(ushort signature = 0xAA55, uint secondStart = 0)
    {
        var sector = new byte[512];
        sector[0] = 0xEB;
        sector[446] = 0x80;
        sector[446 + 4] = (byte)VdmAbi.SunIxOs2;
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(446 + 8), 16065);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(446 + 12), 64260);
        if (secondStart != 0)
        {
            sector[462 + 4] = 0x83;
            BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(462 + 8), secondStart);
            BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(462 + 12), 1000);
        }
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(510), signature);
        return sector;
    }

    private byte[] SectorZeroOfTheImage()
    {
        var sector = new byte[512];
        using var file = new FileStream(Image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.ReadExactly(sector);
        return sector;
    }

    [Fact]
    public void DkSmboot_ValidRecord_IsWrittenToSectorZeroOfTheImage()
    {
        var mboot = MasterBootRecord();

        Ok($"dk-smboot name=a mboot={Convert.ToHexStringLower(mboot)}");

        Assert.Equal(mboot, SectorZeroOfTheImage());
        var second = MasterBootRecord(secondStart: 100000);
        Assert.Equal(0, Ioctl($"dk-smboot name=0 mboot={Convert.ToHexString(second)}", "a").Errno);
        Assert.Equal(second, SectorZeroOfTheImage());
    }

    [Fact]
    public void DkSmboot_BadSignatureOverlapOrLength_IsEinvalAndWritesNothing()
    {
        AssertFails(Run($"dk-smboot name=a mboot={Convert.ToHexString(MasterBootRecord(signature: 0x1234))}"), Errno.EINVAL,
            "the master boot record's signature is 0x1234, not 0xAA55");
        AssertFails(Run($"dk-smboot name=a mboot={Convert.ToHexString(MasterBootRecord(secondStart: 20000))}"), Errno.EINVAL,
            "partitions 1 and 2 of the master boot record overlap");
        AssertFails(Run($"dk-smboot name=a mboot={Convert.ToHexString(MasterBootRecord(secondStart: 131000))}"), Errno.EINVAL, "runs past the end");
        AssertFails(Run("dk-smboot name=a mboot=55aa55aa"), Errno.EINVAL, "field 'mboot' is 4 bytes; a master boot record is 512 bytes (1024 hexadecimal digits)");
        Assert.Equal(Errno.EINVAL, Ioctl($"dk-smboot name=0 mboot={Convert.ToHexString(MasterBootRecord(signature: 0))}", "a").Errno);
        Assert.Equal(new byte[512], SectorZeroOfTheImage());
    }

    // ---- mirrors: volume capabilities and directed reads -------------------------------------------------------------

    /// <summary>Mirror 'm' of 'image0' (a 16384+2048) and 'image1' (b 0+2048), both usable after a sync, with data written through it.</summary>
    private async Task<byte[]> CreateSyncedMirrorAsync()
    {
        Ok($"create-instance subdriver=physical name=b path={Scratch.CreateFile("b.img", 8L << 20)}");
        Ok("create-instance subdriver=partition name=image0 child=a start=16384 size=2048");
        Ok("create-instance subdriver=partition name=image1 child=b start=0 size=2048");
        Ok("create-instance subdriver=mirror name=m images=image0,image1");
        Ok("sync-images name=m source=image0 destinations=image1");
        var clock = Stopwatch.StartNew();
        while (Ok("get-attributes name=m").Find("sync-in-progress") != "0")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the sync did not end within 60 s");
            Thread.Sleep(20);
        }
        var data = Enumerable.Range(0, 1024).Select(i => (byte)(i * 13 + 5)).ToArray();
        await Registry.Get("m").WriteUnalignedAsync(4096, data);
        return data;
    }

    private MirrorDisk Mirror => (MirrorDisk)Registry.Get("m");

    [Fact]
    public async Task DkVolcap_Mirror_GetsAndSetsDirectedReads()
    {
        await CreateSyncedMirrorAsync();

        Assert.Equal("ok info=2 set=0\n", Run("dk-get-volcap name=m", Unprivileged).ToString());
        Ok("dk-set-volcap name=m set=2");
        Assert.Equal("ok info=2 set=2\n", Run("dk-get-volcap name=m", Unprivileged).ToString());
        Assert.True(Mirror.DirectedReadsEnabled);
        Assert.Equal(0, Ioctl("dk-set-volcap name=0 set=0", "m").Errno);
        Assert.Equal("0", Decoded("dk-get-volcap", Ioctl("dk-get-volcap name=0", "m", Unprivileged)).Find("set"));
    }

    [Fact]
    public async Task DkSetVolcap_AbrOnANonPersistentMirror_IsEnotsup()
    {
        await CreateSyncedMirrorAsync();

        AssertFails(Run("dk-set-volcap name=m set=1"), Errno.ENOTSUP, "is not persistent");
        Assert.Equal("0", Run("dk-get-volcap name=m").Find("set"));
    }

    [Fact]
    public void DkVolcap_NotAMirror_IsEinval()
    {
        AssertFails(Run("dk-get-volcap name=a"), Errno.EINVAL, "mirror");
        AssertFails(Run("dk-set-volcap name=p set=2"), Errno.EINVAL, "mirror");
        AssertFails(Run("dk-dmr name=a offset=0 nbytes=512"), Errno.EINVAL, "mirror");
    }

    [Fact]
    public async Task DkDmr_TwoImageMirror_ReadsSideZeroThenSideOneThenIsDone()
    {
        var data = await CreateSyncedMirrorAsync();
        AssertFails(Run("dk-dmr name=m flags=1 side=-1 offset=4096 nbytes=1024"), Errno.EINVAL, "directed reads are not enabled");
        Ok("dk-set-volcap name=m set=2");
        var hex = Convert.ToHexStringLower(data);

        var first = Run("dk-dmr name=m flags=1 side=-1 offset=4096 nbytes=1024", Unprivileged);
        Assert.Equal($"ok flags=16 side=0 side-name={Mirror.Images[0].Name} bytesread=1024 data={hex}\n", first.ToString());
        var second = Run("dk-dmr name=m flags=1 side=0 offset=4096 nbytes=1024", Unprivileged);
        Assert.Equal($"ok flags=16 side=1 side-name={Mirror.Images[1].Name} bytesread=1024 data={hex}\n", second.ToString());
        var done = Run("dk-dmr name=m flags=1 side=1 offset=4096 nbytes=1024", Unprivileged);
        Assert.Equal(("2", "1", "0"), (done.Find("flags"), done.Find("side"), done.Find("bytesread")));

        AssertFails(Run("dk-dmr name=m offset=4096 nbytes=8193"), Errno.EINVAL, "a directed read returns 1 to 8192 bytes");
        var end = Run($"dk-dmr name=m offset={2048 * Block - 512} nbytes=1024", Unprivileged);
        Assert.Equal(("32", "512"), (end.Find("flags"), end.Find("bytesread")));
    }

    [Fact]
    public async Task DkDmr_AsIoctlOnTheMirrorsFile_PassingThePacketBackUnchanged_WalksTheSides()
    {
        var data = await CreateSyncedMirrorAsync();
        Ok("dk-set-volcap name=m set=2");
        var packet = Packet("dk-dmr name=0 flags=1 side=-1 offset=4096 nbytes=1024");
        var sides = new List<(uint Flags, int Side)>();

        for (var call = 0; call < 3; call++)
        {
            var outcome = Door.ExecuteIoctl(VdmAbi.CmdDkDmr, packet.Length, (uint)packet.Length, (uint)packet.Length, packet, Mirror, "dsk/m", Unprivileged);
            Assert.Equal(0, outcome.Errno);
            packet = outcome.Reply;
            sides.Add((BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(8)), BinaryPrimitives.ReadInt32LittleEndian(packet.AsSpan(12))));
            if (call < 2)
            {
                Assert.Equal(1024u, BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(28)));
                Assert.Equal(data, packet[96..(96 + 1024)]);
            }
        }

        Assert.Equal([(0x10u, 0), (0x10u, 1), (0x2u, 1)], sides);
        Assert.All(packet[28..], b => Assert.Equal(0, b));
    }

    // ---- bad blocks ---------------------------------------------------------------------------------------------------------

    [Fact]
    public void DkAddbad_PartitionWithARemap_RereadsTheTablesAndWithoutOneIsEnotsup()
    {
        Ok("create-instance subdriver=partition name=pt child=a start=20480 size=8");
        Ok("create-instance subdriver=partition name=st child=a start=20488 size=8");
        Ok("create-instance subdriver=partition name=ra child=a start=20496 size=64");
        Ok("create-instance subdriver=partition name=p0 child=a start=24576 size=4096");
        Ok("create-instance subdriver=partition name=q child=a start=40960 size=4096");
        AssertFails(Run("dk-addbad name=p0"), Errno.ENOTSUP, "has no bad-block remap instance");

        Ok("remap-format primary=pt secondary=st area=ra");
        Ok("create-instance subdriver=remap name=R primary-table=pt secondary-table=st remap-area=ra");
        Ok("link-child-instance parent=p0 child=R");
        Ok("force-remap name=R block=24580");

        Ok("dk-addbad name=p0");
        Assert.Equal(0, Ioctl("dk-addbad name=0", "p0").Errno);
        Assert.Equal("24580", Ok("list-remap-table name=p0").Find("bad-block"));
        AssertFails(Run("dk-addbad name=q"), Errno.ENOTSUP, "has no bad-block remap instance");
    }

    // ---- privileges, front doors ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("dk-set-geom name=a ncyl=8 nhead=255 nsect=63")]
    [InlineData("dk-set-vtoc name=a p0-start=0 p0-size=8")]
    [InlineData("dk-set-extvtoc name=a p0-start=0 p0-size=8")]
    [InlineData("dk-set-apart name=a m0-nblk=8")]
    [InlineData("dk-smboot name=a mboot=00")]
    [InlineData("dk-set-volcap name=a set=2")]
    [InlineData("dk-addbad name=a")]
    public void PrivilegedDiskIoctl_FromAnOrdinaryUser_IsEperm(string line)
    {
        var verb = line[..line.IndexOf(' ', StringComparison.Ordinal)];

        AssertError(Run(line, Unprivileged), Errno.EPERM, $"{verb}: only root may run this command (caller uid 1000)");
        Assert.Equal(Errno.EPERM, Ioctl(line.Replace("name=a", "name=0", StringComparison.Ordinal), "a", Unprivileged).Errno);
    }

    [Theory]
    [InlineData("dk-info")]
    [InlineData("dk-get-geom")]
    [InlineData("dk-get-phygeom")]
    [InlineData("dk-get-virtgeom")]
    [InlineData("dk-media-info")]
    [InlineData("dk-removable")]
    [InlineData("dk-hotpluggable")]
    [InlineData("dk-state")]
    [InlineData("dk-partinfo")]
    [InlineData("dk-extpartinfo")]
    public void ReadingDiskIoctl_FromAnOrdinaryUser_WorksOnVdmAndOnTheInstancesFile(string verb)
    {
        var text = Run($"{verb} name=p", Unprivileged);
        Assert.True(text.IsOk, $"{verb}: {text.ErrnoName} {text.Message}");

        var onFile = Decoded(verb, Ioctl($"{verb} name=0", "p", Unprivileged));
        var onVdm = Decoded(verb, Ioctl($"{verb} name=2", null, Unprivileged));
        var request = Door.ExecuteRequest(PacketCodec.EncodeRequest(TextCodec.Parse($"{verb} name=2")!), Unprivileged);

        Assert.Equal(text, onFile);
        Assert.Equal(text, onVdm);
        Assert.Equal(text, PacketCodec.DecodeReply(request.Reply));
    }

    [Fact]
    public async Task DiskIoctl_OnAPlexFile_IsOnTheImage()
    {
        await CreateSyncedMirrorAsync();
        var image = Mirror.Images[1].Instance!;

        var outcome = Door.ExecuteIoctl(VdmAbi.CmdDkMediaInfo, 24, 24, 24, new byte[24], image, $"plex/m.{Mirror.Images[1].Name}", Unprivileged);

        Assert.Equal("2048", Decoded("dk-media-info", outcome).Find("capacity"));
        Assert.Equal(Errno.EINVAL, Door.ExecuteIoctl(VdmAbi.CmdDkMediaInfo, 24, 24, 24, PacketCodec.EncodePacket(TextCodec.Parse("dk-media-info name=1")!),
            image, "plex/m.image1", Unprivileged).Errno);
    }

    [Fact]
    public void CreateInstance_SubdriverSlice_IsEinvalSlicesComeFromTheVtoc()
    {
        AssertFails(Run("create-instance subdriver=slice name=as0"), Errno.EINVAL, "slices come from the VTOC (dk-set-vtoc)");
    }

    // ---- DKIOCSTATE ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public void DkState_TextAndPacketWrittenToVdm_ReplyTheCurrentStateAtOnce()
    {
        Assert.Equal("ok state=2\n", Run("dk-state name=p state=2", Unprivileged).ToString());
        Assert.Equal("ok state=2\n", Run("dk-state name=p", Unprivileged).ToString());
        var request = Door.ExecuteRequest(PacketCodec.EncodeRequest(TextCodec.Parse("dk-state name=2 state=2")!), Unprivileged);
        Assert.Equal("2", PacketCodec.DecodeReply(request.Reply).Find("state"));
        AssertFails(Run("dk-state name=p state=3"), Errno.EINVAL, "field 'state' is 3; it must be 0 (DKIO_NONE), 1 (DKIO_EJECTED) or 2 (DKIO_INSERTED)");
    }

    [Fact]
    public async Task DkState_WaitingIoctl_ReturnsAtOnceWhenTheStateDiffers()
    {
        var command = TextCodec.Parse("dk-state name=p state=1")!;

        var reply = await Dispatcher.ExecuteWaitingAsync(command, Unprivileged, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("2", reply.Find("state"));
    }

    [Fact]
    public async Task DkState_WaitingIoctl_WaitsWhileInsertedAndReturnsEjectedWhenTheInstanceGoes()
    {
        var packet = Packet("dk-state name=0 state=2");
        var pending = Door.ExecuteIoctlAsync(VdmAbi.CmdDkState, 16, 16, 16, packet, Registry.Get("p"), "dsk/p", Unprivileged, CancellationToken.None).AsTask();
        await Task.Delay(400);
        Assert.False(pending.IsCompleted);

        Ok("delete-instance name=p");

        var outcome = await pending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, outcome.Errno);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(outcome.Reply.AsSpan(8)));
    }

    [Fact]
    public async Task DkState_WaitingIoctl_InterruptedIsEintr()
    {
        using var interrupt = new CancellationTokenSource();
        var pending = Dispatcher.ExecuteWaitingAsync(TextCodec.Parse("dk-state name=a state=2")!, Unprivileged, interrupt.Token);
        await Task.Delay(300);
        Assert.False(pending.IsCompleted);

        await interrupt.CancelAsync();

        var reply = await pending.WaitAsync(TimeSpan.FromSeconds(5));
        AssertFails(reply, Errno.EINTR, "dk-state: interrupted while waiting for the state of");
        var refused = await Door.ExecuteIoctlAsync(VdmAbi.CmdDkState, 16, 16, 16, new byte[16], null, "vdm", Unprivileged, CancellationToken.None);
        Assert.Equal((Errno.EINVAL, "dk-state: missing field 'name'"), (refused.Errno, refused.Message));
    }
}
