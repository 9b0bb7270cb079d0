using System.Runtime.InteropServices;

namespace VdmFuse.Cli.Transport;

/// <summary>
/// One exchange with the control file through open(2), write(2) and read(2), so that the errno of
/// each call is seen exactly (a stale mount answers ENOTCONN, a failed command fails write(2) with
/// its errno and leaves its reply to be read back on the same open file).
/// </summary>
internal static partial class ControlFile
{
    private const int O_RDWR = 2;
    private const int O_CLOEXEC = 0x80000;
    private const int ReadChunk = 64 * 1024;

    /// <summary>The outcome of one exchange: the errno write(2) failed with (0 when it succeeded) and the bytes read back.</summary>
    public readonly record struct Exchange(int WriteErrno, byte[] Reply);

    /// <summary>Opens <paramref name="path"/>, writes <paramref name="request"/> in one write, and reads the reply until end of file.</summary>
    /// <exception cref="ControlTransportException">open(2) or read(2) failed, or write(2) failed with an errno meaning the daemon is gone.</exception>
    public static unsafe Exchange Send(string path, ReadOnlySpan<byte> request)
    {
        var fd = Open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new ControlTransportException(errno, path, $"cannot open {path}");
        }
        try
        {
            var writeErrno = 0;
            fixed (byte* data = request)
            {
                nint written;
                do
                {
                    written = Write(fd, data, request.Length);
                }
                while (written < 0 && Marshal.GetLastPInvokeError() == Errnos.EINTR);
                if (written < 0)
                {
                    writeErrno = Marshal.GetLastPInvokeError();
                    if (IsConnectionLost(writeErrno))
                    {
                        throw new ControlTransportException(writeErrno, path, $"cannot write to {path}");
                    }
                }
            }
            return new Exchange(writeErrno, ReadToEnd(fd, path));
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static unsafe byte[] ReadToEnd(int fd, string path)
    {
        using var reply = new MemoryStream();
        var buffer = new byte[ReadChunk];
        while (true)
        {
            nint count;
            fixed (byte* data = buffer)
            {
                count = Read(fd, data, buffer.Length);
            }
            if (count < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Errnos.EINTR)
                {
                    continue;
                }
                throw new ControlTransportException(errno, path, $"cannot read the reply from {path}");
            }
            if (count == 0)
            {
                return reply.ToArray();
            }
            reply.Write(buffer, 0, (int)count);
        }
    }

    private static bool IsConnectionLost(int errno) => errno is Errnos.ENOTCONN or Errnos.ECONNABORTED or Errnos.ENODEV;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
