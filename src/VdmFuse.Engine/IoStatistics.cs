using System.Diagnostics;

namespace VdmFuse.Engine;

/// <summary>
/// Cumulative I/O counters of one disk instance. Every instance of a stack keeps its own: a read of a
/// partition counts once on the partition and once on the disk beneath it. Thread-safe.
/// </summary>
public sealed class IoStatistics
{
    private long _reads;
    private long _writes;
    private long _flushes;
    private long _bytesRead;
    private long _bytesWritten;
    private long _errors;
    private long _readTicks;
    private long _writeTicks;

    /// <summary>Completed reads.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Completed writes.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Completed flushes.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Bytes delivered by completed reads.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Bytes stored by completed writes.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Operations that failed, refused requests (misaligned, past the end) included.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Total time spent in completed reads, in <see cref="Stopwatch"/> ticks.</summary>
    public long ReadTicks => Interlocked.Read(ref _readTicks);

    /// <summary>Total time spent in completed writes, in <see cref="Stopwatch"/> ticks.</summary>
    public long WriteTicks => Interlocked.Read(ref _writeTicks);

    /// <summary>Total time spent in completed reads.</summary>
    public TimeSpan ReadTime => TimeSpan.FromSeconds((double)ReadTicks / Stopwatch.Frequency);

    /// <summary>Total time spent in completed writes.</summary>
    public TimeSpan WriteTime => TimeSpan.FromSeconds((double)WriteTicks / Stopwatch.Frequency);

    internal void RecordRead(long bytes, long ticks)
    {
        Interlocked.Increment(ref _reads);
        Interlocked.Add(ref _bytesRead, bytes);
        Interlocked.Add(ref _readTicks, ticks);
    }

    internal void RecordWrite(long bytes, long ticks)
    {
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytesWritten, bytes);
        Interlocked.Add(ref _writeTicks, ticks);
    }

    internal void RecordFlush() => Interlocked.Increment(ref _flushes);

    internal void RecordError() => Interlocked.Increment(ref _errors);

    /// <inheritdoc/>
    public override string ToString()
        => $"reads {Reads} ({BytesRead} bytes, {ReadTime.TotalMilliseconds:F1} ms), writes {Writes} ({BytesWritten} bytes, {WriteTime.TotalMilliseconds:F1} ms), flushes {Flushes}, errors {Errors}";
}
