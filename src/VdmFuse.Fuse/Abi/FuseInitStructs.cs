using System.Runtime.InteropServices;

namespace VdmFuse.Fuse.Abi;

#pragma warning disable IDE1006, CA1707 // Names follow <linux/fuse.h> exactly so the ABI test can compare them.

/// <summary>
/// The INIT request body (struct fuse_init_in). Kernels before 7.36 send only the first 16 bytes
/// (major, minor, max_readahead, flags).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct fuse_init_in
{
    /// <summary>Size of the body sent by kernels older than protocol 7.36.</summary>
    public const int CompatSize = 16;

    public uint major;
    public uint minor;
    public uint max_readahead;
    public uint flags;
    public uint flags2;
    public fixed uint unused[11];
}

/// <summary>The INIT reply (struct fuse_init_out, 64 bytes since protocol 7.23).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct fuse_init_out
{
    /// <summary>Reply size understood by kernels before 7.5.</summary>
    public const int Compat5Size = 8;

    /// <summary>Reply size understood by kernels before 7.23.</summary>
    public const int Compat22Size = 24;

    public uint major;
    public uint minor;
    public uint max_readahead;
    public uint flags;
    public ushort max_background;
    public ushort congestion_threshold;
    public uint max_write;
    public uint time_gran;
    public ushort max_pages;
    public ushort map_alignment;
    public uint flags2;
    public fixed uint unused[7];
}
