using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>
/// The names of VTOC slice tags and permission flags as format(1M) and prtvtoc(1M) print them: tags root, swap, backup,
/// ...; flags wm (writable, mountable), wu (V_UNMNT), rm (V_RONLY), ru (both).
/// </summary>
internal static class VtocNames
{
    private static readonly (string Name, uint Tag)[] Tags =
    [
        ("unassigned", VdmAbi.VUnassigned), ("boot", VdmAbi.VBoot), ("root", VdmAbi.VRoot), ("swap", VdmAbi.VSwap),
        ("usr", VdmAbi.VUsr), ("backup", VdmAbi.VBackup), ("stand", VdmAbi.VStand), ("var", VdmAbi.VVar),
        ("home", VdmAbi.VHome), ("alternates", VdmAbi.VAltsctr), ("reserved", VdmAbi.VReserved), ("system", VdmAbi.VSystem),
    ];

    private static readonly (string Name, uint Flag)[] Flags =
    [
        ("wm", 0), ("wu", VdmAbi.VUnmnt), ("rm", VdmAbi.VRonly), ("ru", VdmAbi.VRonly | VdmAbi.VUnmnt),
    ];

    /// <summary>Every tag name, in the order of their numbers.</summary>
    public static IEnumerable<string> TagNames => Tags.Select(tag => tag.Name);

    /// <summary>A tag's name ("root"), or its number when it has none.</summary>
    public static string TagName(long tag)
    {
        foreach (var (name, value) in Tags)
        {
            if (value == tag)
            {
                return name;
            }
        }
        return tag.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Flags as prtvtoc(1M) names them ("wm", "wu", "rm", "ru"), or "0x22" when other bits are set.</summary>
    public static string FlagName(long flag)
    {
        foreach (var (name, value) in Flags)
        {
            if (value == flag)
            {
                return name;
            }
        }
        return string.Create(CultureInfo.InvariantCulture, $"0x{flag:x}");
    }

    /// <summary>Reads a tag given by name ("root") or by number (2, 0x0c).</summary>
    public static bool TryParseTag(string text, out ushort tag)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (name, value) in Tags)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                tag = (ushort)value;
                return true;
            }
        }
        return TryParseNumber(text, out tag);
    }

    /// <summary>Reads flags given by name (wm, wu, rm, ru) or by number (1, 0x10).</summary>
    public static bool TryParseFlag(string text, out ushort flag)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (name, value) in Flags)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                flag = (ushort)value;
                return true;
            }
        }
        return TryParseNumber(text, out flag);
    }

    /// <summary>A 16-bit number in decimal or, with 0x, hexadecimal.</summary>
    private static bool TryParseNumber(string text, out ushort value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length > 2)
        {
            return ushort.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        return ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
