namespace VdmFuse.Control;

/// <summary>
/// One parsed control command: a verb and its <c>key=value</c> fields in the order given. The typed
/// getters report a missing or malformed field as <see cref="ControlErrno.EINVAL"/> naming the verb
/// and the field, so handlers can read fields without checking them again.
/// </summary>
/// <param name="Verb">The command name, such as "create-instance".</param>
/// <param name="Fields">The fields in the order they were written.</param>
public sealed record ControlCommand(string Verb, IReadOnlyList<ControlField> Fields)
{
    /// <summary>Creates a command from its verb and fields.</summary>
    public ControlCommand(string verb, params ControlField[] fields) : this(verb, (IReadOnlyList<ControlField>)fields)
    {
    }

    /// <summary>Whether the field <paramref name="key"/> was given.</summary>
    public bool Has(string key) => GetOptional(key) is not null;

    /// <summary>The value of the field <paramref name="key"/>, or <see langword="null"/> when it was not given.</summary>
    public string? GetOptional(string key)
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

    /// <summary>The value of the field <paramref name="key"/>.</summary>
    /// <exception cref="ControlException">EINVAL "create-instance: missing field 'name'".</exception>
    public string Get(string key) =>
        GetOptional(key) ?? throw new ControlException(ControlErrno.EINVAL, $"{Verb}: missing field '{key}'");

    /// <summary>The field <paramref name="key"/> as a signed decimal integer.</summary>
    /// <exception cref="ControlException">EINVAL: missing, not a number, or out of range.</exception>
    public long GetInt64(string key) => FieldValues.ParseInt64(Verb, key, Get(key));

    /// <summary>The field <paramref name="key"/> as an integer, or <see langword="null"/> when it was not given.</summary>
    /// <exception cref="ControlException">EINVAL: not a number, or out of range.</exception>
    public long? GetOptionalInt64(string key) =>
        GetOptional(key) is { } value ? FieldValues.ParseInt64(Verb, key, value) : null;

    /// <summary>The field <paramref name="key"/> as a boolean (0/1, yes/no, true/false).</summary>
    /// <exception cref="ControlException">EINVAL: missing, or not a boolean.</exception>
    public bool GetBool(string key) => FieldValues.ParseBool(Verb, key, Get(key));

    /// <summary>The field <paramref name="key"/> as a boolean, or <paramref name="defaultValue"/> when it was not given.</summary>
    /// <exception cref="ControlException">EINVAL: not a boolean.</exception>
    public bool GetBool(string key, bool defaultValue) =>
        GetOptional(key) is { } value ? FieldValues.ParseBool(Verb, key, value) : defaultValue;

    /// <summary>The field <paramref name="key"/> as a size in bytes (plain bytes, or a K/M/G/T/s suffix).</summary>
    /// <exception cref="ControlException">EINVAL: missing, not a size, or out of range.</exception>
    public long GetSize(string key) => FieldValues.ParseSize(Verb, key, Get(key));

    /// <summary>The field <paramref name="key"/> as a size in bytes, or <see langword="null"/> when it was not given.</summary>
    /// <exception cref="ControlException">EINVAL: not a size, or out of range.</exception>
    public long? GetOptionalSize(string key) =>
        GetOptional(key) is { } value ? FieldValues.ParseSize(Verb, key, value) : null;

    /// <summary>The field <paramref name="key"/> as a count of 512-byte blocks (a plain number, or a byte size with K/M/G/T).</summary>
    /// <exception cref="ControlException">EINVAL: missing, not a count, or out of range.</exception>
    public long GetBlocks(string key) => FieldValues.ParseBlocks(Verb, key, Get(key));

    /// <summary>Whether both commands have the same verb and the same fields in the same order.</summary>
    public bool Equals(ControlCommand? other) =>
        other is not null && Verb == other.Verb && Fields.SequenceEqual(other.Fields);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Verb);
        foreach (var field in Fields)
        {
            hash.Add(field);
        }
        return hash.ToHashCode();
    }

    /// <summary>The command as a control line without its newline.</summary>
    public override string ToString() => TextCodec.Format(this).TrimEnd('\n');
}
