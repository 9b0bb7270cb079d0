using VdmFuse.Fuse.Abi;

namespace VdmFuse.Fuse.Session;

/// <summary>
/// Counters of a <see cref="FuseSession"/>: requests per opcode, read bursts, and how replies were sent
/// (inline: before the handler returned; deferred: later, from a continuation). Safe to read from any thread.
/// </summary>
public sealed class FuseSessionStatistics
{
    private readonly long[] _byOpcode = new long[64];
    private long _requests;
    private long _bursts;
    private long _largestBurst;
    private long _inlineReplies;
    private long _deferredReplies;
    private long _starvations;
    private long _interrupts;

    /// <summary>Requests read from the device.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Read bursts (one wake-up of the loop that read at least one request).</summary>
    public long Bursts => Interlocked.Read(ref _bursts);

    /// <summary>The most requests read in one burst.</summary>
    public long LargestBurst => Interlocked.Read(ref _largestBurst);

    /// <summary>Requests answered before their handler returned.</summary>
    public long InlineReplies => Interlocked.Read(ref _inlineReplies);

    /// <summary>Requests answered after their handler returned (asynchronous completion).</summary>
    public long DeferredReplies => Interlocked.Read(ref _deferredReplies);

    /// <summary>Times the loop stopped reading because every request buffer was in use.</summary>
    public long BufferStarvations => Interlocked.Read(ref _starvations);

    /// <summary>INTERRUPTs that cancelled an interruptible request (the others are ignored).</summary>
    public long Interrupts => Interlocked.Read(ref _interrupts);

    /// <summary>The number of requests seen with the given opcode (FUSE_READ = 15 ...).</summary>
    public long RequestsOf(uint opcode) => opcode < _byOpcode.Length ? Interlocked.Read(ref _byOpcode[opcode]) : 0;

    /// <summary>Requests per opcode name, for the opcodes seen at least once.</summary>
    public IReadOnlyDictionary<string, long> RequestsByOpcode
    {
        get
        {
            var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
            for (uint opcode = 0; opcode < _byOpcode.Length; opcode++)
            {
                long count = Interlocked.Read(ref _byOpcode[opcode]);
                if (count > 0)
                {
                    result[((fuse_opcode)opcode).ToString()] = count;
                }
            }
            return result;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"requests={Requests} bursts={Bursts} largest-burst={LargestBurst} inline={InlineReplies} deferred={DeferredReplies} starved={BufferStarvations} "
        + string.Join(' ', RequestsByOpcode.Select(p => $"{p.Key}={p.Value}"));

    internal void CountRequest(uint opcode)
    {
        Interlocked.Increment(ref _requests);
        if (opcode < _byOpcode.Length)
        {
            Interlocked.Increment(ref _byOpcode[opcode]);
        }
    }

    internal void CountBurst(int size)
    {
        Interlocked.Increment(ref _bursts);
        if (size > _largestBurst)
        {
            Interlocked.Exchange(ref _largestBurst, size);
        }
    }

    internal void CountReply(bool inline) => Interlocked.Increment(ref inline ? ref _inlineReplies : ref _deferredReplies);

    internal void CountStarvation() => Interlocked.Increment(ref _starvations);

    internal void CountInterrupt() => Interlocked.Increment(ref _interrupts);
}
