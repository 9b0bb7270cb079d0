namespace VdmFuse.Control;

/// <summary>
/// The Linux errno values the control language reports, and their symbolic names. The control
/// layer references no other project, so it keeps its own copy of the numbers it needs; the name
/// table also covers the errors other layers raise, so that any reply can be rendered by name.
/// </summary>
public static class ControlErrno
{
    /// <summary>Operation not permitted: the command needs root.</summary>
    public const int EPERM = 1;

    /// <summary>No such instance or file.</summary>
    public const int ENOENT = 2;

    /// <summary>I/O error: a reply cannot be put into its binary packet.</summary>
    public const int EIO = 5;

    /// <summary>Argument list too long: the command line exceeds <see cref="TextCodec.MaxLineBytes"/>.</summary>
    public const int E2BIG = 7;

    /// <summary>The instance is in use.</summary>
    public const int EBUSY = 16;

    /// <summary>The instance already exists.</summary>
    public const int EEXIST = 17;

    /// <summary>The command or one of its fields is malformed.</summary>
    public const int EINVAL = 22;

    /// <summary>Not a command this file understands: an ioctl number that is not one of vdmfuse's.</summary>
    public const int ENOTTY = 25;

    /// <summary>A reply value does not fit its binary packet field.</summary>
    public const int ERANGE = 34;

    /// <summary>A name or path does not fit its binary packet field.</summary>
    public const int ENAMETOOLONG = 36;

    /// <summary>The command is known but not implemented.</summary>
    public const int ENOSYS = 38;

    /// <summary>A value does not fit the 32-bit form of a disk ioctl (a disk over 1 TiB: use the extended form).</summary>
    public const int EOVERFLOW = 75;

    /// <summary>The operation is not supported by this instance (dk-eject on a fixed disk).</summary>
    public const int ENOTSUP = 95;

    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO",
        [7] = "E2BIG", [9] = "EBADF", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT",
        [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR",
        [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY", [27] = "EFBIG", [28] = "ENOSPC",
        [29] = "ESPIPE", [30] = "EROFS", [32] = "EPIPE", [34] = "ERANGE", [35] = "EDEADLK",
        [36] = "ENAMETOOLONG", [38] = "ENOSYS", [39] = "ENOTEMPTY", [61] = "ENODATA", [75] = "EOVERFLOW", [95] = "ENOTSUP",
        [103] = "ECONNABORTED", [107] = "ENOTCONN", [110] = "ETIMEDOUT", [114] = "EALREADY",
        [124] = "EMEDIUMTYPE", [125] = "ECANCELED",
    };

    private static readonly Dictionary<string, int> Values =
        Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>The symbolic name of a positive errno value ("EBUSY"), or "E" followed by the number when it has none here.</summary>
    public static string Name(int errno) =>
        Names.TryGetValue(errno, out var name) ? name : "E" + errno.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses a name produced by <see cref="Name"/> ("EBUSY" or "E123") back to its value.</summary>
    /// <returns><see langword="true"/> when <paramref name="name"/> names a positive errno value.</returns>
    public static bool TryParse(string name, out int errno)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Values.TryGetValue(name, out errno))
        {
            return true;
        }
        if (name.Length > 1 && name[0] == 'E' && name.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0 &&
            int.TryParse(name.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out errno) &&
            errno > 0)
        {
            return true;
        }
        errno = 0;
        return false;
    }
}
