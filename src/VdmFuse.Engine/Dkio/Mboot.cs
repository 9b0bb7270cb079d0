using System.Buffers.Binary;
using VdmFuse.Native;

namespace VdmFuse.Engine.Dkio;

/// <summary>One entry of a master boot record's partition table (dkio(7) <c>struct ipart</c>).</summary>
public sealed record MbootPartition(byte BootId, byte SystemId, uint RelativeSector, uint SectorCount);

/// <summary>A master boot record (dkio(7) <c>struct mboot</c>): 446 bytes of boot code, four partitions, the signature.</summary>
public sealed record Mboot(MbootPartition[] Partitions, ushort Signature)
{
    /// <summary>The bytes of a master boot record.</summary>
    public const int Size = 512;

    /// <summary>The signature the page requires (MBB_MAGIC).</summary>
    public const ushort RequiredSignature = 0xAA55;

    /// <summary>SUNIXOS: the old Solaris partition id.</summary>
    public const byte SunIxOs = 0x82;

    /// <summary>SUNIXOS2: the Solaris partition id.</summary>
    public const byte SunIxOs2 = 0xBF;

    /// <summary>Reads the partition table and signature of a 512-byte sector.</summary>
    public static Mboot Parse(ReadOnlySpan<byte> sector)
    {
        var parts = new MbootPartition[4];
        for (var i = 0; i < parts.Length; i++)
        {
            var at = sector.Slice(446 + i * 16, 16);
            parts[i] = new MbootPartition(at[0], at[4], BinaryPrimitives.ReadUInt32LittleEndian(at[8..]), BinaryPrimitives.ReadUInt32LittleEndian(at[12..]));
        }
        return new Mboot(parts, BinaryPrimitives.ReadUInt16LittleEndian(sector[510..]));
    }

    /// <summary>The Solaris partition (id 0xBF or 0x82), or null.</summary>
    public MbootPartition? SolarisPartition => Partitions.FirstOrDefault(p => p.SectorCount > 0 && p.SystemId is SunIxOs2 or SunIxOs);

    /// <summary>The page's checks before DKIOCSMBOOT writes sector 0: the signature, no overlapping partitions, none past the end.</summary>
    /// <exception cref="ErrnoException">EINVAL naming the owner.</exception>
    public void Validate(string owner, long capacityBlocks)
    {
        if (Signature != RequiredSignature)
        {
            throw new ErrnoException(Errno.EINVAL, $"{owner}: the master boot record's signature is 0x{Signature:X4}, not 0xAA55");
        }
        var used = Partitions.Select((p, i) => (p, i)).Where(x => x.p.SectorCount > 0).ToList();
        foreach (var (p, i) in used)
        {
            if ((long)p.RelativeSector + p.SectorCount > capacityBlocks)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"{owner}: partition {i + 1} of the master boot record (sectors {p.RelativeSector}-{(long)p.RelativeSector + p.SectorCount - 1}) runs past the end ({capacityBlocks} sectors)");
            }
        }
        for (var a = 0; a < used.Count; a++)
        {
            for (var b = a + 1; b < used.Count; b++)
            {
                var (x, i) = used[a];
                var (y, j) = used[b];
                if (x.RelativeSector < (long)y.RelativeSector + y.SectorCount && y.RelativeSector < (long)x.RelativeSector + x.SectorCount)
                {
                    throw new ErrnoException(Errno.EINVAL, $"{owner}: partitions {i + 1} and {j + 1} of the master boot record overlap");
                }
            }
        }
    }
}
