namespace VdmFuse.Engine.Metadata;

/// <summary>
/// The storage under one <see cref="RecordLocation"/>, opened for one operation of a <see cref="DurableRecordStore"/>:
/// positional reads and writes relative to the region's start and a flush that makes them durable. Offsets are
/// multiples of 512; every error is an <see cref="Native.ErrnoException"/> naming the copy.
/// </summary>
internal interface IRecordRegion : IDisposable
{
    /// <summary>The size of each of the region's two slots (slot B starts there).</summary>
    long SlotLength { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; fewer at the end of the region.</summary>
    int Read(long offset, Span<byte> buffer);

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>.</summary>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Makes the writes durable.</summary>
    void Sync();
}
