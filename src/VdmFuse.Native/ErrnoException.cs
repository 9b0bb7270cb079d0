namespace VdmFuse.Native;

/// <summary>
/// An error that reaches a user as an errno and a sentence. The message names the instance or
/// path concerned. Exceptions become errno values in exactly one place: the FUSE and control boundaries.
/// </summary>
public class ErrnoException : Exception
{
    /// <summary>Creates an error with a positive errno value and a message naming what was wrong.</summary>
    public ErrnoException(int errno, string message, Exception? inner = null) : base(message, inner)
    {
        if (errno <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(errno), errno, "errno must be positive");
        }
        Errno = errno;
    }

    /// <summary>The positive errno value (EIO = 5, ...).</summary>
    public int Errno { get; }

    /// <summary>The symbolic name of <see cref="Errno"/>, e.g. "EBUSY".</summary>
    public string ErrnoName => Native.Errno.Name(Errno);
}
