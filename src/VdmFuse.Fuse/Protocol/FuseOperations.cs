using VdmFuse.Fuse.Api;

namespace VdmFuse.Fuse.Protocol;

/// <summary>The typed body of one request, as parsed from the bytes after the header.</summary>
internal abstract record FuseOperation;

/// <summary>LOOKUP: a name in the directory named by the header's node.</summary>
internal sealed record LookupOperation(string Name) : FuseOperation;

/// <summary>FORGET: drop <paramref name="Lookups"/> lookups of the header's node. No reply.</summary>
internal sealed record ForgetOperation(ulong Lookups) : FuseOperation;

/// <summary>One item of BATCH_FORGET.</summary>
internal readonly record struct ForgetItem(NodeId Node, ulong Lookups);

/// <summary>BATCH_FORGET: several FORGETs in one request. No reply.</summary>
internal sealed record BatchForgetOperation(ForgetItem[] Items) : FuseOperation;

/// <summary>GETATTR, with the file handle when the kernel sent one.</summary>
internal sealed record GetAttrOperation(FileHandle? Fh) : FuseOperation;

/// <summary>SETATTR.</summary>
internal sealed record SetAttrOperation(SetAttrRequest Attr) : FuseOperation;

/// <summary>OPEN or OPENDIR with the open(2) flags.</summary>
internal sealed record OpenOperation(int Flags) : FuseOperation;

/// <summary>READ, READDIR or READDIRPLUS (all carry struct fuse_read_in).</summary>
internal sealed record ReadOperation(FileHandle Fh, long Offset, int Size, int Flags) : FuseOperation;

/// <summary>WRITE; the payload is <paramref name="Size"/> bytes at <paramref name="DataOffset"/> of the request.</summary>
internal sealed record WriteOperation(FileHandle Fh, long Offset, int Size, uint WriteFlags, int Flags, int DataOffset) : FuseOperation;

/// <summary>RELEASE or RELEASEDIR.</summary>
internal sealed record ReleaseOperation(FileHandle Fh, int Flags, uint ReleaseFlags) : FuseOperation;

/// <summary>FLUSH.</summary>
internal sealed record FlushOperation(FileHandle Fh) : FuseOperation;

/// <summary>FSYNC; <paramref name="DataOnly"/> for fdatasync.</summary>
internal sealed record FsyncOperation(FileHandle Fh, bool DataOnly) : FuseOperation;

/// <summary>STATFS (no body).</summary>
internal sealed record StatFsOperation : FuseOperation
{
    public static readonly StatFsOperation Instance = new();
}

/// <summary>ACCESS with the access(2) mask.</summary>
internal sealed record AccessOperation(int Mask) : FuseOperation;

/// <summary>GETXATTR; size 0 asks for the value's size.</summary>
internal sealed record GetXattrOperation(string Name, int Size) : FuseOperation;

/// <summary>LISTXATTR; size 0 asks for the list's size.</summary>
internal sealed record ListXattrOperation(int Size) : FuseOperation;

/// <summary>IOCTL; the copied-in argument is <paramref name="InSize"/> bytes at <paramref name="InputOffset"/> of the request.</summary>
internal sealed record IoctlOperation(FileHandle Fh, uint Flags, uint Cmd, ulong Arg, uint InSize, uint OutSize, int InputOffset) : FuseOperation;

/// <summary>LSEEK.</summary>
internal sealed record LseekOperation(FileHandle Fh, long Offset, int Whence) : FuseOperation;

/// <summary>INIT: what the kernel speaks and offers. <paramref name="Flags"/> includes flags2 (bits 32..63) when INIT_EXT is set.</summary>
internal sealed record InitOperation(uint Major, uint Minor, uint MaxReadahead, ulong Flags) : FuseOperation;

/// <summary>INTERRUPT of the request with the given unique. Ignored: no reply.</summary>
internal sealed record InterruptOperation(ulong Unique) : FuseOperation;

/// <summary>DESTROY: the file system is being unmounted.</summary>
internal sealed record DestroyOperation : FuseOperation
{
    public static readonly DestroyOperation Instance = new();
}

/// <summary>An opcode this server does not implement; answered ENOSYS.</summary>
internal sealed record UnsupportedOperation : FuseOperation
{
    public static readonly UnsupportedOperation Instance = new();
}
