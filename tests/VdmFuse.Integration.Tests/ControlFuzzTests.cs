using System.Buffers.Binary;
using System.Text;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using Codec = VdmFuse.Control;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Garbage through the real mount: random and mutated packets and lines written to MNT/vdm, and random ioctls on it.
/// Every one is answered (success or an errno of the control plane, EINVAL above all), the daemon keeps serving, and
/// the configuration does not change. The instances are held open meanwhile, so a mutation that happens to name one in
/// a delete or an update is refused with EBUSY rather than changing anything. Seeds are fixed: a failure reproduces.
/// </summary>
public sealed class ControlFuzzTests : IClassFixture<ControlPlaneFixture>
{
    private const int Header = Codec.PacketCodec.RequestHeaderSize;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    /// <summary>What a malformed or refused command may fail with; EIO, ENOSYS, ENOTCONN and the like would be bugs.</summary>
    private static readonly HashSet<int> Refusals =
        [LinuxErrno.EINVAL, LinuxErrno.ENOENT, LinuxErrno.EBUSY, LinuxErrno.EEXIST, LinuxErrno.EISDIR, 20 /* ENOTDIR */, 7 /* E2BIG */];

    private static readonly string[] BaseLines =
    [
        "get-instances key=0",
        "get-instances",
        "get-child-instance parent=p0 available=1 key=0",
        "get-child-instance parent=p0 parent-subdriver=partition available=0",
        "get-attributes name=p0",
        "get-attributes name=d0",
        "dsk-get name=p0",
        "dsk-usage name=d0",
        "dsk-get-address name=p0 block=5",
        "ioctl-subdriver subdriver=physical name=d1 command=get-info",
        "ioctl-subdriver subdriver=physical name=d1 command=flush",
        "delete-instance name=d1",
        "update-attributes name=p0 subdriver=partition start=2048 size=100",
        "create-instance subdriver=partition name=fz child=4000000 start=0 size=100",
        "create-instance subdriver=physical name=fz path=/nonexistent-vdmfuse/fuzz.img",
        "link-child-instance parent=d1 child=d0",
        "unlink-child-instance parent=d1 child=d0",
        "help",
    ];

    private readonly ControlPlaneFixture _fixture;

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ControlFuzzTests(ControlPlaneFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private string Mountpoint => _fixture.Mountpoint;

    [Fact]
    public void Fuzz_RandomAndMutatedWritesToTheControlFile_AreAnsweredAndChangeNothing()
    {
        var before = Snapshot();
        var random = new Random(20251129);
        var bases = BasePackets();
        var outcomes = new Dictionary<int, int>();

        using (HoldInstancesOpen())
        {
            RunWithinBudget(() =>
            {
                using var control = PosixFile.Open(_fixture.Workspace.ControlPath, Libc.O_RDWR);
                for (int i = 0; i < 5000; i++)
                {
                    byte[] input = (i % 10) switch
                    {
                        0 or 1 or 2 => WithValidHeader(random),
                        3 or 4 or 5 => Mutate(random, bases[random.Next(bases.Length)]),
                        6 => RandomBytes(random, random.Next(1, 4096)),
                        _ => RandomLine(random),
                    };
                    int errno = WriteAndCheckReply(control, input, i);
                    outcomes[errno] = outcomes.GetValueOrDefault(errno) + 1;
                }
            });
        }

        AssertStillServingAndUnchanged(before, outcomes, 5000);
    }

    [Fact]
    public void Fuzz_RandomIoctlsOnTheControlFile_AreAnsweredAndChangeNothing()
    {
        var before = Snapshot();
        var random = new Random(4242);
        var bases = BasePackets();
        var outcomes = new Dictionary<int, int>();

        using (HoldInstancesOpen())
        {
            RunWithinBudget(() =>
            {
                using var control = PosixFile.Open(_fixture.Workspace.ControlPath, Libc.O_RDWR);
                var buffer = new byte[16384];
                for (int i = 0; i < 2000; i++)
                {
                    uint number;
                    if (i % 5 < 2)
                    {
                        // Any direction, any command number of our type letter, any size the kernel accepts.
                        uint size = (uint)(random.Next(4) == 0 ? random.Next(16384) : random.Next(1200));
                        number = ((uint)random.Next(4) << 30) | (size << 16) | ((uint)'v' << 8) | (uint)random.Next(256);
                        random.NextBytes(buffer);
                    }
                    else
                    {
                        byte[] request = bases[random.Next(bases.Length)];
                        byte[] mutated = Mutate(random, request);
                        byte[] packet = mutated.Length > Header ? mutated[Header..] : [];
                        number = Codec.PacketCodec.IoctlNumber(ControlDoors.CommandOf(request));
                        Array.Clear(buffer);
                        packet.AsSpan(0, Math.Min(packet.Length, request.Length - Header)).CopyTo(buffer);
                    }
                    int errno = IoctlCall.Invoke(control.Descriptor, number, buffer);
                    Assert.True(errno == 0 || errno == LinuxErrno.ENOTTY || Refusals.Contains(errno),
                        $"ioctl #{i} 0x{number:x8} failed with errno {errno}");
                    outcomes[errno] = outcomes.GetValueOrDefault(errno) + 1;
                }
            });
        }

        AssertStillServingAndUnchanged(before, outcomes, 2000);
    }

    /// <summary>The requests of the base lines that have a binary form (all but help and the text-only listing).</summary>
    private byte[][] BasePackets() =>
        BaseLines.Where(line => line is not ("help" or "get-instances"))
            .Select(line => Codec.PacketCodec.EncodeRequest(ControlDoors.ResolveNames(Mountpoint, Codec.TextCodec.Parse(line)!)))
            .ToArray();

    /// <summary>Writes one input and reads the reply; returns the errno of write(2) after checking the reply agrees.</summary>
    private static int WriteAndCheckReply(PosixFile control, byte[] input, int index)
    {
        var (errno, reply) = PacketExchange.Send(control, input);
        string what = $"input #{index} ({input.Length} bytes, starting {Convert.ToHexString(input.AsSpan(0, Math.Min(16, input.Length)))})";
        Assert.True(errno == 0 || Refusals.Contains(errno), $"{what}: write(2) failed with errno {errno}");
        if (reply.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(reply) == 0x524d4456u)
        {
            var decoded = Codec.PacketCodec.DecodeReply(reply);
            Assert.True(decoded.Errno == errno, $"{what}: write(2) errno {errno}, reply header error {decoded.Errno}");
            Assert.True(errno == 0 || decoded.Message.Length > 0, $"{what}: the error reply carries no sentence");
        }
        else
        {
            string text = Encoding.UTF8.GetString(reply);
            Assert.True(errno == 0 ? text.Length == 0 || text.StartsWith("ok", StringComparison.Ordinal) : text.StartsWith("error E", StringComparison.Ordinal),
                $"{what}: write(2) errno {errno} but the reply reads `{text[..Math.Min(200, text.Length)]}`");
        }
        return errno;
    }

    private static byte[] WithValidHeader(Random random)
    {
        uint[] commands = [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 18, 0, 10, 15, 19, 255, 0xffffffff];
        uint command = commands[random.Next(commands.Length)];
        int size = Enumerable.Range(1, 18).Contains((int)command) && command is not (>= 10 and <= 15)
            ? (int)((Codec.PacketCodec.IoctlNumber(command) >> 16) & 0x3fff)
            : random.Next(0, 1200);
        int length = random.Next(10) < 7 ? size : random.Next(0, 2048);
        var request = new byte[Header + length];
        BinaryPrimitives.WriteUInt32LittleEndian(request, 0x514d4456u);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(4), random.Next(8) == 0 ? (uint)random.Next(3) : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(8), command);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(12), random.Next(8) == 0 ? (uint)random.Next() : (uint)length);
        if (random.Next(2) == 0)
        {
            random.NextBytes(request.AsSpan(Header));
        }
        else
        {
            for (int n = random.Next(1, 5); n > 0 && length > 0; n--)
            {
                request[Header + random.Next(length)] = (byte)random.Next(256);
            }
        }
        return request;
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = original.ToList();
        switch (random.Next(10))
        {
            case 0:
                int start = random.Next(bytes.Count);
                bytes.RemoveRange(start, 1 + random.Next(Math.Min(64, bytes.Count - start)));
                break;
            case 1:
                bytes.AddRange(RandomBytes(random, random.Next(1, 64)));
                break;
            default:
                for (int n = random.Next(1, 5); n > 0; n--)
                {
                    // Mostly inside the packet, where the decoder's rules live; sometimes the header.
                    int at = random.Next(4) == 0 ? random.Next(Header) : Header + random.Next(bytes.Count - Header);
                    bytes[at] = random.Next(3) == 0 ? (byte)(bytes[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
                }
                break;
        }
        return [.. bytes];
    }

    private static byte[] RandomLine(Random random)
    {
        if (random.Next(3) == 0)
        {
            var garbage = RandomBytes(random, random.Next(1, 300));
            garbage[^1] = (byte)'\n';
            return garbage;
        }
        var line = new StringBuilder(BaseLines[random.Next(BaseLines.Length)]);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789=-_ /\"\\.\t\u0001\u00e9";
        for (int n = random.Next(1, 4); n > 0 && line.Length > 0; n--)
        {
            int at = random.Next(line.Length);
            switch (random.Next(3))
            {
                case 0: line[at] = alphabet[random.Next(alphabet.Length)]; break;
                case 1: line.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                default: line.Remove(at, 1); break;
            }
        }
        return Encoding.UTF8.GetBytes(line.Append('\n').ToString());
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void RunWithinBudget(Action fuzz)
    {
        var run = Task.Run(fuzz);
        Assert.True(run.Wait(Budget), $"the fuzz did not finish within {Budget.TotalSeconds} s: a request hangs");
    }

    private IDisposable HoldInstancesOpen()
    {
        var files = new[] { "d0", "d1", "p0" }.Select(name => PosixFile.Open(_fixture.Workspace.Rdsk(name), Libc.O_RDONLY)).ToList();
        return new OpenFiles(files);
    }

    /// <summary>What the fuzz must not change: every instance with its number, subdriver, size, children, parents, export.</summary>
    private List<string> Snapshot() =>
        ControlFile.GetInstances(Mountpoint).Values
            .Select(r => string.Join(' ', new[] { "name", "subdriver", "device-number", "size", "children", "parents", "exported" }
                .Select(key => key + "=" + r[key])))
            .Order(StringComparer.Ordinal)
            .ToList();

    private void AssertStillServingAndUnchanged(List<string> before, Dictionary<int, int> outcomes, int total)
    {
        string distribution = string.Join(", ", outcomes.OrderBy(p => p.Key).Select(p => $"errno {p.Key}: {p.Value}"));
        _output.WriteLine($"{total} inputs: {distribution}");
        Assert.False(_fixture.Workspace.Daemon!.HasExited, $"the daemon exited during the fuzz ({distribution})");
        Assert.Equal(before, Snapshot());
        // An ioctl number the control plane does not know may be answered ENOTTY, the ioctl(2) convention
        // (BadInputTests.Ioctl_UnknownCommandNumber_FailsWithEinval holds the contract's EINVAL to account).
        int refusedAsInvalid = outcomes.GetValueOrDefault(LinuxErrno.EINVAL) + outcomes.GetValueOrDefault(LinuxErrno.ENOTTY);
        Assert.True(refusedAsInvalid > total / 2, $"EINVAL is not the usual answer: {distribution}");
        Assert.True(ControlDoors.SendOk(ControlDoor.Packet, Mountpoint, "get-attributes name=p0").Number("size") == ControlPlaneFixture.PartitionSizeBlocks);
        Assert.Equal(ControlPlaneFixture.PartitionSizeBlocks * 512, new FileInfo(_fixture.Workspace.Rdsk("p0")).Length);
    }

    private sealed class OpenFiles(List<PosixFile> files) : IDisposable
    {
        public void Dispose() => files.ForEach(file => file.Dispose());
    }
}
