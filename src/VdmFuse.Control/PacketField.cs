namespace VdmFuse.Control;

/// <summary>
/// One field of a binary packet: where it lies, its C type, which way it travels, and the text
/// field it maps to. Its name is the C member path in kebab-case ("attributes.physical.sector-size").
/// </summary>
/// <param name="Name">The C member path in kebab-case; error messages name the field by it.</param>
/// <param name="Offset">The byte offset within the packet.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Type">The C type.</param>
/// <param name="Direction">Which way the field travels for this command.</param>
/// <param name="Mapping">How the value maps to text.</param>
/// <param name="Key">The text field (command field for inputs, reply field for outputs), or <see langword="null"/>.</param>
public sealed record PacketField(string Name, int Offset, int Size, PacketFieldType Type, PacketDirection Direction, PacketMapping Mapping, string? Key = null)
{
    /// <summary>The conditions under which the field applies (all must hold); empty when it always does.</summary>
    public IReadOnlyList<PacketCondition> When { get; init; } = [];

    /// <summary>A second reply field read when <see cref="Key"/> is absent from a reply (<c>child</c> for <c>child-device-number</c>).</summary>
    public string? AlternateKey { get; init; }

    /// <summary>Whether the binary form needs the text field even though the text form may leave it out.</summary>
    public bool RequiredInBinary { get; init; }

    /// <summary>For <see cref="PacketMapping.Bits"/>: the boolean text fields and their bits.</summary>
    public IReadOnlyList<PacketBit> Bits { get; init; } = [];

    /// <summary>For <see cref="PacketMapping.Choice"/>: the words and their numbers.</summary>
    public IReadOnlyList<PacketChoice> Choices { get; init; } = [];

    /// <summary>
    /// Whether a request may hold anything in this output field: it is neither read nor checked (a caller passes back the
    /// packet of the previous call, as DKIODMR's calling sequence does).
    /// </summary>
    public bool IgnoresInput { get; init; }

    /// <summary>
    /// For <see cref="PacketMapping.DeviceList"/>: the name of the <see cref="PacketMapping.ListCount"/> row that holds how many
    /// elements are used; for <see cref="PacketMapping.Hex"/>: the row that holds how many bytes are used (null: the whole field).
    /// </summary>
    public string? CountField { get; init; }

    /// <summary>For <see cref="PacketMapping.Records"/>: the element layout.</summary>
    public PacketRecords? Records { get; init; }

    /// <summary>
    /// For a field inside a byte array that C declares without members (the argument of ioctl-subdriver):
    /// the C struct that lays the array out and the member within it; <see langword="null"/> otherwise.
    /// </summary>
    public PacketCMember? Inner { get; init; }

    /// <summary>Whether this field is reserved space (its name ends in "reserved").</summary>
    public bool IsReserved => Name == "reserved" || Name.EndsWith(".reserved", StringComparison.Ordinal);

    /// <summary>Whether the request carries this field.</summary>
    public bool IsInput => Direction is PacketDirection.In or PacketDirection.InOut;

    /// <summary>Whether the reply carries this field.</summary>
    public bool IsOutput => Direction is PacketDirection.Out or PacketDirection.InOut;
}

/// <summary>One bit of a flags word and the boolean text field it is.</summary>
/// <param name="Key">The text field, such as "direct".</param>
/// <param name="Mask">The bit, such as <see cref="VdmAbi.PhysDirect"/>.</param>
public sealed record PacketBit(string Key, uint Mask);

/// <summary>One word of a <see cref="PacketMapping.Choice"/> field and the number that carries it.</summary>
/// <param name="Key">The word, such as "write".</param>
/// <param name="Value">Its number, such as <see cref="VdmAbi.FaultOpWrite"/>.</param>
public sealed record PacketChoice(string Key, uint Value);

/// <summary>A C member inside a struct that lays out a byte array: <c>offsetof(Outer, ArrayMember) + offsetof(Struct, Member)</c>.</summary>
/// <param name="ArrayMember">The byte array's member in the packet's struct, such as "argument".</param>
/// <param name="Struct">The struct laid over the array, such as "vdm_physical_info".</param>
/// <param name="Member">The member of that struct, such as "path".</param>
public sealed record PacketCMember(string ArrayMember, string Struct, string Member);
