using VdmFuse.Native;

namespace VdmFuse.Engine;

// A hold: something outside the instance tree keeps its data on the instance (a configuration copy), so the
// instance must not be deleted, changed, or linked under another instance that would write over it.
public abstract partial class DiskInstance
{
    private readonly Lock _holdLock = new();
    private string? _holder;

    /// <summary>
    /// What holds the instance, in words ("configuration copy 2 of 3"), or null. While held, the registry
    /// refuses to delete it, change its attributes or link it under another instance (EBUSY).
    /// </summary>
    public string? HeldBy
    {
        get
        {
            lock (_holdLock)
            {
                return _holder;
            }
        }
    }

    /// <summary>Marks the instance as held by <paramref name="holder"/> (replacing an earlier description of the hold).</summary>
    public void Hold(string holder)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        lock (_holdLock)
        {
            _holder = holder;
        }
    }

    /// <summary>Releases the hold <paramref name="holder"/> placed; another holder's hold stays.</summary>
    public void Release(string holder)
    {
        lock (_holdLock)
        {
            if (_holder == holder)
            {
                _holder = null;
            }
        }
    }

    /// <summary>Refuses <paramref name="action"/> (a phrase: "delete", "change the attributes of") while the instance is held.</summary>
    /// <exception cref="ErrnoException">EBUSY naming the instance and what holds it.</exception>
    internal void ThrowIfHeld(string action)
    {
        if (HeldBy is { } holder)
        {
            throw new ErrnoException(Errno.EBUSY, $"cannot {action} {Description}: it holds {holder}");
        }
    }
}
