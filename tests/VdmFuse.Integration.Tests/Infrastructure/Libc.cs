using System.Runtime.InteropServices;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>The few libc calls the tests need to see exact errno values. Errors come back through SetLastError.</summary>
public static unsafe partial class Libc
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_TRUNC = 0x200, O_CLOEXEC = 0x80000;

    public const int SIGKILL = 9, SIGTERM = 15;

    /// <summary>FUSE_SUPER_MAGIC, the f_type statfs reports for a FUSE mount.</summary>
    public const long FuseSuperMagic = 0x65735546;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint Pread(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint Pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    /// <summary>ioctl(2) with a pointer argument; the request is an <c>unsigned long</c> as in glibc.</summary>
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, byte* argument);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatFs(string path, byte* buffer);

    /// <summary>Calls statfs(2) and returns 0 with f_type, or the errno.</summary>
    public static int TryGetFileSystemType(string path, out long fsType)
    {
        // struct statfs is 120 bytes on x86-64 and arm64; f_type is its first field.
        byte* buffer = stackalloc byte[256];
        if (StatFs(path, buffer) != 0)
        {
            fsType = 0;
            return Marshal.GetLastPInvokeError();
        }
        fsType = *(long*)buffer;
        return 0;
    }
}
