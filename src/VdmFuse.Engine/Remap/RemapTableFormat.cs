using System.Buffers.Binary;
using System.IO.Hashing;

namespace VdmFuse.Engine.Remap;

/// <summary>Which of the two bad-block tables a table is.</summary>
public enum RemapTableRole
{
    /// <summary>The primary table (VDM_REMAP_PRIMARY_TABLE_CHILD).</summary>
    Primary = 1,

    /// <summary>The secondary table (VDM_REMAP_SECONDARY_TABLE_CHILD).</summary>
    Secondary = 2,
}

/// <summary>The header of a formatted bad-block table, as read from or written to its partition.</summary>
/// <param name="Role">Primary or secondary.</param>
/// <param name="SetId">A random number shared by the two tables formatted together.</param>
/// <param name="Sequence">Grows by one with every update; the higher of the two valid tables is current.</param>
/// <param name="TableBlocks">The table's size in 512-byte blocks.</param>
/// <param name="AreaBlocks">The blocks of the remap area it was formatted for, in remap units.</param>
/// <param name="UnitSize">The remap unit in bytes: the disk's sector size.</param>
/// <param name="DiskBlocks">The disk's size in 512-byte blocks when it was formatted.</param>
public sealed record RemapTableHeader(RemapTableRole Role, ulong SetId, ulong Sequence, int TableBlocks, int AreaBlocks, int UnitSize, long DiskBlocks);

/// <summary>
/// The on-disk form of a bad-block table: a 64-byte header at the start of the table partition, then 8-byte
/// entries, all little-endian and covered by one CRC-32.
/// </summary>
/// <remarks>
/// <para>
/// Header: magic "VDMRMAPT" (8), version u32 = 1, role u32, set id u64, sequence u64, entry count u32, table
/// blocks u32, area blocks u32, unit size u32, disk blocks u64, reserved u32, CRC-32 u32 of the header's first 60
/// bytes followed by the entries.
/// </para>
/// <para>
/// Entry: one u64, bits 0-39 the bad block (512-byte blocks), bits 40-59 the remap index (0xFFFFF: none), bits
/// 60-63 the state. Entries are kept sorted by bad block. A table of N blocks holds (N × 512 − 64) / 8 entries;
/// an update writes the header and the blocks that hold entries, nothing beyond.
/// </para>
/// </remarks>
public static class RemapTableFormat
{
    /// <summary>The unit of table sizes.</summary>
    public const int BlockSize = 512;

    /// <summary>Bytes of the header.</summary>
    public const int HeaderSize = 64;

    /// <summary>Bytes of one entry.</summary>
    public const int EntrySize = 8;

    /// <summary>VDM_REMAP_TABLE_ENTRIES_PER_BLOCK: entries in one 512-byte block of a table.</summary>
    public const int EntriesPerBlock = BlockSize / EntrySize;

    /// <summary>VDM_REMAP_MAX_TABLE_BLOCKS: the largest table, in 512-byte blocks (1 MiB).</summary>
    public const int MaxTableBlocks = 2048;

    /// <summary>VDM_REMAP_MAX_BLOCKS_REMAPPABLE: the entries the largest table holds.</summary>
    public const int MaxEntries = (MaxTableBlocks * BlockSize - HeaderSize) / EntrySize;

    /// <summary>The largest bad-block number an entry holds (40 bits).</summary>
    public const long MaxBlock = (1L << 40) - 1;

    /// <summary>The version written in the header.</summary>
    public const uint Version = 1;

    private const ulong Magic = 0x5450414d524d4456; // "VDMRMAPT"
    private const long NoIndexField = 0xFFFFF;

    /// <summary>The entries a table of <paramref name="tableBlocks"/> 512-byte blocks holds.</summary>
    public static int CapacityOf(long tableBlocks) => (int)((Math.Min(tableBlocks, MaxTableBlocks) * BlockSize - HeaderSize) / EntrySize);

    /// <summary>The bytes an update of a table with <paramref name="entryCount"/> entries writes: whole 512-byte blocks, at least one.</summary>
    public static int BytesFor(int entryCount, int alignment)
    {
        var bytes = HeaderSize + (long)entryCount * EntrySize;
        var unit = Math.Max(BlockSize, alignment);
        return (int)((bytes + unit - 1) / unit * unit);
    }

    /// <summary>Writes the table into <paramref name="image"/> (zero-filled beyond the entries).</summary>
    public static void Encode(RemapTableHeader header, IReadOnlyList<RemapEntry> entries, Span<byte> image)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entries);
        image.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(image, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(image[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(image[12..], (uint)header.Role);
        BinaryPrimitives.WriteUInt64LittleEndian(image[16..], header.SetId);
        BinaryPrimitives.WriteUInt64LittleEndian(image[24..], header.Sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(image[32..], (uint)entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(image[36..], (uint)header.TableBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(image[40..], (uint)header.AreaBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(image[44..], (uint)header.UnitSize);
        BinaryPrimitives.WriteUInt64LittleEndian(image[48..], (ulong)header.DiskBlocks);
        for (var i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(image[(HeaderSize + i * EntrySize)..], Pack(entries[i]));
        }
        BinaryPrimitives.WriteUInt32LittleEndian(image[60..], Checksum(image, entries.Count));
    }

    /// <summary>
    /// Reads a table from the start of its partition: its header and entries, or null when the bytes hold no
    /// valid table (never formatted, another kind of data, or a torn or damaged write), with the reason.
    /// </summary>
    /// <param name="image">At least the first 512 bytes of the partition; <paramref name="needed"/> says how many more an answer needs.</param>
    /// <param name="needed">Set to the bytes the header says the table occupies when <paramref name="image"/> is too short, else 0.</param>
    /// <param name="why">Why the bytes hold no valid table.</param>
    public static (RemapTableHeader Header, RemapEntry[] Entries)? Decode(ReadOnlySpan<byte> image, out int needed, out string? why)
    {
        needed = 0;
        why = null;
        if (image.Length < HeaderSize || BinaryPrimitives.ReadUInt64LittleEndian(image) != Magic)
        {
            why = "it holds no bad-block table (no table magic)";
            return null;
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(image[8..]);
        if (version != Version)
        {
            why = $"its table has version {version}; this daemon reads version {Version}";
            return null;
        }
        var count = BinaryPrimitives.ReadUInt32LittleEndian(image[32..]);
        var tableBlocks = BinaryPrimitives.ReadUInt32LittleEndian(image[36..]);
        if (tableBlocks is < 1 or > MaxTableBlocks || count > CapacityOf(tableBlocks))
        {
            why = $"its table header is damaged ({count} entries in {tableBlocks} blocks)";
            return null;
        }
        var bytes = HeaderSize + (int)count * EntrySize;
        if (image.Length < bytes)
        {
            needed = bytes;
            return null;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(image[60..]) != Checksum(image, (int)count))
        {
            why = "its table fails its checksum (a damaged or torn write)";
            return null;
        }
        var role = BinaryPrimitives.ReadUInt32LittleEndian(image[12..]);
        var header = new RemapTableHeader(
            role == 2 ? RemapTableRole.Secondary : RemapTableRole.Primary,
            BinaryPrimitives.ReadUInt64LittleEndian(image[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(image[24..]),
            (int)tableBlocks,
            (int)BinaryPrimitives.ReadUInt32LittleEndian(image[40..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(image[44..]),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(image[48..]));
        var entries = new RemapEntry[count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = Unpack(BinaryPrimitives.ReadUInt64LittleEndian(image[(HeaderSize + i * EntrySize)..]));
            if (entries[i].State is < RemapEntryState.Unmapped or > RemapEntryState.BadRemap)
            {
                why = $"entry {i} of its table has an unknown state {(int)entries[i].State}";
                return null;
            }
        }
        return (header, entries);
    }

    private static ulong Pack(RemapEntry entry)
    {
        var index = entry.RemapIndex < 0 ? NoIndexField : entry.RemapIndex;
        return (ulong)entry.BadBlock & (ulong)MaxBlock | (ulong)index << 40 | (ulong)entry.State << 60;
    }

    private static RemapEntry Unpack(ulong packed)
    {
        var index = (long)(packed >> 40 & 0xFFFFF);
        return new RemapEntry((long)(packed & (ulong)MaxBlock), index == NoIndexField ? RemapEntry.NoIndex : index, (RemapEntryState)(packed >> 60));
    }

    private static uint Checksum(ReadOnlySpan<byte> image, int count)
    {
        var crc = new Crc32();
        crc.Append(image[..60]);
        crc.Append(image.Slice(HeaderSize, count * EntrySize));
        return crc.GetCurrentHashAsUInt32();
    }
}
