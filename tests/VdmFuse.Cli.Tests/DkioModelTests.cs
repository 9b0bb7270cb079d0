using System.Text;
using VdmFuse.Cli.Model;

namespace VdmFuse.Cli.Tests;

/// <summary>The dkio names and sums the commands print: CRC-32, VTOC tags and flags, media and directed-read names.</summary>
public sealed class DkioModelTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_KnownVectors_MatchZlib(string text, uint expected)
    {
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));
    }

    [Theory]
    [InlineData("root", 2)]
    [InlineData("ALTERNATES", 9)]
    [InlineData("system", 12)]
    [InlineData("0x0b", 11)]
    [InlineData("65535", 65535)]
    public void TryParseTag_NameOrNumber_GivesTheTag(string text, int expected)
    {
        Assert.True(VtocNames.TryParseTag(text, out var tag));
        Assert.Equal(expected, tag);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("+2")]
    [InlineData("root2")]
    public void TryParseTag_Garbage_Fails(string text)
    {
        Assert.False(VtocNames.TryParseTag(text, out _));
    }

    [Theory]
    [InlineData(0, "wm")]
    [InlineData(1, "wu")]
    [InlineData(0x10, "rm")]
    [InlineData(0x11, "ru")]
    [InlineData(0x02, "0x2")]
    public void FlagName_Flags_AsPrtvtocNamesThem(int flag, string expected)
    {
        Assert.Equal(expected, VtocNames.FlagName(flag));
        if (expected.Length == 2)
        {
            Assert.True(VtocNames.TryParseFlag(expected, out var parsed));
            Assert.Equal(flag, parsed);
        }
    }

    [Theory]
    [InlineData(0x10, "0x10 (success)")]
    [InlineData(0x11, "0x11 (next-side, success)")]
    [InlineData(0x22, "0x22 (done, short)")]
    [InlineData(0x40, "0x40 (0x40)")]
    [InlineData(0, "0x0")]
    public void DirectedReadFlagNames_Bits_NamedInOrder(long flags, string expected)
    {
        Assert.Equal(expected, DkNames.DirectedReadFlagNames(flags));
    }

    [Fact]
    public void MediaType_KnownAndUnknown_NamedWithHex()
    {
        Assert.Equal("fixed disk (0x10001)", DkNames.MediaType(0x10001));
        Assert.Equal("0x99", DkNames.MediaType(0x99));
        Assert.Equal("16 (meta-disk)", DkNames.ControllerType(16));
        Assert.Equal("ejected (1)", DkNames.MediaState(1));
    }

    [Fact]
    public void SliceSpecParse_Fields_Read()
    {
        Assert.Equal(new VtocSliceSpec(15, 5, 0x11, 0, 999), VtocSliceSpec.Parse("15:backup:ru:0:999"));
    }
}
