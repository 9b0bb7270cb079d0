using VdmFuse.Native;

namespace VdmFuse.Engine.Fault;

/// <summary>
/// One rule of a fault instance: fail <see cref="Operation"/> I/O that overlaps the blocks
/// [<see cref="StartBlock"/>, <see cref="StartBlock"/> + <see cref="BlockCount"/>) with <see cref="Errno"/>,
/// for the next <see cref="Times"/> matching I/Os (0: until cleared). Thread-safe.
/// </summary>
public sealed class FaultRule
{
    private long _hits;
    private int _remaining;

    internal FaultRule(int id, FaultOperation operation, long startBlock, long blockCount, int errno, int times)
    {
        Id = id;
        Operation = operation;
        StartBlock = startBlock;
        BlockCount = blockCount;
        Errno = errno;
        Times = times;
        _remaining = times;
    }

    /// <summary>The rule's number within its instance: 1, 2, 3 ..., never reused.</summary>
    public int Id { get; }

    /// <summary>The I/O the rule fails.</summary>
    public FaultOperation Operation { get; }

    /// <summary>The first block of the range, in 512-byte blocks.</summary>
    public long StartBlock { get; }

    /// <summary>The length of the range, in 512-byte blocks.</summary>
    public long BlockCount { get; }

    /// <summary>The errno the failed I/Os get.</summary>
    public int Errno { get; }

    /// <summary>How many I/Os the rule was created to fail; 0 means every matching I/O until it is cleared.</summary>
    public int Times { get; }

    /// <summary>How many more I/Os the rule fails before it is spent; 0 for a rule that lasts until cleared.</summary>
    public int Remaining => Volatile.Read(ref _remaining);

    /// <summary>How many I/Os the rule has failed.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Whether a rule with a count has failed all its I/Os.</summary>
    public bool IsSpent => Times != 0 && Remaining == 0;

    /// <summary>The rule as a sentence: "fails writes on blocks 100-107 with EIO for the next 2 I/Os".</summary>
    public override string ToString()
    {
        var what = Operation switch
        {
            FaultOperation.Read => "reads",
            FaultOperation.Write => "writes",
            _ => "reads and writes",
        };
        var duration = Times == 0 ? "until cleared" : Times == 1 ? "for the next I/O" : $"for the next {Times} I/Os";
        return $"fails {what} on {Blocks(StartBlock, BlockCount)} with {VdmFuse.Native.Errno.Name(Errno)} {duration}";
    }

    /// <summary>"block 7" or "blocks 100-107".</summary>
    internal static string Blocks(long start, long count) => count == 1 ? $"block {start}" : $"blocks {start}-{start + count - 1}";

    internal bool Matches(FaultOperation operation, long startBlock, long blockCount, bool whole) =>
        (Operation & operation) != 0 && (whole
            ? StartBlock <= startBlock && startBlock + blockCount <= StartBlock + BlockCount
            : startBlock < StartBlock + BlockCount && StartBlock < startBlock + blockCount);

    /// <summary>Counts one failed I/O; false when the rule was spent by another I/O first.</summary>
    internal bool TryConsume()
    {
        if (Times != 0)
        {
            var remaining = Volatile.Read(ref _remaining);
            while (true)
            {
                if (remaining == 0)
                {
                    return false;
                }
                var seen = Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining);
                if (seen == remaining)
                {
                    break;
                }
                remaining = seen;
            }
        }
        Interlocked.Increment(ref _hits);
        return true;
    }
}
