namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>The errno values the integration tests expect, spelled as in errno(3).</summary>
public static class LinuxErrno
{
    public const int EPERM = 1, ENOENT = 2, EIO = 5, EBUSY = 16, EEXIST = 17, EISDIR = 21, EINVAL = 22, ENOTTY = 25, ENOSYS = 38,
        ENOTCONN = 107;
}
