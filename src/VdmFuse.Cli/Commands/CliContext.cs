using VdmFuse.Cli.Model;
using VdmFuse.Cli.Transport;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>What a subcommand works with: the channel to the daemon and the instance directory over it.</summary>
public sealed class CliContext
{
    /// <summary>Creates a context over <paramref name="channel"/>.</summary>
    public CliContext(IControlChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Channel = channel;
        Directory = new InstanceDirectory(channel);
    }

    /// <summary>The channel to the daemon.</summary>
    public IControlChannel Channel { get; }

    /// <summary>The instances, listed on first use, to show names where a reply has device numbers.</summary>
    public InstanceDirectory Directory { get; }

    /// <summary>Sends a command and returns its successful reply.</summary>
    /// <exception cref="ControlException">The daemon answered with an error.</exception>
    public ControlReply Execute(string verb, IEnumerable<ControlField> fields) =>
        CliReplies.ThrowIfError(Channel.Send(new ControlCommand(verb, fields.ToArray())));

    /// <summary>Sends a command and returns its successful reply.</summary>
    /// <exception cref="ControlException">The daemon answered with an error.</exception>
    public ControlReply Execute(string verb, params ControlField[] fields) => Execute(verb, (IEnumerable<ControlField>)fields);

    /// <summary>The name to show for an instance reference in a reply: a name as it is, a device number as its instance's name.</summary>
    public string DisplayName(string? nameOrNumber)
    {
        if (string.IsNullOrEmpty(nameOrNumber) || nameOrNumber == "-")
        {
            return "-";
        }
        return InstanceDirectory.IsDeviceNumber(nameOrNumber, out var number) ? Directory.NameOf(number) : nameOrNumber;
    }
}
