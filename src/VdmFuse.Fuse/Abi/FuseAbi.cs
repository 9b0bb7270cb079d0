namespace VdmFuse.Fuse.Abi;

#pragma warning disable IDE1006 // Names follow <linux/fuse.h> exactly so the ABI test can compare them.

/// <summary>
/// The constants of <c>&lt;linux/fuse.h&gt;</c> (protocol 7.38) that this server uses, named as in the header.
/// Bits 32 and above of the init flags travel in <c>flags2</c>.
/// </summary>
internal static class FuseAbi
{
    public const uint FUSE_KERNEL_VERSION = 7;
    public const uint FUSE_KERNEL_MINOR_VERSION = 38;
    public const ulong FUSE_ROOT_ID = 1;
    public const uint FUSE_MIN_READ_BUFFER = 8192;

    // Open reply flags (fuse_open_out.open_flags).
    public const uint FOPEN_DIRECT_IO = 1u << 0;
    public const uint FOPEN_KEEP_CACHE = 1u << 1;
    public const uint FOPEN_NONSEEKABLE = 1u << 2;
    public const uint FOPEN_CACHE_DIR = 1u << 3;
    public const uint FOPEN_STREAM = 1u << 4;
    public const uint FOPEN_NOFLUSH = 1u << 5;
    public const uint FOPEN_PARALLEL_DIRECT_WRITES = 1u << 6;

    // INIT flags (fuse_init_in.flags / fuse_init_out.flags, and flags2 for bits 32..63).
    public const ulong FUSE_ASYNC_READ = 1UL << 0;
    public const ulong FUSE_POSIX_LOCKS = 1UL << 1;
    public const ulong FUSE_FILE_OPS = 1UL << 2;
    public const ulong FUSE_ATOMIC_O_TRUNC = 1UL << 3;
    public const ulong FUSE_EXPORT_SUPPORT = 1UL << 4;
    public const ulong FUSE_BIG_WRITES = 1UL << 5;
    public const ulong FUSE_DONT_MASK = 1UL << 6;
    public const ulong FUSE_SPLICE_WRITE = 1UL << 7;
    public const ulong FUSE_SPLICE_MOVE = 1UL << 8;
    public const ulong FUSE_SPLICE_READ = 1UL << 9;
    public const ulong FUSE_FLOCK_LOCKS = 1UL << 10;
    public const ulong FUSE_HAS_IOCTL_DIR = 1UL << 11;
    public const ulong FUSE_AUTO_INVAL_DATA = 1UL << 12;
    public const ulong FUSE_DO_READDIRPLUS = 1UL << 13;
    public const ulong FUSE_READDIRPLUS_AUTO = 1UL << 14;
    public const ulong FUSE_ASYNC_DIO = 1UL << 15;
    public const ulong FUSE_WRITEBACK_CACHE = 1UL << 16;
    public const ulong FUSE_NO_OPEN_SUPPORT = 1UL << 17;
    public const ulong FUSE_PARALLEL_DIROPS = 1UL << 18;
    public const ulong FUSE_HANDLE_KILLPRIV = 1UL << 19;
    public const ulong FUSE_POSIX_ACL = 1UL << 20;
    public const ulong FUSE_ABORT_ERROR = 1UL << 21;
    public const ulong FUSE_MAX_PAGES = 1UL << 22;
    public const ulong FUSE_CACHE_SYMLINKS = 1UL << 23;
    public const ulong FUSE_NO_OPENDIR_SUPPORT = 1UL << 24;
    public const ulong FUSE_EXPLICIT_INVAL_DATA = 1UL << 25;
    public const ulong FUSE_MAP_ALIGNMENT = 1UL << 26;
    public const ulong FUSE_SUBMOUNTS = 1UL << 27;
    public const ulong FUSE_HANDLE_KILLPRIV_V2 = 1UL << 28;
    public const ulong FUSE_SETXATTR_EXT = 1UL << 29;
    public const ulong FUSE_INIT_EXT = 1UL << 30;
    public const ulong FUSE_INIT_RESERVED = 1UL << 31;
    public const ulong FUSE_SECURITY_CTX = 1UL << 32;
    public const ulong FUSE_HAS_INODE_DAX = 1UL << 33;
    public const ulong FUSE_HAS_EXPIRE_ONLY = 1UL << 35;

    // Request flags.
    public const uint FUSE_GETATTR_FH = 1u << 0;
    public const uint FUSE_FSYNC_FDATASYNC = 1u << 0;
    public const uint FUSE_RELEASE_FLUSH = 1u << 0;
    public const uint FUSE_WRITE_CACHE = 1u << 0;
    public const uint FUSE_WRITE_LOCKOWNER = 1u << 1;
    public const uint FUSE_IOCTL_COMPAT = 1u << 0;
    public const uint FUSE_IOCTL_UNRESTRICTED = 1u << 1;
    public const uint FUSE_IOCTL_RETRY = 1u << 2;
    public const uint FUSE_IOCTL_DIR = 1u << 4;

    // SETATTR valid bits.
    public const uint FATTR_MODE = 1u << 0;
    public const uint FATTR_UID = 1u << 1;
    public const uint FATTR_GID = 1u << 2;
    public const uint FATTR_SIZE = 1u << 3;
    public const uint FATTR_ATIME = 1u << 4;
    public const uint FATTR_MTIME = 1u << 5;
    public const uint FATTR_FH = 1u << 6;
    public const uint FATTR_ATIME_NOW = 1u << 7;
    public const uint FATTR_MTIME_NOW = 1u << 8;
    public const uint FATTR_LOCKOWNER = 1u << 9;
    public const uint FATTR_CTIME = 1u << 10;
    public const uint FATTR_KILL_SUIDGID = 1u << 11;
}
