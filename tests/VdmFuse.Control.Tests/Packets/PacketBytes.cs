using System.Buffers.Binary;
using System.Text;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>Builds packets by hand at literal offsets, independently of the codec's table.</summary>
internal sealed class PacketBytes
{
    private readonly byte[] _bytes;

    public PacketBytes(int size) => _bytes = new byte[size];

    public static PacketBytes Request(uint command, int packetSize)
    {
        var bytes = new PacketBytes(16 + packetSize);
        return bytes.U32(0, 0x514d4456).U32(8, command).U32(12, (uint)packetSize);
    }

    public static PacketBytes Reply(uint command, int packetSize, int error = 0, string message = "")
    {
        var bytes = new PacketBytes(280 + packetSize);
        return bytes.U32(0, 0x524d4456).U32(8, command).U32(12, (uint)packetSize).U32(16, (uint)error).Text(24, message);
    }

    public PacketBytes U32(int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(offset), value);
        return this;
    }

    public PacketBytes U64(int offset, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(offset), value);
        return this;
    }

    public PacketBytes Text(int offset, string text)
    {
        Encoding.UTF8.GetBytes(text).CopyTo(_bytes, offset);
        return this;
    }

    public PacketBytes Raw(int offset, params byte[] bytes)
    {
        bytes.CopyTo(_bytes, offset);
        return this;
    }

    /// <summary>The packet after a header of <paramref name="headerSize"/> bytes, as a new builder.</summary>
    public PacketBytes Packet(int headerSize)
    {
        var packet = new PacketBytes(_bytes.Length - headerSize);
        _bytes.AsSpan(headerSize).CopyTo(packet._bytes);
        return packet;
    }

    public byte[] ToArray() => (byte[])_bytes.Clone();

    public static implicit operator byte[](PacketBytes bytes) => bytes.ToArray();
}
