using System.Globalization;

namespace VdmFuse.Control;

/// <summary>One <c>key=value</c> pair of a command, a reply or a reply record.</summary>
/// <param name="Key">The field name in kebab-case, such as "subdriver".</param>
/// <param name="Value">The value as text; it may be empty.</param>
public readonly record struct ControlField(string Key, string Value)
{
    /// <summary>A field holding a decimal integer.</summary>
    public static ControlField From(string key, long value) => new(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A field holding a boolean, written "yes" or "no".</summary>
    public static ControlField From(string key, bool value) => new(key, value ? "yes" : "no");

    /// <inheritdoc/>
    public override string ToString() => TextCodec.FormatField(this);
}
