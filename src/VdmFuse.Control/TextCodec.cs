using System.Text;

namespace VdmFuse.Control;

/// <summary>
/// The text form of the control language, as written to and read back from <c>/mnt/vdm/vdm</c>.
/// A command is one line: <c>verb key=value ...</c>, values optionally double-quoted with
/// <c>\"</c> and <c>\\</c> escapes; blank lines and lines starting with '#' are ignored. A reply
/// is <c>ok key=value ...</c> followed by one <c>TAG key=value ...</c> line per record, or a
/// single <c>error ERRNAME message</c> line.
/// </summary>
public static class TextCodec
{
    /// <summary>The longest command line accepted, in UTF-8 bytes without its newline.</summary>
    public const int MaxLineBytes = 4096;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses one command line and checks it against <see cref="CommandSchema"/>.</summary>
    /// <returns>The command, or <see langword="null"/> for a blank or comment line.</returns>
    /// <exception cref="ControlException">E2BIG for a line over <see cref="MaxLineBytes"/>; EINVAL for anything malformed.</exception>
    public static ControlCommand? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = CheckCommandLine(line).Trim(" \t");
        if (text.IsEmpty || text[0] == '#')
        {
            return null;
        }
        var scanner = new LineScanner(text);
        var spec = CommandSchema.Get(scanner.ReadWord());
        var fields = new List<ControlField>();
        while (scanner.SkipWhitespace())
        {
            fields.Add(scanner.ReadField(spec.Verb));
        }
        var command = new ControlCommand(spec.Verb, fields);
        CommandSchema.Validate(command);
        return command;
    }

    /// <summary>Parses one command line given as UTF-8 bytes, as written to the control file.</summary>
    /// <returns>The command, or <see langword="null"/> for a blank or comment line.</returns>
    /// <exception cref="ControlException">E2BIG for a line over <see cref="MaxLineBytes"/>; EINVAL for invalid UTF-8 or anything malformed.</exception>
    public static ControlCommand? Parse(ReadOnlySpan<byte> utf8Line)
    {
        if (utf8Line.Length > 0 && utf8Line[^1] == (byte)'\n')
        {
            utf8Line = utf8Line[..^1];
        }
        if (utf8Line.Length > 0 && utf8Line[^1] == (byte)'\r')
        {
            utf8Line = utf8Line[..^1];
        }
        if (utf8Line.Length > MaxLineBytes)
        {
            throw TooLong();
        }
        string line;
        try
        {
            line = StrictUtf8.GetString(utf8Line);
        }
        catch (DecoderFallbackException)
        {
            throw new ControlException(ControlErrno.EINVAL, "command line is not valid UTF-8");
        }
        return Parse(line);
    }

    /// <summary>Renders a command as one control line ending in a newline; <see cref="Parse(string)"/> reads it back.</summary>
    /// <exception cref="ArgumentException">The verb or a key is not a bare word, or a value holds a control character.</exception>
    public static string Format(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        CheckWord(command.Verb, "verb");
        var line = new StringBuilder(command.Verb);
        foreach (var field in command.Fields)
        {
            if (field.Value.Any(IsForbidden))
            {
                throw new ArgumentException($"field '{field.Key}' holds a control character, which a control line cannot carry", nameof(command));
            }
            line.Append(' ').Append(FormatField(field));
        }
        return line.Append('\n').ToString();
    }

    /// <summary>
    /// Renders a reply: <c>ok key=value ...</c> and one line per record, or <c>error ERRNAME message</c>.
    /// Every line ends in a newline. Control characters, which a line cannot carry, become '?' in
    /// values and spaces in an error message.
    /// </summary>
    /// <exception cref="ArgumentException">A key or record tag is not a bare word, or a tag is "ok" or "error".</exception>
    public static string Format(ControlReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (!reply.IsOk)
        {
            return FormatError(reply.ErrnoName, reply.Message);
        }
        var text = new StringBuilder();
        text.Append("ok");
        AppendFields(text, reply.Fields);
        foreach (var record in reply.Records)
        {
            CheckWord(record.Tag, "record tag");
            if (record.Tag is "ok" or "error")
            {
                throw new ArgumentException($"record tag '{record.Tag}' would read as a reply line", nameof(reply));
            }
            text.Append(record.Tag);
            AppendFields(text, record.Fields);
        }
        return text.ToString();
    }

    /// <summary>
    /// Renders an error reply line, <c>error ERRNAME message</c>, for an errno named by another layer
    /// (such as <c>VdmFuse.Native.Errno.Name</c>). Control characters in the message become spaces.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="errnoName"/> is not a bare word.</exception>
    public static string FormatError(string errnoName, string message)
    {
        CheckWord(errnoName, "errno name");
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder("error ").Append(errnoName);
        var words = new string(message.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0)
        {
            text.Append(' ').AppendJoin(' ', words);
        }
        return text.Append('\n').ToString();
    }

    /// <summary>Renders one field as <c>key=value</c>, quoting the value when it is empty or holds a space, a tab, a quote or '='.</summary>
    /// <exception cref="ArgumentException">The key is not a bare word.</exception>
    public static string FormatField(ControlField field)
    {
        CheckWord(field.Key, "key");
        return field.Key + "=" + QuoteValue(field.Value);
    }

    /// <summary>A value as written in a line: unchanged when it is safe bare, otherwise double-quoted with \" and \\ escapes. Control characters other than tab become '?'.</summary>
    public static string QuoteValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Any(IsForbidden))
        {
            value = new string(value.Select(c => IsForbidden(c) ? '?' : c).ToArray());
        }
        if (value.Length > 0 && value.IndexOfAny([' ', '\t', '"', '=']) < 0)
        {
            return value;
        }
        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Parses the text of a reply, the inverse of <see cref="Format(ControlReply)"/>.</summary>
    /// <exception cref="ControlException">EINVAL when the text is not a well-formed reply.</exception>
    public static ControlReply ParseReply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        if (count == 0)
        {
            throw new ControlException(ControlErrno.EINVAL, "reply: the reply is empty");
        }
        foreach (var line in lines.AsSpan(0, count))
        {
            if (line.Any(IsForbidden))
            {
                throw new ControlException(ControlErrno.EINVAL, "reply: a line contains a control character");
            }
        }
        var first = new LineScanner(lines[0].TrimEnd('\r'));
        first.SkipWhitespace();
        var status = first.ReadWord();
        if (status == "error")
        {
            first.SkipWhitespace();
            var name = first.ReadWord();
            if (!ControlErrno.TryParse(name, out var errno))
            {
                throw new ControlException(ControlErrno.EINVAL, $"reply: unknown errno name '{name}'");
            }
            if (count > 1)
            {
                throw new ControlException(ControlErrno.EINVAL, "reply: an error reply has a single line");
            }
            return ControlReply.Error(errno, first.ReadRest());
        }
        if (status != "ok")
        {
            throw new ControlException(ControlErrno.EINVAL, $"reply: expected 'ok' or 'error' but got '{status}'");
        }
        var fields = ReadFields(ref first);
        var records = new List<ControlRecord>();
        foreach (var line in lines.AsSpan(1, count - 1))
        {
            var scanner = new LineScanner(line.TrimEnd('\r'));
            if (!scanner.SkipWhitespace())
            {
                continue;
            }
            var tag = scanner.ReadWord();
            records.Add(new ControlRecord(tag, ReadFields(ref scanner)));
        }
        return ControlReply.Success(fields, records);
    }

    private static List<ControlField> ReadFields(ref LineScanner scanner)
    {
        var fields = new List<ControlField>();
        while (scanner.SkipWhitespace())
        {
            fields.Add(scanner.ReadField("reply"));
        }
        return fields;
    }

    private static void AppendFields(StringBuilder text, IReadOnlyList<ControlField> fields)
    {
        foreach (var field in fields)
        {
            text.Append(' ').Append(FormatField(field));
        }
        text.Append('\n');
    }

    /// <summary>Checks the limits every command line obeys and returns it without its line ending.</summary>
    private static ReadOnlySpan<char> CheckCommandLine(string line)
    {
        if (line.Length > MaxLineBytes + 2)
        {
            throw TooLong();
        }
        var text = line.AsSpan();
        if (text.EndsWith("\n"))
        {
            text = text[..^1];
        }
        if (text.EndsWith("\r"))
        {
            text = text[..^1];
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                throw new ControlException(ControlErrno.EINVAL, $"command line contains a NUL character at column {i + 1}");
            }
            if (char.IsControl(c) && c != '\t')
            {
                throw new ControlException(ControlErrno.EINVAL,
                    $"command line contains control character U+{(int)c:X4} at column {i + 1}");
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ControlException(ControlErrno.EINVAL, "command line is not valid UTF-8");
            }
        }
        if (Encoding.UTF8.GetByteCount(text) > MaxLineBytes)
        {
            throw TooLong();
        }
        return text;
    }

    /// <summary>A character no line may carry: a control character other than tab.</summary>
    private static bool IsForbidden(char c) => char.IsControl(c) && c != '\t';

    private static ControlException TooLong() =>
        new(ControlErrno.E2BIG, $"command line is longer than {MaxLineBytes} bytes");

    private static void CheckWord(string word, string what)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length == 0 || word.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '=' or '"'))
        {
            throw new ArgumentException($"{what} '{word}' is not a bare word");
        }
    }
}
