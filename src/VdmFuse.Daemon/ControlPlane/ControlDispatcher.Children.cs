using VdmFuse.Control;
using VdmFuse.Engine;
using VdmFuse.Engine.Mirror;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// link-child-instance, unlink-child-instance, get-child-instance.
public sealed partial class ControlDispatcher
{
    /// <summary>The fields of the link command that are not the child's role.</summary>
    private static readonly HashSet<string> LinkFields = ["parent", "child"];

    private ControlReply LinkChild(ControlCommand command)
    {
        var role = command.Fields.Where(f => !LinkFields.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        var parent = _registry.Get(command.Get("parent"));
        if (_persistence is not null && _persistence.IsRecorded(parent.Name)
            && _registry.TryGet(command.Get("child"), out var child) && !_persistence.IsRecorded(child.Name))
        {
            throw new ErrnoException(Errno.EINVAL,
                $"persistent instance '{parent.Name}' cannot be built on '{child.Name}', which is not persistent (it would be missing at the next start)");
        }
        _registry.LinkChild(parent.Name, command.Get("child"), role);
        RerecordIfPersistent(parent.Name);
        return ControlReply.Ok();
    }

    private ControlReply UnlinkChild(ControlCommand command)
    {
        var parent = _registry.Get(command.Get("parent"));
        _registry.UnlinkChild(parent.Name, command.Get("child"));
        RerecordIfPersistent(parent.Name);
        return ControlReply.Ok();
    }

    private ControlReply GetChildInstance(ControlCommand command)
    {
        var parent = _registry.Get(command.Get("parent"));
        if (command.Has("parent-subdriver"))
        {
            CheckSubdriver(command, "parent-subdriver", parent);
        }
        var slots = parent.ChildSlots;
        if (!command.GetBool("available"))
        {
            return ControlReply.Ok(("count", N(slots.Count)));
        }
        var key = command.GetOptionalInt64("key") ?? 0;
        if (key < 0 || key > uint.MaxValue)
        {
            throw new ErrnoException(Errno.EINVAL, $"key {key} is out of range (0 to {uint.MaxValue})");
        }
        if (key >= slots.Count)
        {
            throw new ErrnoException(Errno.ENOENT, slots.Count == 0
                ? $"{parent.Description} has no children"
                : $"{parent.Description} has no child after key {key} ({slots.Count} {(slots.Count == 1 ? "child" : "children")})");
        }
        var slot = slots[(int)key];
        var role = parent.ChildRole(slot);
        if (parent is MirrorDisk mirror)
        {
            role = MirrorRole(mirror, role);
        }
        return ControlReply.Success(ChildReplyFields.Format(key + 1, slot, role), []);
    }
}
