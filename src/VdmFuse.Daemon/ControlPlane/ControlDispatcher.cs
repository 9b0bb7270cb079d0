using System.Globalization;
using System.Text;
using VdmFuse.Control;
using VdmFuse.Engine;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

/// <summary>The outcome of one control command: errno 0 and the reply text, or an errno and the error line.</summary>
/// <param name="Errno">0 on success, else the positive errno that write(2) returns.</param>
/// <param name="Text">The reply as the control file reads it back, one or more lines.</param>
public readonly record struct ControlOutcome(int Errno, string Text);

/// <summary>
/// Executes control commands against the instance registry. The one dispatcher behind every front door
/// (the control file's text lines today; binary packets and ioctls slot in beside the text codec).
/// Exceptions become errno here, and nowhere else on the control path.
/// </summary>
public sealed class ControlDispatcher
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly InstanceRegistry _registry;
    private readonly uint _ownerUid;

    /// <summary>
    /// Creates a dispatcher over a registry. Privileged commands are allowed to root and to
    /// <paramref name="ownerUid"/>, the user the daemon runs as (a user's own daemon is theirs to administer).
    /// </summary>
    public ControlDispatcher(InstanceRegistry registry, uint ownerUid = 0)
    {
        _registry = registry;
        _ownerUid = ownerUid;
    }

    /// <summary>Parses and executes one text line on behalf of the caller <paramref name="uid"/>.</summary>
    public ControlOutcome ExecuteLine(string line, uint uid)
    {
        ControlCommand? command;
        try
        {
            command = TextCodec.Parse(line);
        }
        catch (ControlException e)
        {
            return Fail(e.Errno, e.Message);
        }
        if (command is null)
        {
            return new ControlOutcome(0, "");
        }
        return Execute(command, uid);
    }

    /// <summary>Executes a parsed command on behalf of the caller <paramref name="uid"/>.</summary>
    public ControlOutcome Execute(ControlCommand command, uint uid)
    {
        try
        {
            CommandSchema.CheckPermission(command, uid == _ownerUid ? 0 : uid);
            var reply = command.Verb switch
            {
                "create-instance" => CreateInstance(command),
                "delete-instance" => DeleteInstance(command),
                "get-instances" => GetInstances(),
                "help" => CommandSchema.HelpReply(),
                _ => throw new ErrnoException(Errno.ENOSYS, $"{command.Verb}: not implemented by this daemon"),
            };
            Log.Debug("control uid={0}: {1} -> ok", uid, command.Verb);
            return new ControlOutcome(0, TextCodec.Format(reply));
        }
        catch (ControlException e)
        {
            return Fail(e.Errno, e.Message);
        }
        catch (ErrnoException e)
        {
            return Fail(e.Errno, e.Message);
        }
    }

    private static ControlOutcome Fail(int errno, string message)
    {
        Log.Debug("control error {0}: {1}", Errno.Name(errno), message);
        return new ControlOutcome(errno, TextCodec.FormatError(Errno.Name(errno), message));
    }

    private ControlReply CreateInstance(ControlCommand command)
    {
        var subdriver = command.Get("subdriver");
        var name = command.Get("name");
        var exported = command.GetOptional("exported") is null || command.GetBool("exported");
        DiskInstance instance = subdriver switch
        {
            "physical" => CreatePhysical(command, name, exported),
            "partition" => _registry.CreatePartition(name, command.Get("child"),
                command.GetBlocks("start"), command.GetBlocks("size"), exported),
            _ => throw new ErrnoException(Errno.EINVAL,
                $"create-instance: unknown subdriver '{subdriver}' (known: physical, partition)"),
        };
        return ControlReply.Ok(("device-number", instance.DeviceNumber.ToString(CultureInfo.InvariantCulture)));
    }

    private DiskInstance CreatePhysical(ControlCommand command, string name, bool exported)
    {
        foreach (var field in new[] { "child", "start", "size" })
        {
            if (command.GetOptional(field) is not null)
            {
                throw new ErrnoException(Errno.EINVAL, $"create-instance: field '{field}' does not apply to subdriver physical");
            }
        }
        return _registry.CreatePhysical(name, command.Get("path"), exported);
    }

    private ControlReply DeleteInstance(ControlCommand command)
    {
        var name = command.Get("name");
        _registry.Delete(name);
        return ControlReply.Ok();
    }

    private ControlReply GetInstances()
    {
        var all = _registry.All;
        var reply = ControlReply.Ok(("count", all.Count.ToString(CultureInfo.InvariantCulture)));
        foreach (var i in all)
        {
            reply.AddRecord("instance",
                ("name", i.Name),
                ("subdriver", i.Subdriver),
                ("device-number", i.DeviceNumber.ToString(CultureInfo.InvariantCulture)),
                ("size", i.Size.ToString(CultureInfo.InvariantCulture)),
                ("children", Names(i.Children)),
                ("parents", Names(i.Parents)),
                ("exported", i.Exported ? "1" : "0"),
                ("open", i.OpenCount.ToString(CultureInfo.InvariantCulture)),
                ("state", i.State));
        }
        return reply;
    }

    private static string Names(IReadOnlyList<DiskInstance> list)
    {
        if (list.Count == 0)
        {
            return "-";
        }
        var sb = new StringBuilder();
        foreach (var i in list)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(i.Name);
        }
        return sb.ToString();
    }
}
