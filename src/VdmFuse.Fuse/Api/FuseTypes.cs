namespace VdmFuse.Fuse.Api;

/// <summary>A FUSE node id. The root is 1.</summary>
public readonly record struct NodeId(ulong Value)
{
    /// <summary>The root directory's node id.</summary>
    public static readonly NodeId Root = new(1);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A file handle chosen by the file system in its OPEN or OPENDIR reply.</summary>
public readonly record struct FileHandle(ulong Value);

/// <summary>File attributes as FUSE sends them (struct fuse_attr).</summary>
public struct FuseAttr
{
    public ulong Ino;
    public ulong Size;
    public ulong Blocks;
    /// <summary>Times as Unix seconds and nanoseconds.</summary>
    public ulong Atime, Mtime, Ctime;
    public uint AtimeNsec, MtimeNsec, CtimeNsec;
    /// <summary>st_mode: type bits | permission bits (e.g. 0x8000 | 0o660).</summary>
    public uint Mode;
    public uint Nlink;
    public uint Uid, Gid;
    public uint Rdev;
    public uint BlkSize;
}

/// <summary>A LOOKUP reply (struct fuse_entry_out).</summary>
public struct FuseEntry
{
    public NodeId Node;
    public ulong Generation;
    public TimeSpan EntryTimeout;
    public TimeSpan AttrTimeout;
    public FuseAttr Attr;
}

/// <summary>FOPEN_* flags of an OPEN reply.</summary>
[Flags]
public enum OpenReplyFlags : uint
{
    None = 0,
    DirectIo = 1 << 0,
    KeepCache = 1 << 1,
    NonSeekable = 1 << 2,
    CacheDir = 1 << 3,
    Stream = 1 << 4,
    NoFlush = 1 << 5,
    ParallelDirectWrites = 1 << 6,
}

/// <summary>Which fields of a SETATTR request are valid (FATTR_*).</summary>
[Flags]
public enum SetAttrValid : uint
{
    None = 0,
    Mode = 1 << 0,
    Uid = 1 << 1,
    Gid = 1 << 2,
    Size = 1 << 3,
    Atime = 1 << 4,
    Mtime = 1 << 5,
    Fh = 1 << 6,
    AtimeNow = 1 << 7,
    MtimeNow = 1 << 8,
    LockOwner = 1 << 9,
    Ctime = 1 << 10,
    KillSuidGid = 1 << 11,
}

/// <summary>A SETATTR request (struct fuse_setattr_in).</summary>
public readonly record struct SetAttrRequest(SetAttrValid Valid, FileHandle Fh, ulong Size, uint Mode, uint Uid, uint Gid,
    ulong Atime, uint AtimeNsec, ulong Mtime, uint MtimeNsec);

/// <summary>A STATFS reply (struct fuse_kstatfs).</summary>
public struct FuseStatFs
{
    public ulong Blocks, BlocksFree, BlocksAvailable, Files, FilesFree;
    public uint BlockSize, NameLength, FragmentSize;
}

/// <summary>One directory entry offered to READDIR / READDIRPLUS.</summary>
/// <param name="Name">The entry name.</param>
/// <param name="Entry">Node id and attributes (attributes are sent only by READDIRPLUS).</param>
public readonly record struct DirEntry(string Name, FuseEntry Entry);

/// <summary>What the kernel offered and what was agreed at INIT.</summary>
public readonly record struct FuseInitInfo(uint Major, uint Minor, ulong KernelFlags, ulong AgreedFlags, uint MaxWrite, uint MaxReadahead);

/// <summary>An IOCTL request (struct fuse_ioctl_in plus the copied-in argument).</summary>
public readonly record struct IoctlRequest(FileHandle Fh, uint Flags, uint Cmd, ulong Arg, uint InSize, uint OutSize, ReadOnlyMemory<byte> Input);

/// <summary>
/// The file system a <see cref="Session.FuseSession"/> serves. Every method gets the request and must answer it
/// exactly once through one of the request's Reply methods, now or later (asynchronous work may reply from a
/// continuation on the session thread). A method that throws before replying has the exception logged with the
/// opcode and node and the request answered with the exception's errno (<see cref="VdmFuse.Native.ErrnoException"/>)
/// or EIO. Methods run on the session thread: they must not block on anything but local disk I/O, and must never
/// touch the file system's own mount.
/// </summary>
public interface IFuseFileSystem
{
    /// <summary>Called once after INIT has been answered.</summary>
    void Init(FuseInitInfo info);

    /// <summary>Called once on DESTROY or when the session ends.</summary>
    void Destroy();

    ValueTask Lookup(FuseRequest request, NodeId parent, string name);

    /// <summary>FORGET and each item of BATCH_FORGET. No reply is sent.</summary>
    void Forget(NodeId node, ulong lookups);

    ValueTask GetAttr(FuseRequest request, NodeId node, FileHandle? fh);

    ValueTask SetAttr(FuseRequest request, NodeId node, SetAttrRequest attr);

    /// <param name="request">The request to answer with <see cref="FuseRequest.ReplyOpen"/>.</param>
    /// <param name="node">The file being opened.</param>
    /// <param name="flags">The open(2) flags (O_ACCMODE, O_TRUNC, O_DIRECT ...).</param>
    ValueTask Open(FuseRequest request, NodeId node, int flags);

    /// <summary>Reply with <see cref="FuseRequest.ReplyData(ReadOnlySpan{byte})"/> or with the request's read buffer.</summary>
    ValueTask Read(FuseRequest request, NodeId node, FileHandle fh, long offset, int size, int flags);

    /// <param name="request">The request to answer with <see cref="FuseRequest.ReplyWrite"/>.</param>
    /// <param name="node">The file written.</param>
    /// <param name="fh">The handle from the OPEN reply.</param>
    /// <param name="offset">The byte offset in the file.</param>
    /// <param name="data">The payload; it starts on a 4096-aligned address and stays valid until the reply.</param>
    /// <param name="writeFlags">FUSE_WRITE_* flags (FUSE_WRITE_CACHE for page-cache writeback ...).</param>
    /// <param name="flags">The open(2) flags of the file description.</param>
    ValueTask Write(FuseRequest request, NodeId node, FileHandle fh, long offset, ReadOnlyMemory<byte> data, uint writeFlags, int flags);

    ValueTask Flush(FuseRequest request, NodeId node, FileHandle fh);

    ValueTask Fsync(FuseRequest request, NodeId node, FileHandle fh, bool dataOnly);

    ValueTask Release(FuseRequest request, NodeId node, FileHandle fh, int flags);

    ValueTask OpenDir(FuseRequest request, NodeId node, int flags);

    /// <summary>Reply with <see cref="FuseRequest.ReplyDirectory"/>; <paramref name="offset"/> is the index of the first entry wanted.</summary>
    ValueTask ReadDir(FuseRequest request, NodeId node, FileHandle fh, long offset, int size, bool plus);

    ValueTask ReleaseDir(FuseRequest request, NodeId node, FileHandle fh);

    ValueTask StatFs(FuseRequest request, NodeId node);

    ValueTask Access(FuseRequest request, NodeId node, int mask);

    /// <summary>size 0 asks for the value's size (<see cref="FuseRequest.ReplyXattrSize"/>); otherwise reply with the value or ERANGE.</summary>
    ValueTask GetXattr(FuseRequest request, NodeId node, string name, int size);

    /// <summary>size 0 asks for the list's size; otherwise reply with the NUL-separated names or ERANGE.</summary>
    ValueTask ListXattr(FuseRequest request, NodeId node, int size);

    ValueTask Ioctl(FuseRequest request, NodeId node, IoctlRequest ioctl);

    /// <param name="request">The request to answer with <see cref="FuseRequest.ReplyLseek"/>.</param>
    /// <param name="node">The file.</param>
    /// <param name="fh">The handle from the OPEN reply.</param>
    /// <param name="offset">The offset to seek from.</param>
    /// <param name="whence">SEEK_SET 0, SEEK_CUR 1, SEEK_END 2, SEEK_DATA 3, SEEK_HOLE 4.</param>
    ValueTask Lseek(FuseRequest request, NodeId node, FileHandle fh, long offset, int whence);
}
