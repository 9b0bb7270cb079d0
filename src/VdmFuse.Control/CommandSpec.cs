namespace VdmFuse.Control;

/// <summary>One verb of the control language: the fields it accepts and whether only privileged callers may run it.</summary>
/// <param name="Verb">The command name in kebab-case, such as "create-instance".</param>
/// <param name="Summary">A short sentence for <c>help</c>.</param>
/// <param name="Privileged">Whether the caller must be privileged (root, the daemon's own user, or a member of the administrators' group).</param>
/// <param name="Fields">The accepted fields, in the order <c>help</c> lists them.</param>
public sealed record CommandSpec(string Verb, string Summary, bool Privileged, IReadOnlyList<FieldSpec> Fields)
{
    /// <summary>The accepted field named <paramref name="key"/>, or <see langword="null"/> when the command has no such field.</summary>
    public FieldSpec? FindField(string key)
    {
        foreach (var field in Fields)
        {
            if (field.Key == key)
            {
                return field;
            }
        }
        return null;
    }

    /// <summary>The command as one <c>help</c> line: verb, fields, and the summary.</summary>
    public string Usage()
    {
        var parts = new List<string> { Verb };
        parts.AddRange(Fields.Select(field => field.Usage()));
        var usage = string.Join(' ', parts);
        return Privileged ? $"{usage}  -- {Summary} (privileged)" : $"{usage}  -- {Summary}";
    }
}
