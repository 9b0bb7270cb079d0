namespace VdmFuse.Engine.Metadata;

/// <summary>What a durable record region holds as a whole.</summary>
public enum RecordCondition
{
    /// <summary>At least one slot holds a valid record (<see cref="RecordHealth.Newest"/>).</summary>
    Valid,

    /// <summary>Both slots are blank: never initialised.</summary>
    Empty,

    /// <summary>No slot holds a valid record and at least one is damaged.</summary>
    Corrupt,

    /// <summary>A slot holds a newer on-disk format version than this program reads.</summary>
    UnsupportedVersion,

    /// <summary>The region cannot be opened or read.</summary>
    IoError,
}

/// <summary>The result of checking one durable record region: both slots and the newest valid record.</summary>
/// <param name="Location">The region.</param>
/// <param name="Condition">What the region holds as a whole.</param>
/// <param name="SlotA">Slot A's state; null when the region could not be opened.</param>
/// <param name="SlotB">Slot B's state; null when the region could not be opened.</param>
/// <param name="Newest">The valid record with the highest sequence, or null.</param>
/// <param name="Errno">The errno of an I/O error, otherwise 0.</param>
/// <param name="Detail">A sentence saying what is wrong; null when <see cref="Condition"/> is Valid or Empty.</param>
/// <param name="FormatVersion">The newer format version found, when <see cref="Condition"/> is UnsupportedVersion.</param>
public sealed record RecordHealth(
    RecordLocation Location,
    RecordCondition Condition,
    SlotHealth? SlotA,
    SlotHealth? SlotB,
    RecordSnapshot? Newest,
    int Errno = 0,
    string? Detail = null,
    uint? FormatVersion = null)
{
    /// <summary>Whether a slot holds a newer on-disk format version (the daemon exits with code 6).</summary>
    public bool IsUnsupportedVersion => Condition == RecordCondition.UnsupportedVersion;

    /// <summary>One line: the copy, its condition, and both slots.</summary>
    public override string ToString()
        => $"{Location}: {Condition}{(Detail is null ? "" : $": {Detail}")}"
            + (SlotA is null ? "" : $"; {SlotA}; {SlotB}");
}
