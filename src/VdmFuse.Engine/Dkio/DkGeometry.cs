using VdmFuse.Native;

namespace VdmFuse.Engine.Dkio;

/// <summary>
/// A disk's geometry as dkio(7)'s <c>struct dk_geom</c> describes it: cylinders, heads and sectors per track, in the
/// 512-byte sectors of DEV_BSIZE. Our disks have none; one is derived from the capacity so that
/// <see cref="Ncyl"/> × <see cref="Nhead"/> × <see cref="Nsect"/> never exceeds it.
/// </summary>
public sealed record DkGeometry(
    ushort Ncyl, ushort Acyl, ushort Bcyl, ushort Nhead, ushort Nsect, ushort Intrlv, ushort Apc, ushort Rpm, ushort Pcyl,
    ushort WriteReinstruct, ushort ReadReinstruct)
{
    /// <summary>The rotation speed reported for our disks.</summary>
    public const ushort DefaultRpm = 7200;

    /// <summary>The largest disk DKIOCG_VIRTGEOM answers for: 8 GiB (a CHS geometry is meaningless above it).</summary>
    public const long VirtualGeometryLimitBytes = 8L << 30;

    /// <summary>512-byte sectors in one cylinder.</summary>
    public long SectorsPerCylinder => (long)Nhead * Nsect;

    /// <summary>
    /// The geometry of a disk of <paramref name="capacityBlocks"/> 512-byte blocks: 255 heads and 63 sectors per track while
    /// the cylinder count fits 16 bits, more sectors per track beyond; smaller figures for tiny disks. No alternate cylinders.
    /// </summary>
    public static DkGeometry Derive(long capacityBlocks)
    {
        ushort heads = 255, sectors = 63;
        if (capacityBlocks < 255L * 63)
        {
            sectors = (ushort)Math.Clamp(capacityBlocks, 1, 63);
            heads = (ushort)Math.Clamp(capacityBlocks / sectors, 1, 255);
        }
        else if (capacityBlocks / (255L * 63) > ushort.MaxValue)
        {
            sectors = (ushort)Math.Min(ushort.MaxValue, (capacityBlocks + 255L * ushort.MaxValue - 1) / (255L * ushort.MaxValue));
        }
        var cylinders = (ushort)Math.Clamp(capacityBlocks / ((long)heads * sectors), 0, ushort.MaxValue);
        return new DkGeometry(cylinders, 0, 0, heads, sectors, 1, 0, DefaultRpm, cylinders, 0, 0);
    }

    /// <summary>The firmware-style (BIOS) geometry DKIOCG_VIRTGEOM reports: 255 heads, 63 sectors.</summary>
    /// <exception cref="ErrnoException">EINVAL: the disk is larger than 8 GiB.</exception>
    public static DkGeometry Virtual(string owner, long capacityBlocks)
    {
        if (capacityBlocks * 512 > VirtualGeometryLimitBytes)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"{owner} is {capacityBlocks * 512} bytes: a virtual (CHS) geometry is not relevant for disks over 8 GiB (DKIOCG_VIRTGEOM)");
        }
        return Derive(capacityBlocks);
    }

    /// <summary>Refuses a geometry that describes more sectors than the disk has, or none.</summary>
    /// <exception cref="ErrnoException">EINVAL naming the owner and the figures.</exception>
    public void Validate(string owner, long capacityBlocks)
    {
        if (Ncyl == 0 || Nhead == 0 || Nsect == 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"{owner}: a geometry needs at least 1 cylinder, head and sector (got {Ncyl}/{Nhead}/{Nsect})");
        }
        var sectors = (long)(Ncyl + Acyl) * Nhead * Nsect;
        if (sectors > capacityBlocks)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"{owner}: a geometry of {Ncyl}+{Acyl} cylinders, {Nhead} heads and {Nsect} sectors is {sectors} sectors; the disk has {capacityBlocks}");
        }
    }
}
