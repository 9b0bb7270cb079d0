using System.Text;
using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

public class TextCodecLimitTests
{
    private static string DeleteLineOfBytes(int bytes) => "delete-instance name=" + new string('a', bytes - "delete-instance name=".Length);

    [Fact]
    public void Parse_LineOfExactly4096Bytes_IsAccepted()
    {
        var line = DeleteLineOfBytes(TextCodec.MaxLineBytes);
        Assert.Equal(4096, Encoding.UTF8.GetByteCount(line));
        Assert.NotNull(TextCodec.Parse(line));
        Assert.NotNull(TextCodec.Parse(line + "\n"));
        Assert.NotNull(TextCodec.Parse(line + "\r\n"));
        Assert.NotNull(TextCodec.Parse(Encoding.UTF8.GetBytes(line + "\r\n")));
    }

    [Fact]
    public void Parse_LineOf4097Bytes_ThrowsE2big()
    {
        var line = DeleteLineOfBytes(TextCodec.MaxLineBytes + 1);
        ControlAssert.ParseFails(ControlErrno.E2BIG, "command line is longer than 4096 bytes", line);
        ControlAssert.Fails(ControlErrno.E2BIG, "command line is longer than 4096 bytes", () => TextCodec.Parse(Encoding.UTF8.GetBytes(line)));
        ControlAssert.ParseFails(ControlErrno.E2BIG, "command line is longer than 4096 bytes", new string('#', 100_000));
    }

    [Fact]
    public void Parse_MultibyteLineOver4096Bytes_ThrowsE2bigThoughFewerChars()
    {
        var line = "delete-instance name=" + new string('é', 2100);
        Assert.True(line.Length < 4096);
        ControlAssert.ParseFails(ControlErrno.E2BIG, "command line is longer than 4096 bytes", line);
    }

    [Fact]
    public void Parse_Nul_ThrowsEinval()
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, "command line contains a NUL character at column 21",
            "delete-instance name\0=d0");
        ControlAssert.Fails(ControlErrno.EINVAL, "command line contains a NUL character at column 5",
            () => TextCodec.Parse("help\0"u8));
    }

    [Theory]
    [InlineData("help\u0001", "command line contains control character U+0001 at column 5")]
    [InlineData("delete-instance name=\"a\nb\"", "command line contains control character U+000A at column 24")]
    [InlineData("help\r\r\n", "command line contains control character U+000D at column 5")]
    [InlineData("\u001b[31mhelp", "command line contains control character U+001B at column 1")]
    [InlineData("help\u007f", "command line contains control character U+007F at column 5")]
    [InlineData("help\u0085", "command line contains control character U+0085 at column 5")]
    [InlineData("# comment\u0007", "command line contains control character U+0007 at column 10")]
    public void Parse_ControlCharacter_ThrowsEinval(string line, string message)
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, message, line);
    }

    [Theory]
    [InlineData(new byte[] { 0x68, 0x65, 0x6c, 0x70, 0xff })]
    [InlineData(new byte[] { 0x68, 0x65, 0x6c, 0x70, 0x20, 0xc3 })]
    [InlineData(new byte[] { 0xc0, 0xaf })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]
    [InlineData(new byte[] { 0xf4, 0x90, 0x80, 0x80 })]
    public void Parse_InvalidUtf8Bytes_ThrowsEinval(byte[] bytes)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "command line is not valid UTF-8", () => TextCodec.Parse(bytes));
    }

    [Theory]
    [InlineData("help ", 0xd800, "")]
    [InlineData("help ", 0xdc00, "x")]
    [InlineData("delete-instance name=", 0xd83d, "")]
    public void Parse_UnpairedSurrogateInString_ThrowsEinval(string before, int surrogate, string after)
    {
        // Built at run time: attribute strings are stored as UTF-8 and cannot hold a lone surrogate.
        var line = before + (char)surrogate + after;
        ControlAssert.ParseFails(ControlErrno.EINVAL, "command line is not valid UTF-8", line);
    }
}
