using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>Every way a binary request, an ioctl packet or a reply can be wrong, with the exact errno and sentence.</summary>
public class PacketCodecErrorTests
{
    private static PacketBytes CreatePhysical() =>
        PacketBytes.Request(1, 1144).U32(16 + 4, 1).Text(16 + 8, "d0").Text(16 + 112, "/var/tmp/d0.img");

    private static PacketBytes CreatePartition() =>
        PacketBytes.Request(1, 1144).U32(16 + 4, 2).Text(16 + 8, "p1").U32(16 + 92, 3).U64(16 + 96, 0).U64(16 + 104, 8);

    private static PacketBytes CreateMirror() =>
        PacketBytes.Request(1, 1144).U32(16 + 4, 3).Text(16 + 8, "m0").U32(16 + 108, 2).U32(16 + 112, 3).U32(16 + 116, 4);

    private static PacketBytes SyncImages() => PacketBytes.Request(48, 40).U32(16 + 4, 2).U32(16 + 12, 3).U32(16 + 16, 1).U32(16 + 20, 4);

    private static PacketBytes Link() => PacketBytes.Request(3, 88).U32(16 + 4, 2).U32(16 + 8, 1).U32(16 + 12, 3);

    private static PacketBytes Subdriver(uint subdriver, uint command) =>
        PacketBytes.Request(8, 1040).U32(16 + 4, subdriver).U32(16 + 8, 3).U32(16 + 12, command);

    public static TheoryData<string, byte[]> BadRequests => new()
    {
        { "request is 5 bytes, shorter than the 16-byte request header", new byte[5] },
        { "request magic is 0x12345678; expected VDM_REQUEST_MAGIC 0x514d4456", CreatePhysical().U32(0, 0x12345678) },
        { "request version is 1; only version 0 (VDM_PACKET_VERSION_0) is supported", CreatePhysical().U32(4, 1) },
        { "unknown command number 99", CreatePhysical().U32(8, 99) },
        { "unknown command number 0", CreatePhysical().U32(8, 0) },
        { "unknown command number 22", CreatePhysical().U32(8, 22) },
        { "packet for create-instance is 1000 bytes; expected 1144", CreatePhysical().U32(12, 1000) },
        { "request for create-instance is 1161 bytes; expected 1160 (the 16-byte header and the 1144-byte packet)", Concat(CreatePhysical(), [0]) },
        { "request for delete-instance is 65536 bytes; expected 24 (the 16-byte header and the 8-byte packet)", Concat(PacketBytes.Request(2, 8).U32(20, 1), new byte[65512]) },
        { "request for delete-instance is 23 bytes; expected 24 (the 16-byte header and the 8-byte packet)", PacketBytes.Request(2, 8).U32(20, 1).ToArray()[..23] },
        { "delete-instance: field 'version' is 1; only version 0 (VDM_PACKET_VERSION_0) is supported", PacketBytes.Request(2, 8).U32(16, 1).U32(20, 1) },
        { "create-instance: field 'attributes.physical.version' is 2; only version 0 (VDM_PACKET_VERSION_0) is supported", CreatePhysical().U32(16 + 88, 2) },
        { "create-instance: field 'device-number' (offset 80) is not an input of create-instance and must be zero", CreatePhysical().U32(16 + 80, 7) },
        { "create-instance: reserved bytes at offset 86 must be zero", CreatePhysical().Raw(16 + 86, 1) },
        { "create-instance: field 'attributes.physical.size' (offset 96) is not an input of create-instance and must be zero", CreatePhysical().U64(16 + 96, 1) },
        { "create-instance: reserved bytes at offset 1136 must be zero", CreatePhysical().Raw(16 + 1136, 1) },
        { "create-instance: reserved bytes at offset 116 must be zero", CreatePartition().U32(16 + 116, 1) },
        { "create-instance: field 'attributes.mirror.number-of-images' is 4; field 'attributes.mirror.image-device-numbers' holds at most 3 device numbers", CreateMirror().U32(16 + 108, 4) },
        { "create-instance: field 'attributes.mirror.image-device-numbers' element 2 is 5 but must be zero: field 'attributes.mirror.number-of-images' is 2", CreateMirror().U32(16 + 120, 5) },
        { "create-instance: field 'attributes.mirror.image-device-numbers' element 0 is 0, which names no instance (field 'attributes.mirror.number-of-images' is 2)", CreateMirror().U32(16 + 112, 0) },
        { "create-instance: field 'attributes.mirror.image-device-numbers' element 1 is 4294967295, which names no instance (field 'attributes.mirror.number-of-images' is 2)", CreateMirror().U32(16 + 116, 0xffffffff) },
        { "create-instance: field 'attributes.mirror.automatic-sync' must be 0 or 1, not 2", CreateMirror().U32(16 + 92, 2) },
        { "create-instance: field 'attributes.mirror.version' is 1; only version 0 (VDM_PACKET_VERSION_0) is supported", CreateMirror().U32(16 + 88, 1) },
        { "create-instance: field 'attributes.physical.path' (offset 112) must be zero unless subdriver-id is 1", CreateMirror().U32(16 + 128, 1) },
        { "sync-images: field 'total-blocks' (offset 32) is not an input of sync-images and must be zero", SyncImages().U64(16 + 32, 1) },
        { "sync-images: field 'number-of-destinations' is 3; field 'dest-images' holds at most 2 device numbers", SyncImages().U32(16 + 16, 3) },
        { "sync-images: field 'dest-images' element 1 is 9 but must be zero: field 'number-of-destinations' is 1", SyncImages().U32(16 + 24, 9) },
        { "sync-images: reserved bytes at offset 28 must be zero", SyncImages().U32(16 + 28, 1) },
        { "terminate-sync: reserved bytes at offset 12 must be zero", PacketBytes.Request(49, 16).U32(16 + 4, 2).U32(16 + 8, 3).U32(16 + 12, 1) },
        { "throttle-sync: field 'dest-image' is VDM_NODEV (4294967295), which names no instance", PacketBytes.Request(50, 16).U32(16 + 4, 2).U32(16 + 12, 0xffffffff) },
        { "ioctl-subdriver: field 'argument.sync-images.device-number' (offset 20) is not an input of ioctl-subdriver and must be zero", Subdriver(3, 1).U32(16 + 20, 3) },
        { "ioctl-subdriver: reserved bytes at offset 28 must be zero", Subdriver(3, 2).U32(16 + 28, 3) },
        { "ioctl-subdriver: field 'argument.sync-images.dest-images' (offset 36) must be zero unless subdriver-id is 3 and command is 1", Subdriver(3, 3).U32(16 + 36, 1) },
        { "ioctl-subdriver: subdriver mirror has no command 5", Subdriver(3, 5) },
        { "get-child-instance: field 'child-role.mirror.flags' (offset 52) is not an input of get-child-instance and must be zero", PacketBytes.Request(5, 112).U32(16 + 8, 2).U32(16 + 12, 1).U32(16 + 52, 1) },
        { "create-instance: field 'attributes.physical.path' (offset 112) must be zero unless subdriver-id is 1", CreatePartition().Raw(16 + 200, 0x41) },
        { "create-instance: field 'persistent' must be 0 or 1, not 2", CreatePhysical().U32(16 + 72, 2) },
        { "create-instance: field 'not-exported' must be 0 or 1, not 256", CreatePhysical().U32(16 + 76, 256) },
        { "create-instance: field 'subdriver-id' is 9, which is not a subdriver id (known: 1 physical, 2 partition, 3 mirror, 4 remap, 5 fault, 6 volume, 7 slice)", CreatePhysical().U32(16 + 4, 9) },
        { "create-instance: field 'subdriver-id' is 4294967295, which is not a subdriver id (known: 1 physical, 2 partition, 3 mirror, 4 remap, 5 fault, 6 volume, 7 slice)", CreatePhysical().U32(16 + 4, 0xffffffff) },
        { "create-instance: field 'name' is longer than 63 bytes (no NUL within its 64 bytes)", CreatePhysical().Text(16 + 8, new string('n', 64)) },
        { "create-instance: field 'name' contains '/': 'a/b'", CreatePhysical().Text(16 + 8, "a/b") },
        { "create-instance: field 'name' contains a NUL followed by more bytes; the text ends at its first NUL and the rest of the field must be zero", CreatePhysical().Text(16 + 8, "ab\0cd") },
        { "create-instance: field 'name' contains control character U+0001", CreatePhysical().Text(16 + 8, "a\u0001b") },
        { "create-instance: field 'name' contains control character U+007F", CreatePhysical().Text(16 + 8, "a\u007f") },
        { "create-instance: field 'name' contains control character U+0085", CreatePhysical().Text(16 + 8, "a\u0085") },
        { "create-instance: field 'name' is not valid UTF-8", CreatePhysical().Raw(16 + 8, 0x61, 0xff, 0x62) },
        { "create-instance: field 'name' is not valid UTF-8", CreatePhysical().Raw(16 + 8, 0xed, 0xa0, 0x80) },
        { "create-instance: field 'attributes.physical.path' contains control character U+000A", CreatePhysical().Text(16 + 112, "/tmp/a\nb") },
        { "create-instance: field 'attributes.physical.path' is longer than 1023 bytes (no NUL within its 1024 bytes)", CreatePhysical().Text(16 + 112, new string('p', 1024)) },
        { "create-instance: missing field 'name'", CreatePhysical().Text(16 + 8, "\0\0") },
        { "create-instance: missing field 'path' (required when subdriver=physical)", CreatePhysical().Raw(16 + 112, new byte[20]) },
        { "create-instance: missing field 'subdriver'", PacketBytes.Request(1, 1144).Text(16 + 8, "d0") },
        { "create-instance: field 'start' is out of range: '18446744073709551615'", CreatePartition().U64(16 + 96, ulong.MaxValue) },
        { "create-instance: field 'size' is out of range: '18014398509481984'", CreatePartition().U64(16 + 104, 1UL << 54) },
        { "create-instance: field 'attributes.partition.child-device-number' is VDM_NODEV (4294967295), which names no instance", CreatePartition().U32(16 + 92, 0xffffffff) },
        { "delete-instance: field 'device-number' is VDM_NODEV (4294967295), which names no instance", PacketBytes.Request(2, 8).U32(20, 0xffffffff) },
        { "delete-instance: missing field 'name'", PacketBytes.Request(2, 8) },
        { "link-child-instance: field 'child-instance.device-number-used' must be 0 or 1, not 2", Link().U32(16 + 8, 2) },
        { "link-child-instance: field 'child-instance.device-number' (offset 12) must be zero unless child-instance.device-number-used is 1", Link().U32(16 + 8, 0) },
        { "link-child-instance: field 'child-instance.id-generation' (offset 16) is not an input of link-child-instance and must be zero", Link().U32(16 + 16, 1) },
        { "link-child-instance: field 'role' (offset 24) is not an input of link-child-instance and must be zero", Link().Raw(16 + 87, 1) },
        { "link-child-instance: missing field 'child'", Link().U32(16 + 12, 0) },
        { "get-child-instance: field 'available' must be 0 or 1, not 2", PacketBytes.Request(5, 112).U32(16 + 8, 2).U32(16 + 12, 2) },
        { "get-child-instance: field 'key' (offset 16) must be zero unless available is 1", PacketBytes.Request(5, 112).U32(16 + 8, 2).U32(16 + 16, 1) },
        { "get-child-instance: field 'count' (offset 20) is not an input of get-child-instance and must be zero", PacketBytes.Request(5, 112).U32(16 + 8, 2).U32(16 + 20, 1) },
        { "get-child-instance: field 'parent-subdriver-id' is 8, which is not a subdriver id (known: 1 physical, 2 partition, 3 mirror, 4 remap, 5 fault, 6 volume, 7 slice)", PacketBytes.Request(5, 112).U32(16 + 4, 8).U32(16 + 8, 2) },
        { "get-attributes: field 'subdriver-id' (offset 8) is not an input of get-attributes and must be zero", PacketBytes.Request(6, 1072).U32(16 + 4, 2).U32(16 + 8, 1) },
        { "get-attributes: field 'attributes.physical.path' (offset 40) is not an input of get-attributes and must be zero", PacketBytes.Request(6, 1072).U32(16 + 4, 2).Raw(16 + 100, 1) },
        { "update-attributes: field 'attributes.physical.path' (offset 40) is not an input of update-attributes and must be zero", PacketBytes.Request(7, 1072).U32(16 + 4, 2).U32(16 + 8, 1).Text(16 + 40, "/x") },
        { "update-attributes: field 'attributes.partition.child-device-number' (offset 20) is not an input of update-attributes and must be zero", PacketBytes.Request(7, 1072).U32(16 + 4, 2).U32(16 + 8, 2).U32(16 + 20, 3) },
        { "ioctl-subdriver: subdriver physical has no command 7", Subdriver(1, 7) },
        { "ioctl-subdriver: subdriver partition has no command 1", Subdriver(2, 1) },
        { "ioctl-subdriver: field 'command' is 1 but no subdriver-id is given", Subdriver(0, 1) },
        { "ioctl-subdriver: field 'argument.get-info.size' (offset 24) is not an input of ioctl-subdriver and must be zero", Subdriver(1, 1).U64(16 + 24, 5) },
        { "ioctl-subdriver: field 'argument.get-info.path' (offset 56) is not an input of ioctl-subdriver and must be zero", Subdriver(1, 2).Text(16 + 56, "/x") },
        { "ioctl-subdriver: field 'argument.get-info.path' (offset 56) is not an input of ioctl-subdriver and must be zero", Subdriver(1, 1).Raw(16 + 1039, 1) },
        { "ioctl-subdriver: field 'argument.get-info.version' (offset 16) must be zero unless subdriver-id is 1 and command is 2", Subdriver(1, 1).U32(16 + 16, 1) },
        { "get-child-instance: reserved bytes at offset 44 must be zero", PacketBytes.Request(5, 112).U32(16 + 8, 2).U32(16 + 44, 1) },
        { "get-instances: field 'name' (offset 16) is not an input of get-instances and must be zero", PacketBytes.Request(9, 104).Text(16 + 16, "x") },
        { "dsk-get: field 'cylinders' (offset 28) is not an input of dsk-get and must be zero", PacketBytes.Request(16, 32).U32(20, 1).U32(16 + 28, 1) },
        { "dsk-usage: field 'errors' (offset 40) is not an input of dsk-usage and must be zero", PacketBytes.Request(17, 72).U32(20, 1).U64(16 + 40, 1) },
        { "dsk-get-address: field 'levels' (offset 24) is not an input of dsk-get-address and must be zero", PacketBytes.Request(18, 152).U32(20, 1).Raw(16 + 150, 1) },
        { "dsk-get-address: field 'block' is out of range: '9223372036854775808'", PacketBytes.Request(18, 152).U32(20, 1).U64(16 + 8, 1UL << 63) },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void DecodeRequest_BadRequest_ThrowsEinvalWithSentence(string message, byte[] request)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, message, () => PacketCodec.DecodeRequest(request));
    }

    [Fact]
    public void DecodePacket_UnknownCommandOrWrongSize_ThrowsEinval()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "unknown command number 22", () => PacketCodec.DecodePacket(22, new byte[32]));
        ControlAssert.Fails(ControlErrno.EINVAL, "packet for dsk-get is 31 bytes; expected 32", () => PacketCodec.DecodePacket(16, new byte[31]));
        ControlAssert.Fails(ControlErrno.EINVAL, "packet for dsk-get is 33 bytes; expected 32", () => PacketCodec.DecodePacket(16, new byte[33], 3));
    }

    public static TheoryData<string, string> UnencodableCommands => new()
    {
        { "help: this command has no binary form; use the text form", "help" },
        { "delete-instance: field 'name' must be a device number (1 to 4294967294) in the binary form, not 'd0'", "delete-instance name=d0" },
        { "delete-instance: field 'name' must be a device number (1 to 4294967294) in the binary form, not '4294967295'", "delete-instance name=4294967295" },
        { "create-instance: field 'start' has no place in the create-instance packet", "create-instance subdriver=physical name=d0 path=/x start=1" },
        { "create-instance: field 'path' has no place in the create-instance packet", "create-instance subdriver=partition name=p child=1 start=0 size=8 path=/x" },
        { "create-instance: field 'name' is longer than 63 bytes (64 bytes of UTF-8)", "create-instance subdriver=physical name=" + new string('n', 64) + " path=/x" },
        { "create-instance: field 'name' contains '/': 'a/b'", "create-instance subdriver=physical name=a/b path=/x" },
        { "create-instance: unknown subdriver 'disk' (known: physical, partition, mirror, remap, fault, volume, slice)", "create-instance subdriver=disk name=d0" },
        { "update-attributes: the binary packet needs field 'start'", "update-attributes name=3 subdriver=partition size=8" },
        { "get-instances: field 'key' is out of range: '-1'", "get-instances key=-1" },
        { "get-instances: field 'key' is out of range: '4294967296'", "get-instances key=4294967296" },
        { "get-child-instance: field 'parent' must be a device number (1 to 4294967294) in the binary form, not 'p0'", "get-child-instance parent=p0 available=1" },
        { "create-instance: the binary packet needs field 'minimum-images-required-to-use'", "create-instance subdriver=mirror name=m images=3,4" },
        { "create-instance: field 'images' lists 4 instances; the packet holds at most 3", "create-instance subdriver=mirror name=m images=3,4,5,6 minimum-images-required-to-use=-1 maximum-images-missing-to-use=-1" },
        { "create-instance: field 'images' must be a device number (1 to 4294967294) in the binary form, not 'image0'", "create-instance subdriver=mirror name=m images=image0 minimum-images-required-to-use=-1 maximum-images-missing-to-use=-1" },
        { "create-instance: field 'maximum-images-missing-to-use' is out of range: '2147483648'", "create-instance subdriver=mirror name=m images=3 minimum-images-required-to-use=-1 maximum-images-missing-to-use=2147483648" },
        { "update-attributes: the binary packet needs field 'automatic-sync'", "update-attributes name=3 subdriver=mirror minimum-images-required-to-use=1" },
        { "sync-images: field 'destinations' lists 3 instances; the packet holds at most 2", "sync-images name=3 source=4 destinations=5,6,7" },
        { "sync-images: field 'source' must be a device number (1 to 4294967294) in the binary form, not 'image0'", "sync-images name=3 source=image0 destinations=5" },
        { "fracture-image: field 'change-granularity' is out of range: '4294967296'", "fracture-image name=3 image=4 change-granularity=4294967296" },
    };

    [Theory]
    [MemberData(nameof(UnencodableCommands))]
    public void EncodeRequest_CommandWithoutBinaryForm_ThrowsEinvalWithSentence(string message, string line)
    {
        var command = TextCodec.Parse(line) ?? throw new InvalidOperationException(line);
        ControlAssert.Fails(ControlErrno.EINVAL, message, () => PacketCodec.EncodeRequest(command));
    }

    [Fact]
    public void EncodeRequest_UnknownSubdriverCommand_ThrowsEinvalNamingIt()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "ioctl-subdriver: subdriver physical has no command 'x'",
            () => PacketCodec.EncodeRequest(new ControlCommand("ioctl-subdriver",
                new ControlField("subdriver", "physical"), new ControlField("name", "3"), new ControlField("command", "x"))));
    }

    [Fact]
    public void EncodeRequest_UnknownField_ThrowsEinval()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "dsk-get: unknown field 'colour'",
            () => PacketCodec.EncodeRequest(new ControlCommand("dsk-get", new ControlField("name", "3"), new ControlField("colour", "red"))));
    }

    public static TheoryData<string, byte[]> BadReplies => new()
    {
        { "reply is 279 bytes, shorter than the 280-byte reply header", new byte[279] },
        { "reply magic is 0x514d4456; expected VDM_REPLY_MAGIC 0x524d4456", PacketBytes.Reply(2, 8).U32(0, 0x514d4456) },
        { "reply version is 2; only version 0 is supported", PacketBytes.Reply(2, 8).U32(4, 2) },
        { "reply error is -5 with 0 packet bytes; an error is a positive errno with no packet", PacketBytes.Reply(2, 0, -5) },
        { "reply error is 5 with 8 packet bytes; an error is a positive errno with no packet", PacketBytes.Reply(2, 8, 5) },
        { "unknown command number 22", PacketBytes.Reply(22, 8) },
        { "reply for delete-instance is 287 bytes with length 7; expected 288 with length 8", PacketBytes.Reply(2, 7).U32(8, 2) },
        { "dsk-get-address: field 'depth' is 9; the packet holds at most 8 records", PacketBytes.Reply(18, 152).U32(280 + 16, 9) },
        { "get-instances: field 'exported' must be 0 or 1, not 2", PacketBytes.Reply(9, 104).U32(280 + 96, 2) },
        { "get-instances: field 'subdriver-id' is 8, which is not a subdriver id (known: 1 physical, 2 partition, 3 mirror, 4 remap, 5 fault, 6 volume, 7 slice)", PacketBytes.Reply(9, 104).U32(280 + 12, 8) },
        { "get-instances: field 'name' contains '/': 'a/b'", PacketBytes.Reply(9, 104).Text(280 + 16, "a/b") },
    };

    [Theory]
    [MemberData(nameof(BadReplies))]
    public void DecodeReply_BadReply_ThrowsEinvalWithSentence(string message, byte[] reply)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, message, () => PacketCodec.DecodeReply(reply));
    }

    [Fact]
    public void EncodePacket_ErrorReplyOrWrongPacket_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => PacketCodec.EncodePacket(2, new byte[8], ControlReply.Error(ControlErrno.EBUSY, "busy")));
        Assert.Throws<ArgumentException>(() => PacketCodec.EncodePacket(2, new byte[7], ControlReply.Ok()));
        Assert.Throws<ArgumentException>(() => PacketCodec.EncodePacket(12, new byte[8], ControlReply.Ok()));
        Assert.Throws<ArgumentException>(() => PacketCodec.EncodeReply(12, new byte[8], ControlReply.Ok()));
    }

    private static byte[] Concat(byte[] first, byte[] second) => [.. first, .. second];
}
