using System.Buffers.Binary;
using System.Text;
using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>The disk ioctl packets (dkio(7)) byte for byte: where each field lies, the fixed char arrays, hex bytes, 16-bit fields, ignored inputs.</summary>
public class DkioPacketCodecTests
{
    private static ControlCommand Parse(string line) => TextCodec.Parse(line)!;

    [Fact]
    public void EncodePacket_SetVtoc_LaysTheVtocOutAsStructVdmVtoc()
    {
        var packet = PacketCodec.EncodePacket(Parse(
            "dk-set-vtoc name=3 sanity=1611521774 vtoc-version=1 volume=ABCDEFGH sector-size=512 nparts=16 p2-tag=5 p2-flag=1 p2-start=0 p2-size=131072 " +
            "p3-tag=2 p3-flag=16 p3-start=2048 p3-size=4096 ascii-label=\"vdm label\""));

        Assert.Equal(464, packet.Length);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(4)));
        Assert.Equal(0x600DDEEEu, BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(20)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(24)));
        Assert.Equal("ABCDEFGH", Encoding.ASCII.GetString(packet, 28, 8));
        Assert.Equal(512, BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(36)));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(38)));
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(80 + 2 * 12)));
        Assert.Equal(131072, BinaryPrimitives.ReadInt32LittleEndian(packet.AsSpan(80 + 2 * 12 + 8)));
        Assert.Equal([2, 16], new int[] { BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(116)), BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(118)) });
        Assert.Equal([2048, 4096], new[] { BinaryPrimitives.ReadInt32LittleEndian(packet.AsSpan(120)), BinaryPrimitives.ReadInt32LittleEndian(packet.AsSpan(124)) });
        Assert.Equal("vdm label", Encoding.ASCII.GetString(packet, 336, 9));
        Assert.All(packet[345..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void EncodePacket_SetExtvtoc_Lays64BitSlicesOutAsStructVdmExtvtoc()
    {
        var packet = PacketCodec.EncodePacket(Parse("dk-set-extvtoc name=3 sanity=1611521774 p15-tag=4 p15-start=4294967296 p15-size=9223372036854775807"));

        Assert.Equal(784, packet.Length);
        Assert.Equal(0x600DDEEEul, BinaryPrimitives.ReadUInt64LittleEndian(packet.AsSpan(32)));
        var slice = 144 + 24 * 15;
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(slice)));
        Assert.Equal(4294967296ul, BinaryPrimitives.ReadUInt64LittleEndian(packet.AsSpan(slice + 8)));
        Assert.Equal((ulong)long.MaxValue, BinaryPrimitives.ReadUInt64LittleEndian(packet.AsSpan(slice + 16)));
    }

    [Fact]
    public void EncodePacket_Smboot_CarriesTheSectorAsBytes()
    {
        var packet = PacketCodec.EncodePacket(Parse($"dk-smboot name=3 mboot={DkioPackets.MbootHex}"));

        Assert.Equal(520, packet.Length);
        Assert.Equal(Convert.FromHexString(DkioPackets.MbootHex), packet[8..]);
        Assert.Equal(0xAA55, BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(8 + 510)));
    }

    [Fact]
    public void DecodePacket_DmrPassedBackWithTheLastAnswer_IgnoresBytesreadSideNameAndData()
    {
        var request = PacketCodec.EncodePacket(Parse("dk-dmr name=3 flags=1 side=-1 offset=512 nbytes=8"));
        var first = PacketCodec.EncodePacket(VdmAbi.CmdDkDmr, request,
            TextCodec.ParseReply("ok flags=17 side=0 bytesread=8 side-name=image0 data=0102030405060708\n"));
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32LittleEndian(first.AsSpan(28)));
        Assert.Equal("image0", Encoding.ASCII.GetString(first, 32, 6));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], first[96..104]);

        var again = PacketCodec.DecodePacket(VdmAbi.CmdDkDmr, first, 0);

        Assert.Equal(Parse("dk-dmr name=3 flags=17 side=0 offset=512 nbytes=8"), again);
        var done = PacketCodec.EncodePacket(VdmAbi.CmdDkDmr, first, TextCodec.ParseReply("ok flags=2 side=0 bytesread=0 side-name=\"\" data=\"\"\n"));
        Assert.All(done[28..], b => Assert.Equal(0, b));
        Assert.Equal(TextCodec.ParseReply("ok flags=2 side=0 bytesread=0 side-name=\"\" data=\"\"\n"), PacketCodec.DecodeReplyPacket(VdmAbi.CmdDkDmr, done));
    }

    [Fact]
    public void DecodePacket_SetVolcapWithInfoFromGet_IgnoresInfo()
    {
        var packet = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(8), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(12), 2);

        Assert.Equal(Parse("dk-set-volcap name=9 set=2"), PacketCodec.DecodePacket(VdmAbi.CmdDkSetVolcap, packet, 9));
    }

    [Fact]
    public void DecodePacket_GetVtocWithGarbageInItsOutputFields_IgnoresIt()
    {
        // A Solaris caller passes an uninitialised struct vtoc to DKIOCGVTOC.
        var packet = new byte[464];
        new Random(5).NextBytes(packet.AsSpan(8));

        var command = PacketCodec.DecodePacket(VdmAbi.CmdDkGetVtoc, packet, 3);

        Assert.Equal(ControlVerbs.DkGetVtoc, command.Verb);
        Assert.Equal("3", command.Get("name"));
    }

    [Fact]
    public void DecodePacket_RemovableWithAnUninitialisedInt_IgnoresIt()
    {
        var packet = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(8), -7);

        Assert.Equal("3", PacketCodec.DecodePacket(VdmAbi.CmdDkRemovable, packet, 3).Get("name"));
    }

    [Fact]
    public void DecodePacket_VolumeFillingItsEightBytes_IsTheWholeName()
    {
        var packet = PacketCodec.EncodePacket(Parse("dk-set-vtoc name=3 volume=12345678"));
        Assert.Equal("12345678", Encoding.ASCII.GetString(packet, 28, 8));

        Assert.Equal("12345678", PacketCodec.DecodePacket(VdmAbi.CmdDkSetVtoc, packet, 0).Get("volume"));
    }

    [Fact]
    public void EncodePacket_ValuesThatDoNotFit_AreEinval()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "dk-set-vtoc: field 'vtoc.volume' is longer than 8 bytes (9 bytes of UTF-8)",
            () => PacketCodec.EncodePacket(Parse("dk-set-vtoc name=3 volume=123456789")));
        ControlAssert.Fails(ControlErrno.EINVAL, "dk-set-geom: field 'ncyl' is out of range: '65536'",
            () => PacketCodec.EncodePacket(Parse("dk-set-geom name=3 ncyl=65536 nhead=1 nsect=1")));
        ControlAssert.Fails(ControlErrno.EINVAL, "dk-set-vtoc: field 'p0-start' is out of range: '2147483648'",
            () => PacketCodec.EncodePacket(Parse("dk-set-vtoc name=3 p0-start=2147483648")));
        ControlAssert.Fails(ControlErrno.EINVAL, "dk-smboot: field 'mboot' is 513 bytes; the packet holds 512",
            () => PacketCodec.EncodePacket(Parse($"dk-smboot name=3 mboot={DkioPackets.MbootHex}00")));
        ControlAssert.Fails(ControlErrno.EINVAL, "dk-smboot: field 'mboot' is not hexadecimal bytes: write two hexadecimal digits per byte (3 characters given)",
            () => TextCodec.Parse("dk-smboot name=3 mboot=abc"));
    }

    [Fact]
    public void EncodeReply_ValuesThatDoNotFitTheirFields_AreErangeOrEio()
    {
        var request = PacketCodec.EncodePacket(Parse("dk-get-geom name=3"));
        ControlAssert.Fails(ControlErrno.ERANGE, "dk-get-geom: reply field 'nhead' ('65536') does not fit 16 bits, so it cannot fill packet field 'nhead'",
            () => PacketCodec.EncodePacket(VdmAbi.CmdDkGetGeom, request, TextCodec.ParseReply("ok nhead=65536\n")));
        var dmr = PacketCodec.EncodePacket(Parse("dk-dmr name=3 offset=0 nbytes=1"));
        ControlAssert.Fails(ControlErrno.EIO, "dk-dmr: reply field 'data' ('xyz') is not hexadecimal bytes, so it cannot fill packet field 'data'",
            () => PacketCodec.EncodePacket(VdmAbi.CmdDkDmr, dmr, TextCodec.ParseReply("ok data=xyz\n")));
    }

    [Fact]
    public void IoctlNumbers_DiskIoctls_AreIowrOfTheirPacketsFrom64To88()
    {
        var layouts = PacketLayouts.Commands.Where(layout => layout.Verb.StartsWith("dk-", StringComparison.Ordinal)).ToList();

        Assert.Equal(Enumerable.Range(64, 25).Select(n => (uint)n), layouts.Select(layout => layout.Command));
        Assert.All(layouts, layout => Assert.Equal("name", layout.InstanceKey));
        Assert.Equal(0xE0607657u, PacketCodec.IoctlNumber(VdmAbi.CmdDkDmr));
        Assert.Equal(0xC1D07645u, PacketCodec.IoctlNumber(VdmAbi.CmdDkGetVtoc));
        Assert.True(PacketCodec.TryDecodeIoctlNumber(0xC010764Eu, out var state, out var size));
        Assert.Equal((VdmAbi.CmdDkState, 16), (state, size));
    }
}
