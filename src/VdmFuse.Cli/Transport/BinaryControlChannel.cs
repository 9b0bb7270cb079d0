using VdmFuse.Control;

namespace VdmFuse.Cli.Transport;

/// <summary>
/// Talks to the daemon with binary packets: <see cref="PacketCodec.EncodeRequest"/> written to the
/// control file in one write, the reply header and packet read back on the same open file and
/// decoded with <see cref="PacketCodec.DecodeReply"/>. Packets name instances by device number, so
/// wrap this channel in <see cref="NameResolvingChannel"/> to name them by name.
/// </summary>
public sealed class BinaryControlChannel : IControlChannel
{
    private const int EIO = 5;

    /// <summary>Creates a channel to the control file at <paramref name="path"/>.</summary>
    public BinaryControlChannel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>The control file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public ControlReply Send(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        byte[] request;
        try
        {
            request = PacketCodec.EncodeRequest(command);
        }
        catch (ControlException e)
        {
            return ControlReply.Error(e);
        }
        var exchange = ControlFile.Send(Path, request);
        if (exchange.Reply.Length == 0)
        {
            return exchange.WriteErrno != 0
                ? ControlReply.Error(exchange.WriteErrno, $"{command.Verb}: the daemon refused the packet without a reply")
                : ControlReply.Error(EIO, $"{command.Verb}: the daemon sent no reply on {Path}");
        }
        return PacketCodec.DecodeReply(exchange.Reply);
    }
}
