using Tmds.Linux;

namespace VdmFuse.Native;

/// <summary>
/// Linux native asynchronous I/O (io_setup/io_submit/io_getevents) driven by a single-threaded loop.
/// Completions are signalled on an eventfd (<see cref="PollFd"/>); their continuations run on the loop
/// thread inside <see cref="OnReadable"/>.
/// </summary>
/// <remarks>
/// <para>
/// Whoever runs the loop creates the context on the loop thread and sets <see cref="Current"/> there.
/// <see cref="BlockFile"/> I/O issued on that thread is then queued here instead of being done
/// synchronously, unless <see cref="PreferInline"/> is set. Queued operations go to the kernel with one
/// io_submit at <see cref="EndOfBurst"/>, and again at the end of every <see cref="OnReadable"/> for the
/// ones that continuations queued.
/// </para>
/// <para>
/// At most <see cref="Capacity"/> operations are in flight; the rest wait in a queue. All members are
/// called on the loop thread only; the caller's buffers must stay pinned until completion.
/// </para>
/// </remarks>
public sealed unsafe class AioContext : ILoopParticipant, IDisposable
{
    private const int ReapBatch = 64;

    [ThreadStatic]
    private static AioContext? t_current;

    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly List<AioOperation> _operations = [];
    private readonly Stack<AioOperation> _free = new();
    private readonly Queue<AioOperation> _pending = new();
    private readonly Iocb** _submitVector;
    private ulong _context;
    private int _eventFd;
    private int _inFlight;

    /// <summary>Creates a context for at most <paramref name="capacity"/> operations in flight.</summary>
    /// <exception cref="ErrnoException">io_setup or eventfd failed.</exception>
    public AioContext(int capacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        ulong context = 0;
        if (Interop.syscall(LibC.SYS_io_setup, capacity, (long)&context, 0, 0, 0) < 0)
        {
            var errno = Interop.LastErrno;
            throw new ErrnoException(errno, $"io_setup for {capacity} asynchronous operations failed: {Errno.Name(errno)} (see /proc/sys/fs/aio-max-nr)");
        }
        _context = context;
        _eventFd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (_eventFd < 0)
        {
            var errno = LibC.errno;
            Interop.syscall(LibC.SYS_io_destroy, (long)_context, 0, 0, 0, 0);
            throw new ErrnoException(errno, $"eventfd for asynchronous I/O failed: {Errno.Name(errno)}");
        }
        _submitVector = (Iocb**)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)capacity, (nuint)sizeof(Iocb*));
        Log.Debug("asynchronous I/O context created for {Capacity} operations, eventfd {EventFd}", capacity, _eventFd);
    }

    /// <summary>The context of the loop running on the calling thread, or null (I/O is then synchronous).</summary>
    public static AioContext? Current
    {
        get => t_current;
        set => t_current = value;
    }

    /// <summary>The most operations submitted to the kernel at once.</summary>
    public int Capacity { get; }

    /// <inheritdoc/>
    public int PollFd => _eventFd;

    /// <inheritdoc/>
    /// <remarks>The loop's wish is honoured in <see cref="IoMode.Hybrid"/>; the other modes fix the answer.</remarks>
    public bool PreferInline
    {
        get => Mode switch
        {
            IoMode.Inline => true,
            IoMode.Queued => false,
            _ => _preferInline,
        };
        set => _preferInline = value;
    }

    /// <summary>How disk I/O is issued; <see cref="IoMode.Hybrid"/> unless measuring the alternatives.</summary>
    public IoMode Mode { get; set; } = IoMode.Hybrid;

    private bool _preferInline;

    /// <inheritdoc/>
    public int InFlight => _inFlight;

    /// <summary>Number of operations queued and not yet submitted.</summary>
    public int Queued => _pending.Count;

    /// <summary>Queues a read of <paramref name="count"/> bytes into pinned memory at <paramref name="buffer"/>.</summary>
    internal ValueTask<int> ReadAsync(int fd, nint buffer, int count, long offset)
        => Enqueue(IocbCommand.PRead, fd, buffer, count, offset);

    /// <summary>Queues a write of <paramref name="count"/> bytes from pinned memory at <paramref name="buffer"/>.</summary>
    internal ValueTask<int> WriteAsync(int fd, nint buffer, int count, long offset)
        => Enqueue(IocbCommand.PWrite, fd, buffer, count, offset);

    /// <summary>Queues an fdatasync of <paramref name="fd"/>.</summary>
    internal ValueTask FlushAsync(int fd)
    {
        var operation = Prepare(IocbCommand.FDSync, fd, 0, 0, 0);
        return new ValueTask(operation, operation.Version);
    }

    /// <inheritdoc/>
    public void EndOfBurst() => Submit();

    /// <inheritdoc/>
    /// <remarks>Also submits whatever the continuations queued.</remarks>
    public void OnReadable()
    {
        ObjectDisposedException.ThrowIf(_eventFd < 0, this);
        ulong counter;
        LibC.read(_eventFd, &counter, sizeof(ulong));
        Reap();
        Submit();
    }

    private ValueTask<int> Enqueue(IocbCommand command, int fd, nint buffer, int count, long offset)
    {
        var operation = Prepare(command, fd, buffer, count, offset);
        return new ValueTask<int>(operation, operation.Version);
    }

    private AioOperation Prepare(IocbCommand command, int fd, nint buffer, int count, long offset)
    {
        ObjectDisposedException.ThrowIf(_eventFd < 0, this);
        AioOperation? operation;
        lock (_free)
        {
            _free.TryPop(out operation);
        }
        if (operation is null)
        {
            operation = new AioOperation(this, _operations.Count);
            _operations.Add(operation);
        }
        operation.Prepare(command, fd, buffer, count, offset, _eventFd);
        _pending.Enqueue(operation);
        return operation;
    }

    internal void ReturnOperation(AioOperation operation)
    {
        lock (_free)
        {
            _free.Push(operation);
        }
    }

    private void Submit()
    {
        while (_pending.Count > 0 && _inFlight < Capacity)
        {
            var batch = Math.Min(_pending.Count, Capacity - _inFlight);
            var i = 0;
            foreach (var operation in _pending)
            {
                if (i == batch)
                {
                    break;
                }
                _submitVector[i++] = operation.Iocb;
            }
            var submitted = Interop.syscall(LibC.SYS_io_submit, (long)_context, batch, (long)_submitVector, 0, 0);
            if (submitted < 0)
            {
                var errno = Interop.LastErrno;
                if (errno == Errno.EAGAIN && _inFlight > 0)
                {
                    return; // resources come back as completions are reaped
                }
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                // The first iocb was refused (bad descriptor, bad arguments): fail it alone and go on.
                var refused = _pending.Dequeue();
                refused.Fail(new ErrnoException(errno, $"{refused.Describe()} was refused: {Errno.Name(errno)}"));
                continue;
            }
            for (var n = 0; n < submitted; n++)
            {
                _pending.Dequeue().Submitted = true;
            }
            _inFlight += (int)submitted;
        }
    }

    private void Reap() => Reap(minimum: 0, timeoutSeconds: 0);

    /// <summary>Reaps completions until none is ready; waits up to the timeout for the first <paramref name="minimum"/>.</summary>
    private void Reap(int minimum, int timeoutSeconds)
    {
        var events = stackalloc IoEvent[ReapBatch];
        var completed = stackalloc IoEvent[ReapBatch];
        var timeout = new timespec { tv_sec = timeoutSeconds };
        while (_inFlight > 0)
        {
            var count = Interop.syscall(LibC.SYS_io_getevents, (long)_context, Math.Min(minimum, _inFlight), ReapBatch, (long)events, (long)&timeout);
            if (count < 0)
            {
                var errno = Interop.LastErrno;
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                throw new ErrnoException(errno, $"io_getevents failed: {Errno.Name(errno)}");
            }
            if (count == 0)
            {
                return;
            }
            // Copy out first: continuations may queue new operations, reuse these, or reap re-entrantly.
            new Span<IoEvent>(events, (int)count).CopyTo(new Span<IoEvent>(completed, (int)count));
            _inFlight -= (int)count;
            for (var i = 0; i < count; i++)
            {
                var operation = _operations[(int)completed[i].Data];
                operation.Submitted = false;
                operation.Complete(completed[i].Res);
            }
        }
    }

    /// <summary>
    /// Waits for every operation in flight (io_destroy), fails those still queued with ECANCELED and
    /// releases the context.
    /// </summary>
    public void Dispose()
    {
        if (_eventFd < 0)
        {
            return;
        }
        Reap(minimum: 1, timeoutSeconds: 10);
        Interop.syscall(LibC.SYS_io_destroy, (long)_context, 0, 0, 0, 0);
        _context = 0;
        foreach (var operation in _operations.Where(o => o.Submitted).ToList())
        {
            operation.Submitted = false;
            operation.Fail(new ErrnoException(Errno.ECANCELED, $"{operation.Describe()} was abandoned: the asynchronous I/O context was closed"));
        }
        while (_pending.TryDequeue(out var operation))
        {
            operation.Fail(new ErrnoException(Errno.ECANCELED, $"{operation.Describe()} was cancelled: the asynchronous I/O context was closed"));
        }
        LibC.close(_eventFd);
        _eventFd = -1;
        foreach (var operation in _operations)
        {
            operation.Free();
        }
        System.Runtime.InteropServices.NativeMemory.Free(_submitVector);
        if (ReferenceEquals(t_current, this))
        {
            t_current = null;
        }
    }
}
