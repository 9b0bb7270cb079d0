using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;
using VdmFuse.Fuse.Protocol;
using static VdmFuse.Fuse.Tests.Support.Bytes;

namespace VdmFuse.Fuse.Tests.Protocol;

/// <summary>Golden requests, written byte by byte, parsed into the expected records.</summary>
public sealed class RequestParserTests
{
    private static FuseOperation ParseOk(byte[] request, fuse_opcode opcode, ulong unique = 0x1122, ulong node = 5)
    {
        var parsed = FuseRequestParser.Parse(request);
        Assert.True(parsed.Status == ParseStatus.Ok, parsed.Problem);
        Assert.Equal(opcode, parsed.Opcode);
        Assert.Equal(unique, parsed.Header.unique);
        Assert.Equal(node, parsed.Header.nodeid);
        return parsed.Operation!;
    }

    [Fact]
    public void Parse_LookupWrittenByHand_GivesHeaderAndName()
    {
        byte[] request = Hex("""
            2c 00 00 00  01 00 00 00  22 11 00 00 00 00 00 00
            05 00 00 00 00 00 00 00  e8 03 00 00  e9 03 00 00
            92 10 00 00  00 00 00 00  64 73 6b 00
            """);
        var parsed = FuseRequestParser.Parse(request);
        Assert.Equal(ParseStatus.Ok, parsed.Status);
        Assert.Equal(44u, parsed.Header.len);
        Assert.Equal(1000u, parsed.Header.uid);
        Assert.Equal(1001u, parsed.Header.gid);
        Assert.Equal(4242u, parsed.Header.pid);
        Assert.Equal(new LookupOperation("dsk"), parsed.Operation);
    }

    [Fact]
    public void Parse_GetAttrWithHandle_GivesHandle()
    {
        var op = ParseOk(Request(3, 0x1122, 5, Hex("01 00 00 00 00 00 00 00  07 00 00 00 00 00 00 00")), fuse_opcode.FUSE_GETATTR);
        Assert.Equal(new GetAttrOperation(new FileHandle(7)), op);
    }

    [Fact]
    public void Parse_GetAttrWithoutHandleFlag_GivesNoHandle()
    {
        var op = ParseOk(Request(3, 0x1122, 5, Hex("00 00 00 00 00 00 00 00  07 00 00 00 00 00 00 00")), fuse_opcode.FUSE_GETATTR);
        Assert.Equal(new GetAttrOperation(null), op);
    }

    [Fact]
    public void Parse_SetAttrSize_GivesValidBitsAndSize()
    {
        byte[] body = Hex("""
            48 00 00 00 00 00 00 00   09 00 00 00 00 00 00 00
            00 10 00 00 00 00 00 00   00 00 00 00 00 00 00 00
            0a 00 00 00 00 00 00 00   0b 00 00 00 00 00 00 00
            0c 00 00 00 00 00 00 00   01 00 00 00 02 00 00 00
            03 00 00 00 a4 81 00 00   00 00 00 00 e8 03 00 00
            e9 03 00 00 00 00 00 00
            """);
        var op = ParseOk(Request(4, 0x1122, 5, body), fuse_opcode.FUSE_SETATTR);
        var expected = new SetAttrRequest(SetAttrValid.Size | SetAttrValid.Fh, new FileHandle(9), 4096, 0x81a4, 1000, 1001, 10, 1, 11, 2);
        Assert.Equal(new SetAttrOperation(expected), op);
    }

    [Fact]
    public void Parse_Open_GivesFlags()
    {
        var op = ParseOk(Request(14, 0x1122, 5, Hex("02 40 00 00 00 00 00 00")), fuse_opcode.FUSE_OPEN);
        Assert.Equal(new OpenOperation(0x4002), op);
    }

    [Fact]
    public void Parse_OpenDir_GivesFlags()
    {
        var op = ParseOk(Request(27, 0x1122, 5, Hex("00 00 01 00 00 00 00 00")), fuse_opcode.FUSE_OPENDIR);
        Assert.Equal(new OpenOperation(0x10000), op);
    }

    [Theory]
    [InlineData(15u, 15u)]
    [InlineData(28u, 28u)]
    [InlineData(44u, 44u)]
    public void Parse_ReadLikeRequests_GiveHandleOffsetSizeFlags(uint opcode, uint expectedOpcode)
    {
        byte[] body = Hex("""
            07 00 00 00 00 00 00 00   00 00 10 00 00 00 00 00
            00 10 00 00 00 00 00 00   00 00 00 00 00 00 00 00
            00 40 00 00 00 00 00 00
            """);
        var op = ParseOk(Request(opcode, 0x1122, 5, body), (fuse_opcode)expectedOpcode);
        Assert.Equal(new ReadOperation(new FileHandle(7), 0x100000, 4096, 0x4000), op);
    }

    [Fact]
    public void Parse_Write_PayloadStartsAtByte80()
    {
        byte[] body = Hex("""
            07 00 00 00 00 00 00 00   00 02 00 00 00 00 00 00
            04 00 00 00 01 00 00 00   00 00 00 00 00 00 00 00
            02 00 00 00 00 00 00 00   de ad be ef
            """);
        var op = ParseOk(Request(16, 0x1122, 5, body), fuse_opcode.FUSE_WRITE);
        Assert.Equal(new WriteOperation(new FileHandle(7), 512, 4, 1, 2, 80), op);
    }

    [Theory]
    [InlineData(18u, 18u)]
    [InlineData(29u, 29u)]
    public void Parse_Release_GivesHandleAndFlags(uint opcode, uint expectedOpcode)
    {
        var op = ParseOk(Request(opcode, 0x1122, 5, Hex("07 00 00 00 00 00 00 00  02 80 00 00 01 00 00 00  00 00 00 00 00 00 00 00")), (fuse_opcode)expectedOpcode);
        Assert.Equal(new ReleaseOperation(new FileHandle(7), 0x8002, 1), op);
    }

    [Fact]
    public void Parse_Flush_GivesHandle()
    {
        var op = ParseOk(Request(25, 0x1122, 5, Hex("07 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  33 00 00 00 00 00 00 00")), fuse_opcode.FUSE_FLUSH);
        Assert.Equal(new FlushOperation(new FileHandle(7)), op);
    }

    [Theory]
    [InlineData("00", false)]
    [InlineData("01", true)]
    public void Parse_Fsync_GivesDataOnly(string flag, bool dataOnly)
    {
        var op = ParseOk(Request(20, 0x1122, 5, Hex($"07 00 00 00 00 00 00 00  {flag} 00 00 00 00 00 00 00")), fuse_opcode.FUSE_FSYNC);
        Assert.Equal(new FsyncOperation(new FileHandle(7), dataOnly), op);
    }

    [Fact]
    public void Parse_StatFs_HasNoBody()
    {
        Assert.Same(StatFsOperation.Instance, ParseOk(Request(17, 0x1122, 5, []), fuse_opcode.FUSE_STATFS));
    }

    [Fact]
    public void Parse_Access_GivesMask()
    {
        Assert.Equal(new AccessOperation(4), ParseOk(Request(34, 0x1122, 5, Hex("04 00 00 00 00 00 00 00")), fuse_opcode.FUSE_ACCESS));
    }

    [Fact]
    public void Parse_GetXattr_GivesSizeAndName()
    {
        var op = ParseOk(Request(22, 0x1122, 5, Concat(Hex("00 01 00 00 00 00 00 00"), Name("user.vdm"))), fuse_opcode.FUSE_GETXATTR);
        Assert.Equal(new GetXattrOperation("user.vdm", 256), op);
    }

    [Fact]
    public void Parse_ListXattr_GivesSize()
    {
        Assert.Equal(new ListXattrOperation(0), ParseOk(Request(23, 0x1122, 5, Hex("00 00 00 00 00 00 00 00")), fuse_opcode.FUSE_LISTXATTR));
    }

    [Fact]
    public void Parse_Ioctl_GivesCommandSizesAndInputOffset()
    {
        byte[] body = Hex("""
            07 00 00 00 00 00 00 00   00 00 00 00 01 56 08 c0
            00 10 20 30 40 50 00 00   03 00 00 00 08 00 00 00
            aa bb cc
            """);
        var op = ParseOk(Request(39, 0x1122, 5, body), fuse_opcode.FUSE_IOCTL);
        Assert.Equal(new IoctlOperation(new FileHandle(7), 0, 0xc0085601, 0x504030201000, 3, 8, 72), op);
    }

    [Fact]
    public void Parse_Lseek_GivesOffsetAndWhence()
    {
        var op = ParseOk(Request(46, 0x1122, 5, Hex("07 00 00 00 00 00 00 00  00 20 00 00 00 00 00 00  03 00 00 00 00 00 00 00")), fuse_opcode.FUSE_LSEEK);
        Assert.Equal(new LseekOperation(new FileHandle(7), 0x2000, 3), op);
    }

    [Fact]
    public void Parse_Forget_GivesLookupCount()
    {
        Assert.Equal(new ForgetOperation(3), ParseOk(Request(2, 0x1122, 5, Hex("03 00 00 00 00 00 00 00")), fuse_opcode.FUSE_FORGET));
    }

    [Fact]
    public void Parse_BatchForget_GivesEveryItem()
    {
        byte[] body = Hex("""
            02 00 00 00 00 00 00 00
            05 00 00 00 00 00 00 00   01 00 00 00 00 00 00 00
            06 00 00 00 00 00 00 00   02 00 00 00 00 00 00 00
            """);
        var op = Assert.IsType<BatchForgetOperation>(ParseOk(Request(42, 0x1122, 5, body), fuse_opcode.FUSE_BATCH_FORGET));
        Assert.Equal([new ForgetItem(new NodeId(5), 1), new ForgetItem(new NodeId(6), 2)], op.Items);
    }

    [Fact]
    public void Parse_InitFullBody_CombinesFlags2()
    {
        byte[] body = Concat(Hex("07 00 00 00  2c 00 00 00  00 00 02 00  00 00 00 40  01 00 00 00"), new byte[44]);
        var op = ParseOk(Request(26, 0x1122, 0, body), fuse_opcode.FUSE_INIT, node: 0);
        Assert.Equal(new InitOperation(7, 44, 0x20000, 0x1_4000_0000), op);
    }

    [Fact]
    public void Parse_InitShort16ByteBody_IsAccepted()
    {
        var op = ParseOk(Request(26, 0x1122, 0, Hex("07 00 00 00  1f 00 00 00  00 00 02 00  21 00 00 00")), fuse_opcode.FUSE_INIT, node: 0);
        Assert.Equal(new InitOperation(7, 31, 0x20000, 0x21), op);
    }

    [Fact]
    public void Parse_Interrupt_GivesInterruptedUnique()
    {
        Assert.Equal(new InterruptOperation(0x1120), ParseOk(Request(36, 0x1122, 0, Hex("20 11 00 00 00 00 00 00")), fuse_opcode.FUSE_INTERRUPT, node: 0));
    }

    [Fact]
    public void Parse_Destroy_HasNoBody()
    {
        Assert.Same(DestroyOperation.Instance, ParseOk(Request(38, 0x1122, 0, []), fuse_opcode.FUSE_DESTROY, node: 0));
    }

    [Theory]
    [InlineData(9u)]    // MKDIR: known to the kernel, not implemented here
    [InlineData(999u)]  // unknown to everyone
    public void Parse_UnimplementedOpcode_GivesUnsupported(uint opcode)
    {
        var parsed = FuseRequestParser.Parse(Request(opcode, 0x1122, 5, Hex("00 00 00 00")));
        Assert.Equal(ParseStatus.Ok, parsed.Status);
        Assert.Same(UnsupportedOperation.Instance, parsed.Operation);
    }
}
