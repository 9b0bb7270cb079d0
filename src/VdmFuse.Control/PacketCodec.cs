using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace VdmFuse.Control;

/// <summary>
/// The binary forms of the control language, laid out by <c>packaging/include/vdmfuse/vdm.h</c> and
/// driven by <see cref="PacketLayouts"/>. A request written to the control file is a
/// <c>struct vdm_request_header</c> and the command's packet; the reply read back is a
/// <c>struct vdm_reply_header</c> and the packet with its output fields. An ioctl carries the packet
/// alone, the command coming from the ioctl number. Every decoder answers bad input with
/// <see cref="ControlErrno.EINVAL"/> and a sentence naming what was wrong.
/// </summary>
public static class PacketCodec
{
    /// <summary>Bytes of <c>struct vdm_request_header</c>.</summary>
    public const int RequestHeaderSize = 16;

    /// <summary>Bytes of <c>struct vdm_reply_header</c>: 16, error, reserved and message[256].</summary>
    public const int ReplyHeaderSize = 280;

    /// <summary>The largest request: a header and the largest packet.</summary>
    public static int MaxRequestSize { get; } = RequestHeaderSize + PacketLayouts.Commands.Max(layout => layout.Size);

    /// <summary>Whether <paramref name="data"/> starts with <see cref="VdmAbi.RequestMagic"/>, so it is a binary request rather than text.</summary>
    public static bool LooksLikePacket(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(data) == VdmAbi.RequestMagic;

    /// <summary>Reads the command number of a request's header, so that a failed request can still be answered with it.</summary>
    /// <returns><see langword="false"/> when <paramref name="data"/> is shorter than a header.</returns>
    public static bool TryReadCommand(ReadOnlySpan<byte> data, out uint command)
    {
        command = data.Length >= RequestHeaderSize ? BinaryPrimitives.ReadUInt32LittleEndian(data[8..]) : 0;
        return data.Length >= RequestHeaderSize;
    }

    /// <summary>Decodes a request written to the control file: header and packet, fully checked (no instance is implied).</summary>
    /// <exception cref="ControlException">EINVAL: wrong magic, version, command, length or size; a bad field; a missing required field.</exception>
    public static ControlCommand DecodeRequest(ReadOnlySpan<byte> data)
    {
        if (data.Length < RequestHeaderSize)
        {
            throw Invalid($"request is {data.Length} bytes, shorter than the {RequestHeaderSize}-byte request header");
        }
        var magic = ReadUInt32(data, 0);
        if (magic != VdmAbi.RequestMagic)
        {
            throw Invalid($"request magic is 0x{magic:x8}; expected VDM_REQUEST_MAGIC 0x{VdmAbi.RequestMagic:x8}");
        }
        var version = ReadUInt32(data, 4);
        if (version != VdmAbi.PacketVersion0)
        {
            throw Invalid($"request version is {version}; only version {VdmAbi.PacketVersion0} (VDM_PACKET_VERSION_0) is supported");
        }
        var layout = Layout(ReadUInt32(data, 8));
        var length = ReadUInt32(data, 12);
        if (length != layout.Size)
        {
            throw Invalid($"packet for {layout.Verb} is {length} bytes; expected {layout.Size}");
        }
        if (data.Length != RequestHeaderSize + layout.Size)
        {
            throw Invalid($"request for {layout.Verb} is {data.Length} bytes; expected {RequestHeaderSize + layout.Size} (the {RequestHeaderSize}-byte header and the {layout.Size}-byte packet)");
        }
        return DecodePacket(layout.Command, data[RequestHeaderSize..], 0);
    }

    /// <summary>
    /// Decodes an ioctl's packet. A device number of 0 in the instance field leaves that field out of the
    /// command (so that the caller can imply it); required fields are not checked.
    /// </summary>
    /// <exception cref="ControlException">EINVAL: unknown command, wrong size, or a bad field.</exception>
    public static ControlCommand DecodePacket(uint command, ReadOnlySpan<byte> packet)
    {
        var layout = Layout(command);
        CheckSize(layout, packet.Length);
        return PacketDecoder.DecodeRequest(layout, packet, 0);
    }

    /// <summary>
    /// Decodes an ioctl's packet and checks the whole command. When <paramref name="impliedDeviceNumber"/> is not 0
    /// (an ioctl on an exported instance's file), the instance field (<see cref="InstanceKey"/>) is that instance:
    /// a 0 in the packet takes it, another number must equal it.
    /// </summary>
    /// <exception cref="ControlException">EINVAL: unknown command, wrong size, a bad field, another instance named, a missing required field.</exception>
    public static ControlCommand DecodePacket(uint command, ReadOnlySpan<byte> packet, uint impliedDeviceNumber)
    {
        var layout = Layout(command);
        CheckSize(layout, packet.Length);
        var decoded = PacketDecoder.DecodeRequest(layout, packet, impliedDeviceNumber);
        CommandSchema.Validate(decoded);
        return decoded;
    }

    /// <summary>The text field an ioctl on an exported instance's file implies for <paramref name="command"/> ("name" or "parent"), or <see langword="null"/>.</summary>
    public static string? InstanceKey(uint command) => PacketLayouts.Find(command)?.InstanceKey;

    /// <summary>The reply to a request written to the control file: reply header and the packet with output fields, or the header alone with the error.</summary>
    /// <param name="command">The command number of the request (any number for an error reply).</param>
    /// <param name="requestPacket">The request's packet (without header); ignored for an error reply.</param>
    /// <param name="reply">The dispatcher's reply.</param>
    /// <exception cref="ArgumentException">A success reply for an unknown command or with a packet of the wrong size.</exception>
    public static byte[] EncodeReply(uint command, ReadOnlySpan<byte> requestPacket, ControlReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (!reply.IsOk)
        {
            return ReplyHeader(command, 0, reply.Errno, reply.Message);
        }
        byte[] packet;
        try
        {
            packet = EncodePacket(command, requestPacket, reply);
        }
        catch (ControlException e)
        {
            return ReplyHeader(command, 0, e.Errno, e.Message);
        }
        var data = ReplyHeader(command, packet.Length, 0, "");
        Array.Resize(ref data, ReplyHeaderSize + packet.Length);
        packet.CopyTo(data, ReplyHeaderSize);
        return data;
    }

    /// <summary>The packet an ioctl returns: the request packet with the reply's output fields written in.</summary>
    /// <exception cref="ArgumentException">An error reply, an unknown command, or a packet of the wrong size.</exception>
    /// <exception cref="ControlException">EIO, ERANGE or ENAMETOOLONG when a reply value does not fit its packet field.</exception>
    public static byte[] EncodePacket(uint command, ReadOnlySpan<byte> requestPacket, ControlReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (!reply.IsOk)
        {
            throw new ArgumentException("an error reply has no packet; the ioctl fails with its errno", nameof(reply));
        }
        var layout = PacketLayouts.Find(command) ?? throw new ArgumentException($"unknown command number {command}", nameof(command));
        if (requestPacket.Length != layout.Size)
        {
            throw new ArgumentException($"packet for {layout.Verb} is {requestPacket.Length} bytes; expected {layout.Size}", nameof(requestPacket));
        }
        return PacketEncoder.EncodeReply(layout, requestPacket, reply);
    }

    /// <summary>The command and packet size of one of vdmfuse's ioctl numbers (<c>_IOWR('v', command, struct)</c>).</summary>
    /// <returns><see langword="false"/> for any other number: another direction, type letter, command or size.</returns>
    public static bool TryDecodeIoctlNumber(uint ioctlNumber, out uint command, out int packetSize)
    {
        var layout = PacketLayouts.Find(ioctlNumber & 0xff);
        if (layout is not null && layout.IoctlNumber == ioctlNumber)
        {
            command = layout.Command;
            packetSize = layout.Size;
            return true;
        }
        command = 0;
        packetSize = 0;
        return false;
    }

    /// <summary>The ioctl number of a command: <c>_IOWR('v', command, struct)</c>, that is 3 &lt;&lt; 30 | size &lt;&lt; 16 | 'v' &lt;&lt; 8 | command.</summary>
    /// <exception cref="ArgumentException">Unknown command number.</exception>
    public static uint IoctlNumber(uint command) =>
        (PacketLayouts.Find(command) ?? throw new ArgumentException($"unknown command number {command}", nameof(command))).IoctlNumber;

    /// <summary>The packet size of a command, or 0 for an unknown command number.</summary>
    public static int PacketSize(uint command) => PacketLayouts.Find(command)?.Size ?? 0;

    /// <summary>The command number of a verb, or 0 for a verb without a binary form (help).</summary>
    public static uint CommandNumber(string verb) => PacketLayouts.Find(verb)?.Command ?? 0;

    /// <summary>The request (header and packet) for a text-form command; instances must be given by device number.</summary>
    /// <exception cref="ControlException">EINVAL: a verb without a binary form, a field the packet has no place for, a value that does not fit.</exception>
    public static byte[] EncodeRequest(ControlCommand command)
    {
        var packet = EncodePacket(command);
        var data = new byte[RequestHeaderSize + packet.Length];
        WriteUInt32(data, 0, VdmAbi.RequestMagic);
        WriteUInt32(data, 4, VdmAbi.PacketVersion0);
        WriteUInt32(data, 8, CommandNumber(command.Verb));
        WriteUInt32(data, 12, (uint)packet.Length);
        packet.CopyTo(data, RequestHeaderSize);
        return data;
    }

    /// <summary>The packet alone (for an ioctl) for a text-form command; the instance field may be left out on an exported file.</summary>
    /// <exception cref="ControlException">EINVAL: a verb without a binary form, a field the packet has no place for, a value that does not fit.</exception>
    public static byte[] EncodePacket(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        CommandSchema.CheckFields(command);
        var layout = PacketLayouts.Find(command.Verb) ??
            throw new ControlException(ControlErrno.EINVAL, $"{command.Verb}: this command has no binary form; use the text form");
        return PacketEncoder.EncodeRequest(layout, command);
    }

    /// <summary>Decodes a reply read back from the control file: the error, or the output fields of the packet.</summary>
    /// <exception cref="ControlException">EINVAL when the data is not a well-formed reply.</exception>
    public static ControlReply DecodeReply(ReadOnlySpan<byte> data)
    {
        if (data.Length < ReplyHeaderSize)
        {
            throw Invalid($"reply is {data.Length} bytes, shorter than the {ReplyHeaderSize}-byte reply header");
        }
        var magic = ReadUInt32(data, 0);
        if (magic != VdmAbi.ReplyMagic)
        {
            throw Invalid($"reply magic is 0x{magic:x8}; expected VDM_REPLY_MAGIC 0x{VdmAbi.ReplyMagic:x8}");
        }
        var version = ReadUInt32(data, 4);
        if (version != VdmAbi.PacketVersion0)
        {
            throw Invalid($"reply version is {version}; only version {VdmAbi.PacketVersion0} is supported");
        }
        var length = ReadUInt32(data, 12);
        var error = BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
        if (error != 0)
        {
            if (error < 0 || length != 0 || data.Length != ReplyHeaderSize)
            {
                throw Invalid($"reply error is {error} with {length} packet bytes; an error is a positive errno with no packet");
            }
            var message = data.Slice(24, VdmAbi.MessageSize);
            var end = message.IndexOf((byte)0);
            return ControlReply.Error(error, Encoding.UTF8.GetString(end < 0 ? message : message[..end]));
        }
        var layout = Layout(ReadUInt32(data, 8));
        if (length != layout.Size || data.Length != ReplyHeaderSize + layout.Size)
        {
            throw Invalid($"reply for {layout.Verb} is {data.Length} bytes with length {length}; expected {ReplyHeaderSize + layout.Size} with length {layout.Size}");
        }
        return PacketDecoder.DecodeReply(layout, data[ReplyHeaderSize..]);
    }

    /// <summary>Decodes the packet an ioctl returned into a success reply with its output fields.</summary>
    /// <exception cref="ControlException">EINVAL: unknown command, wrong size, or an output field no reply has.</exception>
    public static ControlReply DecodeReplyPacket(uint command, ReadOnlySpan<byte> packet)
    {
        var layout = Layout(command);
        CheckSize(layout, packet.Length);
        return PacketDecoder.DecodeReply(layout, packet);
    }

    private static byte[] ReplyHeader(uint command, int length, int errno, string message)
    {
        var data = new byte[ReplyHeaderSize];
        WriteUInt32(data, 0, VdmAbi.ReplyMagic);
        WriteUInt32(data, 4, VdmAbi.PacketVersion0);
        WriteUInt32(data, 8, command);
        WriteUInt32(data, 12, (uint)length);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), errno);
        WriteMessage(message, data.AsSpan(24, VdmAbi.MessageSize - 1));
        return data;
    }

    /// <summary>Writes as much of the message as fits, whole characters only, control characters as spaces.</summary>
    private static void WriteMessage(string message, Span<byte> bytes)
    {
        var used = 0;
        Span<byte> one = stackalloc byte[4];
        foreach (var rune in message.EnumerateRunes())
        {
            var length = (Rune.IsControl(rune) ? new Rune(' ') : rune).EncodeToUtf8(one);
            if (used + length > bytes.Length)
            {
                break;
            }
            one[..length].CopyTo(bytes[used..]);
            used += length;
        }
    }

    private static PacketLayout Layout(uint command) =>
        PacketLayouts.Find(command) ?? throw Invalid($"unknown command number {command.ToString(CultureInfo.InvariantCulture)}");

    private static void CheckSize(PacketLayout layout, int length)
    {
        if (length != layout.Size)
        {
            throw Invalid($"packet for {layout.Verb} is {length} bytes; expected {layout.Size}");
        }
    }

    private static ControlException Invalid(string message) => new(ControlErrno.EINVAL, message);

    private static uint ReadUInt32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);

    private static void WriteUInt32(Span<byte> data, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(data[offset..], value);
}
