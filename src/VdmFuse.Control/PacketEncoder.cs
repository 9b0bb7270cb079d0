using System.Buffers.Binary;
using System.Globalization;

namespace VdmFuse.Control;

/// <summary>
/// Writes packets by their <see cref="PacketLayout"/>: a text-form <see cref="ControlCommand"/> into a
/// request packet (the client side), and a <see cref="ControlReply"/> into the output fields of the
/// request packet (the daemon side).
/// </summary>
internal static class PacketEncoder
{
    /// <summary>Builds the request packet of a command from its text fields.</summary>
    /// <exception cref="ControlException">EINVAL when a field has no place in the packet or its value does not fit.</exception>
    public static byte[] EncodeRequest(PacketLayout layout, ControlCommand command)
    {
        var verb = layout.Verb;
        var packet = new byte[layout.Size];
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in layout.Fields)
        {
            if (!field.IsInput || !layout.Applies(field, packet) || field.Key is null)
            {
                continue;
            }
            var bytes = packet.AsSpan(field.Offset, field.Size);
            var value = command.GetOptional(field.Key);
            if (field.Mapping == PacketMapping.Selector)
            {
                WriteUInt32(bytes, value is null ? 0u : 1u);
                continue;
            }
            if (value is null)
            {
                if (field.RequiredInBinary)
                {
                    throw new ControlException(ControlErrno.EINVAL, $"{verb}: the binary packet needs field '{field.Key}'");
                }
                continue;
            }
            used.Add(field.Key);
            if (field.Mapping == PacketMapping.DeviceList)
            {
                EncodeDeviceList(layout, field, verb, value, packet);
                continue;
            }
            EncodeInput(command, field, value, bytes);
        }
        foreach (var field in command.Fields)
        {
            if (!used.Contains(field.Key))
            {
                throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{field.Key}' has no place in the {verb} packet");
            }
        }
        return packet;
    }

    /// <summary>Writes the output fields of <paramref name="reply"/> into a copy of the request packet.</summary>
    /// <exception cref="ControlException">EIO, ERANGE or ENAMETOOLONG when a reply value does not fit its packet field.</exception>
    public static byte[] EncodeReply(PacketLayout layout, ReadOnlySpan<byte> requestPacket, ControlReply reply)
    {
        var packet = requestPacket.ToArray();
        foreach (var field in layout.Fields)
        {
            if (!field.IsOutput || !layout.Applies(field, packet))
            {
                continue;
            }
            var bytes = packet.AsSpan(field.Offset, field.Size);
            if (field.Records is { } array)
            {
                EncodeRecords(layout.Verb, field, array, reply, bytes);
                continue;
            }
            if (field.Mapping == PacketMapping.Bits)
            {
                var flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                foreach (var bit in field.Bits)
                {
                    if (reply.Find(bit.Key) is { } text)
                    {
                        flags = ReplyBool(layout.Verb, field, bit.Key, text) ? flags | bit.Mask : flags & ~bit.Mask;
                    }
                }
                WriteUInt32(bytes, flags);
                continue;
            }
            if (field.IgnoresInput)
            {
                // Whatever the caller passed in (the previous call's packet) is not part of this reply.
                bytes.Clear();
            }
            var key = field.Key!;
            var value = reply.Find(key);
            if (value is null && field.AlternateKey is not null)
            {
                key = field.AlternateKey;
                value = reply.Find(key);
            }
            if (value is not null)
            {
                EncodeOutput(layout.Verb, field, key, value, bytes);
            }
        }
        return packet;
    }

    private static void EncodeRecords(string verb, PacketField field, PacketRecords array, ControlReply reply, Span<byte> bytes)
    {
        var records = reply.Records.Where(record => record.Tag == array.Tag).ToList();
        if (records.Count > array.MaxCount)
        {
            throw new ControlException(ControlErrno.ERANGE,
                $"{verb}: the reply has {records.Count} '{array.Tag}' records; packet field '{field.Name}' holds {array.MaxCount}");
        }
        bytes.Clear();
        for (var i = 0; i < records.Count; i++)
        {
            var element = bytes.Slice(i * array.ElementSize, array.ElementSize);
            foreach (var member in array.Fields)
            {
                if (records[i].Find(member.Key!) is { } value)
                {
                    EncodeOutput(verb, member, member.Key!, value, element.Slice(member.Offset, member.Size));
                }
            }
        }
    }

    private static void EncodeInput(ControlCommand command, PacketField field, string value, Span<byte> bytes)
    {
        var verb = command.Verb;
        var key = field.Key!;
        switch (field.Mapping)
        {
            case PacketMapping.Number or PacketMapping.NumberIfNonZero:
                var type = CommandSchema.FindField(command, key)?.Type ?? FieldType.Integer;
                var number = type == FieldType.Blocks ? FieldValues.ParseBlocks(verb, key, value) : FieldValues.ParseInt64(verb, key, value);
                if (number < 0 || (field.Type == PacketFieldType.U32 && number > uint.MaxValue) || (field.Type == PacketFieldType.U16 && number > ushort.MaxValue))
                {
                    throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{key}' is out of range: '{value}'");
                }
                WriteNumber(field, bytes, (ulong)number);
                break;
            case PacketMapping.SignedNumber:
                var signed = FieldValues.ParseInt64(verb, key, value);
                if (field.Type == PacketFieldType.I64)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(bytes, signed);
                    break;
                }
                if (signed is < int.MinValue or > int.MaxValue)
                {
                    throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{key}' is out of range: '{value}'");
                }
                BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)signed);
                break;
            case PacketMapping.Boolean or PacketMapping.Flag:
                WriteUInt32(bytes, FieldValues.ParseBool(verb, key, value) ? 1u : 0u);
                break;
            case PacketMapping.NegatedFlag:
                WriteUInt32(bytes, FieldValues.ParseBool(verb, key, value) ? 0u : 1u);
                break;
            case PacketMapping.Device:
                WriteUInt32(bytes, DeviceNumber(verb, key, value));
                break;
            case PacketMapping.DeviceOrNone:
                WriteUInt32(bytes, value == "-" ? VdmAbi.NoDevice : DeviceNumber(verb, key, value));
                break;
            case PacketMapping.Subdriver:
                var id = VdmAbi.SubdriverId(value);
                WriteUInt32(bytes, id != 0 ? id : throw CommandSchema.UnknownSubdriver(verb, value));
                break;
            case PacketMapping.SubdriverCommand:
                WriteUInt32(bytes, CommandSchema.GetSubdriverCommand(command).Number);
                break;
            case PacketMapping.Text:
                PacketText.Write(verb, field, value, bytes, ControlErrno.EINVAL, ControlErrno.EINVAL);
                break;
            case PacketMapping.Choice:
                WriteUInt32(bytes, ChoiceValue(field, value) ?? throw new ControlException(ControlErrno.EINVAL,
                    $"{verb}: field '{key}' must be one of {string.Join(", ", field.Choices.Select(choice => choice.Key))}, not '{value}'"));
                break;
            case PacketMapping.Errno:
                WriteUInt32(bytes, ErrnoValue(value) ?? throw new ControlException(ControlErrno.EINVAL,
                    $"{verb}: field '{key}' must be an errno name (EIO) or a positive number, not '{value}'"));
                break;
            case PacketMapping.Hex:
                var data = FieldValues.ParseHex(verb, key, value);
                if (data.Length > field.Size)
                {
                    throw new ControlException(ControlErrno.EINVAL, $"{verb}: field '{key}' is {data.Length} bytes; the packet holds {field.Size}");
                }
                bytes.Clear();
                data.CopyTo(bytes);
                break;
            default:
                throw new InvalidOperationException($"{verb}: packet field '{field.Name}' has mapping {field.Mapping}, which no request carries");
        }
    }

    private static void EncodeOutput(string verb, PacketField field, string key, string value, Span<byte> bytes)
    {
        switch (field.Mapping)
        {
            case PacketMapping.Number or PacketMapping.NumberIfNonZero or PacketMapping.Device:
                WriteNumber(field, bytes, ReplyNumber(verb, field, key, value));
                break;
            case PacketMapping.DeviceOrNone:
                WriteNumber(field, bytes, value == "-" ? VdmAbi.NoDevice : ReplyNumber(verb, field, key, value));
                break;
            case PacketMapping.SignedNumber when field.Type == PacketFieldType.I64:
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed64))
                {
                    throw Unfit(ControlErrno.EIO, verb, field, key, value, "is not a 64-bit signed number");
                }
                BinaryPrimitives.WriteInt64LittleEndian(bytes, signed64);
                break;
            case PacketMapping.SignedNumber:
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed))
                {
                    throw Unfit(ControlErrno.EIO, verb, field, key, value, "is not a 32-bit signed number");
                }
                BinaryPrimitives.WriteInt32LittleEndian(bytes, signed);
                break;
            case PacketMapping.Boolean:
                WriteUInt32(bytes, ReplyBool(verb, field, key, value) ? 1u : 0u);
                break;
            case PacketMapping.Subdriver:
                var id = value == "non-vdm" ? VdmAbi.SubdriverNonVdm : VdmAbi.SubdriverId(value);
                if (id == 0)
                {
                    throw Unfit(ControlErrno.EIO, verb, field, key, value, "is not a subdriver");
                }
                WriteUInt32(bytes, id);
                break;
            case PacketMapping.Text:
                PacketText.Write(verb, field, value, bytes, ControlErrno.EIO, ControlErrno.ENAMETOOLONG);
                break;
            case PacketMapping.Choice:
                WriteUInt32(bytes, ChoiceValue(field, value) ?? throw Unfit(ControlErrno.EIO, verb, field, key, value,
                    $"is not one of {string.Join(", ", field.Choices.Select(choice => choice.Key))}"));
                break;
            case PacketMapping.Errno:
                WriteUInt32(bytes, ErrnoValue(value) ?? throw Unfit(ControlErrno.EIO, verb, field, key, value, "is not an errno"));
                break;
            case PacketMapping.Hex:
                if (value.Length % 2 != 0 || value.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF") >= 0)
                {
                    throw Unfit(ControlErrno.EIO, verb, field, key, value.Length > 32 ? value[..32] + "..." : value, "is not hexadecimal bytes");
                }
                if (value.Length / 2 > field.Size)
                {
                    throw Unfit(ControlErrno.ERANGE, verb, field, key, $"{value.Length / 2} bytes", $"is more than the field's {field.Size} bytes");
                }
                bytes.Clear();
                Convert.FromHexString(value).CopyTo(bytes);
                break;
            default:
                throw new InvalidOperationException($"{verb}: packet field '{field.Name}' has mapping {field.Mapping}, which no reply carries");
        }
    }

    /// <summary>Writes a comma list of device numbers into a <see cref="PacketMapping.DeviceList"/> field and its count field.</summary>
    private static void EncodeDeviceList(PacketLayout layout, PacketField field, string verb, string value, Span<byte> packet)
    {
        var key = field.Key!;
        var devices = value.Split(',');
        var capacity = field.Size / 4;
        if (devices.Length > capacity)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{verb}: field '{key}' lists {devices.Length} instances; the packet holds at most {capacity}");
        }
        for (var i = 0; i < devices.Length; i++)
        {
            WriteUInt32(packet.Slice(field.Offset + 4 * i, 4), DeviceNumber(verb, key, devices[i]));
        }
        var countField = layout.Field(field.CountField ?? throw new InvalidOperationException($"{verb}: device list '{field.Name}' has no count field"));
        WriteUInt32(packet.Slice(countField.Offset, 4), (uint)devices.Length);
    }

    private static uint? ChoiceValue(PacketField field, string value) => field.Choices.FirstOrDefault(choice => choice.Key == value)?.Value;

    /// <summary>An errno given by name ("EIO", "E200") or as a positive decimal number.</summary>
    private static uint? ErrnoValue(string value)
    {
        if (ControlErrno.TryParse(value, out var errno))
        {
            return (uint)errno;
        }
        if (value.Length > 0 && value.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 &&
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out errno) && errno > 0)
        {
            return (uint)errno;
        }
        return null;
    }

    private static ulong ReplyNumber(string verb, PacketField field, string key, string value)
    {
        if (value.Length == 0 || value.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0 ||
            !ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw Unfit(ControlErrno.EIO, verb, field, key, value, "is not a number");
        }
        if (field.Type != PacketFieldType.U64 && number > uint.MaxValue)
        {
            throw Unfit(ControlErrno.ERANGE, verb, field, key, value, "does not fit 32 bits");
        }
        if (field.Type == PacketFieldType.U16 && number > ushort.MaxValue)
        {
            throw Unfit(ControlErrno.ERANGE, verb, field, key, value, "does not fit 16 bits");
        }
        return number;
    }

    private static bool ReplyBool(string verb, PacketField field, string key, string value) => value switch
    {
        "1" or "yes" or "true" => true,
        "0" or "no" or "false" => false,
        _ => throw Unfit(ControlErrno.EIO, verb, field, key, value, "is not a boolean"),
    };

    private static ControlException Unfit(int errno, string verb, PacketField field, string key, string value, string problem) =>
        new(errno, $"{verb}: reply field '{key}' ('{value}') {problem}, so it cannot fill packet field '{field.Name}'");

    private static uint DeviceNumber(string verb, string key, string value)
    {
        if (value.Length == 0 || value.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0 ||
            !uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var device) ||
            device is 0 or VdmAbi.NoDevice)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{verb}: field '{key}' must be a device number (1 to {VdmAbi.NoDevice - 1}) in the binary form, not '{value}'");
        }
        return device;
    }

    private static void WriteNumber(PacketField field, Span<byte> bytes, ulong value)
    {
        if (field.Type == PacketFieldType.U64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        }
        else if (field.Type == PacketFieldType.U16)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        }
        else
        {
            WriteUInt32(bytes, (uint)value);
        }
    }

    private static void WriteUInt32(Span<byte> bytes, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
}
