using System.Runtime.InteropServices;

namespace VdmFuse.Fuse.Abi;

#pragma warning disable IDE1006, CA1707 // Names follow <linux/fuse.h> exactly so the ABI test can compare them.

/// <summary>The OPEN and OPENDIR request body (struct fuse_open_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_open_in
{
    public uint flags;
    public uint open_flags;
}

/// <summary>The OPEN and OPENDIR reply (struct fuse_open_out).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_open_out
{
    public ulong fh;
    public uint open_flags;
    public uint padding;
}

/// <summary>The READ, READDIR and READDIRPLUS request body (struct fuse_read_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_read_in
{
    public ulong fh;
    public ulong offset;
    public uint size;
    public uint read_flags;
    public ulong lock_owner;
    public uint flags;
    public uint padding;
}

/// <summary>The WRITE request body; the payload follows it at byte 80 of the request (struct fuse_write_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_write_in
{
    public ulong fh;
    public ulong offset;
    public uint size;
    public uint write_flags;
    public ulong lock_owner;
    public uint flags;
    public uint padding;
}

/// <summary>The WRITE reply (struct fuse_write_out).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_write_out
{
    public uint size;
    public uint padding;
}

/// <summary>The RELEASE and RELEASEDIR request body (struct fuse_release_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_release_in
{
    public ulong fh;
    public uint flags;
    public uint release_flags;
    public ulong lock_owner;
}

/// <summary>The FLUSH request body (struct fuse_flush_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_flush_in
{
    public ulong fh;
    public uint unused;
    public uint padding;
    public ulong lock_owner;
}

/// <summary>The FSYNC and FSYNCDIR request body (struct fuse_fsync_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_fsync_in
{
    public ulong fh;
    public uint fsync_flags;
    public uint padding;
}

/// <summary>The LSEEK request body (struct fuse_lseek_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_lseek_in
{
    public ulong fh;
    public ulong offset;
    public uint whence;
    public uint padding;
}

/// <summary>The LSEEK reply (struct fuse_lseek_out).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_lseek_out
{
    public ulong offset;
}

/// <summary>The ACCESS request body (struct fuse_access_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_access_in
{
    public uint mask;
    public uint padding;
}

/// <summary>The INTERRUPT request body (struct fuse_interrupt_in).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_interrupt_in
{
    public ulong unique;
}
