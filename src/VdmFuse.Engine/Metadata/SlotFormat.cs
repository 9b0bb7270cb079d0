using System.Buffers.Binary;
using System.IO.Hashing;

namespace VdmFuse.Engine.Metadata;

/// <summary>
/// The on-disk layout of one slot (little-endian): magic "VDMCFG01" (8), format version u32, header size u32,
/// store id (16-byte Guid), sequence u64, payload length u32, payload CRC-32 u32, reserved zeros, and the
/// header CRC-32 in the header's last 4 bytes (over every header byte before it); then the payload, padded
/// with zeros to a multiple of 512.
/// </summary>
/// <remarks>
/// Every version keeps the magic, the version and the header size at offsets 0, 8 and 12 and the header
/// checksum in the header's last four bytes, so a newer version's header can be verified before it is
/// refused: a torn sector is never mistaken for a newer format.
/// </remarks>
internal static class SlotFormat
{
    public const uint Version = 1;
    public const int HeaderSize = 64;
    public const int Sector = 512;
    public const int MaxHeaderSize = Sector;

    private const int VersionOffset = 8;
    private const int HeaderSizeOffset = 12;
    private const int IdOffset = 16;
    private const int SequenceOffset = 32;
    private const int PayloadLengthOffset = 40;
    private const int PayloadChecksumOffset = 44;

    public static ReadOnlySpan<byte> Magic => "VDMCFG01"u8;

    /// <summary>The bytes a slot occupies for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static long ImageLength(long payloadLength) => (HeaderSize + payloadLength + Sector - 1) / Sector * Sector;

    /// <summary>The largest payload a slot of <paramref name="slotLength"/> bytes holds.</summary>
    public static long Capacity(long slotLength) => slotLength - HeaderSize;

    /// <summary>Builds the slot image (header, payload, zero padding) into <paramref name="image"/>.</summary>
    public static void Encode(Span<byte> image, Guid id, ulong sequence, ReadOnlySpan<byte> payload)
    {
        image.Clear();
        Magic.CopyTo(image);
        BinaryPrimitives.WriteUInt32LittleEndian(image[VersionOffset..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(image[HeaderSizeOffset..], HeaderSize);
        id.TryWriteBytes(image.Slice(IdOffset, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(image[SequenceOffset..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(image[PayloadLengthOffset..], (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(image[PayloadChecksumOffset..], Crc32.HashToUInt32(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(image[(HeaderSize - 4)..], Crc32.HashToUInt32(image[..(HeaderSize - 4)]));
        payload.CopyTo(image[HeaderSize..]);
    }

    /// <summary>A header that verified: what it says about its payload.</summary>
    public readonly record struct Header(uint Version, int HeaderSize, Guid Id, ulong Sequence, uint PayloadLength, uint PayloadChecksum);

    /// <summary>
    /// Reads the header in <paramref name="sector"/> (the slot's first 512 bytes). Returns the slot's state;
    /// <paramref name="header"/> is set when the state is <see cref="SlotState.Valid"/> (payload still to verify)
    /// or <see cref="SlotState.UnsupportedVersion"/>.
    /// </summary>
    public static SlotState DecodeHeader(ReadOnlySpan<byte> sector, long slotLength, out Header header, out string? detail)
    {
        header = default;
        detail = null;
        if (!sector[..Magic.Length].SequenceEqual(Magic))
        {
            if (!sector.ContainsAnyExcept((byte)0))
            {
                return SlotState.Empty;
            }
            detail = "no VDMCFG01 magic";
            return SlotState.Corrupt;
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(sector[VersionOffset..]);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(sector[HeaderSizeOffset..]);
        if (size < PayloadChecksumOffset + 8 || size > MaxHeaderSize || size % 4 != 0)
        {
            detail = $"header size {size} is out of range";
            return SlotState.Corrupt;
        }
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(sector[(int)(size - 4)..]);
        var computed = Crc32.HashToUInt32(sector[..(int)(size - 4)]);
        if (stored != computed)
        {
            detail = $"header checksum mismatch (stored {stored:x8}, computed {computed:x8})";
            return SlotState.Corrupt;
        }
        header = new Header(
            version,
            (int)size,
            new Guid(sector.Slice(IdOffset, 16)),
            BinaryPrimitives.ReadUInt64LittleEndian(sector[SequenceOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(sector[PayloadLengthOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(sector[PayloadChecksumOffset..]));
        if (version > Version)
        {
            detail = $"format version {version}, newer than version {Version}";
            return SlotState.UnsupportedVersion;
        }
        if (version != Version)
        {
            detail = $"format version {version} is not a known version";
            return SlotState.Corrupt;
        }
        if (size + (long)header.PayloadLength > slotLength)
        {
            detail = $"payload length {header.PayloadLength} does not fit the {slotLength}-byte slot";
            return SlotState.Corrupt;
        }
        return SlotState.Valid;
    }

    /// <summary>Whether <paramref name="payload"/> matches the header's checksum.</summary>
    public static bool PayloadMatches(in Header header, ReadOnlySpan<byte> payload, out string? detail)
    {
        var computed = Crc32.HashToUInt32(payload);
        detail = computed == header.PayloadChecksum
            ? null
            : $"payload checksum mismatch (stored {header.PayloadChecksum:x8}, computed {computed:x8})";
        return detail is null;
    }
}
