using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace VdmFuse.Engine.Dkio;

/// <summary>
/// The on-disk form of a VTOC: the first 512 bytes of sector 1 of the instance (sector 0 is left to a master boot record,
/// as on x86). Little-endian: magic "VDMVTOC1" (8), CRC-32 of the rest (4), volume (8), sector size u16, nparts u16,
/// bootinfo 3 × u64, sanity u64, version u64, 16 slices of (tag u16, flag u16, start u64, size u64), ASCII label (128).
/// </summary>
public static class VtocLabel
{
    /// <summary>Bytes of the label.</summary>
    public const int Size = 512;

    private const ulong Magic = 0x31434f54564d4456; // "VDMVTOC1"
    private const int PartitionsOffset = 64;
    private const int PartitionSize = 20;
    private const int AsciiOffset = PartitionsOffset + Vtoc.PartitionCount * PartitionSize;

    /// <summary>The byte offset of the label on an instance with <paramref name="sectorSize"/>-byte sectors: its sector 1.</summary>
    public static long OffsetOn(int sectorSize) => sectorSize;

    /// <summary>Writes <paramref name="vtoc"/> into <paramref name="label"/> (512 bytes).</summary>
    public static void Encode(Vtoc vtoc, Span<byte> label)
    {
        ArgumentNullException.ThrowIfNull(vtoc);
        label = label[..Size];
        label.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(label, Magic);
        Encoding.UTF8.GetBytes(vtoc.Volume, label.Slice(12, Vtoc.VolumeLength));
        BinaryPrimitives.WriteUInt16LittleEndian(label[20..], vtoc.SectorSize);
        BinaryPrimitives.WriteUInt16LittleEndian(label[22..], vtoc.NParts);
        for (var i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(label[(24 + i * 8)..], i < vtoc.BootInfo.Length ? vtoc.BootInfo[i] : 0);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(label[48..], vtoc.Sanity);
        BinaryPrimitives.WriteUInt64LittleEndian(label[56..], vtoc.Version);
        for (var i = 0; i < Vtoc.PartitionCount; i++)
        {
            var p = vtoc.Partitions[i];
            var at = label[(PartitionsOffset + i * PartitionSize)..];
            BinaryPrimitives.WriteUInt16LittleEndian(at, p.Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(at[2..], p.Flag);
            BinaryPrimitives.WriteUInt64LittleEndian(at[4..], (ulong)p.Start);
            BinaryPrimitives.WriteUInt64LittleEndian(at[12..], (ulong)p.Size);
        }
        Encoding.UTF8.GetBytes(vtoc.AsciiLabel, label.Slice(AsciiOffset, Vtoc.AsciiLength));
        BinaryPrimitives.WriteUInt32LittleEndian(label[8..], Crc32.HashToUInt32(label[12..]));
    }

    /// <summary>The VTOC in <paramref name="label"/>, or null when it holds none (no magic, or a bad checksum).</summary>
    public static Vtoc? Decode(ReadOnlySpan<byte> label)
    {
        if (label.Length < Size || BinaryPrimitives.ReadUInt64LittleEndian(label) != Magic)
        {
            return null;
        }
        label = label[..Size];
        if (BinaryPrimitives.ReadUInt32LittleEndian(label[8..]) != Crc32.HashToUInt32(label[12..]))
        {
            return null;
        }
        var parts = new VtocPartition[Vtoc.PartitionCount];
        for (var i = 0; i < parts.Length; i++)
        {
            var at = label[(PartitionsOffset + i * PartitionSize)..];
            parts[i] = new VtocPartition(
                BinaryPrimitives.ReadUInt16LittleEndian(at),
                BinaryPrimitives.ReadUInt16LittleEndian(at[2..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(at[4..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(at[12..]));
        }
        return new Vtoc(
            [BinaryPrimitives.ReadUInt64LittleEndian(label[24..]), BinaryPrimitives.ReadUInt64LittleEndian(label[32..]), BinaryPrimitives.ReadUInt64LittleEndian(label[40..])],
            BinaryPrimitives.ReadUInt64LittleEndian(label[48..]),
            BinaryPrimitives.ReadUInt64LittleEndian(label[56..]),
            Text(label.Slice(12, Vtoc.VolumeLength)),
            BinaryPrimitives.ReadUInt16LittleEndian(label[20..]),
            BinaryPrimitives.ReadUInt16LittleEndian(label[22..]),
            parts,
            Text(label.Slice(AsciiOffset, Vtoc.AsciiLength)));
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }
}
