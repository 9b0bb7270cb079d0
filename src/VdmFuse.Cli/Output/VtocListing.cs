using System.Globalization;
using System.Text;
using VdmFuse.Cli.Model;

namespace VdmFuse.Cli.Output;

/// <summary>
/// A VTOC printed as prtvtoc(1M) prints it: comment lines ('*') with the volume, the dimensions and the flags'
/// legend, then one line per slice that has sectors: slice, tag, flags, first sector, sector count, last sector.
/// </summary>
internal static class VtocListing
{
    private const int SliceWidth = 7;
    private const int TagWidth = 10;
    private const int FlagsWidth = 5;
    private const int SectorWidth = 12;
    private const string Gap = "  ";

    /// <summary>The listing of <paramref name="vtoc"/>, the VTOC of <paramref name="name"/>, without the final newline.</summary>
    public static string Format(string name, DkVtoc vtoc)
    {
        ArgumentNullException.ThrowIfNull(vtoc);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"* {name} partition map\n");
        text.Append("*\n");
        text.Append(CultureInfo.InvariantCulture, $"* Volume name:  {(vtoc.Volume.Length > 0 ? vtoc.Volume : "(none)")}\n");
        if (vtoc.AsciiLabel.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"* ASCII label:  {vtoc.AsciiLabel}\n");
        }
        text.Append("* Dimensions:\n");
        text.Append(CultureInfo.InvariantCulture, $"* {vtoc.SectorSize,7} bytes/sector\n");
        text.Append(CultureInfo.InvariantCulture, $"* {vtoc.NParts,7} slices\n");
        text.Append("*\n");
        text.Append("* Flags:\n");
        text.Append("*   wm: writable, mountable\n");
        text.Append("*   wu: unmountable\n");
        text.Append("*   rm: read-only\n");
        text.Append("*   ru: read-only, unmountable\n");
        text.Append("*\n");
        text.Append("*".PadRight(SliceWidth + TagWidth + FlagsWidth + 3 * Gap.Length))
            .Append("First".PadLeft(SectorWidth)).Append(Gap).Append("Sector".PadLeft(SectorWidth)).Append(Gap).Append("Last".PadLeft(SectorWidth)).Append('\n');
        text.Append("* Slice").Append(Gap).Append("Tag".PadRight(TagWidth)).Append(Gap).Append("Flags".PadRight(FlagsWidth)).Append(Gap)
            .Append("Sector".PadLeft(SectorWidth)).Append(Gap).Append("Count".PadLeft(SectorWidth)).Append(Gap).Append("Sector".PadLeft(SectorWidth));
        foreach (var slice in vtoc.UsedSlices)
        {
            text.Append('\n').Append(Row(slice));
        }
        return text.ToString();
    }

    /// <summary>One slice's line: "      0  root        wm            2048         40960         43007".</summary>
    public static string Row(DkVtocSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return string.Create(CultureInfo.InvariantCulture,
            $"{slice.Index,SliceWidth}{Gap}{VtocNames.TagName(slice.Tag),-TagWidth}{Gap}{VtocNames.FlagName(slice.Flag),-FlagsWidth}{Gap}" +
            $"{slice.Start,SectorWidth}{Gap}{slice.Size,SectorWidth}{Gap}{slice.LastSector,SectorWidth}");
    }
}
