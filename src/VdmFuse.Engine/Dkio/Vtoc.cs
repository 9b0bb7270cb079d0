using VdmFuse.Native;

namespace VdmFuse.Engine.Dkio;

/// <summary>One slice of a VTOC: tag, permission flags, first 512-byte sector and length (absolute on the instance).</summary>
public sealed record VtocPartition(ushort Tag, ushort Flag, long Start, long Size)
{
    /// <summary>An empty slice.</summary>
    public static VtocPartition Empty { get; } = new(0, 0, 0, 0);

    /// <summary>Whether the slice refuses writes (V_RONLY).</summary>
    public bool IsReadOnly => (Flag & Vtoc.FlagReadOnly) != 0;
}

/// <summary>
/// A volume table of contents (dkio(7) <c>struct vtoc</c> and <c>struct extvtoc</c>): sanity, version, volume name, sector
/// size, 16 slices and an ASCII label. vdmfuse keeps it in the label sector of the instance (<see cref="VtocLabel"/>); slice
/// starts are absolute 512-byte sectors of the instance.
/// </summary>
public sealed record Vtoc(ulong[] BootInfo, ulong Sanity, ulong Version, string Volume, ushort SectorSize, ushort NParts, VtocPartition[] Partitions, string AsciiLabel)
{
    /// <summary>VTOC_SANE.</summary>
    public const ulong Sane = 0x600DDEEE;

    /// <summary>V_VERSION.</summary>
    public const ulong CurrentVersion = 1;

    /// <summary>V_NUMPAR: slices in a VTOC.</summary>
    public const int PartitionCount = 16;

    /// <summary>LEN_DKL_VVOL: bytes of the volume name.</summary>
    public const int VolumeLength = 8;

    /// <summary>LEN_DKL_ASCII: bytes of the ASCII label.</summary>
    public const int AsciiLength = 128;

    /// <summary>DEV_BSIZE: the sector size a VTOC counts in.</summary>
    public const ushort DevBlockSize = 512;

    /// <summary>V_UNMNT.</summary>
    public const ushort FlagUnmountable = 0x01;

    /// <summary>V_RONLY.</summary>
    public const ushort FlagReadOnly = 0x10;

    /// <summary>V_BACKUP: the whole-disk slice, which may overlap the others.</summary>
    public const ushort TagBackup = 0x05;

    /// <summary>The highest tag accepted (V_SYSTEM is 0x0c; VxVM's 0x0e and 0x0f are allowed).</summary>
    public const ushort MaxTag = 0x0f;

    /// <summary>The largest disk the 32-bit forms (DKIOCGVTOC, DKIOCSVTOC, DKIOCPARTINFO) describe: 2^31 − 1 sectors (1 TiB).</summary>
    public const long MaxBlocks32 = int.MaxValue;

    /// <summary>The tag names of the page (V_ROOT is "root").</summary>
    public static string TagName(ushort tag) => tag switch
    {
        0x00 => "unassigned",
        0x01 => "boot",
        0x02 => "root",
        0x03 => "swap",
        0x04 => "usr",
        0x05 => "backup",
        0x06 => "stand",
        0x07 => "var",
        0x08 => "home",
        0x09 => "alternates",
        0x0b => "reserved",
        0x0c => "system",
        _ => $"tag{tag}",
    };

    /// <summary>The default VTOC of a disk without one: slice 2 (V_BACKUP) covers the whole disk.</summary>
    public static Vtoc Default(long capacityBlocks, string volume = "")
    {
        var parts = Enumerable.Repeat(VtocPartition.Empty, PartitionCount).ToArray();
        parts[2] = new VtocPartition(TagBackup, FlagUnmountable, 0, capacityBlocks);
        return new Vtoc([0, 0, 0], Sane, CurrentVersion, volume, DevBlockSize, PartitionCount, parts, "");
    }

    /// <summary>
    /// Refuses a VTOC the page calls invalid: bad sanity or version, a sector size other than 512, other than 16 slices, an
    /// unknown tag or flag bit, a slice past the end of the disk or not on a sector boundary of the instance, overlapping
    /// slices (V_BACKUP excepted), a volume name or label too long.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL naming the owner and the field.</exception>
    public void Validate(string owner, long capacityBlocks, int instanceSectorSize)
    {
        void Fail(string why) => throw new ErrnoException(Errno.EINVAL, $"{owner}: invalid VTOC: {why}");
        if (Sanity != Sane)
        {
            Fail($"v_sanity is 0x{Sanity:x}, not VTOC_SANE (0x{Sane:x})");
        }
        if (Version != CurrentVersion)
        {
            Fail($"v_version is {Version}, not V_VERSION ({CurrentVersion})");
        }
        if (SectorSize != DevBlockSize)
        {
            Fail($"v_sectorsz is {SectorSize}, not {DevBlockSize}");
        }
        if (NParts != PartitionCount || Partitions.Length != PartitionCount)
        {
            Fail($"v_nparts is {NParts}, not V_NUMPAR ({PartitionCount})");
        }
        if (System.Text.Encoding.UTF8.GetByteCount(Volume) > VolumeLength || System.Text.Encoding.UTF8.GetByteCount(AsciiLabel) > AsciiLength)
        {
            Fail($"the volume name is at most {VolumeLength} bytes and the ASCII label at most {AsciiLength}");
        }
        var alignment = Math.Max(1, instanceSectorSize / DevBlockSize);
        for (var i = 0; i < Partitions.Length; i++)
        {
            var p = Partitions[i];
            if (p.Tag > MaxTag)
            {
                Fail($"slice {i} has unknown tag 0x{p.Tag:x}");
            }
            if ((p.Flag & ~(FlagUnmountable | FlagReadOnly)) != 0)
            {
                Fail($"slice {i} has unknown flag bits 0x{p.Flag & ~(FlagUnmountable | FlagReadOnly):x} (V_UNMNT is 0x01, V_RONLY 0x10)");
            }
            if (p.Start < 0 || p.Size < 0)
            {
                Fail($"slice {i} has a negative start or size ({p.Start}, {p.Size})");
            }
            if (p.Size > 0 && p.Start > capacityBlocks - p.Size)
            {
                Fail($"slice {i} (sectors {p.Start}-{p.Start + p.Size - 1}) runs past the end of the disk ({capacityBlocks} sectors)");
            }
            if (p.Size > 0 && (p.Start % alignment != 0 || p.Size % alignment != 0))
            {
                Fail($"slice {i} (start {p.Start}, size {p.Size}) is not aligned to the instance's {instanceSectorSize}-byte sectors");
            }
        }
        for (var i = 0; i < Partitions.Length; i++)
        {
            for (var j = i + 1; j < Partitions.Length; j++)
            {
                var a = Partitions[i];
                var b = Partitions[j];
                if (a.Size == 0 || b.Size == 0 || a.Tag == TagBackup || b.Tag == TagBackup)
                {
                    continue;
                }
                if (a.Start < b.Start + b.Size && b.Start < a.Start + a.Size)
                {
                    Fail($"slices {i} (sectors {a.Start}-{a.Start + a.Size - 1}) and {j} (sectors {b.Start}-{b.Start + b.Size - 1}) overlap");
                }
            }
        }
    }

    /// <summary>Refuses a VTOC the 32-bit form cannot carry: a disk over 1 TiB, or a slice past 2^31 − 1 sectors.</summary>
    /// <exception cref="ErrnoException">EOVERFLOW naming the owner.</exception>
    public static void CheckFits32(string owner, long capacityBlocks, string what)
    {
        if (capacityBlocks > MaxBlocks32)
        {
            throw new ErrnoException(Errno.EOVERFLOW,
                $"{owner} is {capacityBlocks} sectors, over the 1 TiB the 32-bit {what} describes: use its extended form (the EXTVTOC ioctls, DKIOCEXTPARTINFO)");
        }
    }

    /// <inheritdoc/>
    public bool Equals(Vtoc? other) => other is not null && Sanity == other.Sanity && Version == other.Version && Volume == other.Volume &&
        SectorSize == other.SectorSize && NParts == other.NParts && AsciiLabel == other.AsciiLabel &&
        BootInfo.SequenceEqual(other.BootInfo) && Partitions.SequenceEqual(other.Partitions);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Sanity, Volume, Partitions.Length);
}
