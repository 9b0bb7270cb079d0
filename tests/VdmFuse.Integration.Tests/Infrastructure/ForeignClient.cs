using System.Globalization;
using System.Text;
using Xunit;
using Codec = VdmFuse.Control;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// Sends commands through the three front doors as another user: one python3 process started through
/// <c>setpriv</c> writes the requests the test encoded and prints what came back; the test decodes it.
/// </summary>
public static class ForeignClient
{
    /// <summary>Nobody, with no supplementary groups.</summary>
    public static readonly string[] Nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];

    /// <summary>argv: the control file, then one "KIND|PATH|NUMBER|HEX" per operation; prints "ERRNO HEX" per operation.</summary>
    private const string Script = """
        import fcntl, os, sys
        control = sys.argv[1]
        def read_all(fd):
            data = b""
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return data
                data += chunk
        for op in sys.argv[2:]:
            kind, path, number, payload = op.split("|")
            if kind == "i":
                fd = os.open(path, os.O_RDWR if path == control else os.O_RDONLY)
                buf = bytearray(bytes.fromhex(payload))
                try:
                    fcntl.ioctl(fd, int(number), buf, True)
                    err = 0
                except OSError as e:
                    err = e.errno
                os.close(fd)
                print("%d %s" % (err, buf.hex()))
            else:
                fd = os.open(control, os.O_RDWR)
                try:
                    os.write(fd, bytes.fromhex(payload))
                    err = 0
                except OSError as e:
                    err = e.errno
                reply = read_all(fd)
                os.close(fd)
                print("%d %s" % (err, reply.hex()))
        """;

    /// <summary>
    /// Runs <paramref name="commands"/> (text forms; instance names resolved by the caller's view) as the user that
    /// <paramref name="setprivArguments"/> select, and returns one answer per command.
    /// </summary>
    public static IReadOnlyList<DoorReply> Send(IReadOnlyList<string> setprivArguments, string mountpoint,
        IReadOnlyList<(ControlDoor Door, string Line)> commands, string? ioctlPath = null)
    {
        string control = Path.Combine(mountpoint, "vdm");
        var operations = new List<string>();
        var sent = new List<(ControlDoor Door, string Line, uint Command)>();
        foreach (var (door, line) in commands)
        {
            if (door == ControlDoor.Text)
            {
                operations.Add("t|-|0|" + Convert.ToHexString(Encoding.UTF8.GetBytes(line + "\n")));
                sent.Add((door, line, 0));
                continue;
            }
            var command = ControlDoors.ResolveNames(mountpoint, Codec.TextCodec.Parse(line)!);
            byte[] request = ControlDoors.EncodeRequest(command);
            uint number = ControlDoors.CommandOf(request);
            operations.Add(door == ControlDoor.Packet
                ? "p|-|0|" + Convert.ToHexString(request)
                : string.Create(CultureInfo.InvariantCulture,
                    $"i|{ioctlPath ?? control}|{Codec.PacketCodec.IoctlNumber(number)}|{Convert.ToHexString(request.AsSpan(Codec.PacketCodec.RequestHeaderSize))}"));
            sent.Add((door, command.ToString(), number));
        }

        var result = CommandRunner.Run("setpriv", [.. setprivArguments, SystemTools.Python, "-c", Script, control, .. operations]);
        Assert.True(result.Succeeded, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == sent.Count, $"expected {sent.Count} answers; {result}");

        var replies = new List<DoorReply>();
        for (int i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            int errno = int.Parse(parts[0], CultureInfo.InvariantCulture);
            byte[] bytes = parts.Length > 1 ? Convert.FromHexString(parts[1]) : [];
            var (door, line, number) = sent[i];
            Codec.ControlReply? reply = door switch
            {
                ControlDoor.Text => Codec.TextCodec.ParseReply(Encoding.UTF8.GetString(bytes)),
                ControlDoor.Packet => Codec.PacketCodec.DecodeReply(bytes),
                _ => errno == 0 ? ControlDoors.DecodeIoctlOutput(number, bytes) : null,
            };
            if (reply is not null && door != ControlDoor.Ioctl)
            {
                Assert.True(reply.Errno == errno, $"{door} `{line}`: write(2) failed with {errno} but the reply says {reply.Errno}");
            }
            replies.Add(new DoorReply(door, line, errno, reply?.Message ?? "", reply));
        }
        return replies;
    }
}
