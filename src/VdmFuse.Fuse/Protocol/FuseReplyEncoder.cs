using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;

namespace VdmFuse.Fuse.Protocol;

/// <summary>Builds the kernel structs of each reply from the API's types.</summary>
internal static class FuseReplyEncoder
{
    /// <summary>Size of struct fuse_out_header.</summary>
    public static readonly int HeaderSize = Unsafe.SizeOf<fuse_out_header>();

    /// <summary>The reply header; <paramref name="error"/> is the raw field: 0, a negative errno or a notification code.</summary>
    public static fuse_out_header Header(ulong unique, int error, int payloadLength) =>
        new() { len = (uint)(HeaderSize + payloadLength), error = error, unique = unique };

    public static fuse_attr Attr(in FuseAttr a) => new()
    {
        ino = a.Ino,
        size = a.Size,
        blocks = a.Blocks,
        atime = a.Atime,
        mtime = a.Mtime,
        ctime = a.Ctime,
        atimensec = a.AtimeNsec,
        mtimensec = a.MtimeNsec,
        ctimensec = a.CtimeNsec,
        mode = a.Mode,
        nlink = a.Nlink,
        uid = a.Uid,
        gid = a.Gid,
        rdev = a.Rdev,
        blksize = a.BlkSize,
    };

    public static fuse_entry_out Entry(in FuseEntry e)
    {
        var (entrySeconds, entryNanos) = SplitTimeout(e.EntryTimeout);
        var (attrSeconds, attrNanos) = SplitTimeout(e.AttrTimeout);
        return new fuse_entry_out
        {
            nodeid = e.Node.Value,
            generation = e.Generation,
            entry_valid = entrySeconds,
            entry_valid_nsec = entryNanos,
            attr_valid = attrSeconds,
            attr_valid_nsec = attrNanos,
            attr = Attr(e.Attr),
        };
    }

    public static fuse_attr_out AttrOut(in FuseAttr attr, TimeSpan timeout)
    {
        var (seconds, nanos) = SplitTimeout(timeout);
        return new fuse_attr_out { attr_valid = seconds, attr_valid_nsec = nanos, attr = Attr(attr) };
    }

    public static fuse_open_out Open(FileHandle fh, OpenReplyFlags flags) => new() { fh = fh.Value, open_flags = (uint)flags };

    public static fuse_write_out Write(uint size) => new() { size = size };

    public static fuse_statfs_out StatFs(in FuseStatFs s) => new()
    {
        st = new fuse_kstatfs
        {
            blocks = s.Blocks,
            bfree = s.BlocksFree,
            bavail = s.BlocksAvailable,
            files = s.Files,
            ffree = s.FilesFree,
            bsize = s.BlockSize,
            namelen = s.NameLength,
            frsize = s.FragmentSize,
        },
    };

    public static fuse_getxattr_out XattrSize(uint size) => new() { size = size };

    public static fuse_ioctl_out Ioctl(int result) => new() { result = result };

    public static fuse_lseek_out Lseek(long offset) => new() { offset = (ulong)offset };

    public static fuse_notify_inval_inode_out InvalInode(NodeId node, long offset, long length) =>
        new() { ino = node.Value, off = offset, len = length };

    /// <summary>The bytes of a struct, for a write vector.</summary>
    public static ReadOnlySpan<byte> Bytes<T>(ref T value) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref value));

    /// <summary>A cache timeout as whole seconds and nanoseconds; negative timeouts become zero.</summary>
    public static (ulong Seconds, uint Nanoseconds) SplitTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return (0, 0);
        }
        long ticks = timeout.Ticks;
        return ((ulong)(ticks / TimeSpan.TicksPerSecond), (uint)(ticks % TimeSpan.TicksPerSecond * 100));
    }
}
