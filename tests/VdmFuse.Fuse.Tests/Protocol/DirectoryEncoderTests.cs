using VdmFuse.Fuse.Api;
using VdmFuse.Fuse.Protocol;
using static VdmFuse.Fuse.Tests.Support.Bytes;

namespace VdmFuse.Fuse.Tests.Protocol;

/// <summary>READDIR and READDIRPLUS packing: 8-byte padded names, off = index of the next entry, stop when full.</summary>
public sealed class DirectoryEncoderTests
{
    private static readonly DirEntry[] Entries =
    [
        new("a", new FuseEntry { Node = new NodeId(1), Attr = new FuseAttr { Ino = 1, Mode = 0x41ed } }),
        new("rdsk", new FuseEntry { Node = new NodeId(3), Attr = new FuseAttr { Ino = 3, Mode = 0x41ed } }),
        new("vdm-control", new FuseEntry { Node = new NodeId(4), Attr = new FuseAttr { Ino = 4, Mode = 0x8180 } }),
    ];

    [Fact]
    public void Encode_ReadDir_PacksPaddedNamesWithNextIndexOffsets()
    {
        var buffer = new byte[4096];
        int length = DirectoryEncoder.Encode(buffer, Entries, 0, plus: false);
        var expected = Hex("""
            01 00 00 00 00 00 00 00   01 00 00 00 00 00 00 00   01 00 00 00 04 00 00 00   61 00 00 00 00 00 00 00
            03 00 00 00 00 00 00 00   02 00 00 00 00 00 00 00   04 00 00 00 04 00 00 00   72 64 73 6b 00 00 00 00
            04 00 00 00 00 00 00 00   03 00 00 00 00 00 00 00   0b 00 00 00 08 00 00 00
            76 64 6d 2d 63 6f 6e 74   72 6f 6c 00 00 00 00 00
            """);
        Assert.Equal(expected, buffer[..length]);
    }

    [Fact]
    public void Encode_FromOffset_StartsAtThatIndex()
    {
        var buffer = new byte[4096];
        int length = DirectoryEncoder.Encode(buffer, Entries, 2, plus: false);
        Assert.Equal(40, length);
        Assert.Equal(Hex("04 00 00 00 00 00 00 00  03 00 00 00 00 00 00 00  0b 00 00 00 08 00 00 00"), buffer[..24]);
    }

    [Fact]
    public void Encode_SizeTooSmallForNextEntry_Stops()
    {
        var buffer = new byte[32 + 32 + 39];
        Assert.Equal(64, DirectoryEncoder.Encode(buffer, Entries, 0, plus: false));
        Assert.Equal(0, DirectoryEncoder.Encode(new byte[31], Entries, 0, plus: false));
    }

    [Fact]
    public void Encode_PastTheEnd_IsEmpty()
    {
        Assert.Equal(0, DirectoryEncoder.Encode(new byte[4096], Entries, 3, plus: false));
    }

    [Fact]
    public void Encode_ReadDirPlus_PrefixesEntryOut()
    {
        var buffer = new byte[4096];
        int length = DirectoryEncoder.Encode(buffer, Entries, 1, plus: true);
        // Two entries: 128 + 24 + name padded ("rdsk" -> 8, "vdm-control" -> 16).
        Assert.Equal(160 + 168, length);
        Assert.Equal(Hex("03 00 00 00 00 00 00 00"), buffer[..8]);            // entry_out.nodeid
        Assert.Equal(Hex("03 00 00 00 00 00 00 00"), buffer[40..48]);         // entry_out.attr.ino
        Assert.Equal(Hex("ed 41 00 00"), buffer[100..104]);                   // entry_out.attr.mode
        Assert.Equal(Hex("""
            03 00 00 00 00 00 00 00   02 00 00 00 00 00 00 00   04 00 00 00 04 00 00 00   72 64 73 6b 00 00 00 00
            """), buffer[128..160]);
        Assert.Equal(Hex("04 00 00 00 00 00 00 00  03 00 00 00 00 00 00 00  0b 00 00 00 08 00 00 00"), buffer[(160 + 128)..(160 + 152)]);
    }
}
