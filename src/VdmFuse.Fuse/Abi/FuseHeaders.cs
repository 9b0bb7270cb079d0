using System.Runtime.InteropServices;

namespace VdmFuse.Fuse.Abi;

#pragma warning disable IDE1006, CA1707 // Names follow <linux/fuse.h> exactly so the ABI test can compare them.

/// <summary>The 40-byte header of every request (struct fuse_in_header).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_in_header
{
    public uint len;
    public uint opcode;
    public ulong unique;
    public ulong nodeid;
    public uint uid;
    public uint gid;
    public uint pid;
    /// <summary>Length of the extensions after the body, in 8-byte units.</summary>
    public ushort total_extlen;
    public ushort padding;
}

/// <summary>The 16-byte header of every reply and notification (struct fuse_out_header).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_out_header
{
    public uint len;
    /// <summary>0 or a negative errno; a notification code when unique is 0.</summary>
    public int error;
    public ulong unique;
}
