using System.Runtime.InteropServices;
using Tmds.Linux;
using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;
using VdmFuse.Fuse.Protocol;
using VdmFuse.Fuse.Transport;
using VdmFuse.Native;

namespace VdmFuse.Fuse.Session;

/// <summary>
/// Serves one FUSE connection on one thread. The device descriptor is switched to O_NONBLOCK and polled
/// together with the I/O context's descriptor and a stop eventfd; when the device is readable a burst of up
/// to 64 requests is read, each into its own page-aligned buffer, then dispatched; the I/O context is told
/// to submit what the burst queued. Replies go out with one writev each, on the thread that makes them.
/// </summary>
/// <remarks>
/// Only the one descriptor is used (no clones) and no per-request state lives outside the request, so that a
/// later daemon can take the same descriptor over and have unanswered requests resent (FUSE_NOTIFY_RESEND).
/// The session does not own the descriptor.
/// </remarks>
public sealed partial class FuseSession : IDisposable
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    /// <summary>The most requests read in one burst.</summary>
    public const int MaxBurst = 64;

    private readonly FuseDevice _device;
    private readonly IFuseFileSystem _fileSystem;
    private readonly ILoopParticipant? _io;
    private readonly RequestBufferPool _pool;
    private readonly List<RequestBuffer> _burst = new(MaxBurst);
    private readonly int _wakeFd;
    private volatile bool _stopRequested;
    private int _running;
    private int _disposed;
    private volatile uint _negotiatedMinor;
    private bool _destroyed;

    /// <summary>Creates a session over an open /dev/fuse descriptor (or any descriptor that keeps message boundaries).</summary>
    /// <param name="deviceFd">The device descriptor; the session does not close it.</param>
    /// <param name="fileSystem">The file system that answers the requests.</param>
    /// <param name="io">An asynchronous I/O context polled by the same loop, or null.</param>
    public FuseSession(int deviceFd, IFuseFileSystem fileSystem, ILoopParticipant? io = null)
        : this(deviceFd, fileSystem, io, MaxBurst + 8)
    {
    }

    internal FuseSession(int deviceFd, IFuseFileSystem fileSystem, ILoopParticipant? io, int bufferCount)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        _device = new FuseDevice(deviceFd);
        _fileSystem = fileSystem;
        _io = io;
        _pool = new RequestBufferPool(bufferCount);
        _wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (_wakeFd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new ErrnoException(errno, $"Cannot create the wake-up eventfd of the FUSE session on descriptor {deviceFd}: {Errno.Name(errno)}.");
        }
    }

    /// <summary>Counters for benchmarks and documentation.</summary>
    public FuseSessionStatistics Statistics { get; } = new();

    /// <summary>
    /// INIT flags to ask for in addition to the defaults (ASYNC_READ, BIG_WRITES, MAX_PAGES, ASYNC_DIO,
    /// PARALLEL_DIROPS, AUTO_INVAL_DATA, INIT_EXT), e.g. FUSE_DO_READDIRPLUS (1 &lt;&lt; 13). Only flags the
    /// kernel offers are agreed. Set before <see cref="Run"/>.
    /// </summary>
    public ulong AdditionalInitFlags { get; set; }

    /// <summary>The protocol minor version agreed at INIT; 0 before.</summary>
    public uint NegotiatedMinor => _negotiatedMinor;

    /// <summary>
    /// Runs the loop on the calling thread until the device reports ENODEV (unmounted or aborted), DESTROY
    /// is answered, or <see cref="Stop"/> is called. Calls <see cref="IFuseFileSystem.Destroy"/> once at the end.
    /// </summary>
    /// <exception cref="ErrnoException">The descriptor cannot be polled or read for a reason other than the end of the mount.</exception>
    public unsafe void Run()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The FUSE session is already running.");
        }
        try
        {
            _device.SetNonBlocking();
            var fds = stackalloc pollfd[3];
            int count = _io is null ? 2 : 3;
            bool wasStarved = false;
            while (!_stopRequested)
            {
                bool canRead = _pool.HasFree;
                if (!canRead && !wasStarved)
                {
                    Statistics.CountStarvation();
                }
                wasStarved = !canRead;
                fds[0] = new pollfd { fd = canRead ? _device.Fd : -1, events = LibC.POLLIN };
                fds[1] = new pollfd { fd = _wakeFd, events = LibC.POLLIN };
                if (_io is not null)
                {
                    fds[2] = new pollfd { fd = _io.PollFd, events = LibC.POLLIN };
                }
                if (NativeMethods.poll(fds, (nuint)count, -1) < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }
                    throw new ErrnoException(errno, $"Cannot poll FUSE device descriptor {_device.Fd}: {Errno.Name(errno)}.");
                }
                if (fds[1].revents != 0)
                {
                    DrainWakeups();
                }
                if (_stopRequested)
                {
                    break;
                }
                if (_io is not null && fds[2].revents != 0)
                {
                    _io.OnReadable();
                }
                if (fds[0].revents != 0 && !ReadBurst())
                {
                    break;
                }
            }
        }
        finally
        {
            if (!_destroyed)
            {
                _destroyed = true;
                CallFileSystem("Destroy", _fileSystem.Destroy);
            }
            Log.Debug("FUSE session on descriptor {0} ended: {1}", _device.Fd, Statistics);
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Makes <see cref="Run"/> return soon. Thread-safe; requests being served keep their buffers.</summary>
    public void Stop()
    {
        _stopRequested = true;
        Wake();
    }

    /// <summary>
    /// Tells the kernel to drop cached data of <paramref name="node"/> from <paramref name="offset"/> for
    /// <paramref name="length"/> bytes (0 = to the end; a negative offset drops only the attributes).
    /// Thread-safe. Returns false when the kernel does not support it or refuses (the node is not cached).
    /// </summary>
    public bool NotifyInvalInode(NodeId node, long offset, long length)
    {
        if (_negotiatedMinor < 12)
        {
            return false;
        }
        var body = FuseReplyEncoder.InvalInode(node, offset, length);
        int errno = _device.Send(0, (int)fuse_notify_code.FUSE_NOTIFY_INVAL_INODE, FuseReplyEncoder.Bytes(ref body));
        if (errno != 0)
        {
            Log.Debug("FUSE_NOTIFY_INVAL_INODE of node {0} failed with {1}", node, Errno.Name(errno));
            return false;
        }
        return true;
    }

    /// <summary>Closes the wake-up eventfd and frees idle buffers. Call after <see cref="Run"/> has returned.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopRequested = true;
        _pool.Dispose();
        LibC.close(_wakeFd);
    }

    /// <summary>Reads one burst and dispatches it; false when the device has ended.</summary>
    private unsafe bool ReadBurst()
    {
        var burst = _burst;
        burst.Clear();
        bool ended = false;
        while (burst.Count < MaxBurst)
        {
            var buffer = _pool.TryRent();
            if (buffer is null)
            {
                break;
            }
            int n = _device.Read(buffer.ReadPointer, RequestBuffer.ReadCapacity, out int errno);
            if (n > 0)
            {
                buffer.Length = n;
                burst.Add(buffer);
                continue;
            }
            _pool.Return(buffer);
            if (n == 0)
            {
                Log.Debug("FUSE device descriptor {0} reached end of file", _device.Fd);
                ended = true;
                break;
            }
            if (errno == Errno.EINTR || errno == Errno.ENOENT)
            {
                continue;
            }
            if (errno == Errno.EAGAIN)
            {
                break;
            }
            if (errno == Errno.ENODEV)
            {
                Log.Debug("FUSE device descriptor {0} says ENODEV: unmounted or aborted", _device.Fd);
            }
            else
            {
                Log.Error("Reading FUSE device descriptor {0} failed with {1}; ending the session", _device.Fd, Errno.Name(errno));
            }
            ended = true;
            break;
        }
        if (burst.Count > 0)
        {
            Statistics.CountBurst(burst.Count);
            if (_io is not null)
            {
                _io.PreferInline = burst.Count == 1 && _io.InFlight == 0;
            }
            foreach (var buffer in burst)
            {
                Dispatch(buffer);
            }
            burst.Clear();
            _io?.EndOfBurst();
        }
        return !ended && !_stopRequested;
    }

    /// <summary>Sends a reply for <paramref name="request"/> (already claimed) and releases its buffer.</summary>
    internal void SendReply(FuseRequest request, int error, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2)
    {
        int errno = _device.Send(request.Unique, error, part1, part2);
        if (Log.IsTraceEnabled)
        {
            Log.Trace("reply unique={0} error={1} length={2}{3}", request.Unique, error, 16 + part1.Length + part2.Length,
                errno == 0 ? "" : " failed: " + Errno.Name(errno));
        }
        if (errno != 0 && errno != Errno.ENOENT)
        {
            if (errno == Errno.ENODEV || errno == Errno.EBADF)
            {
                Log.Debug("Reply to {0} unique={1} not delivered: {2}", request.OpcodeName, request.Unique, Errno.Name(errno));
            }
            else
            {
                Log.Error("Reply to {0} unique={1} rejected by the kernel with {2}", request.OpcodeName, request.Unique, Errno.Name(errno));
            }
        }
        ReleaseBuffer(request.Buffer);
    }

    private void ReleaseBuffer(RequestBuffer buffer)
    {
        if (_pool.Return(buffer))
        {
            Wake();
        }
    }

    private void Wake()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        ulong one = 1;
        unsafe
        {
            LibC.write(_wakeFd, &one, sizeof(ulong));
        }
    }

    private unsafe void DrainWakeups()
    {
        ulong value;
        LibC.read(_wakeFd, &value, sizeof(ulong));
    }

    private static void CallFileSystem(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Log.Error(e, "The file system's {0} threw", what);
        }
    }
}
