using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Session;

namespace VdmFuse.Fuse.Api;

/// <summary>The state behind a request: its header, its buffer and the session that answers it.</summary>
public sealed partial class FuseRequest
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly FuseSession _session;
    private readonly RequestBuffer _buffer;
    private readonly fuse_in_header _header;
    private int _replied;
    private int _readBufferLength = -1;
    private CancellationTokenSource? _interrupt;

    internal FuseRequest(FuseSession session, RequestBuffer buffer, in fuse_in_header header)
    {
        _session = session;
        _buffer = buffer;
        _header = header;
    }

    /// <summary>The node the request is about (the header's nodeid).</summary>
    public NodeId Node => new(_header.nodeid);

    /// <summary>The size a READ, READDIR or READDIRPLUS asked for (bounds directory replies), or an IOCTL's out_size.</summary>
    internal int RequestedSize { get; set; }

    internal RequestBuffer Buffer => _buffer;

    internal fuse_opcode OpcodeName => (fuse_opcode)_header.opcode;

    /// <summary>
    /// A token cancelled when the kernel interrupts this request (FUSE_INTERRUPT: the caller got a signal). Reading it
    /// makes the request interruptible: the session keeps its unique until the reply, and an INTERRUPT for it cancels
    /// the token; the handler should then answer EINTR. Requests whose handler never reads it ignore INTERRUPT.
    /// </summary>
    public CancellationToken Interrupted
    {
        get
        {
            if (Volatile.Read(ref _interrupt) is { } existing)
            {
                return existing.Token;
            }
            var created = new CancellationTokenSource();
            var source = Interlocked.CompareExchange(ref _interrupt, created, null) ?? created;
            if (source == created && !Replied)
            {
                _session.RegisterInterruptible(Unique, created);
                if (Replied)
                {
                    // Answered meanwhile: Claim may have looked before the registration.
                    _session.UnregisterInterruptible(Unique);
                }
            }
            return source.Token;
        }
    }

    /// <summary>Claims the right to reply; false (and an error logged) if a reply was already sent.</summary>
    private bool Claim()
    {
        if (Interlocked.Exchange(ref _replied, 1) == 0)
        {
            if (Volatile.Read(ref _interrupt) is not null)
            {
                _session.UnregisterInterruptible(Unique);
            }
            return true;
        }
        Log.Error("Second reply to {0} unique={1} node={2} dropped", OpcodeName, _header.unique, _header.nodeid);
        return false;
    }

    private void Send(int error, ReadOnlySpan<byte> part1 = default, ReadOnlySpan<byte> part2 = default)
    {
        if (Claim())
        {
            _session.SendReply(this, error, part1, part2);
        }
    }

    private void ThrowIfReplied()
    {
        if (Volatile.Read(ref _replied) != 0)
        {
            throw new InvalidOperationException($"{OpcodeName} unique={_header.unique} has already been answered.");
        }
    }
}
