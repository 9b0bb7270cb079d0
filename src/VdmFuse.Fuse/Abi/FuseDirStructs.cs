using System.Runtime.InteropServices;

namespace VdmFuse.Fuse.Abi;

#pragma warning disable IDE1006, CA1707 // Names follow <linux/fuse.h> exactly so the ABI test can compare them.

/// <summary>
/// The fixed part of a READDIR entry (struct fuse_dirent); namelen bytes of name follow, padded with
/// zeros to a multiple of 8.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_dirent
{
    public ulong ino;
    /// <summary>The offset to pass to the next READDIR to continue after this entry.</summary>
    public ulong off;
    public uint namelen;
    /// <summary>The DT_* type: the file type bits of st_mode shifted right by 12.</summary>
    public uint type;
}

/// <summary>The fixed part of a READDIRPLUS entry (struct fuse_direntplus); the name follows as in fuse_dirent.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct fuse_direntplus
{
    public fuse_entry_out entry_out;
    public fuse_dirent dirent;
}
