using System.Buffers.Binary;
using System.Globalization;

namespace VdmFuse.Fuse.Tests.Support;

/// <summary>Byte arrays written by hand: hex strings and little-endian fields laid out without the ABI structs.</summary>
internal static class Bytes
{
    /// <summary>Parses "28 00 00 00 ..." (whitespace ignored).</summary>
    public static byte[] Hex(string hex)
    {
        string digits = string.Concat(hex.Where(c => !char.IsWhiteSpace(c)));
        var result = new byte[digits.Length / 2];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = byte.Parse(digits.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return result;
    }

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>A request: the 40-byte header (len, opcode, unique, nodeid, uid 1000, gid 1001, pid 4242, extlen 0) and the body.</summary>
    public static byte[] Request(uint opcode, ulong unique, ulong node, byte[] body, int? lenOverride = null)
    {
        uint len = (uint)(lenOverride ?? 40 + body.Length);
        return [.. U32(len), .. U32(opcode), .. U64(unique), .. U64(node), .. U32(1000), .. U32(1001), .. U32(4242), 0, 0, 0, 0, .. body];
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A NUL-terminated UTF-8 name.</summary>
    public static byte[] Name(string name) => [.. System.Text.Encoding.UTF8.GetBytes(name), 0];
}
