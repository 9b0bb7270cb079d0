using System.Buffers.Binary;
using System.Text;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// Reads and damages a copy of the configuration database by its documented layout (issue 4's contract): two slots,
/// A at the region's start and B at half its length, each a header { magic "VDMCFG01", format version u32, header
/// size u32, store id (16 bytes), sequence u64, payload length u32, payload checksum u32, header checksum u32 },
/// little-endian, followed by the payload.
/// </summary>
public static class ConfigCopyFile
{
    /// <summary>The magic that opens a slot.</summary>
    public static readonly byte[] Magic = Encoding.ASCII.GetBytes("VDMCFG01");

    /// <summary>Where the format version sits in a slot header.</summary>
    public const int VersionOffset = 8;

    /// <summary>Where the sequence number sits in a slot header.</summary>
    public const int SequenceOffset = 32;

    /// <summary>One slot's header as found on disk.</summary>
    public sealed record Slot(long Offset, bool HasMagic, uint Version, uint HeaderSize, Guid Id, ulong Sequence, uint PayloadLength);

    /// <summary>Both slots of a copy that fills a whole file (region offset 0, length the file's length).</summary>
    public static IReadOnlyList<Slot> ReadSlots(string path, long regionOffset = 0, long? regionLength = null)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long length = regionLength ?? bytes.Length - regionOffset;
        return [ReadSlot(bytes, regionOffset), ReadSlot(bytes, regionOffset + length / 2)];
    }

    /// <summary>The slot holding the newest sequence among those that carry the magic.</summary>
    public static Slot Newest(string path) =>
        ReadSlots(path).Where(s => s.HasMagic).OrderByDescending(s => s.Sequence).FirstOrDefault()
        ?? throw new InvalidOperationException($"{path} has no slot with the magic {Encoding.ASCII.GetString(Magic)}");

    /// <summary>Inverts the byte at <paramref name="offset"/>.</summary>
    public static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int value = file.ReadByte();
        if (value < 0)
        {
            throw new InvalidOperationException($"{path} has no byte at {offset}");
        }
        file.Position = offset;
        file.WriteByte((byte)~value);
    }

    /// <summary>Flips a byte inside the header of both slots, so that neither slot of the copy is valid.</summary>
    public static void CorruptBothSlots(string path)
    {
        foreach (var slot in ReadSlots(path))
        {
            FlipByte(path, slot.Offset + SequenceOffset + 1);
        }
    }

    /// <summary>
    /// Writes <paramref name="version"/> into the format version of every slot that carries the magic, and seals the
    /// header again: its checksum (the header's last four bytes) is the CRC-32 of the bytes before it.
    /// </summary>
    public static void WriteVersion(string path, uint version)
    {
        var slots = ReadSlots(path).Where(s => s.HasMagic).ToList();
        if (slots.Count == 0)
        {
            throw new InvalidOperationException($"{path} has no slot to rewrite");
        }
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        foreach (var slot in slots)
        {
            var header = new byte[slot.HeaderSize];
            file.Position = slot.Offset;
            file.ReadExactly(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(VersionOffset), version);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(header.Length - 4), System.IO.Hashing.Crc32.HashToUInt32(header.AsSpan(0, header.Length - 4)));
            file.Position = slot.Offset;
            file.Write(header);
        }
    }

    private static Slot ReadSlot(byte[] bytes, long offset)
    {
        if (offset < 0 || offset + 52 > bytes.Length)
        {
            return new Slot(offset, false, 0, 0, Guid.Empty, 0, 0);
        }
        var header = bytes.AsSpan((int)offset, 52);
        return new Slot(
            offset,
            header[..8].SequenceEqual(Magic),
            BinaryPrimitives.ReadUInt32LittleEndian(header[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[12..]),
            new Guid(header[16..32]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[40..]));
    }
}
