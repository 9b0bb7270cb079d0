namespace VdmFuse.Engine.Metadata;

/// <summary>The newest valid record of a durable record region.</summary>
/// <param name="Id">The store id (the configuration's id).</param>
/// <param name="Sequence">The record's sequence number.</param>
/// <param name="Payload">The payload bytes.</param>
/// <param name="Slot">'A' or 'B': the slot the record was read from.</param>
public sealed record RecordSnapshot(Guid Id, ulong Sequence, byte[] Payload, char Slot)
{
    /// <summary>Whether two snapshots hold the same id, sequence and payload (the slot may differ).</summary>
    public bool SameContent(RecordSnapshot other)
        => Id == other.Id && Sequence == other.Sequence && Payload.AsSpan().SequenceEqual(other.Payload);
}
