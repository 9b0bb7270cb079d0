using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>
/// Requests and replies of every command, byte for byte, built by hand at the offsets of vdm.h:
/// the request decodes to the text command and the command encodes to the request; the dispatcher's
/// reply encodes to the reply bytes, which decode to the reply's binary fields.
/// </summary>
public class PacketCodecGoldenTests
{
    private const uint NoDevice = 0xffffffff;

    [Fact]
    public void CreateInstance_Physical_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(1, 1144).U32(16 + 4, 1).Text(16 + 8, "d0").U32(16 + 72, 1).Text(16 + 112, "/var/tmp/d0.img");
        var reply = PacketBytes.Reply(1, 1144).U32(280 + 4, 1).Text(280 + 8, "d0").U32(280 + 72, 1).Text(280 + 112, "/var/tmp/d0.img")
            .U32(280 + 80, 7);
        AssertGolden(request, "create-instance subdriver=physical name=d0 persistent=1 path=/var/tmp/d0.img",
            "ok device-number=7", reply, "ok device-number=7");
    }

    [Fact]
    public void CreateInstance_Partition_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(1, 1144).U32(16 + 4, 2).Text(16 + 8, "p1").U32(16 + 76, 1)
            .U32(16 + 92, 3).U64(16 + 96, 2048).U64(16 + 104, 4096).U32(16 + 112, 9);
        var reply = PacketBytes.Reply(1, 1144).Raw(280, request.Packet(16).ToArray()).U32(280 + 80, 8);
        AssertGolden(request, "create-instance subdriver=partition name=p1 exported=0 child=3 start=2048 size=4096 remap=9",
            "ok device-number=8", reply, "ok device-number=8");
    }

    [Fact]
    public void CreateInstance_PartitionWithRemapNone_LeavesRemapOut()
    {
        var request = PacketBytes.Request(1, 1144).U32(16 + 4, 2).Text(16 + 8, "p1")
            .U32(16 + 92, 3).U64(16 + 96, 0).U64(16 + 104, 4096).U32(16 + 112, NoDevice);
        Assert.Equal(TextCodec.Parse("create-instance subdriver=partition name=p1 child=3 start=0 size=4096"), PacketCodec.DecodeRequest(request));
        Assert.Equal(request.ToArray(), PacketCodec.EncodeRequest(TextCodec.Parse("create-instance subdriver=partition name=p1 child=3 start=0 size=4096 remap=-")!));
    }

    [Fact]
    public void DeleteInstance_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(2, 8).U32(16 + 4, 5);
        var reply = PacketBytes.Reply(2, 8).U32(280 + 4, 5);
        AssertGolden(request, "delete-instance name=5", "ok", reply, "ok");
    }

    [Fact]
    public void LinkChildInstance_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(3, 88).U32(16 + 4, 2).U32(16 + 8, 1).U32(16 + 12, 3);
        var reply = PacketBytes.Reply(3, 88).U32(280 + 4, 2).U32(280 + 8, 1).U32(280 + 12, 3);
        AssertGolden(request, "link-child-instance parent=2 child=3", "ok", reply, "ok");
    }

    [Fact]
    public void UnlinkChildInstance_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(4, 24).U32(16 + 4, 2).U32(16 + 8, 1).U32(16 + 12, 3);
        var reply = PacketBytes.Reply(4, 24).U32(280 + 4, 2).U32(280 + 8, 1).U32(280 + 12, 3);
        AssertGolden(request, "unlink-child-instance parent=2 child=3", "ok", reply, "ok");
    }

    [Fact]
    public void GetChildInstance_Count_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(5, 112).U32(16 + 8, 2);
        var reply = PacketBytes.Reply(5, 112).U32(280 + 8, 2).U32(280 + 20, 2);
        AssertGolden(request, "get-child-instance parent=2 available=0", "ok count=2", reply, "ok count=2");
    }

    [Fact]
    public void GetChildInstance_NextChild_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(5, 112).U32(16 + 4, 2).U32(16 + 8, 4).U32(16 + 12, 1);
        var reply = PacketBytes.Reply(5, 112).U32(280 + 4, 2).U32(280 + 8, 4).U32(280 + 12, 1)
            .U32(280 + 16, 1).U32(280 + 24, 1).U32(280 + 28, 3).U32(280 + 40, 1);
        AssertGolden(request, "get-child-instance parent-subdriver=partition parent=4 available=1",
            "ok key=1 device-number-used=1 device-number=3 child-subdriver=physical child=d0", reply,
            "ok key=1 device-number-used=1 device-number=3 child-subdriver=physical");
    }

    [Fact]
    public void GetChildInstance_MissingChild_ReportsItsId()
    {
        var request = PacketBytes.Request(5, 112).U32(16 + 8, 4).U32(16 + 12, 1).U32(16 + 16, 1);
        var reply = PacketBytes.Reply(5, 112).U32(280 + 8, 4).U32(280 + 12, 1)
            .U32(280 + 16, 2).U32(280 + 32, 5).U32(280 + 36, 9).U32(280 + 40, NoDevice);
        AssertGolden(request, "get-child-instance parent=4 available=1 key=1",
            "ok key=2 device-number-used=0 id-generation=5 id-system-id=9 child-subdriver=non-vdm", reply,
            "ok key=2 device-number-used=0 id-generation=5 id-system-id=9 child-subdriver=non-vdm");
    }

    [Fact]
    public void GetAttributes_Physical_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(6, 1072).U32(16 + 4, 4);
        var reply = PacketBytes.Reply(6, 1072).U32(280 + 4, 4).U32(280 + 8, 1)
            .U32(280 + 20, 3).U64(280 + 24, 1 << 20).U32(280 + 32, 4096).Text(280 + 40, "/dev/sdb");
        AssertGolden(request, "get-attributes name=4",
            "ok subdriver=physical path=/dev/sdb size=1048576 sector-size=4096 direct=1 block-device=1", reply,
            "ok subdriver=physical direct=1 block-device=1 size=1048576 sector-size=4096 path=/dev/sdb");
    }

    [Fact]
    public void GetAttributes_Partition_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(6, 1072).U32(16 + 4, 5);
        var reply = PacketBytes.Reply(6, 1072).U32(280 + 4, 5).U32(280 + 8, 2)
            .U32(280 + 20, 3).U64(280 + 24, 2048).U64(280 + 32, 4096).U32(280 + 40, NoDevice);
        AssertGolden(request, "get-attributes name=5",
            "ok subdriver=partition child=3 start=2048 size=4096 remap=-", reply,
            "ok subdriver=partition child-device-number=3 start=2048 size=4096 remap-device-number=-");
    }

    [Fact]
    public void UpdateAttributes_Partition_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(7, 1072).U32(16 + 4, 5).U32(16 + 8, 2).U64(16 + 24, 100).U64(16 + 32, 200);
        var reply = PacketBytes.Reply(7, 1072).Raw(280, request.Packet(16).ToArray());
        AssertGolden(request, "update-attributes name=5 subdriver=partition start=100 size=200", "ok", reply, "ok");
    }

    [Fact]
    public void UpdateAttributes_Physical_CarriesNoAttributes()
    {
        var request = PacketBytes.Request(7, 1072).U32(16 + 4, 4).U32(16 + 8, 1);
        var reply = PacketBytes.Reply(7, 1072).Raw(280, request.Packet(16).ToArray());
        AssertGolden(request, "update-attributes name=4 subdriver=physical", "ok", reply, "ok");
    }

    [Fact]
    public void IoctlSubdriver_PhysicalFlush_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(8, 1040).U32(16 + 4, 1).U32(16 + 8, 3).U32(16 + 12, 1);
        var reply = PacketBytes.Reply(8, 1040).Raw(280, request.Packet(16).ToArray());
        AssertGolden(request, "ioctl-subdriver subdriver=physical name=3 command=flush", "ok", reply, "ok");
    }

    [Fact]
    public void IoctlSubdriver_PhysicalGetInfo_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(8, 1040).U32(16 + 4, 1).U32(16 + 8, 3).U32(16 + 12, 2);
        var reply = PacketBytes.Reply(8, 1040).Raw(280, request.Packet(16).ToArray())
            .U32(280 + 20, 1).U64(280 + 24, 1 << 30).U32(280 + 32, 512).U64(280 + 40, 2049).U64(280 + 48, 131).Text(280 + 56, "/var/tmp/d0.img");
        AssertGolden(request, "ioctl-subdriver subdriver=physical name=3 command=get-info",
            "ok path=/var/tmp/d0.img size=1073741824 sector-size=512 direct=1 block-device=0 backing-device=2049 backing-inode=131", reply,
            "ok direct=1 block-device=0 size=1073741824 sector-size=512 backing-device=2049 backing-inode=131 path=/var/tmp/d0.img");
    }

    [Fact]
    public void GetInstances_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(9, 104).U32(16 + 4, 1);
        var reply = PacketBytes.Reply(9, 104).U32(280 + 4, 2).U32(280 + 8, 2).U32(280 + 12, 2).Text(280 + 16, "p1")
            .U64(280 + 80, 1 << 21).U32(280 + 88, 1).U32(280 + 92, 0).U32(280 + 96, 1).U32(280 + 100, 3);
        AssertGolden(request, "get-instances key=1",
            "ok key=2 name=p1 subdriver=partition device-number=2 size=2097152 child-count=1 parent-count=0 exported=1 open=3", reply,
            "ok key=2 device-number=2 subdriver=partition name=p1 size=2097152 child-count=1 parent-count=0 exported=1 open=3");
    }

    [Fact]
    public void DskGet_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(16, 32).U32(16 + 4, 3);
        var reply = PacketBytes.Reply(16, 32).U32(280 + 4, 3).U64(280 + 8, 16065 * 3).U32(280 + 16, 512).U32(280 + 20, 63).U32(280 + 24, 255).U32(280 + 28, 3);
        AssertGolden(request, "dsk-get name=3",
            "ok total-blocks=48195 sector-size=512 sectors-per-track=63 tracks-per-cylinder=255 cylinders=3", reply,
            "ok total-blocks=48195 sector-size=512 sectors-per-track=63 tracks-per-cylinder=255 cylinders=3");
    }

    [Fact]
    public void DskUsage_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(17, 72).U32(16 + 4, 3);
        var reply = PacketBytes.Reply(17, 72).U32(280 + 4, 3).U64(280 + 8, 10).U64(280 + 16, 20).U64(280 + 24, 80).U64(280 + 32, 160)
            .U64(280 + 40, 1).U64(280 + 48, 5000000000).U64(280 + 56, 7).U64(280 + 64, 2);
        AssertGolden(request, "dsk-usage name=3",
            "ok reads=10 writes=20 blocks-read=80 blocks-written=160 errors=1 read-time-us=5000000000 write-time-us=7 remapped-blocks=2", reply,
            "ok reads=10 writes=20 blocks-read=80 blocks-written=160 errors=1 read-time-us=5000000000 write-time-us=7 remapped-blocks=2");
    }

    [Fact]
    public void CreateInstance_Remap_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(1, 1144).U32(16 + 4, 4).Text(16 + 8, ".Remap").U32(16 + 72, 1).U32(16 + 76, 1)
            .U32(16 + 92, 3).U32(16 + 96, 5).U32(16 + 100, 4);
        var reply = PacketBytes.Reply(1, 1144).Raw(280, request.Packet(16).ToArray()).U32(280 + 80, 9);
        AssertGolden(request, "create-instance subdriver=remap name=.Remap persistent=1 exported=0 primary-table=3 secondary-table=5 remap-area=4",
            "ok device-number=9", reply, "ok device-number=9");
    }

    [Fact]
    public void ListRemapTable_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(57, 32).U32(16 + 4, 9).U32(16 + 8, 1);
        var reply = PacketBytes.Reply(57, 32).U32(280 + 4, 9).U32(280 + 8, 2).U32(280 + 12, 1).U64(280 + 16, 4100).U64(280 + 24, ulong.MaxValue);
        AssertGolden(request, "list-remap-table name=9 key=1",
            "ok bad-block=4100 remap-index=-1 status=unmapped key=2", reply,
            "ok key=2 status=unmapped bad-block=4100 remap-index=-1");
    }

    [Fact]
    public void RemapFormat_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(56, 32).U32(16 + 8, 3).U32(16 + 12, 5).U32(16 + 16, 4);
        var reply = PacketBytes.Reply(56, 32).U32(280 + 8, 3).U32(280 + 12, 5).U32(280 + 16, 4).U32(280 + 20, 504).U64(280 + 24, 64);
        AssertGolden(request, "remap-format primary=3 secondary=5 area=4",
            "ok table-capacity=504 area-blocks=64", reply, "ok table-capacity=504 area-blocks=64");
    }

    [Fact]
    public void ForceRemapAsSubdriverCommand_MatchesGoldenBytes()
    {
        var request = PacketBytes.Request(8, 1040).U32(16 + 4, 4).U32(16 + 8, 9).U32(16 + 12, 2).U64(16 + 16 + 8, 4104);
        var reply = PacketBytes.Reply(8, 1040).Raw(280, request.Packet(16).ToArray());
        AssertGolden(request, "ioctl-subdriver subdriver=remap name=9 command=force-remap block=4104", "ok", reply, "ok");
    }

    [Fact]
    public void DskGetAddress_MatchesGoldenBytesWithLevelRecords()
    {
        var request = PacketBytes.Request(18, 152).U32(16 + 4, 2).U64(16 + 8, 100);
        var reply = PacketBytes.Reply(18, 152).U32(280 + 4, 2).U64(280 + 8, 100).U32(280 + 16, 2)
            .U32(280 + 24, 2).U32(280 + 28, 2).U64(280 + 32, 100)
            .U32(280 + 40, 1).U32(280 + 44, 1).U64(280 + 48, 2148);
        AssertGolden(request, "dsk-get-address name=2 block=100",
            "ok depth=2\nlevel device-number=2 name=p1 subdriver=partition block=100\nlevel device-number=1 name=d0 subdriver=physical block=2148", reply,
            "ok depth=2\nlevel device-number=2 subdriver=partition block=100\nlevel device-number=1 subdriver=physical block=2148");
    }

    [Fact]
    public void EncodeReply_Error_IsTheHeaderWithErrnoAndMessage()
    {
        var reply = ControlReply.Error(ControlErrno.EBUSY, "delete-instance: instance 'd0' is open");
        var expected = PacketBytes.Reply(2, 0, ControlErrno.EBUSY, "delete-instance: instance 'd0' is open").U32(12, 0);

        Assert.Equal(expected.ToArray(), PacketCodec.EncodeReply(2, PacketBytes.Request(2, 8).U32(16 + 4, 5).Packet(16).ToArray(), reply));
        Assert.Equal(reply, PacketCodec.DecodeReply(expected));
        Assert.Equal(expected.U32(8, 99).ToArray(), PacketCodec.EncodeReply(99, [], reply));
    }

    [Fact]
    public void EncodeReply_LongMessage_IsCutToWholeCharactersWithinTheField()
    {
        var message = new string('é', 200);
        var bytes = PacketCodec.EncodeReply(1, [], ControlReply.Error(ControlErrno.EINVAL, message));

        Assert.Equal(280, bytes.Length);
        Assert.Equal(0, bytes[279]);
        Assert.Equal(new string('é', 127), PacketCodec.DecodeReply(bytes).Message);
    }

    [Fact]
    public void EncodeReply_ValueThatDoesNotFit_BecomesAnErrorReply()
    {
        var request = PacketBytes.Request(16, 32).U32(16 + 4, 3).Packet(16).ToArray();
        var bytes = PacketCodec.EncodeReply(16, request, ControlReply.Ok(("sector-size", "4294967296")));

        var reply = PacketCodec.DecodeReply(bytes);
        Assert.Equal(ControlErrno.ERANGE, reply.Errno);
        Assert.Equal("dsk-get: reply field 'sector-size' ('4294967296') does not fit 32 bits, so it cannot fill packet field 'sector-size'", reply.Message);
        ControlAssert.Fails(ControlErrno.EIO, "get-instances: reply field 'subdriver' ('disk') is not a subdriver, so it cannot fill packet field 'subdriver-id'",
            () => PacketCodec.EncodePacket(9, new byte[104], ControlReply.Ok(("subdriver", "disk"))));
        ControlAssert.Fails(ControlErrno.ENAMETOOLONG, $"get-instances: field 'name' is longer than 63 bytes (64 bytes of UTF-8)",
            () => PacketCodec.EncodePacket(9, new byte[104], ControlReply.Ok(("name", new string('a', 64)))));
        ControlAssert.Fails(ControlErrno.ERANGE, "dsk-get-address: the reply has 9 'level' records; packet field 'levels' holds 8",
            () => PacketCodec.EncodePacket(18, new byte[152], ControlReply.Success([],
                Enumerable.Range(0, 9).Select(_ => new ControlRecord("level", new ControlField("block", "1"))))));
    }

    [Fact]
    public void IoctlNumbers_AreIowrOfTypeVAndPacketSize()
    {
        Assert.Equal(0xC4787601u, PacketCodec.IoctlNumber(1));
        Assert.Equal(0xC0087602u, PacketCodec.IoctlNumber(2));
        Assert.Equal(0xC0987612u, PacketCodec.IoctlNumber(18));
        Assert.True(PacketCodec.TryDecodeIoctlNumber(0xC4787601u, out var command, out var size));
        Assert.Equal((1u, 1144), (command, size));
        Assert.False(PacketCodec.TryDecodeIoctlNumber(0xC4787701u, out _, out _));
        Assert.False(PacketCodec.TryDecodeIoctlNumber(0x84787601u, out _, out _));
        Assert.False(PacketCodec.TryDecodeIoctlNumber(0xC4707601u, out _, out _));
        Assert.False(PacketCodec.TryDecodeIoctlNumber(0xC0007616u, out _, out _));
        Assert.Throws<ArgumentException>(() => PacketCodec.IoctlNumber(22));
    }

    [Fact]
    public void LooksLikePacket_RequestMagicOnly()
    {
        Assert.True(PacketCodec.LooksLikePacket(PacketBytes.Request(2, 8)));
        Assert.False(PacketCodec.LooksLikePacket("delete-instance name=d0\n"u8));
        Assert.False(PacketCodec.LooksLikePacket("VDM"u8));
        Assert.True(PacketCodec.LooksLikePacket("VDMQ"u8));
    }

    [Fact]
    public void DecodePacket_ImpliedInstance_FillsTheInstanceFieldOrChecksIt()
    {
        var packet = PacketBytes.Request(16, 32).Packet(16).ToArray();
        Assert.Equal(TextCodec.Parse("dsk-get name=7"), PacketCodec.DecodePacket(16, packet, 7));
        Assert.Equal(new ControlCommand("dsk-get"), PacketCodec.DecodePacket(16, packet));
        Assert.Equal("name", PacketCodec.InstanceKey(16));
        Assert.Equal("parent", PacketCodec.InstanceKey(5));
        Assert.Null(PacketCodec.InstanceKey(1));

        var named = new PacketBytes(32).U32(4, 7).ToArray();
        Assert.Equal(TextCodec.Parse("dsk-get name=7"), PacketCodec.DecodePacket(16, named, 7));
        ControlAssert.Fails(ControlErrno.EINVAL, "dsk-get: field 'device-number' names instance 7, but the ioctl was issued on the file of instance 3",
            () => PacketCodec.DecodePacket(16, named, 3));
        ControlAssert.Fails(ControlErrno.EINVAL, "dsk-get: missing field 'name'", () => PacketCodec.DecodePacket(16, packet, 0));

        var child = new PacketBytes(112).U32(12, 1).ToArray();
        Assert.Equal(TextCodec.Parse("get-child-instance parent=4 available=1"), PacketCodec.DecodePacket(5, child, 4));
    }

    private static void AssertGolden(byte[] request, string commandLine, string replyText, byte[] replyBytes, string decodedReplyText)
    {
        var command = TextCodec.Parse(commandLine)!;
        var number = BitConverter.ToUInt32(request, 8);
        var packet = request.AsSpan(16).ToArray();
        var reply = TextCodec.ParseReply(replyText + "\n");

        Assert.Equal(command, PacketCodec.DecodeRequest(request));
        Assert.Equal(command, PacketCodec.DecodePacket(number, packet));
        Assert.Equal(request, PacketCodec.EncodeRequest(command));
        Assert.Equal(packet, PacketCodec.EncodePacket(command));
        Assert.Equal(replyBytes, PacketCodec.EncodeReply(number, packet, reply));
        Assert.Equal(replyBytes.AsSpan(280).ToArray(), PacketCodec.EncodePacket(number, packet, reply));
        Assert.Equal(TextCodec.ParseReply(decodedReplyText + "\n"), PacketCodec.DecodeReply(replyBytes));
        Assert.Equal(TextCodec.ParseReply(decodedReplyText + "\n"), PacketCodec.DecodeReplyPacket(number, replyBytes.AsSpan(280)));
    }
}
