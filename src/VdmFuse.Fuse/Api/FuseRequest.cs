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
    public ulong Unique => throw new NotImplementedException();

    /// <summary>The opcode (FUSE_LOOKUP = 1 ...).</summary>
    public uint Opcode => throw new NotImplementedException();

    /// <summary>The calling process's uid, gid and pid, from the request header.</summary>
    public uint Uid => throw new NotImplementedException();

    public uint Gid => throw new NotImplementedException();

    public uint Pid => throw new NotImplementedException();

    /// <summary>True once a reply has been sent.</summary>
    public bool Replied => throw new NotImplementedException();

    public void ReplyError(int errno) => throw new NotImplementedException();

    public void ReplyEntry(in FuseEntry entry) => throw new NotImplementedException();

    public void ReplyAttr(in FuseAttr attr, TimeSpan timeout) => throw new NotImplementedException();

    public void ReplyOpen(FileHandle fh, OpenReplyFlags flags) => throw new NotImplementedException();

    /// <summary>Sends raw reply data (READ, GETXATTR, LISTXATTR values).</summary>
    public void ReplyData(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>
    /// A 4096-aligned buffer of at least <paramref name="size"/> bytes, owned by this request, for a READ
    /// to fill (O_DIRECT needs no bounce). Answer with <see cref="ReplyReadBuffer"/>.
    /// </summary>
    public Memory<byte> GetReadBuffer(int size) => throw new NotImplementedException();

    /// <summary>Sends the first <paramref name="length"/> bytes of the buffer from <see cref="GetReadBuffer"/>.</summary>
    public void ReplyReadBuffer(int length) => throw new NotImplementedException();

    public void ReplyWrite(uint size) => throw new NotImplementedException();

    /// <summary>A reply with no payload (FLUSH, FSYNC, RELEASE, RELEASEDIR, ACCESS, SETXATTR ...).</summary>
    public void ReplyEmpty() => throw new NotImplementedException();

    public void ReplyStatFs(in FuseStatFs statfs) => throw new NotImplementedException();

    public void ReplyXattrSize(uint size) => throw new NotImplementedException();

    /// <summary>Encodes entries from index <paramref name="offset"/> on, as many as fit in the request's size.</summary>
    public void ReplyDirectory(IReadOnlyList<DirEntry> entries, long offset) => throw new NotImplementedException();

    /// <summary>An IOCTL reply: the result (the syscall's return value) and at most out_size bytes.</summary>
    public void ReplyIoctl(int result, ReadOnlySpan<byte> output) => throw new NotImplementedException();

    public void ReplyLseek(long offset) => throw new NotImplementedException();
}
