using VdmFuse.Fuse.Protocol;
using VdmFuse.Native;

namespace VdmFuse.Fuse.Api;

/// <summary>
/// One request read from /dev/fuse, and the only way to answer it. Exactly one Reply method may be
/// called, once; a second reply is a bug that is logged and dropped. The request's buffer (holding a
/// WRITE payload) stays valid until the reply has been sent.
/// </summary>
/// <remarks>THIS FILE IS A CONTRACT: the session implementation fills in the bodies; signatures stay.</remarks>
public sealed partial class FuseRequest
{
    /// <summary>The kernel's request id.</summary>
    public ulong Unique => _header.unique;

    /// <summary>The opcode (FUSE_LOOKUP = 1 ...).</summary>
    public uint Opcode => _header.opcode;

    /// <summary>The calling process's uid, gid and pid, from the request header.</summary>
    public uint Uid => _header.uid;

    public uint Gid => _header.gid;

    public uint Pid => _header.pid;

    /// <summary>True once a reply has been sent.</summary>
    public bool Replied => Volatile.Read(ref _replied) != 0;

    public void ReplyError(int errno)
    {
        if (errno <= 0)
        {
            Log.Error("{0} unique={1} answered with errno {2}; sending EIO", OpcodeName, Unique, errno);
            errno = Errno.EIO;
        }
        Send(-errno);
    }

    public void ReplyEntry(in FuseEntry entry)
    {
        var reply = FuseReplyEncoder.Entry(entry);
        Send(0, FuseReplyEncoder.Bytes(ref reply));
    }

    public void ReplyAttr(in FuseAttr attr, TimeSpan timeout)
    {
        var reply = FuseReplyEncoder.AttrOut(attr, timeout);
        Send(0, FuseReplyEncoder.Bytes(ref reply));
    }

    public void ReplyOpen(FileHandle fh, OpenReplyFlags flags)
    {
        var reply = FuseReplyEncoder.Open(fh, flags);
        Send(0, FuseReplyEncoder.Bytes(ref reply));
    }

    /// <summary>Sends raw reply data (READ, GETXATTR, LISTXATTR values).</summary>
    public void ReplyData(ReadOnlySpan<byte> data) => Send(0, data);

    /// <summary>
    /// A 4096-aligned buffer of at least <paramref name="size"/> bytes, owned by this request, for a READ
    /// to fill (O_DIRECT needs no bounce). Answer with <see cref="ReplyReadBuffer"/>.
    /// </summary>
    public Memory<byte> GetReadBuffer(int size)
    {
        ThrowIfReplied();
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Session.RequestBuffer.ReplyCapacity);
        _readBufferLength = size;
        return _buffer.ReplyMemory(size);
    }

    /// <summary>Sends the first <paramref name="length"/> bytes of the buffer from <see cref="GetReadBuffer"/>.</summary>
    public void ReplyReadBuffer(int length)
    {
        if (_readBufferLength < 0)
        {
            throw new InvalidOperationException($"{OpcodeName} unique={Unique}: ReplyReadBuffer without GetReadBuffer.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _readBufferLength);
        if (Claim())
        {
            _session.SendReply(this, 0, _buffer.ReplySpan(length), default);
        }
    }

    public void ReplyWrite(uint size)
    {
        var reply = FuseReplyEncoder.Write(size);
        Send(0, FuseReplyEncoder.Bytes(ref reply));
    }

    /// <summary>A reply with no payload (FLUSH, FSYNC, RELEASE, RELEASEDIR, ACCESS, SETXATTR ...).</summary>
    public void ReplyEmpty() => Send(0);

    public void ReplyStatFs(in FuseStatFs statfs)
    {
        var reply = FuseReplyEncoder.StatFs(statfs);
        Send(0, FuseReplyEncoder.Bytes(ref reply));
    }

    public void ReplyXattrSize(uint size)
    {
        var reply = FuseReplyEncoder.XattrSize(size);
        Send(0, FuseReplyEncoder.Bytes(ref reply));
    }

    /// <summary>Encodes entries from index <paramref name="offset"/> on, as many as fit in the request's size.</summary>
    public void ReplyDirectory(IReadOnlyList<DirEntry> entries, long offset)
    {
        ThrowIfReplied();
        bool plus = OpcodeName == Abi.fuse_opcode.FUSE_READDIRPLUS;
        int size = Math.Min(RequestedSize, Session.RequestBuffer.ReplyCapacity);
        var area = _buffer.ReplySpan(size);
        int length = DirectoryEncoder.Encode(area, entries, offset, plus);
        if (Claim())
        {
            _session.SendReply(this, 0, area[..length], default);
        }
    }

    /// <summary>An IOCTL reply: the result (the syscall's return value) and at most out_size bytes.</summary>
    public void ReplyIoctl(int result, ReadOnlySpan<byte> output)
    {
        if (output.Length > RequestedSize)
        {
            Log.Error("IOCTL unique={0} answered with {1} bytes but the caller takes {2}; truncated", Unique, output.Length, RequestedSize);
            output = output[..RequestedSize];
        }
        var reply = FuseReplyEncoder.Ioctl(result);
        Send(0, FuseReplyEncoder.Bytes(ref reply), output);
    }

    public void ReplyLseek(long offset)
    {
        var reply = FuseReplyEncoder.Lseek(offset);
        Send(0, FuseReplyEncoder.Bytes(ref reply));
    }
}
