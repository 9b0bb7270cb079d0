using VdmFuse.Native;

namespace VdmFuse.Engine;

// Revocation: a pulled disk. Every I/O call enters a gate (a count of calls in progress); a revoked instance lets
// no call in (ENXIO naming it and why), and is disposed when the last call in progress leaves. Nothing blocks:
// the calls in progress may be waiting for completions that only the caller's own loop thread can reap.
public abstract partial class DiskInstance
{
    private int _ioInProgress;
    private int _revoked;
    private int _disposeClaimed;
    private string _revokedReason = "";

    /// <summary>Whether <see cref="Revoke"/> has been called: every later I/O fails with ENXIO.</summary>
    public bool IsRevoked => Volatile.Read(ref _revoked) != 0;

    /// <summary>
    /// Takes the instance away from its users, as a pulled disk: opens fail (ENOENT), every later read, write and
    /// flush fails with ENXIO naming the instance and <paramref name="reason"/>, and the instance is disposed (its
    /// backing closed) as soon as the I/O already in progress has finished — at once when there is none. Never blocks.
    /// Revoking twice does nothing more.
    /// </summary>
    /// <param name="reason">Why, as a clause: "its device '/dev/sdb' was dismounted with force=1".</param>
    internal void Revoke(string reason)
    {
        lock (_openLock)
        {
            _deleted = true;
        }
        _revokedReason = reason;
        if (Interlocked.Exchange(ref _revoked, 1) != 0)
        {
            return;
        }
        if (Volatile.Read(ref _ioInProgress) == 0)
        {
            DisposeOnce();
        }
    }

    /// <summary>The error every I/O on a revoked instance gets.</summary>
    private ErrnoException RevokedError(string operation) =>
        new(Errno.ENXIO, $"{operation} on {this} refused: it has been revoked ({_revokedReason})");

    /// <summary>Enters the I/O gate; false (and nothing entered) when the instance is revoked.</summary>
    private bool TryEnterIo()
    {
        Interlocked.Increment(ref _ioInProgress);
        if (Volatile.Read(ref _revoked) == 0)
        {
            return true;
        }
        ExitIo();
        return false;
    }

    /// <summary>Leaves the I/O gate; the last call to leave a revoked instance disposes it.</summary>
    private void ExitIo()
    {
        if (Interlocked.Decrement(ref _ioInProgress) == 0 && Volatile.Read(ref _revoked) != 0)
        {
            DisposeOnce();
        }
    }

    private void DisposeOnce()
    {
        if (Interlocked.Exchange(ref _disposeClaimed, 1) == 0)
        {
            Dispose();
        }
    }
}
