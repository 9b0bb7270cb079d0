using System.Buffers.Binary;
using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>
/// Random, mutated and truncated input for the binary decoders: each either decodes or fails with
/// EINVAL and a sentence, never another exception; whatever decodes re-encodes to the same command.
/// </summary>
public class PacketCodecFuzzTests
{
    private static readonly int Iterations = FuzzIterations.Count;

    private static readonly uint[] Interesting = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 18, 63, 64, 255, 1024, 1144, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

    private static readonly byte[][] Seeds = PacketCodecRoundTripTests.CanonicalLines
        .Select(line => PacketCodec.EncodeRequest(TextCodec.Parse(line)!)).ToArray();

    [Fact]
    public void DecodeRequest_100000RandomMutatedAndTruncatedRequests_OnlySucceedsOrThrowsEinval()
    {
        var random = new Random(3_2024);
        var accepted = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var request = (i % 10) switch
            {
                0 => RandomBytes(random, random.Next(0, 1300)),
                1 => Truncate(random, Seeds[random.Next(Seeds.Length)]),
                2 => WithRandomHeader(random),
                _ => Mutate(random, Seeds[random.Next(Seeds.Length)], headerSize: 16),
            };
            ControlCommand command;
            try
            {
                command = PacketCodec.DecodeRequest(request);
            }
            catch (ControlException error)
            {
                AssertEinval(error, request);
                continue;
            }
            accepted++;
            Assert.Equal(command, PacketCodec.DecodeRequest(PacketCodec.EncodeRequest(command)));
            AnswerAsTheDaemonWould(request, command);
        }
        Assert.True(accepted > 3_000, $"only {accepted} requests decoded");
    }

    [Fact]
    public void DecodePacket_100000RandomIoctlNumbersAndPackets_OnlySucceedsOrThrowsEinval()
    {
        var random = new Random(4_2024);
        var accepted = 0;
        var numbers = PacketLayouts.Commands.Select(layout => layout.IoctlNumber).ToArray();
        for (var i = 0; i < Iterations; i++)
        {
            var number = (i % 4) switch
            {
                0 => (uint)random.NextInt64(0, 1L << 32),
                1 => numbers[random.Next(numbers.Length)] ^ (1u << random.Next(32)),
                _ => numbers[random.Next(numbers.Length)],
            };
            if (!PacketCodec.TryDecodeIoctlNumber(number, out var commandNumber, out var size))
            {
                Assert.DoesNotContain(number, numbers);
                continue;
            }
            Assert.Equal(number, PacketCodec.IoctlNumber(commandNumber));
            var seed = Seeds.Where(s => BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(8)) == commandNumber).ToArray();
            var packet = (i % 10) switch
            {
                0 => RandomBytes(random, size),
                1 => RandomBytes(random, random.Next(0, 1200)),
                _ => Mutate(random, seed[random.Next(seed.Length)][16..], headerSize: 0),
            };
            var implied = random.Next(3) == 0 ? (uint)random.Next(1, 10) : 0u;
            ControlCommand command;
            try
            {
                command = implied == 0 && random.Next(2) == 0
                    ? PacketCodec.DecodePacket(commandNumber, packet)
                    : PacketCodec.DecodePacket(commandNumber, packet, implied);
            }
            catch (ControlException error)
            {
                AssertEinval(error, packet);
                continue;
            }
            accepted++;
            Assert.Equal(command, PacketCodec.DecodePacket(commandNumber, PacketCodec.EncodePacket(command)));
            AnswerAsTheDaemonWould(commandNumber, packet, command);
        }
        Assert.True(accepted > 3_000, $"only {accepted} packets decoded");
    }

    [Fact]
    public void DecodeReply_100000MutatedReplies_OnlySucceedsOrThrowsEinval()
    {
        var random = new Random(5_2024);
        var replies = Seeds.Select(request =>
        {
            var command = BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8));
            return PacketCodec.EncodeReply(command, request[16..], TextCodec.ParseReply(
                "ok device-number=3 count=2 key=4 device-number-used=1 subdriver=physical size=9 path=/p name=n depth=1\nlevel device-number=1 subdriver=physical block=5\n"));
        }).Append(PacketCodec.EncodeReply(2, [], ControlReply.Error(ControlErrno.EBUSY, "busy"))).ToArray();
        var accepted = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var data = i % 10 == 0 ? Truncate(random, replies[random.Next(replies.Length)]) : Mutate(random, replies[random.Next(replies.Length)], headerSize: 280);
            try
            {
                PacketCodec.DecodeReply(data);
                accepted++;
            }
            catch (ControlException error)
            {
                AssertEinval(error, data);
            }
        }
        Assert.True(accepted > 10_000, $"only {accepted} replies decoded");
    }

    /// <summary>Answers a decoded request with a reply built from the command's own fields, as the daemon's encoder would see one.</summary>
    private static void AnswerAsTheDaemonWould(byte[] request, ControlCommand command)
    {
        var number = BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8));
        var bytes = PacketCodec.EncodeReply(number, request.AsSpan(16), ControlReply.Success(command.Fields, []));
        PacketCodec.DecodeReply(bytes);
    }

    private static void AnswerAsTheDaemonWould(uint command, byte[] packet, ControlCommand decoded)
    {
        try
        {
            PacketCodec.EncodePacket(command, packet, ControlReply.Success(decoded.Fields, []));
        }
        catch (ControlException error)
        {
            Assert.True(error.Errno is ControlErrno.EIO or ControlErrno.ERANGE or ControlErrno.ENAMETOOLONG, error.Message);
        }
    }

    private static void AssertEinval(ControlException error, byte[] input)
    {
        Assert.True(error.Errno == ControlErrno.EINVAL, $"errno {error.Errno} ({error.Message}) for {Convert.ToHexString(input)}");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        if (random.Next(2) == 0)
        {
            random.NextBytes(bytes);
        }
        else
        {
            for (var i = 0; i < random.Next(1, 8) && length > 0; i++)
            {
                bytes[random.Next(length)] = (byte)random.Next(256);
            }
        }
        return bytes;
    }

    private static byte[] WithRandomHeader(Random random)
    {
        var layout = PacketLayouts.Commands[random.Next(PacketLayouts.Commands.Count)];
        var bytes = RandomBytes(random, 16 + layout.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, VdmAbi.RequestMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), layout.Command);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)layout.Size);
        return bytes;
    }

    private static byte[] Truncate(Random random, byte[] seed) =>
        random.Next(4) == 0 ? [.. seed, .. new byte[random.Next(1, 64)]] : seed[..random.Next(seed.Length)];

    /// <summary>Changes one to four things: a byte, a bit, an interesting word at a field of the table or anywhere, or a text field.</summary>
    private static byte[] Mutate(Random random, byte[] seed, int headerSize)
    {
        var bytes = (byte[])seed.Clone();
        var packet = bytes.AsSpan(Math.Min(headerSize, bytes.Length));
        var command = headerSize == 16 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) : 0;
        var packetLength = packet.Length;
        var layout = PacketLayouts.Find(command) ?? PacketLayouts.Commands.FirstOrDefault(l => l.Size == packetLength);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && bytes.Length > 0; e++)
        {
            switch (random.Next(6))
            {
                case 0:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2 when bytes.Length >= 4:
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(random.Next(bytes.Length / 4) * 4), Interesting[random.Next(Interesting.Length)]);
                    break;
                case 3 when layout is not null && packet.Length == layout.Size:
                    var field = layout.Fields[random.Next(layout.Fields.Count)];
                    if (field.Type is PacketFieldType.U32 or PacketFieldType.U64)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(packet[field.Offset..], Interesting[random.Next(Interesting.Length)]);
                    }
                    else if (field.Type is PacketFieldType.Name or PacketFieldType.Path)
                    {
                        var text = packet.Slice(field.Offset, field.Size);
                        text.Clear();
                        var length = random.Next(0, random.Next(2) == 0 ? 8 : field.Size + 1);
                        for (var i = 0; i < length && i < text.Length; i++)
                        {
                            text[i] = (byte)(random.Next(8) == 0 ? random.Next(256) : random.Next('a', 'z' + 1));
                        }
                    }
                    break;
                case 4 when headerSize == 16 && bytes.Length >= 16:
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(random.Next(4) * 4), Interesting[random.Next(Interesting.Length)]);
                    break;
                default:
                    break;
            }
        }
        return bytes;
    }
}
