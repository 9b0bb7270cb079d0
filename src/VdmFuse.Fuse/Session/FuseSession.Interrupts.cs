using System.Collections.Concurrent;

namespace VdmFuse.Fuse.Session;

/// <summary>FUSE_INTERRUPT: the requests whose handlers asked to be told, by unique, until they are answered.</summary>
public sealed partial class FuseSession
{
    private readonly ConcurrentDictionary<ulong, CancellationTokenSource> _interruptible = new();

    /// <summary>The requests that are waiting interruptibly (for tests and statistics).</summary>
    public int InterruptibleRequests => _interruptible.Count;

    /// <summary>Records that the request <paramref name="unique"/> is interruptible until its reply; false when a request of that unique already is.</summary>
    internal bool RegisterInterruptible(ulong unique, CancellationTokenSource source) => _interruptible.TryAdd(unique, source);

    /// <summary>Forgets the request <paramref name="unique"/> once it has been answered: a later INTERRUPT for it is ignored.</summary>
    internal void UnregisterInterruptible(ulong unique) => _interruptible.TryRemove(unique, out _);

    /// <summary>Cancels the interruptible request <paramref name="unique"/>; an unknown or answered one is ignored.</summary>
    private void Interrupt(ulong unique)
    {
        if (!_interruptible.TryRemove(unique, out var source))
        {
            Log.Debug("INTERRUPT of unique={0}: not an interruptible request in progress; ignored", unique);
            return;
        }
        Log.Debug("INTERRUPT of unique={0}: cancelling its handler", unique);
        Statistics.CountInterrupt();
        // On the thread pool: the handler's continuation must not run (and reply) inside the session's dispatch.
        _ = source.CancelAsync();
    }
}
