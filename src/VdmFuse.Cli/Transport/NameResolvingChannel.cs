using VdmFuse.Cli.Model;
using VdmFuse.Control;

namespace VdmFuse.Cli.Transport;

/// <summary>
/// Replaces instance names by device numbers in the fields that name an existing instance, for a
/// front door whose packets carry device numbers only (binary packets, ioctls). Names are looked up
/// once per channel through <see cref="InstanceDirectory"/>; an unknown name becomes an ENOENT reply.
/// </summary>
public sealed class NameResolvingChannel : IControlChannel
{
    private readonly IControlChannel _inner;
    private readonly InstanceDirectory _directory;

    /// <summary>Creates a channel that resolves names and sends through <paramref name="inner"/>.</summary>
    public NameResolvingChannel(IControlChannel inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _directory = new InstanceDirectory(inner);
    }

    /// <summary>The fields of <paramref name="verb"/> that name an existing instance.</summary>
    public static IReadOnlyList<string> InstanceFields(string verb) => verb switch
    {
        "create-instance" => ["child", "remap"],
        "link-child-instance" or "unlink-child-instance" => ["parent", "child"],
        "get-child-instance" => ["parent"],
        "get-instances" or "help" => [],
        _ => ["name"],
    };

    /// <inheritdoc/>
    public ControlReply Send(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var references = InstanceFields(command.Verb);
        var fields = new List<ControlField>(command.Fields.Count);
        foreach (var field in command.Fields)
        {
            if (!references.Contains(field.Key) || InstanceDirectory.IsDeviceNumber(field.Value, out _) || field.Value == "-")
            {
                fields.Add(field);
                continue;
            }
            try
            {
                fields.Add(ControlField.From(field.Key, _directory.DeviceNumberOf(field.Value)));
            }
            catch (ControlException e)
            {
                return ControlReply.Error(e.Errno, $"{command.Verb}: {e.Message}");
            }
        }
        return _inner.Send(new ControlCommand(command.Verb, fields));
    }
}
