using Xunit;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>Byte-buffer assertions with a readable failure (the first differing offset, not two megabyte dumps).</summary>
public static class AssertBytes
{
    public static void Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        string? difference = TestData.Difference(expected, actual);
        Assert.True(difference is null, $"{what}: {difference}");
    }
}
