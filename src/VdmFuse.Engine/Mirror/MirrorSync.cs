using System.Diagnostics;

namespace VdmFuse.Engine.Mirror;

/// <summary>
/// A running synchronisation of a mirror: one source image copied to one or more destinations in one pass
/// (the source is read once per chunk). Its progress is readable at any time; <see cref="Completion"/> ends
/// when every destination is synchronised, terminated or failed.
/// </summary>
public sealed class MirrorSync
{
    private readonly Lock _lock = new();
    private readonly List<MirrorImage> _destinations;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _currentBlock;
    private long _blocksCopied;
    private uint _delay;

    internal MirrorSync(MirrorImage source, IReadOnlyList<MirrorImage> destinations, uint delayMilliseconds, long totalBlocks, bool automatic)
    {
        Source = source;
        _destinations = [.. destinations];
        _delay = delayMilliseconds;
        TotalBlocks = totalBlocks;
        Automatic = automatic;
    }

    /// <summary>The image copied from.</summary>
    public MirrorImage Source { get; }

    /// <summary>The destinations still being synchronised.</summary>
    public IReadOnlyList<MirrorImage> Destinations
    {
        get
        {
            lock (_lock)
            {
                return [.. _destinations];
            }
        }
    }

    /// <summary>Whether the daemon started it on its own (after a crash) rather than a command.</summary>
    public bool Automatic { get; }

    /// <summary>The mirror block (512 bytes) the sync has reached.</summary>
    public long CurrentBlock => Interlocked.Read(ref _currentBlock);

    /// <summary>The mirror's size in blocks: the end of the pass.</summary>
    public long TotalBlocks { get; }

    /// <summary>Blocks actually copied so far (a partial sync skips unmarked granules).</summary>
    public long BlocksCopied => Interlocked.Read(ref _blocksCopied);

    /// <summary>The percentage of the pass done, 0 to 100.</summary>
    public int Percent => TotalBlocks == 0 ? 100 : (int)(CurrentBlock * 100 / TotalBlocks);

    /// <summary>The copy rate so far, in KiB per second.</summary>
    public long RateKibPerSecond
    {
        get
        {
            var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            return seconds <= 0 ? 0 : (long)(BlocksCopied / 2 / seconds);
        }
    }

    /// <summary>How long the sync has run.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>The delay between I/Os in milliseconds; changed live by throttle-sync.</summary>
    public uint DelayMilliseconds
    {
        get => Volatile.Read(ref _delay);
        internal set => Volatile.Write(ref _delay, value);
    }

    /// <summary>Ends when the sync has ended, however it ended.</summary>
    public Task Completion { get; internal set; } = Task.CompletedTask;

    internal void Advance(long block, long copied)
    {
        Interlocked.Exchange(ref _currentBlock, block);
        Interlocked.Add(ref _blocksCopied, copied);
    }

    internal bool Remove(MirrorImage destination)
    {
        lock (_lock)
        {
            return _destinations.Remove(destination);
        }
    }

    internal bool Has(MirrorImage destination)
    {
        lock (_lock)
        {
            return _destinations.Contains(destination);
        }
    }
}
