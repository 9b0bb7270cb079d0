using VdmFuse.Control;

namespace VdmFuse.Cli.Transport;

/// <summary>
/// The control file could not be reached: missing, a stale mount, or a daemon that went away while
/// the command was in flight. Carries the errno of the failed system call and the control file's path.
/// </summary>
public sealed class ControlTransportException : Exception
{
    /// <summary>Creates a transport failure for <paramref name="path"/> with a positive errno and a sentence.</summary>
    public ControlTransportException(int errno, string path, string message) : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(errno);
        Errno = errno;
        Path = path;
    }

    /// <summary>The positive errno of the failed system call.</summary>
    public int Errno { get; }

    /// <summary>The symbolic name of <see cref="Errno"/>, such as "ENOTCONN".</summary>
    public string ErrnoName => ControlErrno.Name(Errno);

    /// <summary>The control file concerned.</summary>
    public string Path { get; }

    /// <summary>
    /// Whether the failure means that no daemon answers (yet): the control file or the mount is
    /// missing (ENOENT), the mount is stale (ENOTCONN), or the connection went away (ECONNABORTED, ENODEV).
    /// Such a failure is worth retrying while a daemon restarts.
    /// </summary>
    public bool DaemonAbsent => Errno is Errnos.ENOENT or Errnos.ENOTCONN or Errnos.ECONNABORTED or Errnos.ENODEV;
}
