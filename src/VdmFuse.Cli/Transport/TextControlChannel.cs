using System.Text;
using VdmFuse.Control;

namespace VdmFuse.Cli.Transport;

/// <summary>
/// Talks to the daemon in the control file's text form: one <see cref="TextCodec"/> line written,
/// the <c>ok ...</c> or <c>error ERRNAME message</c> reply read back on the same open file.
/// The fallback front door (<c>vdmadm --text</c>); it also reaches commands that have no packet, such as <c>help</c>.
/// </summary>
public sealed class TextControlChannel : IControlChannel
{
    private const int EIO = 5;

    /// <summary>Creates a channel to the control file at <paramref name="path"/>.</summary>
    public TextControlChannel(string path)
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
        var exchange = ControlFile.Send(Path, Encoding.UTF8.GetBytes(TextCodec.Format(command)));
        if (exchange.Reply.Length == 0)
        {
            return exchange.WriteErrno != 0
                ? ControlReply.Error(exchange.WriteErrno, $"{command.Verb}: the daemon refused the command without a reply")
                : ControlReply.Error(EIO, $"{command.Verb}: the daemon sent no reply on {Path}");
        }
        return TextCodec.ParseReply(Encoding.UTF8.GetString(exchange.Reply));
    }
}
