using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;
using VdmFuse.Fuse.Protocol;
using VdmFuse.Native;

namespace VdmFuse.Fuse.Session;

/// <summary>Parsing a request, handling the protocol's own opcodes and calling the file system for the rest.</summary>
public sealed partial class FuseSession
{
    private readonly HashSet<uint> _unsupportedLogged = [];

    private void Dispatch(RequestBuffer buffer)
    {
        var parsed = FuseRequestParser.Parse(buffer.Request);
        if (parsed.Status == ParseStatus.Dropped)
        {
            Log.Warn("Dropped a malformed FUSE request: {0}", parsed.Problem);
            ReleaseBuffer(buffer);
            return;
        }
        var header = parsed.Header;
        Statistics.CountRequest(header.opcode);
        if (Log.IsTraceEnabled)
        {
            Log.Trace("request {0} unique={1} node={2} uid={3} pid={4} len={5}", parsed.Opcode, header.unique, header.nodeid,
                header.uid, header.pid, header.len);
        }
        var request = new FuseRequest(this, buffer, header);
        if (parsed.Status == ParseStatus.Invalid)
        {
            Log.Warn("Malformed FUSE request {0} unique={1} answered EINVAL: {2}", parsed.Opcode, header.unique, parsed.Problem);
            request.ReplyError(Errno.EINVAL);
            return;
        }
        switch (parsed.Operation)
        {
            case ForgetOperation forget:
                CallFileSystem("Forget", () => _fileSystem.Forget(request.Node, forget.Lookups));
                ReleaseBuffer(buffer);
                return;
            case BatchForgetOperation batch:
                foreach (var item in batch.Items)
                {
                    CallFileSystem("Forget", () => _fileSystem.Forget(item.Node, item.Lookups));
                }
                ReleaseBuffer(buffer);
                return;
            case InterruptOperation interrupt:
                // INTERRUPT gets no reply. A request whose handler made it interruptible is cancelled (its handler then
                // answers EINTR); any other, unknown or already answered, goes on to its normal reply.
                Interrupt(interrupt.Unique);
                ReleaseBuffer(buffer);
                return;
            case InitOperation init:
                HandleInit(request, init);
                return;
            case DestroyOperation:
                _destroyed = true;
                CallFileSystem("Destroy", _fileSystem.Destroy);
                request.ReplyEmpty();
                _stopRequested = true;
                return;
            case UnsupportedOperation:
                if (_unsupportedLogged.Add(header.opcode))
                {
                    Log.Info("FUSE opcode {0} is not implemented; answering ENOSYS", parsed.Opcode);
                }
                request.ReplyError(Errno.ENOSYS);
                return;
        }
        ValueTask pending;
        try
        {
            pending = Invoke(request, parsed.Operation!);
        }
        catch (Exception e)
        {
            Statistics.CountReply(inline: true);
            Fail(request, e);
            return;
        }
        Statistics.CountReply(inline: request.Replied);
        if (pending.IsCompleted)
        {
            Complete(request, pending);
        }
        else
        {
            _ = CompleteLaterAsync(request, pending);
        }
    }

    private ValueTask Invoke(FuseRequest request, FuseOperation operation)
    {
        var fs = _fileSystem;
        var node = request.Node;
        var opcode = request.OpcodeName;
        switch (operation)
        {
            case LookupOperation lookup:
                return fs.Lookup(request, node, lookup.Name);
            case GetAttrOperation getattr:
                return fs.GetAttr(request, node, getattr.Fh);
            case SetAttrOperation setattr:
                return fs.SetAttr(request, node, setattr.Attr);
            case OpenOperation open:
                return opcode == fuse_opcode.FUSE_OPENDIR ? fs.OpenDir(request, node, open.Flags) : fs.Open(request, node, open.Flags);
            case ReadOperation read:
                request.RequestedSize = read.Size;
                return opcode == fuse_opcode.FUSE_READ
                    ? fs.Read(request, node, read.Fh, read.Offset, read.Size, read.Flags)
                    : fs.ReadDir(request, node, read.Fh, read.Offset, read.Size, opcode == fuse_opcode.FUSE_READDIRPLUS);
            case WriteOperation write:
                return fs.Write(request, node, write.Fh, write.Offset, request.Buffer.RequestMemory(write.DataOffset, write.Size),
                    write.WriteFlags, write.Flags);
            case ReleaseOperation release:
                return opcode == fuse_opcode.FUSE_RELEASEDIR ? fs.ReleaseDir(request, node, release.Fh) : fs.Release(request, node, release.Fh, release.Flags);
            case FlushOperation flush:
                return fs.Flush(request, node, flush.Fh);
            case FsyncOperation fsync:
                return fs.Fsync(request, node, fsync.Fh, fsync.DataOnly);
            case StatFsOperation:
                return fs.StatFs(request, node);
            case AccessOperation access:
                return fs.Access(request, node, access.Mask);
            case GetXattrOperation getxattr:
                return fs.GetXattr(request, node, getxattr.Name, getxattr.Size);
            case ListXattrOperation listxattr:
                return fs.ListXattr(request, node, listxattr.Size);
            case IoctlOperation ioctl:
                request.RequestedSize = (int)Math.Min(ioctl.OutSize, int.MaxValue);
                return fs.Ioctl(request, node, new IoctlRequest(ioctl.Fh, ioctl.Flags, ioctl.Cmd, ioctl.Arg, ioctl.InSize, ioctl.OutSize,
                    request.Buffer.RequestMemory(ioctl.InputOffset, (int)ioctl.InSize)));
            case LseekOperation lseek:
                return fs.Lseek(request, node, lseek.Fh, lseek.Offset, lseek.Whence);
            default:
                throw new InvalidOperationException($"No handler for parsed operation {operation.GetType().Name}.");
        }
    }

    private void HandleInit(FuseRequest request, InitOperation init)
    {
        var agreement = InitNegotiation.Negotiate(init, AdditionalInitFlags);
        if (agreement.Error != 0)
        {
            Log.Error("The kernel speaks FUSE {0}.{1}; this server needs 7.x", init.Major, init.Minor);
            request.ReplyError(agreement.Error);
            return;
        }
        var reply = agreement.Reply;
        var bytes = FuseReplyEncoder.Bytes(ref reply)[..agreement.ReplySize];
        _negotiatedMinor = agreement.Info.Minor;
        request.ReplyData(bytes);
        Log.Info("FUSE connection initialised: kernel {0}.{1}, agreed 7.{2}, flags 0x{3:x} of 0x{4:x} offered", init.Major, init.Minor,
            agreement.Info.Minor, agreement.Info.AgreedFlags, init.Flags);
        CallFileSystem("Init", () => _fileSystem.Init(agreement.Info));
    }

    private static void Complete(FuseRequest request, ValueTask pending)
    {
        try
        {
            pending.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Fail(request, e);
            return;
        }
        if (!request.Replied)
        {
            Log.Error("Handler of {0} unique={1} node={2} completed without a reply; answering EIO", request.OpcodeName, request.Unique, request.Node);
            request.ReplyError(Errno.EIO);
        }
    }

    private static async Task CompleteLaterAsync(FuseRequest request, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fail(request, e);
            return;
        }
        if (!request.Replied)
        {
            Log.Error("Handler of {0} unique={1} node={2} completed without a reply; answering EIO", request.OpcodeName, request.Unique, request.Node);
            request.ReplyError(Errno.EIO);
        }
    }

    /// <summary>The one place where a handler's exception becomes an errno.</summary>
    private static void Fail(FuseRequest request, Exception e)
    {
        if (request.Replied)
        {
            Log.Error(e, "Handler of {0} unique={1} node={2} threw after replying", request.OpcodeName, request.Unique, request.Node);
            return;
        }
        if (e is ErrnoException errnoException)
        {
            Log.Warn("{0} unique={1} node={2} failed with {3}: {4}", request.OpcodeName, request.Unique, request.Node,
                errnoException.ErrnoName, errnoException.Message);
            request.ReplyError(errnoException.Errno);
            return;
        }
        Log.Error(e, "Handler of {0} unique={1} node={2} threw; answering EIO", request.OpcodeName, request.Unique, request.Node);
        request.ReplyError(Errno.EIO);
    }
}
