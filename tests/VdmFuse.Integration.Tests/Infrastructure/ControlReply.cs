namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// What one command written to MNT/vdm produced: the errno of write(2) (0 on success) and the reply text read back
/// on the same open file (<c>ok key=value ...</c> and record lines, or <c>error ERRNAME message</c>).
/// </summary>
public sealed class ControlReply
{
    public ControlReply(string command, int writeErrno, int readErrno, string text)
    {
        Command = command;
        WriteErrno = writeErrno;
        ReadErrno = readErrno;
        Text = text;
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Lines = lines;
        var first = lines.Length > 0 ? lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        Status = first.Length > 0 ? first[0] : "";
        if (Status == "ok")
        {
            Fields = ParseFields(first.Skip(1));
        }
        else if (Status == "error" && first.Length > 1)
        {
            ErrorName = first[1];
            int messageStart = lines[0].IndexOf(first[1], StringComparison.Ordinal) + first[1].Length;
            ErrorMessage = lines[0][messageStart..].Trim();
        }
        Records = lines.Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(tokens => tokens.Length > 0)
            .Select(tokens => new ControlRecord(tokens[0], ParseFields(tokens.Skip(1))))
            .ToList();
    }

    public string Command { get; }

    /// <summary>0 when write(2) succeeded, else its errno.</summary>
    public int WriteErrno { get; }

    /// <summary>0 when reading the reply succeeded, else the errno of read(2).</summary>
    public int ReadErrno { get; }

    public string Text { get; }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>"ok", "error", or whatever the first word was.</summary>
    public string Status { get; }

    public bool IsOk => WriteErrno == 0 && Status == "ok";

    /// <summary>The key=value pairs of the <c>ok</c> line.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; } = new Dictionary<string, string>();

    /// <summary>The ERRNAME of an <c>error</c> line ("EBUSY").</summary>
    public string ErrorName { get; } = "";

    /// <summary>The message of an <c>error</c> line.</summary>
    public string ErrorMessage { get; } = "";

    /// <summary>The lines after the first, as records (<c>instance name=... size=...</c>).</summary>
    public IReadOnlyList<ControlRecord> Records { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"command `{Command}`: write errno {WriteErrno}, read errno {ReadErrno}, reply:\n{Text}";

    private static Dictionary<string, string> ParseFields(IEnumerable<string> tokens)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            int equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields[token[..equals]] = token[(equals + 1)..];
            }
        }
        return fields;
    }
}

/// <summary>One record line of a reply: its kind ("instance") and its key=value fields.</summary>
public sealed record ControlRecord(string Kind, IReadOnlyDictionary<string, string> Fields)
{
    public string this[string key] => Fields.TryGetValue(key, out var value)
        ? value
        : throw new KeyNotFoundException($"record `{Kind}` has no field `{key}`: {string.Join(' ', Fields.Select(f => f.Key + "=" + f.Value))}");
}
