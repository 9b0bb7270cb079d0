namespace VdmFuse.Control;

/// <summary>
/// One field a command accepts: its name, its type, and whether it must be given — always, never,
/// or only when another field has a given value (<c>path</c> is required when <c>subdriver=physical</c>).
/// </summary>
/// <param name="Key">The field name in kebab-case.</param>
/// <param name="Type">The kind of value the field holds.</param>
/// <param name="IsRequired">Whether the field must be given (subject to the condition, when there is one).</param>
/// <param name="WhenKey">When not null, the field is required only if this other field ...</param>
/// <param name="WhenValue">... has this value.</param>
public sealed record FieldSpec(string Key, FieldType Type, bool IsRequired, string? WhenKey = null, string? WhenValue = null)
{
    /// <summary>A field every command line must give.</summary>
    public static FieldSpec Required(string key, FieldType type = FieldType.Text) => new(key, type, true);

    /// <summary>A field that may be left out.</summary>
    public static FieldSpec Optional(string key, FieldType type = FieldType.Text) => new(key, type, false);

    /// <summary>A field required only when field <paramref name="whenKey"/> equals <paramref name="whenValue"/>, and optional otherwise.</summary>
    public static FieldSpec RequiredWhen(string key, FieldType type, string whenKey, string whenValue) =>
        new(key, type, true, whenKey, whenValue);

    /// <summary>Whether the field must be present in a command whose fields are <paramref name="fields"/>.</summary>
    public bool IsRequiredIn(IReadOnlyList<ControlField> fields)
    {
        if (!IsRequired)
        {
            return false;
        }
        if (WhenKey is null)
        {
            return true;
        }
        foreach (var field in fields)
        {
            if (field.Key == WhenKey)
            {
                return field.Value == WhenValue;
            }
        }
        return false;
    }

    /// <summary>The field as shown by <c>help</c>: <c>name=TEXT</c>, <c>[exported=BOOL]</c> or <c>[path=TEXT if subdriver=physical]</c>.</summary>
    public string Usage()
    {
        var placeholder = Type switch
        {
            FieldType.Integer => "N",
            FieldType.Size => "SIZE",
            FieldType.Blocks => "BLOCKS",
            FieldType.Boolean => "yes|no",
            FieldType.Hex => "HEX",
            _ => "TEXT",
        };
        if (!IsRequired)
        {
            return $"[{Key}={placeholder}]";
        }
        return WhenKey is null ? $"{Key}={placeholder}" : $"{Key}={placeholder} (if {WhenKey}={WhenValue})";
    }
}
