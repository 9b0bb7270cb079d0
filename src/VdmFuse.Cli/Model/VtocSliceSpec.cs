using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>
/// One slice of <c>vdmadm vtoc set --slice N:TAG:FLAGS:START:SIZE</c>, as fmthard(1M) takes it: the slice number
/// (0 to 15), its tag and flags (by name or number), and its first sector and sector count (512-byte sectors).
/// </summary>
/// <param name="Slice">The slice number, 0 to 15.</param>
/// <param name="Tag">The tag (V_ROOT, ...).</param>
/// <param name="Flag">The permission flags (V_UNMNT, V_RONLY).</param>
/// <param name="Start">The first sector.</param>
/// <param name="Size">The number of sectors.</param>
internal sealed record VtocSliceSpec(int Slice, ushort Tag, ushort Flag, long Start, long Size)
{
    /// <summary>Parses "N:TAG:FLAGS:START:SIZE" ("0:root:wm:2048:40960", "2:5:0x01:0:204800").</summary>
    /// <exception cref="ControlException">EINVAL naming the text and what is wrong with it.</exception>
    public static VtocSliceSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 5)
        {
            throw Invalid(text, "write N:TAG:FLAGS:START:SIZE (five fields separated by ':')");
        }
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var slice) || slice >= VdmAbi.VNumPar)
        {
            throw Invalid(text, $"the slice number '{parts[0]}' is not 0 to {VdmAbi.VNumPar - 1}");
        }
        if (!VtocNames.TryParseTag(parts[1], out var tag))
        {
            throw Invalid(text, $"the tag '{parts[1]}' is neither a tag name ({string.Join(", ", VtocNames.TagNames)}) nor a number 0 to 65535");
        }
        if (!VtocNames.TryParseFlag(parts[2], out var flag))
        {
            throw Invalid(text, $"the flags '{parts[2]}' are neither wm, wu, rm, ru nor a number 0 to 65535");
        }
        if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            throw Invalid(text, $"the first sector '{parts[3]}' is not a number of sectors");
        }
        if (!long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw Invalid(text, $"the sector count '{parts[4]}' is not a number of sectors");
        }
        return new VtocSliceSpec(slice, tag, flag, start, size);
    }

    private static ControlException Invalid(string text, string problem) =>
        new(ControlErrno.EINVAL, $"vtoc set: --slice '{text}': {problem}");
}
