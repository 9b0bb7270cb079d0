namespace VdmFuse.Control;

/// <summary>One record line of a reply, such as one instance listed by <c>get-instances</c>.</summary>
/// <param name="Tag">The word that starts the line and says what the record describes, such as "instance".</param>
/// <param name="Fields">The record's fields, in order.</param>
public sealed record ControlRecord(string Tag, IReadOnlyList<ControlField> Fields)
{
    /// <summary>Creates a record from its tag and fields.</summary>
    public ControlRecord(string tag, params ControlField[] fields) : this(tag, (IReadOnlyList<ControlField>)fields)
    {
    }

    /// <summary>The value of the field <paramref name="key"/>, or <see langword="null"/>.</summary>
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

    /// <summary>Whether both records have the same tag and the same fields in the same order.</summary>
    public bool Equals(ControlRecord? other) =>
        other is not null && Tag == other.Tag && Fields.SequenceEqual(other.Fields);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Tag);
        foreach (var field in Fields)
        {
            hash.Add(field);
        }
        return hash.ToHashCode();
    }
}
