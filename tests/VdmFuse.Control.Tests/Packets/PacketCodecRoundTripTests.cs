using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>Every command in its canonical text form travels through the binary and ioctl forms unchanged.</summary>
public class PacketCodecRoundTripTests
{
    /// <summary>One canonical text command per binary form: instances by device number, fields in packet order.</summary>
    public static readonly string[] CanonicalLines =
    [
        "create-instance subdriver=physical name=d0 persistent=1 exported=0 path=\"/var/tmp/disk images/d0.img\"",
        "create-instance subdriver=physical name=\"disk é 😀\" path=/dev/sdb",
        "create-instance subdriver=partition name=p1 child=3 start=2048 size=4096 remap=4",
        "create-instance subdriver=partition name=p2 child=3 start=0 size=8",
        "create-instance subdriver=mirror name=m0 automatic-sync=1 minimum-images-required-to-use=2 maximum-images-missing-to-use=0 milliseconds-between-sync-io=10 images=3,4 region-size=16384",
        "create-instance subdriver=mirror name=m1 persistent=1 exported=0 minimum-images-required-to-use=-1 maximum-images-missing-to-use=-2147483648 images=3,4,4294967294",
        "create-instance subdriver=mirror name=m2 minimum-images-required-to-use=2147483647 maximum-images-missing-to-use=-1 images=7",
        "delete-instance name=5",
        "link-child-instance parent=2 child=3",
        "unlink-child-instance parent=2 child=3",
        "get-child-instance parent=2 available=0",
        "get-child-instance parent-subdriver=partition parent=2 available=1 key=7",
        "get-attributes name=4",
        "update-attributes name=4 subdriver=partition start=1 size=2",
        "update-attributes name=4 subdriver=physical",
        "ioctl-subdriver subdriver=physical name=3 command=flush",
        "ioctl-subdriver subdriver=physical name=3 command=get-info",
        "get-instances key=0",
        "get-instances key=4294967295",
        "dsk-get name=4294967294",
        "dsk-usage name=1",
        "dsk-get-address name=2 block=18014398509481983",
        "get-mode",
        "db-list",
        "db-check",
        "db-add offset=1048576 length=65536 path=/dev/sdc",
        "db-add path=/var/lib/vdmfuse/config.2",
        "db-remove path=\"/var/lib/vdm fuse/config.2\"",
        "db-reinit offset=512 length=2048 path=/dev/sdc",
        "db-restore from=/var/lib/vdmfuse/config.0",
        "enable",
        "format-dev force=1 quota=1048576 device=/dev/sdc",
        "format-dev quota=1 device=\"/var/tmp/dev images/a.dev\"",
        "mount-dev device=/var/tmp/a.dev",
        "dismount-dev force=1 device=/var/tmp/a.dev",
        "dismount-dev device=/var/tmp/a.dev",
        "dismount-all",
        "list-devices",
        "list-volumes device=/var/tmp/a.dev",
        "get-device-quota device=/var/tmp/a.dev",
        "create-volume quota=512 name=v1 device=/var/tmp/a.dev",
        "destroy-volume lvid=7 device=/var/tmp/a.dev",
        "create-instance subdriver=fault name=f0 child=3",
        "fault-add name=4 op=write errno=ENOSPC start=100 count=8 times=2",
        "fault-add name=4 op=both all=1",
        "fault-add name=4 op=read errno=E200 start=18014398509481983",
        "fault-clear name=4 id=3",
        "fault-clear name=4",
        "fault-list name=4",
        "update-attributes name=4 subdriver=mirror automatic-sync=0 minimum-images-required-to-use=-1 maximum-images-missing-to-use=3 milliseconds-between-sync-io=0",
        "update-attributes name=4 subdriver=mirror automatic-sync=1 minimum-images-required-to-use=2 maximum-images-missing-to-use=-1 milliseconds-between-sync-io=4294967295",
        "get-child-instance parent-subdriver=mirror parent=2 available=1 key=1",
        "ioctl-subdriver subdriver=mirror name=3 command=sync-images milliseconds-between-sync-io=100 source=4 destinations=5,6",
        "ioctl-subdriver subdriver=mirror name=3 command=sync-images source=4 destinations=5",
        "ioctl-subdriver subdriver=mirror name=3 command=terminate-sync destination=5",
        "ioctl-subdriver subdriver=mirror name=3 command=throttle-sync milliseconds-between-sync-io=0 destination=5",
        "ioctl-subdriver subdriver=mirror name=3 command=fracture-image change-granularity=16 image=5",
        "ioctl-subdriver subdriver=mirror name=3 command=fracture-image image=5",
        "sync-images name=3 milliseconds-between-sync-io=100 source=4 destinations=5,6",
        "sync-images name=3 source=4 destinations=5",
        "terminate-sync name=3 destination=5",
        "throttle-sync name=3 milliseconds-between-sync-io=250 destination=5",
        "throttle-sync name=3 milliseconds-between-sync-io=0 destination=4294967294",
        "fracture-image name=3 change-granularity=1 image=4",
        "fracture-image name=3 image=4",
        "create-instance subdriver=remap name=r0 exported=0 primary-table=4 secondary-table=5 remap-area=6",
        "create-instance subdriver=remap name=r1 persistent=1 primary-table=4294967294 secondary-table=5 remap-area=6",
        "get-child-instance parent-subdriver=remap parent=7 available=1 key=2",
        "update-attributes name=7 subdriver=remap",
        "remap-format force=1 primary=4 secondary=5 area=6",
        "remap-format primary=4 secondary=5 area=6",
        "list-remap-table name=7",
        "list-remap-table name=2 key=4294967295",
        "force-remap name=7 block=18014398509481983",
        "force-remap name=7 block=0",
        "recover-bad-block name=7 block=4096",
        "ioctl-subdriver subdriver=remap name=7 command=list-remap-table key=3",
        "ioctl-subdriver subdriver=remap name=7 command=list-remap-table",
        "ioctl-subdriver subdriver=remap name=7 command=force-remap block=4100",
        "ioctl-subdriver subdriver=remap name=7 command=recover-bad-block block=4100",
        .. DkioPackets.CanonicalLines,
    ];

    public static TheoryData<string> CanonicalCommands => new(CanonicalLines);

    [Theory]
    [MemberData(nameof(CanonicalCommands))]
    public void EncodeRequestThenDecodeRequest_CanonicalCommand_GivesTheSameCommand(string line)
    {
        var command = TextCodec.Parse(line)!;

        var request = PacketCodec.EncodeRequest(command);

        Assert.True(PacketCodec.LooksLikePacket(request));
        Assert.Equal(command, PacketCodec.DecodeRequest(request));
    }

    [Theory]
    [MemberData(nameof(CanonicalCommands))]
    public void IoctlForm_CanonicalCommand_GivesTheSameCommand(string line)
    {
        var command = TextCodec.Parse(line)!;
        var number = PacketCodec.IoctlNumber(PacketCodec.CommandNumber(command.Verb));

        Assert.True(PacketCodec.TryDecodeIoctlNumber(number, out var decodedCommand, out var size));
        var packet = PacketCodec.EncodePacket(command);
        Assert.Equal(size, packet.Length);
        Assert.Equal(command, PacketCodec.DecodePacket(decodedCommand, packet, 0));
    }

    [Fact]
    public void EncodeRequest_NonCanonicalValues_DecodeToTheirCanonicalForm()
    {
        Assert.Equal(TextCodec.Parse("create-instance subdriver=partition name=p child=3 start=2048 size=2097152"),
            PacketCodec.DecodeRequest(PacketCodec.EncodeRequest(TextCodec.Parse("create-instance subdriver=partition name=p child=3 start=1M size=1G exported=yes persistent=no")!)));
        Assert.Equal(TextCodec.Parse("get-child-instance parent=2 available=1"),
            PacketCodec.DecodeRequest(PacketCodec.EncodeRequest(TextCodec.Parse("get-child-instance parent=2 available=yes key=0")!)));
    }

    [Fact]
    public void EncodePacket_MirrorSyncImages_LaysTheDestinationsOutAsTheHeaderSays()
    {
        var packet = PacketCodec.EncodePacket(TextCodec.Parse("sync-images name=3 source=4 destinations=5,6 milliseconds-between-sync-io=7")!);

        Assert.Equal(40, packet.Length);
        Assert.Equal([0u, 3u, 7u, 4u, 2u, 5u, 6u, 0u], Enumerable.Range(0, 8).Select(i => BitConverter.ToUInt32(packet, 4 * i)));
        var argument = PacketCodec.EncodePacket(TextCodec.Parse("ioctl-subdriver subdriver=mirror name=3 command=sync-images source=4 destinations=5")!);
        Assert.Equal([0u, 3u, 3u, 1u, 0u, 0u, 0u, 4u, 1u, 5u, 0u], Enumerable.Range(0, 11).Select(i => BitConverter.ToUInt32(argument, 4 * i)));
    }

    [Fact]
    public void EncodePacket_MirrorCreate_WritesSignedLimitsAndTheImageCount()
    {
        var packet = PacketCodec.EncodePacket(TextCodec.Parse(
            "create-instance subdriver=mirror name=c images=4,5 automatic-sync=1 minimum-images-required-to-use=2 maximum-images-missing-to-use=-1")!);

        Assert.Equal(3u, BitConverter.ToUInt32(packet, 4));
        Assert.Equal([0, 1, 2, -1, 0, 2, 4, 5, 0, 0], Enumerable.Range(0, 10).Select(i => BitConverter.ToInt32(packet, 88 + 4 * i)));
    }

    [Fact]
    public void EncodeReplyThenDecodeReply_EveryOutputField_RoundTrips()
    {
        var cases = new (string Line, string Reply)[]
        {
            ("create-instance subdriver=physical name=d0 path=/x", "ok device-number=4294967294"),
            ("get-child-instance parent=2 available=0", "ok count=4294967295"),
            ("get-child-instance parent=2 available=1", "ok key=3 device-number-used=1 device-number=9 child-subdriver=remap"),
            ("get-attributes name=4", "ok subdriver=physical direct=0 block-device=1 size=18446744073709551615 sector-size=4096 path=\"/a b/é\""),
            ("get-attributes name=4", "ok subdriver=partition child-device-number=1 start=0 size=1 remap-device-number=7"),
            ("get-attributes name=4", "ok subdriver=fault child-device-number=3 rules=2 hits=18446744073709551615"),
            ("fault-add name=4 op=read", "ok id=7"),
            ("fault-clear name=4", "ok cleared=3"),
            ("fault-list name=4", "ok count=2\nrule id=1 op=write errno=EIO times=2 start=100 count=8 hits=0\nrule id=2 op=both errno=E300 times=0 start=0 count=2048 hits=5"),
            ("ioctl-subdriver subdriver=physical name=3 command=get-info", "ok direct=1 block-device=1 size=1 sector-size=512 backing-device=1 backing-inode=2 path=/dev/sdz"),
            ("get-instances key=0", "ok key=1 device-number=1 subdriver=physical name=d0 size=0 child-count=0 parent-count=2 exported=0 open=0"),
            ("dsk-get-address name=2 block=0", "ok depth=0"),
            ("get-attributes name=4", "ok subdriver=mirror automatic-sync=1 sync-in-progress=0 minimum-images-required-to-use=-1 maximum-images-missing-to-use=2 milliseconds-between-sync-io=4294967295 image-count=3 region-size=8192 dirty-regions=18446744073709551615"),
            ("get-attributes name=4", "ok subdriver=mirror automatic-sync=0 sync-in-progress=1 minimum-images-required-to-use=-2147483648 maximum-images-missing-to-use=2147483647 milliseconds-between-sync-io=0 image-count=1 region-size=0 dirty-regions=0"),
            ("get-child-instance parent-subdriver=mirror parent=2 available=1", "ok key=2 device-number-used=1 device-number=9 child-subdriver=partition corrupt=0 sync-source=0 sync-destination=1 fractured=0 sync-block=4096 change-granularity=0 source-device-number=7 sync-total-blocks=10000 sync-percent=40 sync-rate-kib=2048 changed-granules=0"),
            ("get-child-instance parent-subdriver=mirror parent=2 available=1 key=1", "ok key=2 device-number-used=1 device-number=8 child-subdriver=partition corrupt=1 sync-source=0 sync-destination=0 fractured=1 sync-block=0 change-granularity=16 source-device-number=- sync-total-blocks=0 sync-percent=0 sync-rate-kib=0 changed-granules=18446744073709551615"),
            ("get-child-instance parent-subdriver=mirror parent=2 available=1 key=2", "ok key=3 device-number-used=0 id-generation=4 id-system-id=0 child-subdriver=partition corrupt=1 sync-source=1 sync-destination=0 fractured=0 sync-block=0 change-granularity=0 source-device-number=- sync-total-blocks=0 sync-percent=0 sync-rate-kib=0 changed-granules=0"),
            ("sync-images name=3 source=4 destinations=5", "ok total-blocks=10000"),
            ("ioctl-subdriver subdriver=mirror name=3 command=sync-images source=4 destinations=5,6", "ok total-blocks=18446744073709551615"),
            ("terminate-sync name=3 destination=5", "ok"),
            ("throttle-sync name=3 destination=5 milliseconds-between-sync-io=5", "ok"),
            ("fracture-image name=3 image=5", "ok"),
            ("ioctl-subdriver subdriver=mirror name=3 command=fracture-image image=5", "ok"),
            ("create-instance subdriver=remap name=r primary-table=4 secondary-table=5 remap-area=6", "ok device-number=7"),
            ("dsk-usage name=1", "ok reads=1 writes=2 blocks-read=3 blocks-written=4 errors=5 read-time-us=6 write-time-us=7 remapped-blocks=18446744073709551615"),
            ("get-attributes name=7", "ok subdriver=remap primary-table-device-number=4 secondary-table-device-number=5 remap-area-device-number=6 unit-size=512 area-blocks=64 " +
                "free-area-blocks=63 table-blocks=8 table-capacity=504 entries=3 unmapped=1 mapped=1 forced=0 pseudo=0 bad-remap=1 primary-table-state=in-use " +
                "secondary-table-state=failed sequence=18446744073709551615"),
            ("get-child-instance parent-subdriver=remap parent=7 available=1", "ok key=1 device-number-used=1 device-number=4 child-subdriver=partition child-type=primary-table"),
            ("get-child-instance parent-subdriver=remap parent=7 available=1 key=1", "ok key=2 device-number-used=1 device-number=5 child-subdriver=partition child-type=secondary-table"),
            ("get-child-instance parent-subdriver=remap parent=7 available=1 key=2", "ok key=3 device-number-used=0 id-generation=1 id-system-id=2 child-type=remap-area"),
            ("remap-format primary=4 secondary=5 area=6", "ok table-capacity=504 area-blocks=64"),
            ("list-remap-table name=7", "ok key=1 status=mapped bad-block=4100 remap-index=0"),
            ("list-remap-table name=7 key=1", "ok key=2 status=unmapped bad-block=9223372036854775807 remap-index=-1"),
            ("list-remap-table name=7 key=2", "ok key=3 status=bad-remap bad-block=0 remap-index=-9223372036854775808"),
            ("list-remap-table name=7 key=3", "ok key=4 status=forced bad-block=1 remap-index=-1"),
            ("list-remap-table name=7 key=4", "ok key=5 status=pseudo bad-block=1 remap-index=-1"),
            ("ioctl-subdriver subdriver=remap name=7 command=list-remap-table key=9", "ok key=10 status=mapped bad-block=4100 remap-index=63"),
            ("force-remap name=7 block=4100", "ok"),
            ("recover-bad-block name=7 block=4100", "ok"),
            ("ioctl-subdriver subdriver=remap name=7 command=force-remap block=4100", "ok"),
        };
        foreach (var (line, text) in cases.Concat(DkioPackets.ReplyCases))
        {
            var command = TextCodec.Parse(line)!;
            var number = PacketCodec.CommandNumber(command.Verb);
            var reply = TextCodec.ParseReply(text + "\n");

            var bytes = PacketCodec.EncodeReply(number, PacketCodec.EncodePacket(command), reply);

            Assert.Equal(reply, PacketCodec.DecodeReply(bytes));
        }
    }
}
