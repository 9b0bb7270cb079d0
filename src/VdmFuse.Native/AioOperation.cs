using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace VdmFuse.Native;

/// <summary>
/// One asynchronous operation of an <see cref="AioContext"/>: its iocb in native memory (stable while
/// the kernel holds it) and the pooled source behind the ValueTask handed to the caller.
/// </summary>
internal sealed unsafe class AioOperation : IValueTaskSource<int>, IValueTaskSource
{
    private readonly AioContext _owner;
    private ManualResetValueTaskSourceCore<int> _core;

    public AioOperation(AioContext owner, int index)
    {
        _owner = owner;
        Index = index;
        Iocb = (Iocb*)NativeMemory.AlignedAlloc((nuint)sizeof(Iocb), 64);
        _core.RunContinuationsAsynchronously = false;
    }

    /// <summary>The position in the context's table, stored in iocb.aio_data.</summary>
    public int Index { get; }

    public Iocb* Iocb { get; private set; }

    /// <summary>True while the kernel holds the iocb.</summary>
    public bool Submitted { get; set; }

    public short Version => _core.Version;

    public void Prepare(IocbCommand command, int fd, nint buffer, int count, long offset, int eventFd)
    {
        *Iocb = new Iocb
        {
            Data = (ulong)Index,
            LioOpcode = (ushort)command,
            Fildes = (uint)fd,
            Buf = (ulong)buffer,
            NBytes = (ulong)count,
            Offset = offset,
            Flags = Interop.IOCB_FLAG_RESFD,
            ResFd = (uint)eventFd,
        };
    }

    /// <summary>A sentence describing the operation, for error messages.</summary>
    public string Describe()
    {
        var iocb = *Iocb;
        return (IocbCommand)iocb.LioOpcode switch
        {
            IocbCommand.PRead => $"asynchronous read of {iocb.NBytes} bytes at offset {iocb.Offset} on fd {iocb.Fildes}",
            IocbCommand.PWrite => $"asynchronous write of {iocb.NBytes} bytes at offset {iocb.Offset} on fd {iocb.Fildes}",
            _ => $"asynchronous fdatasync on fd {iocb.Fildes}",
        };
    }

    public void Complete(long result)
    {
        if (result < 0)
        {
            var errno = (int)-result;
            _core.SetException(new ErrnoException(errno, $"{Describe()} failed: {Errno.Name(errno)}"));
        }
        else
        {
            _core.SetResult((int)result);
        }
    }

    public void Fail(Exception error) => _core.SetException(error);

    public int GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _owner.ReturnOperation(this);
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    public void Free()
    {
        if (Iocb != null)
        {
            NativeMemory.AlignedFree(Iocb);
            Iocb = null;
        }
    }
}
