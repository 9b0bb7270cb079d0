namespace VdmFuse.Control;

/// <summary>How a packet field's value maps to the text field named by its key.</summary>
public enum PacketMapping
{
    /// <summary>Not carried in text (reserved space, a role packet no subdriver defines yet).</summary>
    None,

    /// <summary>A version field: must be <see cref="VdmAbi.PacketVersion0"/>.</summary>
    Version,

    /// <summary>A decimal number, always given.</summary>
    Number,

    /// <summary>A decimal number; 0 in a request means "not given".</summary>
    NumberIfNonZero,

    /// <summary>0 or 1, written "0" or "1", always given.</summary>
    Boolean,

    /// <summary>0 or 1; 1 gives <c>key=1</c>, 0 leaves the field out.</summary>
    Flag,

    /// <summary>0 or 1; 1 gives <c>key=0</c>, 0 leaves the field out (<c>not_exported</c> is <c>exported=0</c>).</summary>
    NegatedFlag,

    /// <summary>0 or 1 telling which of the next fields holds the value (device_number_used); 1 when the key is given.</summary>
    Selector,

    /// <summary>An instance's device number; 0 in a request means "not given"; VDM_NODEV is refused.</summary>
    Device,

    /// <summary>A device number or none: 0 and VDM_NODEV mean none, written "-" in replies.</summary>
    DeviceOrNone,

    /// <summary>A subdriver id, written as its name; 0 means "not given".</summary>
    Subdriver,

    /// <summary>A subdriver command number, written as its name (see <see cref="CommandTable.SubdriverCommands"/>).</summary>
    SubdriverCommand,

    /// <summary>A NUL-terminated name or path; empty means "not given".</summary>
    Text,

    /// <summary>A flags word whose bits are boolean fields (see <see cref="PacketField.Bits"/>).</summary>
    Bits,

    /// <summary>An array of records (see <see cref="PacketField.Records"/>).</summary>
    Records,

    /// <summary>One word of a fixed set, carried as its number (see <see cref="PacketField.Choices"/>); 0 means "not given".</summary>
    Choice,

    /// <summary>A signed decimal number (<c>int32_t</c> or <c>int64_t</c>), always given; -1 is a value (a mirror's "no test", a remap entry's "not mapped").</summary>
    SignedNumber,

    /// <summary>
    /// An array of device numbers, written as a comma list of them ("3,4"); how many are used is in the
    /// <see cref="ListCount"/> field named by <see cref="PacketField.CountField"/>; a count of 0 means "not given".
    /// </summary>
    DeviceList,

    /// <summary>The count of a <see cref="DeviceList"/>: read and written with the list, no text field of its own.</summary>
    ListCount,

    /// <summary>An errno value, written as its name ("EIO", or "E" and the number when it has none); a request may give a name or a number; 0 means "not given".</summary>
    Errno,

    /// <summary>
    /// Raw bytes written as hexadecimal digits, two per byte ("55aa"). How many bytes are used is the whole field, or the
    /// number in the field named by <see cref="PacketField.CountField"/>; the rest of the field is zero.
    /// </summary>
    Hex,
}
