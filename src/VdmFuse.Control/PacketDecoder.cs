using System.Buffers.Binary;
using System.Globalization;

namespace VdmFuse.Control;

/// <summary>
/// Reads packets by their <see cref="PacketLayout"/>: a request packet into a <see cref="ControlCommand"/>
/// (input fields only, every other byte zero), and a reply packet into a <see cref="ControlReply"/>.
/// </summary>
internal static class PacketDecoder
{
    /// <summary>Decodes the input fields of a request packet, checking that every other byte is zero.</summary>
    /// <param name="layout">The command's packet.</param>
    /// <param name="packet">Exactly <see cref="PacketLayout.Size"/> bytes.</param>
    /// <param name="impliedDevice">The instance an ioctl on an exported file implies, or 0.</param>
    /// <exception cref="ControlException">EINVAL with a sentence naming the field.</exception>
    public static ControlCommand DecodeRequest(PacketLayout layout, ReadOnlySpan<byte> packet, uint impliedDevice)
    {
        var verb = layout.Verb;
        var fields = new List<ControlField>();
        var input = new bool[layout.Size];
        foreach (var field in layout.Fields)
        {
            if (field.IgnoresInput && layout.Applies(field, packet))
            {
                input.AsSpan(field.Offset, field.Size).Fill(true);
                continue;
            }
            if (!field.IsInput || !layout.Applies(field, packet))
            {
                continue;
            }
            input.AsSpan(field.Offset, field.Size).Fill(true);
            var bytes = packet.Slice(field.Offset, field.Size);
            var value = field.Mapping == PacketMapping.DeviceList ? DecodeDeviceList(layout, field, packet) : DecodeInput(layout, field, bytes, fields);
            if (layout.InstanceKey is not null && field.Key == layout.InstanceKey && field.Mapping == PacketMapping.Device && impliedDevice != 0)
            {
                var given = ReadUInt32(bytes);
                if (given != 0 && given != impliedDevice)
                {
                    throw new ControlException(ControlErrno.EINVAL,
                        $"{verb}: field '{field.Name}' names instance {given}, but the ioctl was issued on the file of instance {impliedDevice}");
                }
                value = impliedDevice.ToString(CultureInfo.InvariantCulture);
            }
            if (value is not null)
            {
                fields.Add(new ControlField(field.Key!, value));
            }
        }
        for (var offset = 0; offset < packet.Length; offset++)
        {
            if (packet[offset] != 0 && !input[offset])
            {
                throw NonZero(layout, packet, offset);
            }
        }
        var command = new ControlCommand(verb, fields);
        CommandSchema.CheckFields(command);
        return command;
    }

    /// <summary>Decodes the output fields of a reply packet into a success reply.</summary>
    /// <exception cref="ControlException">EINVAL when an output field holds a value no reply has.</exception>
    public static ControlReply DecodeReply(PacketLayout layout, ReadOnlySpan<byte> packet)
    {
        var fields = new List<ControlField>();
        var records = new List<ControlRecord>();
        foreach (var field in layout.Fields)
        {
            if (!field.IsOutput || !layout.Applies(field, packet))
            {
                continue;
            }
            if (field.Records is { } array)
            {
                records.AddRange(DecodeRecords(layout, field, array, packet));
                continue;
            }
            var bytes = packet.Slice(field.Offset, field.Size);
            if (field.Mapping == PacketMapping.Bits)
            {
                var flags = ReadUInt32(bytes);
                fields.AddRange(field.Bits.Select(bit => new ControlField(bit.Key, (flags & bit.Mask) != 0 ? "1" : "0")));
                continue;
            }
            if (field.Mapping == PacketMapping.Hex)
            {
                fields.Add(new ControlField(field.Key!, FieldValues.FormatHex(bytes[..HexLength(layout, field, packet)])));
                continue;
            }
            var value = DecodeOutput(layout.Verb, field, bytes);
            if (value is not null)
            {
                fields.Add(new ControlField(field.Key!, value));
            }
        }
        return ControlReply.Success(fields, records);
    }

    private static IEnumerable<ControlRecord> DecodeRecords(PacketLayout layout, PacketField field, PacketRecords array, ReadOnlySpan<byte> packet)
    {
        var countField = layout.Field(array.CountField);
        var count = ReadUInt32(packet.Slice(countField.Offset, 4));
        if (count > array.MaxCount)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{layout.Verb}: field '{countField.Name}' is {count}; the packet holds at most {array.MaxCount} records");
        }
        var records = new List<ControlRecord>();
        for (var i = 0; i < (int)count; i++)
        {
            var element = packet.Slice(field.Offset + i * array.ElementSize, array.ElementSize);
            var values = new List<ControlField>();
            foreach (var member in array.Fields)
            {
                var value = DecodeOutput(layout.Verb, member, element.Slice(member.Offset, member.Size));
                if (value is not null)
                {
                    values.Add(new ControlField(member.Key!, value));
                }
            }
            records.Add(new ControlRecord(array.Tag, values));
        }
        return records;
    }

    private static string? DecodeInput(PacketLayout layout, PacketField field, ReadOnlySpan<byte> bytes, List<ControlField> decoded)
    {
        var verb = layout.Verb;
        switch (field.Mapping)
        {
            case PacketMapping.Version:
                var version = ReadUInt32(bytes);
                if (version != VdmAbi.PacketVersion0)
                {
                    throw new ControlException(ControlErrno.EINVAL,
                        $"{verb}: field '{field.Name}' is {version}; only version {VdmAbi.PacketVersion0} (VDM_PACKET_VERSION_0) is supported");
                }
                return null;
            case PacketMapping.Number:
                return ReadNumber(field, bytes).ToString(CultureInfo.InvariantCulture);
            case PacketMapping.SignedNumber:
                return ReadSigned(field, bytes);
            case PacketMapping.ListCount:
                return null;
            case PacketMapping.NumberIfNonZero:
                var number = ReadNumber(field, bytes);
                return number == 0 ? null : number.ToString(CultureInfo.InvariantCulture);
            case PacketMapping.Boolean:
                return ZeroOrOne(verb, field, bytes) ? "1" : "0";
            case PacketMapping.Flag:
                return ZeroOrOne(verb, field, bytes) ? "1" : null;
            case PacketMapping.NegatedFlag:
                return ZeroOrOne(verb, field, bytes) ? "0" : null;
            case PacketMapping.Selector:
                ZeroOrOne(verb, field, bytes);
                return null;
            case PacketMapping.Device:
                var device = ReadUInt32(bytes);
                if (device == VdmAbi.NoDevice)
                {
                    throw new ControlException(ControlErrno.EINVAL,
                        $"{verb}: field '{field.Name}' is VDM_NODEV ({VdmAbi.NoDevice}), which names no instance");
                }
                return device == 0 ? null : device.ToString(CultureInfo.InvariantCulture);
            case PacketMapping.DeviceOrNone:
                var deviceOrNone = ReadUInt32(bytes);
                return deviceOrNone is 0 or VdmAbi.NoDevice ? null : deviceOrNone.ToString(CultureInfo.InvariantCulture);
            case PacketMapping.Subdriver:
                var id = ReadUInt32(bytes);
                if (id == 0)
                {
                    return null;
                }
                return VdmAbi.SubdriverName(id) ?? throw new ControlException(ControlErrno.EINVAL,
                    $"{verb}: field '{field.Name}' is {id}, which is not a subdriver id (known: {KnownSubdrivers()})");
            case PacketMapping.SubdriverCommand:
                return DecodeSubdriverCommand(verb, field, ReadUInt32(bytes), decoded);
            case PacketMapping.Text:
                var text = PacketText.Read(verb, field, bytes);
                return text.Length == 0 ? null : text;
            case PacketMapping.Choice:
                return DecodeChoice(verb, field, ReadUInt32(bytes));
            case PacketMapping.Errno:
                return DecodeErrno(verb, field, ReadUInt32(bytes));
            case PacketMapping.Hex:
                return FieldValues.FormatHex(bytes);
            default:
                throw new InvalidOperationException($"{verb}: packet field '{field.Name}' has mapping {field.Mapping}, which no request carries");
        }
    }

    private static string? DecodeSubdriverCommand(string verb, PacketField field, uint number, List<ControlField> decoded)
    {
        if (number == 0)
        {
            return null;
        }
        var subdriver = decoded.FirstOrDefault(f => f.Key == "subdriver").Value ??
            throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{field.Name}' is {number} but no subdriver-id is given");
        var command = CommandTable.SubdriverCommands.FirstOrDefault(spec => spec.Subdriver == subdriver && spec.Number == number) ??
            throw new ControlException(ControlErrno.EINVAL, $"{verb}: subdriver {subdriver} has no command {number}");
        return command.Command;
    }

    private static string? DecodeOutput(string verb, PacketField field, ReadOnlySpan<byte> bytes)
    {
        switch (field.Mapping)
        {
            case PacketMapping.Number or PacketMapping.NumberIfNonZero or PacketMapping.Device:
                return ReadNumber(field, bytes).ToString(CultureInfo.InvariantCulture);
            case PacketMapping.SignedNumber:
                return ReadSigned(field, bytes);
            case PacketMapping.Boolean:
                return ZeroOrOne(verb, field, bytes) ? "1" : "0";
            case PacketMapping.DeviceOrNone:
                var device = ReadUInt32(bytes);
                return device is 0 or VdmAbi.NoDevice ? "-" : device.ToString(CultureInfo.InvariantCulture);
            case PacketMapping.Subdriver:
                var id = ReadUInt32(bytes);
                if (id == 0)
                {
                    return null;
                }
                if (id == VdmAbi.SubdriverNonVdm)
                {
                    return "non-vdm";
                }
                return VdmAbi.SubdriverName(id) ?? throw new ControlException(ControlErrno.EINVAL,
                    $"{verb}: field '{field.Name}' is {id}, which is not a subdriver id (known: {KnownSubdrivers()})");
            case PacketMapping.Text:
                return PacketText.Read(verb, field, bytes);
            case PacketMapping.Choice:
                return DecodeChoice(verb, field, ReadUInt32(bytes));
            case PacketMapping.Errno:
                return DecodeErrno(verb, field, ReadUInt32(bytes));
            default:
                return null;
        }
    }

    /// <summary>
    /// The error for the first non-zero byte outside the input fields: it names the field that applies there,
    /// or one that would apply under other settings (a union member of another subdriver), or the reserved bytes.
    /// </summary>
    private static ControlException NonZero(PacketLayout layout, ReadOnlySpan<byte> packet, int offset)
    {
        var verb = layout.Verb;
        PacketField? inactive = null;
        foreach (var field in layout.Fields)
        {
            if (offset < field.Offset || offset >= field.Offset + field.Size)
            {
                continue;
            }
            if (layout.Applies(field, packet))
            {
                return field.IsReserved
                    ? new ControlException(ControlErrno.EINVAL, $"{verb}: reserved bytes at offset {offset} must be zero")
                    : new ControlException(ControlErrno.EINVAL, $"{verb}: field '{field.Name}' (offset {field.Offset}) is not an input of {verb} and must be zero");
            }
            if (!field.IsReserved)
            {
                inactive ??= field;
            }
        }
        if (inactive is null)
        {
            return new ControlException(ControlErrno.EINVAL, $"{verb}: reserved bytes at offset {offset} must be zero");
        }
        if (!inactive.IsInput)
        {
            return new ControlException(ControlErrno.EINVAL,
                $"{verb}: field '{inactive.Name}' (offset {inactive.Offset}) is not an input of {verb} and must be zero");
        }
        return new ControlException(ControlErrno.EINVAL,
            $"{verb}: field '{inactive.Name}' (offset {inactive.Offset}) must be zero unless {string.Join(" and ", inactive.When)}");
    }

    /// <summary>
    /// The comma list of the device numbers a <see cref="PacketMapping.DeviceList"/> field holds: as many as its count
    /// field says, each naming an instance, the unused elements zero; null for a count of 0 (not given).
    /// </summary>
    private static string? DecodeDeviceList(PacketLayout layout, PacketField field, ReadOnlySpan<byte> packet)
    {
        var verb = layout.Verb;
        var countField = layout.Field(field.CountField ?? throw new InvalidOperationException($"{verb}: device list '{field.Name}' has no count field"));
        var count = ReadUInt32(packet.Slice(countField.Offset, 4));
        var capacity = field.Size / 4;
        if (count > capacity)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{verb}: field '{countField.Name}' is {count}; field '{field.Name}' holds at most {capacity} device numbers");
        }
        var devices = new List<string>();
        for (var i = 0; i < capacity; i++)
        {
            var device = ReadUInt32(packet.Slice(field.Offset + 4 * i, 4));
            if (i >= count && device != 0)
            {
                throw new ControlException(ControlErrno.EINVAL,
                    $"{verb}: field '{field.Name}' element {i} is {device} but must be zero: field '{countField.Name}' is {count}");
            }
            if (i < count && device is 0 or VdmAbi.NoDevice)
            {
                throw new ControlException(ControlErrno.EINVAL,
                    $"{verb}: field '{field.Name}' element {i} is {device}, which names no instance (field '{countField.Name}' is {count})");
            }
            if (i < count)
            {
                devices.Add(device.ToString(CultureInfo.InvariantCulture));
            }
        }
        return devices.Count == 0 ? null : string.Join(',', devices);
    }

    /// <summary>The word a <see cref="PacketMapping.Choice"/> field's number carries; null for 0 (not given).</summary>
    private static string? DecodeChoice(string verb, PacketField field, uint value)
    {
        if (value == 0)
        {
            return null;
        }
        return field.Choices.FirstOrDefault(choice => choice.Value == value)?.Key ?? throw new ControlException(ControlErrno.EINVAL,
            $"{verb}: field '{field.Name}' is {value}; it must be {string.Join(", ", field.Choices.Select(choice => $"{choice.Value} ({choice.Key})"))}");
    }

    /// <summary>The name of an errno a <see cref="PacketMapping.Errno"/> field carries; null for 0 (not given).</summary>
    private static string? DecodeErrno(string verb, PacketField field, uint value)
    {
        if (value == 0)
        {
            return null;
        }
        if (value > int.MaxValue)
        {
            throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{field.Name}' is {value}, which is not an errno value");
        }
        return ControlErrno.Name((int)value);
    }

    private static bool ZeroOrOne(string verb, PacketField field, ReadOnlySpan<byte> bytes)
    {
        var value = ReadUInt32(bytes);
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{field.Name}' must be 0 or 1, not {value}"),
        };
    }

    private static ulong ReadNumber(PacketField field, ReadOnlySpan<byte> bytes) => field.Type switch
    {
        PacketFieldType.U64 => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        PacketFieldType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        _ => ReadUInt32(bytes),
    };

    /// <summary>The bytes a <see cref="PacketMapping.Hex"/> field uses: the number in its count field, or the whole field.</summary>
    private static int HexLength(PacketLayout layout, PacketField field, ReadOnlySpan<byte> packet)
    {
        if (field.CountField is null)
        {
            return field.Size;
        }
        var countField = layout.Field(field.CountField);
        var count = ReadUInt32(packet.Slice(countField.Offset, 4));
        if (count > field.Size)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{layout.Verb}: field '{countField.Name}' is {count}; field '{field.Name}' holds at most {field.Size} bytes");
        }
        return (int)count;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private static string ReadSigned(PacketField field, ReadOnlySpan<byte> bytes) => field.Type == PacketFieldType.I64
        ? BinaryPrimitives.ReadInt64LittleEndian(bytes).ToString(CultureInfo.InvariantCulture)
        : BinaryPrimitives.ReadInt32LittleEndian(bytes).ToString(CultureInfo.InvariantCulture);

    internal static string KnownSubdrivers() =>
        string.Join(", ", CommandTable.Subdrivers.Select(name => $"{VdmAbi.SubdriverId(name)} {name}"));
}
