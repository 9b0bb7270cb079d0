using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;
using VdmFuse.Fuse.Protocol;
using static VdmFuse.Fuse.Tests.Support.Bytes;

namespace VdmFuse.Fuse.Tests.Protocol;

/// <summary>Replies encoded to bytes written by hand.</summary>
public sealed class ReplyEncoderTests
{
    private static readonly FuseAttr Attr = new()
    {
        Ino = 2, Size = 0x1000, Blocks = 8, Atime = 1, Mtime = 2, Ctime = 3, AtimeNsec = 4, MtimeNsec = 5, CtimeNsec = 6,
        Mode = 0x81a4, Nlink = 1, Uid = 1000, Gid = 1001, Rdev = 0, BlkSize = 4096,
    };

    private const string AttrHex = """
        02 00 00 00 00 00 00 00   00 10 00 00 00 00 00 00
        08 00 00 00 00 00 00 00   01 00 00 00 00 00 00 00
        02 00 00 00 00 00 00 00   03 00 00 00 00 00 00 00
        04 00 00 00 05 00 00 00   06 00 00 00 a4 81 00 00
        01 00 00 00 e8 03 00 00   e9 03 00 00 00 00 00 00
        00 10 00 00 00 00 00 00
        """;

    private static byte[] Encode<T>(T value) where T : unmanaged => FuseReplyEncoder.Bytes(ref value).ToArray();

    [Fact]
    public void Header_ErrorReply_IsLenNegativeErrnoUnique()
    {
        Assert.Equal(Hex("10 00 00 00  fe ff ff ff  22 11 00 00 00 00 00 00"), Encode(FuseReplyEncoder.Header(0x1122, -2, 0)));
    }

    [Fact]
    public void Entry_WithTimeouts_EncodesSecondsNanosecondsAndAttr()
    {
        var entry = new FuseEntry
        {
            Node = new NodeId(2), Generation = 9, EntryTimeout = TimeSpan.FromMilliseconds(1500), AttrTimeout = TimeSpan.FromSeconds(2), Attr = Attr,
        };
        var expected = Concat(Hex("""
            02 00 00 00 00 00 00 00   09 00 00 00 00 00 00 00
            01 00 00 00 00 00 00 00   02 00 00 00 00 00 00 00
            00 65 cd 1d 00 00 00 00
            """), Hex(AttrHex));
        Assert.Equal(expected, Encode(FuseReplyEncoder.Entry(entry)));
        Assert.Equal(128, expected.Length);
    }

    [Fact]
    public void AttrOut_EncodesTimeoutAndAttr()
    {
        var expected = Concat(Hex("05 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"), Hex(AttrHex));
        Assert.Equal(expected, Encode(FuseReplyEncoder.AttrOut(Attr, TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public void Open_EncodesHandleAndFlags()
    {
        Assert.Equal(Hex("07 00 00 00 00 00 00 00  41 00 00 00 00 00 00 00"),
            Encode(FuseReplyEncoder.Open(new FileHandle(7), OpenReplyFlags.DirectIo | OpenReplyFlags.ParallelDirectWrites)));
    }

    [Fact]
    public void Write_EncodesSize()
    {
        Assert.Equal(Hex("00 10 00 00 00 00 00 00"), Encode(FuseReplyEncoder.Write(4096)));
    }

    [Fact]
    public void StatFs_Encodes80BytesWithZeroSpare()
    {
        var statfs = new FuseStatFs { Blocks = 100, BlocksFree = 50, BlocksAvailable = 40, Files = 10, FilesFree = 5, BlockSize = 512, NameLength = 255, FragmentSize = 512 };
        var expected = Hex("""
            64 00 00 00 00 00 00 00   32 00 00 00 00 00 00 00
            28 00 00 00 00 00 00 00   0a 00 00 00 00 00 00 00
            05 00 00 00 00 00 00 00   00 02 00 00 ff 00 00 00
            00 02 00 00 00 00 00 00   00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00   00 00 00 00 00 00 00 00
            """);
        Assert.Equal(expected, Encode(FuseReplyEncoder.StatFs(statfs)));
    }

    [Fact]
    public void XattrSize_EncodesSize()
    {
        Assert.Equal(Hex("20 00 00 00 00 00 00 00"), Encode(FuseReplyEncoder.XattrSize(32)));
    }

    [Fact]
    public void Ioctl_EncodesResultWithNoRetry()
    {
        Assert.Equal(Hex("fe ff ff ff 00 00 00 00  00 00 00 00 00 00 00 00"), Encode(FuseReplyEncoder.Ioctl(-2)));
    }

    [Fact]
    public void Lseek_EncodesOffset()
    {
        Assert.Equal(Hex("00 00 00 40 00 00 00 00"), Encode(FuseReplyEncoder.Lseek(0x40000000)));
    }

    [Fact]
    public void InvalInode_EncodesNodeOffsetLength()
    {
        Assert.Equal(Hex("02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff  00 00 00 00 00 00 00 00"),
            Encode(FuseReplyEncoder.InvalInode(new NodeId(2), -1, 0)));
    }

    [Fact]
    public void SplitTimeout_Negative_IsZero()
    {
        Assert.Equal((0ul, 0u), FuseReplyEncoder.SplitTimeout(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void InitOut_EncodesEveryField()
    {
        var agreement = InitNegotiation.Negotiate(new InitOperation(7, 44, 0x20000, ulong.MaxValue));
        var expected = Concat(Hex("""
            07 00 00 00  26 00 00 00  00 00 02 00  21 90 44 40
            00 04 00 03  00 00 10 00  01 00 00 00  00 01 00 00
            00 00 00 00
            """), new byte[28]);
        var reply = agreement.Reply;
        Assert.Equal(expected, FuseReplyEncoder.Bytes(ref reply).ToArray());
        Assert.Equal(64, agreement.ReplySize);
    }
}
