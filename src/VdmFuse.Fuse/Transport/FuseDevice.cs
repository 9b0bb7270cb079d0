using System.Runtime.InteropServices;
using Tmds.Linux;
using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Protocol;
using VdmFuse.Native;

namespace VdmFuse.Fuse.Transport;

/// <summary>
/// The /dev/fuse descriptor seen as a message device: each read(2) returns one whole request, each writev(2)
/// delivers one whole reply or notification. Does not own the descriptor. Sends are thread-safe.
/// </summary>
internal sealed unsafe class FuseDevice(int fd)
{
    public int Fd { get; } = fd;

    /// <summary>Puts the descriptor in O_NONBLOCK mode so that a read says EAGAIN instead of waiting.</summary>
    public void SetNonBlocking()
    {
        int flags = LibC.fcntl(Fd, LibC.F_GETFL);
        if (flags < 0 || LibC.fcntl(Fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0)
        {
            int errno = LibC.errno;
            throw new ErrnoException(errno, $"Cannot make FUSE device descriptor {Fd} non-blocking: {Errno.Name(errno)}.");
        }
    }

    /// <summary>Reads one request; returns its length, 0 at end of file, or -1 with <paramref name="errno"/> set.</summary>
    public int Read(byte* destination, int length, out int errno)
    {
        nint n = NativeMethods.read(Fd, destination, length);
        errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        return (int)n;
    }

    /// <summary>
    /// Sends one reply or notification: the header followed by up to three payload parts, in one writev.
    /// <paramref name="error"/> is the raw header field (0, -errno, or a notification code when unique is 0).
    /// Returns 0 or the errno of the failed write.
    /// </summary>
    public int Send(ulong unique, int error, ReadOnlySpan<byte> part1 = default, ReadOnlySpan<byte> part2 = default,
        ReadOnlySpan<byte> part3 = default)
    {
        var header = FuseReplyEncoder.Header(unique, error, part1.Length + part2.Length + part3.Length);
        var vectors = stackalloc iovec[4];
        fixed (byte* p1 = part1, p2 = part2, p3 = part3)
        {
            int count = 0;
            vectors[count++] = new iovec { iov_base = &header, iov_len = (size_t)sizeof(fuse_out_header) };
            if (part1.Length > 0)
            {
                vectors[count++] = new iovec { iov_base = p1, iov_len = (size_t)part1.Length };
            }
            if (part2.Length > 0)
            {
                vectors[count++] = new iovec { iov_base = p2, iov_len = (size_t)part2.Length };
            }
            if (part3.Length > 0)
            {
                vectors[count++] = new iovec { iov_base = p3, iov_len = (size_t)part3.Length };
            }
            while (true)
            {
                nint n = NativeMethods.writev(Fd, vectors, count);
                if (n >= 0)
                {
                    return 0;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    return errno;
                }
            }
        }
    }
}
