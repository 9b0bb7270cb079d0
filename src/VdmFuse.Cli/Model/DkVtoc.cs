using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>One slice of a VTOC as dk-get-extvtoc returns it (pN-tag, pN-flag, pN-start, pN-size).</summary>
/// <param name="Index">The slice number, 0 to 15.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Flag">The permission flags.</param>
/// <param name="Start">The first sector.</param>
/// <param name="Size">The number of sectors; 0 for an empty slice.</param>
internal sealed record DkVtocSlice(int Index, long Tag, long Flag, long Start, long Size)
{
    /// <summary>The last sector (start + size - 1).</summary>
    public long LastSector => Start + Size - 1;
}

/// <summary>A VTOC as the text form of dk-get-vtoc and dk-get-extvtoc returns it: the header and its 16 slices.</summary>
/// <param name="Sanity">The sanity word (VTOC_SANE 0x600DDEEE).</param>
/// <param name="Version">The layout version (1).</param>
/// <param name="Volume">The volume name (up to 8 bytes).</param>
/// <param name="SectorSize">The sector size in bytes.</param>
/// <param name="NParts">The number of slices (16).</param>
/// <param name="AsciiLabel">The ASCII label.</param>
/// <param name="Slices">The 16 slices, empty ones included.</param>
internal sealed record DkVtoc(long Sanity, long Version, string Volume, long SectorSize, long NParts, string AsciiLabel, IReadOnlyList<DkVtocSlice> Slices)
{
    /// <summary>The slices that have sectors, in slice order.</summary>
    public IEnumerable<DkVtocSlice> UsedSlices => Slices.Where(slice => slice.Size > 0);

    /// <summary>The VTOC of a dk-get-extvtoc (or dk-get-vtoc) reply.</summary>
    /// <exception cref="ControlException">EIO: a field is missing or not a number.</exception>
    public static DkVtoc From(ControlReply reply, string verb)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var slices = Enumerable.Range(0, VdmAbi.VNumPar).Select(i => new DkVtocSlice(i,
            DkReplies.Number(reply, verb, CommandTable.SliceField(i, "tag")),
            DkReplies.Number(reply, verb, CommandTable.SliceField(i, "flag")),
            DkReplies.Number(reply, verb, CommandTable.SliceField(i, "start")),
            DkReplies.Number(reply, verb, CommandTable.SliceField(i, "size")))).ToArray();
        return new DkVtoc(
            DkReplies.Number(reply, verb, "sanity"), DkReplies.Number(reply, verb, "vtoc-version"), DkReplies.Text(reply, verb, "volume"),
            DkReplies.Number(reply, verb, "sector-size"), DkReplies.Number(reply, verb, "nparts"), DkReplies.Text(reply, verb, "ascii-label"),
            slices);
    }
}
