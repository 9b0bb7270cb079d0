namespace VdmFuse.Engine.Dkio;

/// <summary>DKIOCSTATE's states (dkio(7) <c>enum dkio_state</c>).</summary>
public enum DkMediaState
{
    /// <summary>DKIO_NONE: "tell me the current state".</summary>
    None = 0,

    /// <summary>DKIO_EJECTED: the instance is gone or cannot do I/O (a mirror without a usable image, a dismounted volume).</summary>
    Ejected = 1,

    /// <summary>DKIO_INSERTED: the instance can do I/O.</summary>
    Inserted = 2,
}

/// <summary>DKIOCINFO's answer (dkio(7) <c>struct dk_cinfo</c>; the bus fields are 0 for our disks).</summary>
public sealed record DkControllerInfo(string CName, ushort CType, ushort Flags, ushort CNum, string DName, uint Unit, ushort Partition, ushort MaxTransfer)
{
    /// <summary>DKC_MD: a meta-disk (virtual disk) driver.</summary>
    public const ushort MetaDisk = 16;

    /// <summary>The partition number of an instance that is not a VTOC slice.</summary>
    public const ushort NoPartition = 0xFFFF;

    /// <summary>The largest transfer, in bytes: the FUSE requests' maximum.</summary>
    public const int MaxTransferBytes = 1 << 20;
}

/// <summary>DKIOCGMEDIAINFO's answer (dkio(7) <c>struct dk_minfo</c>).</summary>
public sealed record DkMediaInfo(uint MediaType, uint LogicalBlockSize, long Capacity)
{
    /// <summary>DK_FIXED_DISK.</summary>
    public const uint FixedDisk = 0x10001;
}

/// <summary>One slice of the partition map view (dkio(7) <c>struct dk_map</c>): starting cylinder and length in sectors.</summary>
public sealed record DkMap(long Cylno, long Nblk);

/// <summary>One step of a directed mirror read (DKIODMR): the flags, the side read, its name, the bytes read.</summary>
public sealed record DkDirectedRead(int Flags, int Side, string SideName, int BytesRead)
{
    /// <summary>DKV_SIDE_INIT.</summary>
    public const int SideInit = -1;

    /// <summary>DKV_DMR_NEXT_SIDE (set by the caller).</summary>
    public const int NextSide = 0x1;

    /// <summary>DKV_DMR_DONE: every usable side has been read.</summary>
    public const int Done = 0x2;

    /// <summary>DKV_DMR_ERROR: no usable side to read.</summary>
    public const int Error = 0x4;

    /// <summary>DKV_DMR_SUCCESS.</summary>
    public const int Success = 0x10;

    /// <summary>DKV_DMR_SHORT: fewer bytes than asked could be read.</summary>
    public const int Short = 0x20;

    /// <summary>The most bytes one directed read returns (VDM_DMR_MAX_DATA): the rest is read through the plex file.</summary>
    public const int MaxData = 8192;
}

/// <summary>The volume capability bits (dkio(7) DKIOCGETVOLCAP).</summary>
public static class DkVolumeCapabilities
{
    /// <summary>DKV_ABR_CAP: application-based recovery.</summary>
    public const uint ApplicationBasedRecovery = 0x1;

    /// <summary>DKV_DMR_CAP: directed mirror reads.</summary>
    public const uint DirectedRead = 0x2;
}
