namespace VdmFuse.Engine.Metadata;

/// <summary>What one slot of a durable record region holds.</summary>
public enum SlotState
{
    /// <summary>A record whose header and payload checksums verify.</summary>
    Valid,

    /// <summary>Never written: the header sector is all zeros.</summary>
    Empty,

    /// <summary>Torn or damaged: bad magic, checksum or length.</summary>
    Corrupt,

    /// <summary>A verified header of a newer format version than this program reads.</summary>
    UnsupportedVersion,

    /// <summary>The slot could not be read.</summary>
    IoError,
}

/// <summary>The state of one slot.</summary>
/// <param name="Slot">'A' (offset 0) or 'B' (offset length/2).</param>
/// <param name="State">What the slot holds.</param>
/// <param name="Sequence">The record's sequence number when the header verified.</param>
/// <param name="Detail">Why a slot is corrupt, unsupported or unreadable; null when valid or empty.</param>
public sealed record SlotHealth(char Slot, SlotState State, ulong? Sequence = null, string? Detail = null)
{
    /// <summary>A one-word description: valid, empty, corrupt, unsupported-version or io-error.</summary>
    public string StateName => State switch
    {
        SlotState.Valid => "valid",
        SlotState.Empty => "empty",
        SlotState.Corrupt => "corrupt",
        SlotState.UnsupportedVersion => "unsupported-version",
        _ => "io-error",
    };

    /// <inheritdoc/>
    public override string ToString()
        => $"slot {Slot}: {StateName}{(Sequence is { } s ? $" sequence {s}" : "")}{(Detail is null ? "" : $" ({Detail})")}";
}
