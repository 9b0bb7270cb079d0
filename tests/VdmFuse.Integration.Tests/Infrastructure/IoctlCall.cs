using System.Runtime.InteropServices;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>ioctl(2) on a file of the mount with an in/out argument buffer, reporting the exact errno.</summary>
public static unsafe class IoctlCall
{
    /// <summary>Opens <paramref name="path"/> and issues one ioctl; returns the errno (0 on success) and the argument after the call.</summary>
    public static (int Errno, byte[] Output) Invoke(string path, uint number, ReadOnlySpan<byte> argument)
    {
        bool control = Path.GetFileName(path) == "vdm";
        using var file = PosixFile.Open(path, control ? Libc.O_RDWR : Libc.O_RDONLY);
        var buffer = argument.ToArray();
        int errno = Invoke(file.Descriptor, number, buffer);
        return (errno, buffer);
    }

    /// <summary>One ioctl on an open descriptor with <paramref name="buffer"/> as its argument; returns 0 or the errno.</summary>
    public static int Invoke(int fd, uint number, byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            int result = Libc.Ioctl(fd, number, p);
            return result < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }
}
