namespace VdmFuse.Control;

/// <summary>
/// The binary packet of one command: its number, its verb, the C struct and its size, and its fields
/// in order. Selecting fields (subdriver ids) come before the fields they select.
/// </summary>
/// <param name="Command">The command number (VDM_CMD_*), the nr of its ioctl number.</param>
/// <param name="Verb">The verb of the text form.</param>
/// <param name="CStruct">The C struct, such as "vdm_create_instance_packet".</param>
/// <param name="Size">sizeof the struct.</param>
/// <param name="InstanceKey">The text field that an ioctl on an exported instance's file implies ("name" or "parent"), or <see langword="null"/>.</param>
/// <param name="Fields">The fields, in order.</param>
public sealed record PacketLayout(uint Command, string Verb, string CStruct, int Size, string? InstanceKey, IReadOnlyList<PacketField> Fields)
{
    private readonly Dictionary<string, PacketField> _byName =
        Fields.GroupBy(field => field.Name).ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);

    /// <summary>The ioctl number: <c>_IOWR('v', Command, struct)</c>.</summary>
    public uint IoctlNumber => (3u << 30) | ((uint)Size << 16) | ((uint)VdmAbi.IoctlType << 8) | Command;

    /// <summary>The C macro of the command number, such as "VDM_CMD_CREATE_INSTANCE".</summary>
    public string CommandMacro => "VDM_CMD_" + Verb.Replace('-', '_').ToUpperInvariant();

    /// <summary>The C macro of the ioctl number, such as "VDM_IOC_CREATE_INSTANCE".</summary>
    public string IoctlMacro => "VDM_IOC_" + Verb.Replace('-', '_').ToUpperInvariant();

    /// <summary>The field named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The layout has no such field.</exception>
    public PacketField Field(string name)
    {
        return _byName.TryGetValue(name, out var field) ? field : throw new KeyNotFoundException($"{Verb}: no packet field '{name}'");
    }

    /// <summary>Whether <paramref name="field"/> applies to <paramref name="packet"/>: every condition holds.</summary>
    public bool Applies(PacketField field, ReadOnlySpan<byte> packet)
    {
        ArgumentNullException.ThrowIfNull(field);
        foreach (var condition in field.When)
        {
            var selector = Field(condition.Field);
            if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(packet.Slice(selector.Offset, 4)) != condition.Value)
            {
                return false;
            }
        }
        return true;
    }
}
