using System.Globalization;

namespace VdmFuse.Cli.Output;

/// <summary>Sizes for people: bytes in binary units with one decimal (<c>512B</c>, <c>1.5K</c>, <c>64.0M</c>, <c>1.0G</c>).</summary>
public static class HumanSize
{
    private const string Units = "KMGTPE";

    /// <summary>Formats <paramref name="bytes"/> in the largest binary unit that keeps the number at least 1.</summary>
    public static string Format(long bytes)
    {
        if (bytes < 0)
        {
            return "-" + Format(bytes == long.MinValue ? long.MaxValue : -bytes);
        }
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + "B";
        }
        var value = (double)bytes;
        var unit = -1;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        // 1023.96K rounds to "1024.0K"; say "1.0M" instead.
        if (Math.Round(value, 1) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + Units[unit];
    }
}
