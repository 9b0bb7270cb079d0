using System.Runtime.InteropServices;
using Tmds.Linux;

namespace VdmFuse.Fuse.Transport;

#pragma warning disable IDE1006 // Names as in the man pages.

/// <summary>
/// The libc calls bound here rather than taken from Tmds.LibC: writev (not bound there), and read, poll,
/// recvmsg, umount2 and statfs, whose Tmds.LibC 0.5 bindings report a wrong errno (203) after a failure.
/// Read the errno with <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static unsafe class NativeMethods
{
    [DllImport("libc", SetLastError = true)]
    public static extern nint read(int fd, byte* buf, nint count);

    [DllImport("libc", SetLastError = true)]
    public static extern nint writev(int fd, iovec* iov, int iovcnt);

    [DllImport("libc", SetLastError = true)]
    public static extern int poll(pollfd* fds, nuint nfds, int timeout);

    [DllImport("libc", SetLastError = true)]
    public static extern nint recvmsg(int sockfd, msghdr* msg, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int umount2(byte* target, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int statfs(byte* path, byte* buf);
}
