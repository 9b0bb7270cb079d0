using System.Buffers.Binary;
using System.Globalization;
using Xunit;
using Codec = VdmFuse.Control;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// Sends one command, written in its text form, through any of the three front doors and returns the decoded answer.
/// The binary doors address instances by device number only, so names of existing instances are turned into device
/// numbers first (with <c>get-instances</c>), as vdmadm does.
/// </summary>
public static class ControlDoors
{
    /// <summary>The doors, for <c>[MemberData]</c>.</summary>
    public static TheoryData<ControlDoor> All => new(ControlDoor.Text, ControlDoor.Packet, ControlDoor.Ioctl);

    /// <summary>The command number of a packet request (the header's third field).</summary>
    public static uint CommandOf(ReadOnlySpan<byte> request) => BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);

    /// <summary>
    /// Sends <paramref name="line"/> through <paramref name="door"/>. An ioctl goes to <paramref name="ioctlPath"/>
    /// when given (an exported instance file), else to MNT/vdm.
    /// </summary>
    public static DoorReply Send(ControlDoor door, string mountpoint, string line, string? ioctlPath = null)
    {
        string controlPath = Path.Combine(mountpoint, "vdm");
        if (door == ControlDoor.Text)
        {
            var text = ControlFile.Send(mountpoint, line);
            var reply = Codec.TextCodec.ParseReply(text.Text);
            Assert.True(reply.Errno == text.WriteErrno, $"write(2) failed with {text.WriteErrno} but the reply says {reply.Errno}; {text}");
            return new DoorReply(door, line, text.WriteErrno, reply.Message, reply);
        }

        var command = ResolveNames(mountpoint, Codec.TextCodec.Parse(line)
            ?? throw new ArgumentException($"`{line}` is not a command", nameof(line)));
        byte[] request = EncodeRequest(command);
        string sent = command.ToString();
        if (door == ControlDoor.Packet)
        {
            var (writeErrno, replyBytes) = PacketExchange.Send(controlPath, request);
            var reply = Codec.PacketCodec.DecodeReply(replyBytes);
            Assert.True(reply.Errno == writeErrno, $"write(2) failed with {writeErrno} but the reply header says {reply.Errno} ({reply.Message})");
            return new DoorReply(door, sent, writeErrno, reply.Message, reply);
        }

        uint number = CommandOf(request);
        var (errno, output) = IoctlCall.Invoke(ioctlPath ?? controlPath, Codec.PacketCodec.IoctlNumber(number),
            request.AsSpan(Codec.PacketCodec.RequestHeaderSize));
        return new DoorReply(door, sent + (ioctlPath is null ? "" : $" (on {ioctlPath})"), errno, "",
            errno == 0 ? DecodeIoctlOutput(number, output) : null);
    }

    /// <summary>Sends <paramref name="line"/> and asserts it succeeded.</summary>
    public static DoorReply SendOk(ControlDoor door, string mountpoint, string line, string? ioctlPath = null)
    {
        var reply = Send(door, mountpoint, line, ioctlPath);
        Assert.True(reply.IsOk, reply.ToString());
        return reply;
    }

    /// <summary>
    /// Sends <paramref name="line"/> and asserts it failed with <paramref name="errno"/>; where the door carries a sentence
    /// (text and packet), asserts it is there and contains each of <paramref name="messageParts"/>.
    /// </summary>
    public static DoorReply SendExpectingError(ControlDoor door, string mountpoint, string line, int errno, params string[] messageParts)
    {
        var reply = Send(door, mountpoint, line);
        Assert.True(reply.Errno == errno, $"expected {Codec.ControlErrno.Name(errno)}; {reply}");
        if (door != ControlDoor.Ioctl)
        {
            Assert.False(string.IsNullOrWhiteSpace(reply.Message), $"the error carries no sentence; {reply}");
            foreach (var part in messageParts)
            {
                Assert.True(reply.Message.Contains(part, StringComparison.Ordinal), $"the sentence does not contain '{part}'; {reply}");
            }
        }
        return reply;
    }

    /// <summary>
    /// Encodes a request. <c>name=0</c> leaves the instance out (device number 0 in the packet), as an ioctl on an
    /// exported file may: the codec refuses 0 as a device number, so a placeholder is encoded and zeroed again.
    /// </summary>
    public static byte[] EncodeRequest(Codec.ControlCommand command)
    {
        if (command.Verb == Codec.ControlVerbs.CreateInstance || command.GetOptional("name") != "0")
        {
            return Codec.PacketCodec.EncodeRequest(command);
        }
        var fields = command.Fields.Select(f => f.Key == "name" ? new Codec.ControlField("name", ImpliedInstancePlaceholder.ToString(CultureInfo.InvariantCulture)) : f);
        byte[] request = Codec.PacketCodec.EncodeRequest(new Codec.ControlCommand(command.Verb, fields.ToList()));
        for (int offset = Codec.PacketCodec.RequestHeaderSize; offset + 4 <= request.Length; offset += 4)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(offset)) == ImpliedInstancePlaceholder)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(offset), 0);
                return request;
            }
        }
        throw new InvalidOperationException($"no device-number field found in the packet of `{command}`");
    }

    private const uint ImpliedInstancePlaceholder = 0x7ead_beefu;

    /// <summary>The device number of an instance, from the text form of <c>get-instances</c>.</summary>
    public static uint DeviceNumberOf(string mountpoint, string name) =>
        uint.Parse(ControlFile.GetInstances(mountpoint)[name]["device-number"], CultureInfo.InvariantCulture);

    /// <summary>Turns the ioctl's output packet into a reply by giving it the reply header a write/read exchange has.</summary>
    public static Codec.ControlReply DecodeIoctlOutput(uint command, ReadOnlySpan<byte> packet)
    {
        var bytes = new byte[Codec.PacketCodec.ReplyHeaderSize + packet.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0x524d4456u);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), command);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)packet.Length);
        packet.CopyTo(bytes.AsSpan(Codec.PacketCodec.ReplyHeaderSize));
        return Codec.PacketCodec.DecodeReply(bytes);
    }

    /// <summary>Replaces the names of existing instances in instance fields by their device numbers.</summary>
    public static Codec.ControlCommand ResolveNames(string mountpoint, Codec.ControlCommand command)
    {
        IReadOnlyDictionary<string, ControlRecord>? instances = null;
        var fields = new List<Codec.ControlField>();
        foreach (var field in command.Fields)
        {
            bool namesAnInstance = field.Key is "parent" or "child" or "remap"
                || (field.Key == "name" && command.Verb != Codec.ControlVerbs.CreateInstance);
            if (namesAnInstance && field.Value != "-" && !uint.TryParse(field.Value, CultureInfo.InvariantCulture, out _))
            {
                instances ??= ControlFile.GetInstances(mountpoint);
                if (instances.TryGetValue(field.Value, out var record))
                {
                    fields.Add(new Codec.ControlField(field.Key, record["device-number"]));
                    continue;
                }
            }
            fields.Add(field);
        }
        return new Codec.ControlCommand(command.Verb, fields);
    }
}
