namespace VdmFuse.Engine.Mirror;

/// <summary>
/// Byte ranges held shared (the writes to a mirror: any number may overlap) or exclusive (the chunk a sync is
/// copying, a block being corrected after a read error: nothing else may overlap it). An acquisition that
/// conflicts waits, in arrival order per conflict, without blocking a thread.
/// </summary>
public sealed class RangeLock
{
    private readonly Lock _lock = new();
    private readonly List<Holder> _held = [];
    private readonly List<Waiter> _waiting = [];

    /// <summary>How many ranges are held now.</summary>
    public int HeldCount
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>The ranges held now, as [start, end) pairs.</summary>
    public IReadOnlyList<(long Start, long End)> HeldRanges()
    {
        lock (_lock)
        {
            return [.. _held.Select(h => (h.Start, h.End))];
        }
    }

    /// <summary>Holds [<paramref name="offset"/>, +<paramref name="length"/>) shared; dispose the result to release it.</summary>
    public ValueTask<Releaser> AcquireSharedAsync(long offset, long length) => AcquireAsync(new Holder(offset, offset + length, false));

    /// <summary>Holds [<paramref name="offset"/>, +<paramref name="length"/>) exclusively; dispose the result to release it.</summary>
    public ValueTask<Releaser> AcquireExclusiveAsync(long offset, long length) => AcquireAsync(new Holder(offset, offset + length, true));

    private ValueTask<Releaser> AcquireAsync(Holder holder)
    {
        lock (_lock)
        {
            if (!ConflictsWithHeldLocked(holder) && !_waiting.Any(waiter => waiter.Holder.ConflictsWith(holder)))
            {
                _held.Add(holder);
                return ValueTask.FromResult(new Releaser(this, holder));
            }
            var waiter = new Waiter(holder, new TaskCompletionSource<Releaser>(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiting.Add(waiter);
            return new ValueTask<Releaser>(waiter.Completion.Task);
        }
    }

    private void Release(Holder holder)
    {
        List<Waiter>? granted = null;
        lock (_lock)
        {
            _held.Remove(holder);
            for (var i = 0; i < _waiting.Count; i++)
            {
                var waiter = _waiting[i];
                // A waiter is granted when nothing held conflicts and no earlier waiter it overlaps is still waiting
                // (so an exclusive waiter is not starved by a stream of shared ones).
                if (!ConflictsWithHeldLocked(waiter.Holder) && !_waiting.Take(i).Any(earlier => earlier.Holder.ConflictsWith(waiter.Holder)))
                {
                    _held.Add(waiter.Holder);
                    _waiting.RemoveAt(i);
                    i--;
                    (granted ??= []).Add(waiter);
                }
            }
        }
        if (granted is not null)
        {
            foreach (var waiter in granted)
            {
                waiter.Completion.SetResult(new Releaser(this, waiter.Holder));
            }
        }
    }

    private bool ConflictsWithHeldLocked(Holder holder)
    {
        foreach (var held in _held)
        {
            if (held.ConflictsWith(holder))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A held range; disposing it releases the range.</summary>
    public readonly struct Releaser : IDisposable
    {
        private readonly RangeLock? _owner;
        private readonly Holder? _holder;

        internal Releaser(RangeLock owner, Holder holder)
        {
            _owner = owner;
            _holder = holder;
        }

        /// <summary>Releases the range.</summary>
        public void Dispose()
        {
            if (_owner is not null && _holder is not null)
            {
                _owner.Release(_holder);
            }
        }
    }

    internal sealed class Holder(long start, long end, bool exclusive)
    {
        public bool ConflictsWith(Holder other) => start < other.End && other.Start < end && (Exclusive || other.Exclusive);

        public long Start => start;

        public long End => end;

        public bool Exclusive => exclusive;
    }

    private sealed record Waiter(Holder Holder, TaskCompletionSource<Releaser> Completion);
}
