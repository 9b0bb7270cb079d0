using System.Text;

namespace VdmFuse.Control;

/// <summary>
/// Names and paths in packet fields: NUL-terminated within the field, the rest of the field zero,
/// valid UTF-8, no control characters, and for names no '/'. Both directions check the same rules.
/// </summary>
internal static class PacketText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the text of a name or path field; empty when the field starts with NUL.</summary>
    /// <exception cref="ControlException">EINVAL naming the verb and the field.</exception>
    public static string Read(string verb, PacketField field, ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        if (end < 0 && field.Type == PacketFieldType.Chars)
        {
            end = bytes.Length;
        }
        if (end < 0)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{verb}: field '{field.Name}' is longer than {field.Size - 1} bytes (no NUL within its {field.Size} bytes)");
        }
        if (bytes[end..].ContainsAnyExcept((byte)0))
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{verb}: field '{field.Name}' contains a NUL followed by more bytes; the text ends at its first NUL and the rest of the field must be zero");
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes[..end]);
        }
        catch (DecoderFallbackException)
        {
            throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{field.Name}' is not valid UTF-8");
        }
        Check(verb, field, text, ControlErrno.EINVAL);
        return text;
    }

    /// <summary>Writes <paramref name="text"/> into a name or path field, NUL-terminated, the rest zero.</summary>
    /// <exception cref="ControlException">
    /// <paramref name="errnoTooLong"/> when the text does not fit; EINVAL when it holds a control
    /// character or, for a name, a '/' (with <paramref name="errno"/> for both).
    /// </exception>
    public static void Write(string verb, PacketField field, string text, Span<byte> bytes, int errno, int errnoTooLong)
    {
        Check(verb, field, text, errno);
        var length = Encoding.UTF8.GetByteCount(text);
        var room = field.Type == PacketFieldType.Chars ? field.Size : field.Size - 1;
        if (length > room)
        {
            throw new ControlException(errnoTooLong,
                $"{verb}: field '{field.Name}' is longer than {room} bytes ({length} bytes of UTF-8)");
        }
        bytes.Clear();
        Encoding.UTF8.GetBytes(text, bytes);
    }

    private static void Check(string verb, PacketField field, string text, int errno)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                throw new ControlException(errno, $"{verb}: field '{field.Name}' contains control character U+{(int)c:X4}");
            }
            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[++i])))
            {
                throw new ControlException(errno, $"{verb}: field '{field.Name}' is not valid UTF-8");
            }
        }
        if (field.Type == PacketFieldType.Name && text.Contains('/', StringComparison.Ordinal))
        {
            throw new ControlException(errno, $"{verb}: field '{field.Name}' contains '/': '{text}'");
        }
    }
}
