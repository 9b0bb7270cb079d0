using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace VdmFuse.Fuse.Tests.Support;

/// <summary>
/// A SOCK_SEQPACKET socket pair standing in for /dev/fuse: it keeps message boundaries, so one write is one
/// request and one read one reply. The session serves <see cref="SessionFd"/>; the test plays the kernel on the other end.
/// </summary>
internal sealed unsafe class SocketPairDevice : IDisposable
{
    private readonly int _kernelFd;
    private bool _kernelClosed;

    public SocketPairDevice()
    {
        int* pair = stackalloc int[2];
        Assert.Equal(0, LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair));
        SessionFd = pair[0];
        _kernelFd = pair[1];
    }

    public int SessionFd { get; }

    public void Send(byte[] request)
    {
        fixed (byte* p = request)
        {
            Assert.Equal(request.Length, (int)(long)LibC.write(_kernelFd, p, request.Length));
        }
    }

    /// <summary>The next reply, or null if none arrives within <paramref name="timeoutMs"/>.</summary>
    public byte[]? TryReceive(int timeoutMs = 5000)
    {
        var fd = new pollfd { fd = _kernelFd, events = LibC.POLLIN };
        if (LibC.poll(&fd, 1, timeoutMs) <= 0)
        {
            return null;
        }
        var buffer = new byte[1 << 20];
        fixed (byte* p = buffer)
        {
            long n = LibC.read(_kernelFd, p, buffer.Length);
            Assert.True(n >= 0, $"read failed: {Marshal.GetLastPInvokeError()}");
            return buffer[..(int)n];
        }
    }

    public Reply Receive(int timeoutMs = 5000) => new(TryReceive(timeoutMs) ?? throw new TimeoutException("no reply from the session"));

    /// <summary>Closes the test's end: the session then reads end of file.</summary>
    public void CloseKernelEnd()
    {
        if (!_kernelClosed)
        {
            _kernelClosed = true;
            LibC.close(_kernelFd);
        }
    }

    public void Dispose()
    {
        CloseKernelEnd();
        LibC.close(SessionFd);
    }

    /// <summary>A raw reply: the 16-byte header and the payload.</summary>
    public sealed record Reply(byte[] Raw)
    {
        public uint Len => BinaryPrimitives.ReadUInt32LittleEndian(Raw);
        public int Error => BinaryPrimitives.ReadInt32LittleEndian(Raw.AsSpan(4));
        public ulong Unique => BinaryPrimitives.ReadUInt64LittleEndian(Raw.AsSpan(8));
        public byte[] Payload => Raw[16..];
        public uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(Payload.AsSpan(offset));
        public ushort U16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(Payload.AsSpan(offset));
        public ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(Payload.AsSpan(offset));
    }
}
