namespace VdmFuse.Control;

/// <summary>
/// The answer to one control command: either success with fields and zero or more records, or an
/// error with an errno and a sentence. <see cref="TextCodec.Format(ControlReply)"/> renders it.
/// A success reply may be built up record by record with <c>AddRecord</c>.
/// </summary>
public sealed class ControlReply : IEquatable<ControlReply>
{
    private readonly List<ControlRecord> _records;

    private ControlReply(int errno, string message, IReadOnlyList<ControlField> fields, IEnumerable<ControlRecord> records)
    {
        Errno = errno;
        Message = message;
        Fields = fields;
        _records = records.ToList();
    }

    /// <summary>Whether the command succeeded.</summary>
    public bool IsOk => Errno == 0;

    /// <summary>The positive errno of a failed command; 0 on success.</summary>
    public int Errno { get; }

    /// <summary>The symbolic name of <see cref="Errno"/> ("EBUSY"); empty on success.</summary>
    public string ErrnoName => IsOk ? "" : ControlErrno.Name(Errno);

    /// <summary>The sentence explaining a failure; empty on success.</summary>
    public string Message { get; }

    /// <summary>The fields of the <c>ok</c> line.</summary>
    public IReadOnlyList<ControlField> Fields { get; }

    /// <summary>The record lines that follow the <c>ok</c> line.</summary>
    public IReadOnlyList<ControlRecord> Records => _records;

    /// <summary>A success with the given fields and no records.</summary>
    public static ControlReply Success(params ControlField[] fields) => new(0, "", fields, []);

    /// <summary>A success with the given <c>(key, value)</c> fields and no records yet.</summary>
    public static ControlReply Ok(params (string Key, string Value)[] fields) =>
        new(0, "", fields.Select(field => new ControlField(field.Key, field.Value)).ToArray(), []);

    /// <summary>A success with fields and records.</summary>
    public static ControlReply Success(IEnumerable<ControlField> fields, IEnumerable<ControlRecord> records)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(records);
        return new(0, "", fields.ToArray(), records);
    }

    /// <summary>A failure with a positive errno and a sentence naming what was wrong.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="errno"/> is not positive.</exception>
    public static ControlReply Error(int errno, string message)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(errno);
        ArgumentNullException.ThrowIfNull(message);
        return new(errno, message, [], []);
    }

    /// <summary>The failure a <see cref="ControlException"/> describes.</summary>
    public static ControlReply Error(ControlException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Error(exception.Errno, exception.Message);
    }

    /// <summary>Appends a record to a success reply.</summary>
    /// <exception cref="InvalidOperationException">The reply is an error, which has no records.</exception>
    public ControlReply AddRecord(ControlRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!IsOk)
        {
            throw new InvalidOperationException("an error reply has no records");
        }
        _records.Add(record);
        return this;
    }

    /// <summary>Appends a record with the tag <paramref name="tag"/> and the given <c>(key, value)</c> fields to a success reply.</summary>
    /// <exception cref="InvalidOperationException">The reply is an error, which has no records.</exception>
    public ControlReply AddRecord(string tag, params (string Key, string Value)[] fields) =>
        AddRecord(new ControlRecord(tag, fields.Select(field => new ControlField(field.Key, field.Value)).ToArray()));

    /// <summary>The value of the <c>ok</c> line's field <paramref name="key"/>, or <see langword="null"/>.</summary>
    public string? Find(string key)
    {
        foreach (var field in Fields)
        {
            if (field.Key == key)
            {
                return field.Value;
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public bool Equals(ControlReply? other) =>
        other is not null && Errno == other.Errno && Message == other.Message &&
        Fields.SequenceEqual(other.Fields) && Records.SequenceEqual(other.Records);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ControlReply);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Errno, Message, Fields.Count, Records.Count);

    /// <summary>The reply as the text the control file returns.</summary>
    public override string ToString() => TextCodec.Format(this);
}
