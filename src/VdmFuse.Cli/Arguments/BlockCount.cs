using System.Globalization;

namespace VdmFuse.Cli.Arguments;

/// <summary>
/// Counts of 512-byte blocks as an administrator writes them: a plain number or a number with
/// <c>s</c> is blocks (<c>2048</c>, <c>10000s</c>); a number with <c>K</c>, <c>M</c>, <c>G</c> or
/// <c>T</c> (powers of 1024, case-insensitive, optionally followed by <c>iB</c> or <c>B</c>) is bytes,
/// which must be a whole number of blocks (<c>512M</c>, <c>1G</c>).
/// </summary>
public static class BlockCount
{
    /// <summary>Bytes in one block.</summary>
    public const int BlockSize = 512;

    /// <summary>Parses <paramref name="text"/> as a count of blocks.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="blocks">The count of blocks when the text is valid.</param>
    /// <param name="error">A sentence saying what is wrong when it is not.</param>
    /// <returns>Whether <paramref name="text"/> is a valid count.</returns>
    public static bool TryParse(string text, out long blocks, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        blocks = 0;
        error = "";
        var value = text.Trim().AsSpan();
        foreach (var tail in (ReadOnlySpan<string>)["iB", "ib", "B", "b"])
        {
            if (value.Length > tail.Length + 1 && value.EndsWith(tail, StringComparison.Ordinal) &&
                "kKmMgGtT".Contains(value[^(tail.Length + 1)]))
            {
                value = value[..^tail.Length];
                break;
            }
        }
        long unitBytes = 0;
        if (value.Length > 0)
        {
            unitBytes = char.ToLowerInvariant(value[^1]) switch
            {
                's' => BlockSize,
                'k' => 1L << 10,
                'm' => 1L << 20,
                'g' => 1L << 30,
                't' => 1L << 40,
                _ => 0,
            };
            if (unitBytes != 0)
            {
                value = value[..^1];
            }
        }
        if (value.Length == 0 || value.IndexOfAnyExceptInRange('0', '9') >= 0 ||
            !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            error = $"'{text}' is not a size: write blocks of 512 bytes (2048 or 2048s) or bytes with a unit (512M, 1G)";
            return false;
        }
        if (unitBytes is 0 or BlockSize)
        {
            blocks = count;
            return true;
        }
        if (count > long.MaxValue / unitBytes)
        {
            error = $"'{text}' is too large";
            return false;
        }
        var bytes = count * unitBytes;
        if (bytes % BlockSize != 0)
        {
            error = $"'{text}' is not a whole number of 512-byte blocks";
            return false;
        }
        blocks = bytes / BlockSize;
        return true;
    }
}
