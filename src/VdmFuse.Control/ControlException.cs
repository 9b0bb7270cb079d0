namespace VdmFuse.Control;

/// <summary>
/// A control command that cannot be accepted, as an errno and a sentence naming the command and
/// field concerned (for example "create-instance: missing field 'name'").
/// </summary>
public sealed class ControlException : Exception
{
    /// <summary>Creates an error with a positive errno value (see <see cref="ControlErrno"/>) and a message.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="errno"/> is not positive.</exception>
    public ControlException(int errno, string message) : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(errno);
        Errno = errno;
    }

    /// <summary>The positive errno value.</summary>
    public int Errno { get; }

    /// <summary>The symbolic name of <see cref="Errno"/>, such as "EINVAL".</summary>
    public string ErrnoName => ControlErrno.Name(Errno);
}
