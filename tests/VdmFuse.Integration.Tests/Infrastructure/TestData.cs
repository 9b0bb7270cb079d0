using System.Security.Cryptography;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>Random buffers, whole-file reads at an offset, and comparisons that say where two buffers differ.</summary>
public static class TestData
{
    public const int MiB = 1 << 20;

    /// <summary><paramref name="length"/> random bytes.</summary>
    public static byte[] Random(int length) => RandomNumberGenerator.GetBytes(length);

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> of an ordinary file (an image, a dd output).</summary>
    public static byte[] ReadFileRange(string path, long offset, int length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var data = new byte[length];
        int done = 0;
        while (done < length)
        {
            int n = RandomAccess.Read(handle, data.AsSpan(done), offset + done);
            if (n == 0)
            {
                throw new EndOfStreamException($"{path} ends before {offset + length}");
            }
            done += n;
        }
        return data;
    }

    /// <summary>Null when equal, else a sentence naming the first differing byte.</summary>
    public static string? Difference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.Length != actual.Length)
        {
            return $"lengths differ: expected {expected.Length}, got {actual.Length}";
        }
        int index = expected.CommonPrefixLength(actual);
        return index == expected.Length
            ? null
            : $"first difference at byte {index}: expected 0x{expected[index]:x2}, got 0x{actual[index]:x2}";
    }

    /// <summary>SHA-256 of a file, in hex.</summary>
    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
