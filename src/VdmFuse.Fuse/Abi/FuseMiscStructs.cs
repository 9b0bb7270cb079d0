using System.Runtime.InteropServices;

namespace VdmFuse.Fuse.Abi;

#pragma warning disable IDE1006, CA1707 // Names follow <linux/fuse.h> exactly so the ABI test can compare them.

/// <summary>File system statistics (struct fuse_kstatfs).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct fuse_kstatfs
{
    public ulong blocks;
    public ulong bfree;
    public ulong bavail;
    public ulong files;
    public ulong ffree;
    public uint bsize;
    public uint namelen;
    public uint frsize;
    public uint padding;
    public fixed uint spare[6];
}

/// <summary>The STATFS reply (struct fuse_statfs_out).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_statfs_out
{
    public fuse_kstatfs st;
}

/// <summary>The FORGET request body (struct fuse_forget_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_forget_in
{
    public ulong nlookup;
}

/// <summary>The BATCH_FORGET request head; count fuse_forget_one items follow (struct fuse_batch_forget_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_batch_forget_in
{
    public uint count;
    public uint dummy;
}

/// <summary>One item of BATCH_FORGET (struct fuse_forget_one).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_forget_one
{
    public ulong nodeid;
    public ulong nlookup;
}

/// <summary>The FUSE_NOTIFY_INVAL_INODE notification body (struct fuse_notify_inval_inode_out).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_notify_inval_inode_out
{
    public ulong ino;
    public long off;
    public long len;
}
