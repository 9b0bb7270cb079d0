using System.Runtime.InteropServices;

namespace VdmFuse.Fuse.Abi;

#pragma warning disable IDE1006, CA1707 // Names follow <linux/fuse.h> exactly so the ABI test can compare them.

/// <summary>The GETXATTR and LISTXATTR request body (struct fuse_getxattr_in); GETXATTR's name follows it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_getxattr_in
{
    public uint size;
    public uint padding;
}

/// <summary>The GETXATTR and LISTXATTR reply to a size query (struct fuse_getxattr_out).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_getxattr_out
{
    public uint size;
    public uint padding;
}

/// <summary>The IOCTL request body; in_size copied-in bytes follow it (struct fuse_ioctl_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_ioctl_in
{
    public ulong fh;
    public uint flags;
    public uint cmd;
    public ulong arg;
    public uint in_size;
    public uint out_size;
}

/// <summary>The IOCTL reply head; the output bytes follow it (struct fuse_ioctl_out).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_ioctl_out
{
    public int result;
    public uint flags;
    public uint in_iovs;
    public uint out_iovs;
}
