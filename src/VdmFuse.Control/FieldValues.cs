using System.Globalization;

namespace VdmFuse.Control;

/// <summary>
/// Reads typed values (integers, sizes, booleans) out of field text. Every failure is an
/// <see cref="ControlErrno.EINVAL"/> naming the verb, the field and the offending text.
/// </summary>
public static class FieldValues
{
    /// <summary>Bytes in one sector, the unit of the <c>s</c> size suffix.</summary>
    public const int SectorSize = 512;

    /// <summary>Parses a signed decimal integer ("-12", "4096").</summary>
    /// <exception cref="ControlException">EINVAL: not a number, or outside the range of <see cref="long"/>.</exception>
    public static long ParseInt64(string verb, string key, string value)
    {
        var digits = value.AsSpan();
        if (digits.Length > 0 && (digits[0] == '-' || digits[0] == '+'))
        {
            digits = digits[1..];
        }
        if (digits.Length == 0 || digits.IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            throw NotANumber(verb, key, value);
        }
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result))
        {
            throw OutOfRange(verb, key, value);
        }
        return result;
    }

    /// <summary>
    /// Parses a size in bytes: a plain byte count, or a count followed by K, M, G or T (powers of
    /// 1024) or s (512-byte sectors). Suffixes are case-insensitive.
    /// </summary>
    /// <exception cref="ControlException">EINVAL: not a size, negative, or larger than <see cref="long.MaxValue"/> bytes.</exception>
    public static long ParseSize(string verb, string key, string value)
    {
        var bytes = ReadCount(value, plainUnit: 1, out var malformed);
        if (malformed)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{verb}: field '{key}' is not a size: '{value}'; write a byte count or a count with a K, M, G, T or s suffix");
        }
        return bytes ?? throw OutOfRange(verb, key, value);
    }

    /// <summary>
    /// Parses a count of 512-byte blocks: a plain number is blocks (so is a number with the s
    /// suffix); a number with K, M, G or T is bytes (always a whole number of blocks).
    /// </summary>
    /// <exception cref="ControlException">EINVAL: not a count, or out of range.</exception>
    public static long ParseBlocks(string verb, string key, string value)
    {
        var bytes = ReadCount(value, plainUnit: SectorSize, out var malformed);
        if (malformed)
        {
            throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{key}' is not a number of blocks or a size: '{value}'");
        }
        return bytes is { } count ? count / SectorSize : throw OutOfRange(verb, key, value);
    }

    /// <summary>
    /// Reads "COUNT[K|M|G|T|s]" as bytes, a plain count being <paramref name="plainUnit"/> bytes each.
    /// Returns null on overflow; sets <paramref name="malformed"/> when the text is not such a count.
    /// </summary>
    private static long? ReadCount(string value, long plainUnit, out bool malformed)
    {
        var digits = value.AsSpan();
        var unit = plainUnit;
        if (digits.Length > 0)
        {
            long suffixUnit = char.ToLowerInvariant(digits[^1]) switch
            {
                'k' => 1L << 10,
                'm' => 1L << 20,
                'g' => 1L << 30,
                't' => 1L << 40,
                's' => SectorSize,
                _ => 0,
            };
            if (suffixUnit != 0)
            {
                unit = suffixUnit;
                digits = digits[..^1];
            }
        }
        malformed = digits.Length == 0 || digits.IndexOfAnyExceptInRange('0', '9') >= 0;
        if (malformed || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ||
            count > long.MaxValue / unit)
        {
            return null;
        }
        return count * unit;
    }

    /// <summary>Parses a boolean: 1, yes or true; 0, no or false (case-insensitive).</summary>
    /// <exception cref="ControlException">EINVAL: any other text.</exception>
    public static bool ParseBool(string verb, string key, string value)
    {
        switch (value.ToLowerInvariant())
        {
            case "1" or "yes" or "true":
                return true;
            case "0" or "no" or "false":
                return false;
            default:
                throw new ControlException(ControlErrno.EINVAL,
                    $"{verb}: field '{key}' is not a boolean: '{value}'; write yes or no");
        }
    }

    /// <summary>Checks that <paramref name="value"/> is valid text for a field of type <paramref name="type"/>.</summary>
    /// <exception cref="ControlException">EINVAL: the value does not parse as that type.</exception>
    public static void Validate(string verb, string key, FieldType type, string value)
    {
        switch (type)
        {
            case FieldType.Integer:
                ParseInt64(verb, key, value);
                break;
            case FieldType.Size:
                ParseSize(verb, key, value);
                break;
            case FieldType.Blocks:
                ParseBlocks(verb, key, value);
                break;
            case FieldType.Boolean:
                ParseBool(verb, key, value);
                break;
            case FieldType.Hex:
                ParseHex(verb, key, value);
                break;
            case FieldType.Text:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown field type");
        }
    }

    /// <summary>Parses bytes written as hexadecimal digits, two per byte, either case ("55AA", "00ff").</summary>
    /// <exception cref="ControlException">EINVAL: an odd number of digits, or a character that is not a hexadecimal digit.</exception>
    public static byte[] ParseHex(string verb, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length % 2 != 0 || value.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF") >= 0)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{verb}: field '{key}' is not hexadecimal bytes: write two hexadecimal digits per byte ({value.Length} characters given)");
        }
        return Convert.FromHexString(value);
    }

    /// <summary>Bytes as lowercase hexadecimal digits, two per byte: what <see cref="ParseHex"/> reads.</summary>
    public static string FormatHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static ControlException NotANumber(string verb, string key, string value) =>
        new(ControlErrno.EINVAL, $"{verb}: field '{key}' is not a number: '{value}'");

    private static ControlException OutOfRange(string verb, string key, string value) =>
        new(ControlErrno.EINVAL, $"{verb}: field '{key}' is out of range: '{value}'");
}
