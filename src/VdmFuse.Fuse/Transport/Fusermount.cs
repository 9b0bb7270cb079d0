using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Tmds.Linux;
using VdmFuse.Native;

namespace VdmFuse.Fuse.Transport;

/// <summary>
/// Mounting and unmounting through the setuid helper fusermount3: it receives one end of a socket pair in
/// <c>_FUSE_COMMFD</c> and sends the opened /dev/fuse descriptor back in one SCM_RIGHTS message.
/// </summary>
internal static unsafe class Fusermount
{
    private const string Program = "fusermount3";

    /// <summary>Mounts <paramref name="path"/> and returns the /dev/fuse descriptor (close-on-exec).</summary>
    public static int Mount(string path, string options)
    {
        int* pair = stackalloc int[2];
        if (LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM, 0, pair) != 0)
        {
            int errno = LibC.errno;
            throw new ErrnoException(errno, $"Cannot mount {path}: socketpair for {Program} failed with {Errno.Name(errno)}.");
        }
        int ours = pair[0], theirs = pair[1];
        try
        {
            LibC.fcntl(ours, LibC.F_SETFD, LibC.FD_CLOEXEC);
            var start = new ProcessStartInfo(Program) { UseShellExecute = false, RedirectStandardError = true };
            foreach (var argument in new[] { "-o", options, "--", path })
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["_FUSE_COMMFD"] = theirs.ToString(CultureInfo.InvariantCulture);
            using var process = StartOrThrow(start, path);
            LibC.close(theirs);
            theirs = -1;
            int fd = ReceiveDescriptor(ours);
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (fd < 0)
            {
                throw new ErrnoException(Errno.EIO, $"Cannot mount {path}: {Program} exited with {process.ExitCode} without a descriptor: {stderr.Trim()}");
            }
            LibC.fcntl(fd, LibC.F_SETFD, LibC.FD_CLOEXEC);
            return fd;
        }
        finally
        {
            LibC.close(ours);
            if (theirs >= 0)
            {
                LibC.close(theirs);
            }
        }
    }

    /// <summary>Runs <c>fusermount3 -u [-z] -- path</c>.</summary>
    public static void Unmount(string path, bool lazy)
    {
        var start = new ProcessStartInfo(Program) { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-u");
        if (lazy)
        {
            start.ArgumentList.Add("-z");
        }
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(path);
        using var process = StartOrThrow(start, path);
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ErrnoException(Errno.EIO, $"Cannot unmount {path}: {Program} -u exited with {process.ExitCode}: {stderr.Trim()}");
        }
    }

    private static Process StartOrThrow(ProcessStartInfo start, string path)
    {
        try
        {
            return Process.Start(start) ?? throw new ErrnoException(Errno.ENOENT, $"Cannot run {Program} for {path}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ErrnoException(Errno.ENOENT, $"Cannot run {Program} for {path}: {e.Message}", e);
        }
    }

    /// <summary>Receives one descriptor sent with SCM_RIGHTS; -1 when the peer closed without sending one.</summary>
    private static int ReceiveDescriptor(int socket)
    {
        byte data;
        var vector = new iovec { iov_base = &data, iov_len = 1 };
        int controlLength = LibC.CMSG_SPACE(sizeof(int));
        byte* control = stackalloc byte[controlLength];
        new Span<byte>(control, controlLength).Clear();
        var message = new msghdr
        {
            msg_iov = &vector,
            msg_iovlen = 1,
            msg_control = control,
            msg_controllen = (socklen_t)controlLength,
        };
        nint n;
        do
        {
            n = NativeMethods.recvmsg(socket, &message, 0);
        }
        while (n < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
        if (n <= 0)
        {
            return -1;
        }
        for (var header = LibC.CMSG_FIRSTHDR(&message); header != null; header = LibC.CMSG_NXTHDR(&message, header))
        {
            if (header->cmsg_level == LibC.SOL_SOCKET && header->cmsg_type == LibC.SCM_RIGHTS)
            {
                return *(int*)LibC.CMSG_DATA(header);
            }
        }
        return -1;
    }
}
