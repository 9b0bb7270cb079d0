using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

public class ControlCommandTests
{
    private static ControlCommand Command(params (string Key, string Value)[] fields) =>
        new("create-instance", fields.Select(f => new ControlField(f.Key, f.Value)).ToArray());

    [Fact]
    public void Get_PresentField_ReturnsValue()
    {
        Assert.Equal("d0", Command(("name", "d0")).Get("name"));
    }

    [Fact]
    public void Get_MissingField_ThrowsEinvalNamingVerbAndField()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "create-instance: missing field 'name'", () => Command().Get("name"));
    }

    [Fact]
    public void GetOptional_MissingField_ReturnsNull()
    {
        Assert.Null(Command().GetOptional("path"));
        Assert.False(Command().Has("path"));
        Assert.True(Command(("path", "")).Has("path"));
        Assert.Equal("", Command(("path", "")).GetOptional("path"));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("2048", 2048L)]
    [InlineData("-7", -7L)]
    [InlineData("+7", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void GetInt64_DecimalNumber_ReturnsValue(string text, long expected)
    {
        Assert.Equal(expected, Command(("start", text)).GetInt64("start"));
        Assert.Equal(expected, Command(("start", text)).GetOptionalInt64("start"));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("12a")]
    [InlineData("0x10")]
    [InlineData(" 12")]
    [InlineData("1.5")]
    [InlineData("١٢")]
    public void GetInt64_NotANumber_ThrowsEinval(string text)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, $"create-instance: field 'start' is not a number: '{text}'",
            () => Command(("start", text)).GetInt64("start"));
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("99999999999999999999999")]
    public void GetInt64_Overflow_ThrowsEinvalOutOfRange(string text)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, $"create-instance: field 'start' is out of range: '{text}'",
            () => Command(("start", text)).GetInt64("start"));
    }

    [Fact]
    public void GetInt64_Missing_ThrowsMissingField()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "create-instance: missing field 'start'", () => Command().GetInt64("start"));
        Assert.Null(Command().GetOptionalInt64("start"));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void GetBool_AcceptedSpelling_ReturnsValue(string text, bool expected)
    {
        Assert.Equal(expected, Command(("exported", text)).GetBool("exported"));
        Assert.Equal(expected, Command(("exported", text)).GetBool("exported", !expected));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("y")]
    public void GetBool_OtherText_ThrowsEinval(string text)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, $"create-instance: field 'exported' is not a boolean: '{text}'; write yes or no",
            () => Command(("exported", text)).GetBool("exported"));
    }

    [Fact]
    public void GetBool_MissingWithDefault_ReturnsDefault()
    {
        Assert.True(Command().GetBool("exported", true));
        Assert.False(Command().GetBool("exported", false));
        ControlAssert.Fails(ControlErrno.EINVAL, "create-instance: missing field 'exported'", () => Command().GetBool("exported"));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("4096", 4096L)]
    [InlineData("1K", 1024L)]
    [InlineData("1k", 1024L)]
    [InlineData("3M", 3L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1T", 1L << 40)]
    [InlineData("8s", 4096L)]
    [InlineData("8S", 4096L)]
    [InlineData("8388607T", 8388607L << 40)]
    public void GetSize_CountWithOptionalSuffix_ReturnsBytes(string text, long expected)
    {
        Assert.Equal(expected, Command(("size", text)).GetSize("size"));
        Assert.Equal(expected, Command(("size", text)).GetOptionalSize("size"));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("K")]
    [InlineData("-1")]
    [InlineData("1KB")]
    [InlineData("1.5G")]
    [InlineData("1P")]
    [InlineData("G1")]
    public void GetSize_NotASize_ThrowsEinval(string text)
    {
        ControlAssert.Fails(ControlErrno.EINVAL,
            $"create-instance: field 'size' is not a size: '{text}'; write a byte count or a count with a K, M, G, T or s suffix",
            () => Command(("size", text)).GetSize("size"));
    }

    [Theory]
    [InlineData("8388608T")]
    [InlineData("9223372036854775808")]
    [InlineData("18014398509481984s")]
    public void GetSize_Overflow_ThrowsEinvalOutOfRange(string text)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, $"create-instance: field 'size' is out of range: '{text}'",
            () => Command(("size", text)).GetSize("size"));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("2048", 2048L)]
    [InlineData("8s", 8L)]
    [InlineData("1K", 2L)]
    [InlineData("1M", 2048L)]
    [InlineData("1G", 2097152L)]
    [InlineData("18014398509481983", 18014398509481983L)]
    public void GetBlocks_CountOrByteSize_ReturnsBlocks(string text, long expected)
    {
        Assert.Equal(expected, Command(("size", text)).GetBlocks("size"));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1KB")]
    public void GetBlocks_NotACount_ThrowsEinval(string text)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, $"create-instance: field 'size' is not a number of blocks or a size: '{text}'",
            () => Command(("size", text)).GetBlocks("size"));
    }

    [Theory]
    [InlineData("18014398509481984")]
    [InlineData("9223372036854775808")]
    [InlineData("8388608T")]
    public void GetBlocks_Overflow_ThrowsEinvalOutOfRange(string text)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, $"create-instance: field 'size' is out of range: '{text}'",
            () => Command(("size", text)).GetBlocks("size"));
    }

    [Fact]
    public void Equals_SameVerbAndFields_IsTrue()
    {
        var a = Command(("name", "d0"), ("subdriver", "physical"));
        var b = Command(("name", "d0"), ("subdriver", "physical"));
        var reordered = Command(("subdriver", "physical"), ("name", "d0"));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, reordered);
    }

    [Fact]
    public void ToString_Command_IsItsControlLine()
    {
        Assert.Equal("create-instance name=\"a b\"", Command(("name", "a b")).ToString());
    }
}
