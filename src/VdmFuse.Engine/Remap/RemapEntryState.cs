namespace VdmFuse.Engine.Remap;

/// <summary>
/// The states of a bad-block entry (vdmremap(7) BAD BLOCK REMAP STATES). The values are the ones of the
/// packets and of the on-disk table (VDM_REMAP_*_ENTRY).
/// </summary>
public enum RemapEntryState
{
    /// <summary>Noticed by a failed read and not yet remapped: reads go to the block itself, the next write remaps it.</summary>
    Unmapped = 1,

    /// <summary>Remapped: reads and writes go to the remap-area block.</summary>
    Mapped = 2,

    /// <summary>Listed as bad by the operator (force-remap); treated as unmapped until the next write maps it.</summary>
    Forced = 3,

    /// <summary>The contents are undetermined (its remap-area block was lost): reads fail, the next write maps it.</summary>
    Pseudo = 4,

    /// <summary>A bad block inside the remap area, mapped to itself so that it is never used again.</summary>
    BadRemap = 5,
}

/// <summary>The names of <see cref="RemapEntryState"/> values as the operator sees them.</summary>
public static class RemapEntryStates
{
    /// <summary>"Unmapped", "Mapped", "Forced", "Pseudo", "Bad remap": the page's listing names.</summary>
    public static string DisplayName(this RemapEntryState state) => state switch
    {
        RemapEntryState.Unmapped => "Unmapped",
        RemapEntryState.Mapped => "Mapped",
        RemapEntryState.Forced => "Forced",
        RemapEntryState.Pseudo => "Pseudo",
        RemapEntryState.BadRemap => "Bad remap",
        _ => $"state {(int)state}",
    };

    /// <summary>"unmapped", "mapped", "forced", "pseudo", "bad-remap": the names of the control language.</summary>
    public static string Keyword(this RemapEntryState state) => state switch
    {
        RemapEntryState.Unmapped => "unmapped",
        RemapEntryState.Mapped => "mapped",
        RemapEntryState.Forced => "forced",
        RemapEntryState.Pseudo => "pseudo",
        RemapEntryState.BadRemap => "bad-remap",
        _ => ((int)state).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// One entry of a bad-block table: a block of the disk (in 512-byte blocks, the first block of a remap unit),
/// where it is remapped to (a zero-based block of the remap area, in remap units; -1 when it is not mapped),
/// and its state.
/// </summary>
/// <param name="BadBlock">The bad block, in 512-byte blocks of the disk.</param>
/// <param name="RemapIndex">The remap-area block it is mapped to, or -1.</param>
/// <param name="State">The entry's state.</param>
public readonly record struct RemapEntry(long BadBlock, long RemapIndex, RemapEntryState State)
{
    /// <summary>The remap index of an entry that is not mapped.</summary>
    public const long NoIndex = -1;

    /// <summary>Whether the entry holds a remap-area block (mapped, or a bad remap-area block).</summary>
    public bool HoldsAreaBlock => State is RemapEntryState.Mapped or RemapEntryState.BadRemap;
}
