using VdmFuse.Fuse.Protocol;
using static VdmFuse.Fuse.Tests.Support.Bytes;

namespace VdmFuse.Fuse.Tests.Protocol;

/// <summary>Truncated and inconsistent requests: EINVAL when the header is readable, dropped when not, never a crash.</summary>
public sealed class MalformedRequestTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(39)]
    public void Parse_TruncatedHeader_IsDropped(int length)
    {
        var request = Request(1, 7, 1, Name("x"))[..length];
        var parsed = FuseRequestParser.Parse(request);
        Assert.Equal(ParseStatus.Dropped, parsed.Status);
        Assert.NotNull(parsed.Problem);
    }

    [Theory]
    [InlineData(100)]  // header claims more than was read
    [InlineData(41)]   // header claims less than was read
    [InlineData(8)]    // header claims less than a header
    public void Parse_LenDisagreesWithBytesRead_IsInvalidWithUnique(int len)
    {
        var parsed = FuseRequestParser.Parse(Request(1, 0x77, 1, Name("abc"), lenOverride: len));
        Assert.Equal(ParseStatus.Invalid, parsed.Status);
        Assert.Equal(0x77ul, parsed.Header.unique);
    }

    [Theory]
    [InlineData(3u, 8)]    // GETATTR: 16-byte fuse_getattr_in
    [InlineData(4u, 80)]   // SETATTR: 88 bytes
    [InlineData(14u, 4)]   // OPEN
    [InlineData(15u, 39)]  // READ: 40 bytes
    [InlineData(16u, 24)]  // WRITE: 40 bytes
    [InlineData(18u, 16)]  // RELEASE: 24 bytes
    [InlineData(20u, 8)]   // FSYNC: 16 bytes
    [InlineData(25u, 20)]  // FLUSH: 24 bytes
    [InlineData(26u, 12)]  // INIT: at least 16 bytes
    [InlineData(34u, 4)]   // ACCESS
    [InlineData(39u, 31)]  // IOCTL: 32 bytes
    [InlineData(46u, 23)]  // LSEEK: 24 bytes
    [InlineData(2u, 7)]    // FORGET: 8 bytes
    [InlineData(42u, 4)]   // BATCH_FORGET: 8 bytes
    [InlineData(36u, 0)]   // INTERRUPT: 8 bytes
    [InlineData(23u, 7)]   // LISTXATTR: 8 bytes
    public void Parse_BodyShorterThanStruct_IsInvalid(uint opcode, int bodyLength)
    {
        var parsed = FuseRequestParser.Parse(Request(opcode, 0x55, 1, new byte[bodyLength]));
        Assert.Equal(ParseStatus.Invalid, parsed.Status);
        Assert.Equal(0x55ul, parsed.Header.unique);
        Assert.Contains("shorter", parsed.Problem);
    }

    [Fact]
    public void Parse_LookupNameWithoutNul_IsInvalid()
    {
        var parsed = FuseRequestParser.Parse(Request(1, 0x55, 1, "abc"u8.ToArray()));
        Assert.Equal(ParseStatus.Invalid, parsed.Status);
        Assert.Contains("NUL", parsed.Problem);
    }

    [Fact]
    public void Parse_GetXattrNameWithoutNul_IsInvalid()
    {
        var parsed = FuseRequestParser.Parse(Request(22, 0x55, 1, Concat(Hex("00 00 00 00 00 00 00 00"), "user.x"u8.ToArray())));
        Assert.Equal(ParseStatus.Invalid, parsed.Status);
    }

    [Fact]
    public void Parse_WriteShorterThanItsSize_IsInvalid()
    {
        var body = Concat(Hex("07 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  10 00 00 00 00 00 00 00"), new byte[16], new byte[8]);
        var parsed = FuseRequestParser.Parse(Request(16, 0x55, 1, body));
        Assert.Equal(ParseStatus.Invalid, parsed.Status);
    }

    [Fact]
    public void Parse_BatchForgetCountBeyondBody_IsInvalid()
    {
        var body = Concat(Hex("03 00 00 00 00 00 00 00"), new byte[32]);
        var parsed = FuseRequestParser.Parse(Request(42, 0x55, 0, body));
        Assert.Equal(ParseStatus.Invalid, parsed.Status);
    }

    [Fact]
    public void Parse_IoctlInputBeyondBody_IsInvalid()
    {
        var body = Concat(new byte[24], Hex("10 00 00 00 00 00 00 00"), new byte[4]);
        var parsed = FuseRequestParser.Parse(Request(39, 0x55, 1, body));
        Assert.Equal(ParseStatus.Invalid, parsed.Status);
    }

    [Fact]
    public void Parse_ExtensionLengthBeyondRequest_IsInvalid()
    {
        var request = Request(1, 0x55, 1, Name("a"));
        request[36] = 10; // total_extlen: 80 bytes of extensions that are not there
        var parsed = FuseRequestParser.Parse(request);
        Assert.Equal(ParseStatus.Invalid, parsed.Status);
    }

    [Fact]
    public void Parse_RandomGarbage_NeverThrows()
    {
        var random = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (bytes.Length >= 40 && random.Next(2) == 0)
            {
                BitConverter.TryWriteBytes(bytes, (uint)bytes.Length);
                bytes[4] = (byte)random.Next(0, 52);
                bytes[5] = bytes[6] = bytes[7] = 0;
                bytes[36] = bytes[37] = 0;
            }
            var parsed = FuseRequestParser.Parse(bytes);
            Assert.True(parsed.Status != ParseStatus.Ok || parsed.Operation is not null);
        }
    }
}
