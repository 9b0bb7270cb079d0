namespace VdmFuse.Engine;

/// <summary>
/// The size and the conventional geometry DSKIOCGET reports: 255 heads (tracks per cylinder), 63 sectors
/// per track, and as many whole cylinders as the 512-byte blocks fill.
/// </summary>
/// <param name="TotalBlocks">Size in 512-byte blocks.</param>
/// <param name="SectorSize">The logical sector size in bytes.</param>
/// <param name="SectorsPerTrack">Always <see cref="StandardSectorsPerTrack"/>.</param>
/// <param name="TracksPerCylinder">Always <see cref="StandardTracksPerCylinder"/>.</param>
/// <param name="Cylinders">TotalBlocks / (255 * 63), rounded down.</param>
public readonly record struct DiskGeometry(long TotalBlocks, int SectorSize, int SectorsPerTrack, int TracksPerCylinder, long Cylinders)
{
    /// <summary>The unit of <see cref="TotalBlocks"/>.</summary>
    public const int BlockSize = 512;

    /// <summary>Sectors per track of the conventional geometry.</summary>
    public const int StandardSectorsPerTrack = 63;

    /// <summary>Heads (tracks per cylinder) of the conventional geometry.</summary>
    public const int StandardTracksPerCylinder = 255;

    /// <summary>The geometry of a disk of <paramref name="sizeBytes"/> bytes with <paramref name="sectorSize"/>-byte sectors.</summary>
    public static DiskGeometry FromSize(long sizeBytes, int sectorSize)
    {
        var blocks = sizeBytes / BlockSize;
        return new DiskGeometry(blocks, sectorSize, StandardSectorsPerTrack, StandardTracksPerCylinder,
            blocks / (StandardSectorsPerTrack * StandardTracksPerCylinder));
    }
}
