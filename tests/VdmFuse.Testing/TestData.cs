namespace VdmFuse.Testing;

/// <summary>Reproducible test data.</summary>
public static class TestData
{
    /// <summary>Bytes from a seeded generator: the same seed always gives the same bytes.</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A block whose every byte is <paramref name="value"/>, handy to recognise where data went.</summary>
    public static byte[] Filled(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }
}
