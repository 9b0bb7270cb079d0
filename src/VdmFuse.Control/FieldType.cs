namespace VdmFuse.Control;

/// <summary>The kind of value a command field holds; the schema checks values against it when a line is parsed.</summary>
public enum FieldType
{
    /// <summary>Any text: a name or a path.</summary>
    Text,

    /// <summary>A signed decimal integer (see <see cref="FieldValues.ParseInt64"/>).</summary>
    Integer,

    /// <summary>A byte count with an optional K/M/G/T/s suffix (see <see cref="FieldValues.ParseSize"/>).</summary>
    Size,

    /// <summary>A count of 512-byte blocks, or a byte size with a K/M/G/T suffix (see <see cref="FieldValues.ParseBlocks"/>).</summary>
    Blocks,

    /// <summary>yes/no, true/false or 1/0 (see <see cref="FieldValues.ParseBool"/>).</summary>
    Boolean,

    /// <summary>Bytes written as hexadecimal digits, two per byte (see <see cref="FieldValues.ParseHex"/>).</summary>
    Hex,
}
