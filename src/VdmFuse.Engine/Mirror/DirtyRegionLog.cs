using System.Diagnostics;

namespace VdmFuse.Engine.Mirror;

/// <summary>
/// The write-intent map of a persistent mirror, as md's bitmap: before a write may start, every region it
/// touches is marked dirty in the journal (one durable save covers all the regions asked for meanwhile);
/// regions are cleared lazily, once no write has been in them for <see cref="IdleBeforeClear"/>. After a crash
/// only the regions marked dirty can differ between the images, so the recovery sync copies only those.
/// </summary>
/// <remarks>
/// The cost: one journal save (a 4 KiB write and an fdatasync) when a write enters a clean region, and one
/// when idle regions are cleared; one bit per region in the journal. Thread-safe.
/// </remarks>
public sealed class DirtyRegionLog
{
    /// <summary>How long a region stays marked after its last write.</summary>
    public static readonly TimeSpan IdleBeforeClear = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly GranuleMap _onDisk;
    private readonly GranuleMap _wanted;
    private readonly Dictionary<long, int> _inFlight = [];
    private readonly Dictionary<long, long> _lastWrite = [];
    private readonly Func<GranuleMap, Task> _persist;
    private Task _persisting = Task.CompletedTask;
    private TaskCompletionSource? _next;

    /// <summary>Creates the log over a mirror of <paramref name="sizeBytes"/>; <paramref name="persist"/> saves the map given durably.</summary>
    /// <param name="sizeBytes">The mirror's size.</param>
    /// <param name="regionBlocks">The region size in 512-byte blocks.</param>
    /// <param name="persist">Saves a snapshot of the dirty map durably (the journal save), off the caller's thread.</param>
    /// <param name="initiallyDirty">Regions already marked on disk (after a crash, until the recovery sync clears them).</param>
    public DirtyRegionLog(long sizeBytes, long regionBlocks, Func<GranuleMap, Task> persist, GranuleMap? initiallyDirty = null)
    {
        _onDisk = new GranuleMap(sizeBytes, regionBlocks);
        _wanted = new GranuleMap(sizeBytes, regionBlocks);
        if (initiallyDirty is not null)
        {
            _onDisk.MarkAll(initiallyDirty);
            _wanted.MarkAll(initiallyDirty);
        }
        SizeBytes = sizeBytes;
        _persist = persist;
    }

    /// <summary>The mirror's size.</summary>
    public long SizeBytes { get; }

    /// <summary>The region size in 512-byte blocks.</summary>
    public long RegionBlocks => _onDisk.GranuleBlocks;

    /// <summary>How many regions are marked on disk now.</summary>
    public long DirtyCount => _onDisk.MarkedCount;

    /// <summary>Ends when every save scheduled so far has ended (successfully or not).</summary>
    public Task Persisted
    {
        get
        {
            lock (_lock)
            {
                return _persisting;
            }
        }
    }

    /// <summary>A copy of the regions marked on disk.</summary>
    public GranuleMap Snapshot() => _onDisk.Clone(SizeBytes);

    /// <summary>Counts a write in the regions of the range and returns once they are marked on disk.</summary>
    public Task BeginWriteAsync(long offset, long length)
    {
        var (first, last) = Regions(offset, length);
        lock (_lock)
        {
            var allOnDisk = true;
            for (var r = first; r <= last; r++)
            {
                _inFlight[r] = _inFlight.GetValueOrDefault(r) + 1;
                if (!_onDisk.IsMarked(r))
                {
                    allOnDisk = false;
                    _wanted.Mark(r * _onDisk.GranuleBytes, 1);
                }
            }
            if (allOnDisk)
            {
                return Task.CompletedTask;
            }
            return SchedulePersistLocked();
        }
    }

    /// <summary>Ends a write begun with <see cref="BeginWriteAsync"/>.</summary>
    public void EndWrite(long offset, long length)
    {
        var (first, last) = Regions(offset, length);
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            for (var r = first; r <= last; r++)
            {
                var count = _inFlight.GetValueOrDefault(r) - 1;
                if (count <= 0)
                {
                    _inFlight.Remove(r);
                }
                else
                {
                    _inFlight[r] = count;
                }
                _lastWrite[r] = now;
            }
        }
    }

    /// <summary>
    /// Clears the regions with no write in flight and none for <paramref name="idle"/> (all idle regions when
    /// <paramref name="idle"/> is zero), except those <paramref name="keep"/> says to keep, and saves the map
    /// when it changed. Returns how many regions were cleared.
    /// </summary>
    public async Task<int> ClearIdleAsync(TimeSpan idle, Func<long, bool>? keep = null)
    {
        var cleared = 0;
        Task pending;
        lock (_lock)
        {
            var limit = Stopwatch.GetTimestamp() - (long)(idle.TotalSeconds * Stopwatch.Frequency);
            foreach (var r in _onDisk.MarkedGranules())
            {
                if (_inFlight.ContainsKey(r) || _lastWrite.GetValueOrDefault(r) > limit || keep?.Invoke(r) == true)
                {
                    continue;
                }
                _onDisk.Clear(r);
                _wanted.Clear(r);
                _lastWrite.Remove(r);
                cleared++;
            }
            if (cleared == 0)
            {
                return 0;
            }
            pending = SchedulePersistLocked();
        }
        await pending.ConfigureAwait(false);
        return cleared;
    }

    /// <summary>Marks regions dirty without a write (the recovery of a crash keeps them until its sync ends).</summary>
    public Task MarkAsync(GranuleMap regions)
    {
        lock (_lock)
        {
            _wanted.MarkAll(regions);
            return SchedulePersistLocked();
        }
    }

    private Task SchedulePersistLocked()
    {
        if (_next is not null)
        {
            return _next.Task;
        }
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _next = next;
        var previous = _persisting;
        _persisting = Task.Run(async () =>
        {
            try
            {
                await previous.ConfigureAwait(false);
            }
            catch
            {
                // The previous save's failure went to its own waiters.
            }
            GranuleMap snapshot;
            lock (_lock)
            {
                _next = null;
                snapshot = _wanted.Clone(SizeBytes);
            }
            try
            {
                await _persist(snapshot).ConfigureAwait(false);
                lock (_lock)
                {
                    // What was saved is on disk now; regions cleared since stay cleared in _wanted and are saved next time.
                    foreach (var r in snapshot.MarkedGranules())
                    {
                        if (_wanted.IsMarked(r))
                        {
                            _onDisk.Mark(r * _onDisk.GranuleBytes, 1);
                        }
                    }
                }
                next.SetResult();
            }
            catch (Exception e)
            {
                next.SetException(e);
            }
        });
        return next.Task;
    }

    private (long First, long Last) Regions(long offset, long length)
    {
        var bytes = _onDisk.GranuleBytes;
        return (offset / bytes, (offset + Math.Max(length, 1) - 1) / bytes);
    }
}
