using System.Runtime.InteropServices;
using System.Text;

namespace VdmFuse.Native;

/// <summary>The libc entry points Tmds.LibC does not bind, and the constants used with them.</summary>
internal static partial class Interop
{
    /// <summary>ioctl: size of a block device in bytes (u64).</summary>
    public const uint BLKGETSIZE64 = 0x80081272;

    /// <summary>ioctl: logical sector size of a block device (int).</summary>
    public const uint BLKSSZGET = 0x1268;

    /// <summary>iocb.aio_flags: signal completion on the eventfd in aio_resfd.</summary>
    public const uint IOCB_FLAG_RESFD = 1;

    /// <summary>The generic system call entry point; returns -1 and sets errno on failure.</summary>
    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static extern long syscall(long number, long arg1, long arg2, long arg3, long arg4, long arg5);

    /// <summary>The errno left by the last P/Invoke with SetLastError on this thread.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>A path as the NUL-terminated UTF-8 bytes that libc expects.</summary>
    public static byte[] PathBytes(string path) => Encoding.UTF8.GetBytes(path + "\0");
}
