using VdmFuse.Cli.Arguments;

namespace VdmFuse.Cli.Tests;

/// <summary>Sizes as administrators write them: blocks, sectors, or bytes with a unit.</summary>
public sealed class BlockCountTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("2048", 2048)]
    [InlineData("2048s", 2048)]
    [InlineData("10000S", 10000)]
    [InlineData("1K", 2)]
    [InlineData("512M", 1048576)]
    [InlineData("512m", 1048576)]
    [InlineData("1G", 2097152)]
    [InlineData("1GiB", 2097152)]
    [InlineData("1GB", 2097152)]
    [InlineData("2T", 4294967296)]
    public void TryParse_Valid_Blocks(string text, long expected)
    {
        Assert.True(BlockCount.TryParse(text, out var blocks, out var error), error);
        Assert.Equal(expected, blocks);
    }

    [Theory]
    [InlineData("", "'' is not a size")]
    [InlineData("s", "'s' is not a size")]
    [InlineData("-1", "'-1' is not a size")]
    [InlineData("1.5G", "'1.5G' is not a size")]
    [InlineData("12x", "'12x' is not a size")]
    [InlineData("1 G", "'1 G' is not a size")]
    [InlineData("99999999999999999999", "'99999999999999999999' is not a size")]
    [InlineData("9999999999999T", "'9999999999999T' is too large")]
    public void TryParse_Invalid_FalseWithSentence(string text, string expectedStart)
    {
        Assert.False(BlockCount.TryParse(text, out _, out var error));
        Assert.StartsWith(expectedStart, error, StringComparison.Ordinal);
    }
}
