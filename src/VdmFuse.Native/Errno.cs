namespace VdmFuse.Native;

/// <summary>Linux errno values (x86-64 and arm64 share them) and their symbolic names.</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
        EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
        EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24,
        ENOTTY = 25, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EPIPE = 32, ERANGE = 34,
        EDEADLK = 35, ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ENODATA = 61, EOVERFLOW = 75, ENOTSUP = 95,
        EOPNOTSUPP = 95, ECONNABORTED = 103, ENOTCONN = 107, ETIMEDOUT = 110, EALREADY = 114,
        EMEDIUMTYPE = 124, ECANCELED = 125;

    private static readonly Dictionary<int, string> Names = new()
    {
        [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR", [EIO] = "EIO",
        [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [EBADF] = "EBADF", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
        [EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST", [EXDEV] = "EXDEV",
        [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR", [EINVAL] = "EINVAL",
        [ENFILE] = "ENFILE", [EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY", [EFBIG] = "EFBIG",
        [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE", [EROFS] = "EROFS", [EPIPE] = "EPIPE", [ERANGE] = "ERANGE",
        [EDEADLK] = "EDEADLK", [ENAMETOOLONG] = "ENAMETOOLONG", [ENOSYS] = "ENOSYS",
        [ENOTEMPTY] = "ENOTEMPTY", [ENODATA] = "ENODATA", [EOVERFLOW] = "EOVERFLOW", [ENOTSUP] = "ENOTSUP",
        [ECONNABORTED] = "ECONNABORTED", [ENOTCONN] = "ENOTCONN", [ETIMEDOUT] = "ETIMEDOUT",
        [EALREADY] = "EALREADY", [EMEDIUMTYPE] = "EMEDIUMTYPE", [ECANCELED] = "ECANCELED",
    };

    /// <summary>The symbolic name of a positive errno value, or "E" followed by the number.</summary>
    public static string Name(int errno) => Names.TryGetValue(errno, out var name) ? name : "E" + errno;

    /// <summary>Parses a symbolic name ("EBUSY") back to its value.</summary>
    public static bool TryParse(string name, out int errno)
    {
        foreach (var (value, n) in Names)
        {
            if (n == name)
            {
                errno = value;
                return true;
            }
        }
        errno = 0;
        return false;
    }
}
