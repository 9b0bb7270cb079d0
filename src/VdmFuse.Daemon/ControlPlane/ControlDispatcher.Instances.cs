using VdmFuse.Control;
using VdmFuse.Daemon.Persistence;
using VdmFuse.Engine;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// create-instance, delete-instance, get-instances, get-attributes, update-attributes, ioctl-subdriver.
public sealed partial class ControlDispatcher
{
    /// <summary>The fields of these commands that are not subdriver attributes or subdriver command fields.</summary>
    private static readonly HashSet<string> FrameworkFields = ["name", "subdriver", "command"];

    private ControlReply CreateInstance(ControlCommand command, ControlDoor door)
    {
        var subdriver = command.Get("subdriver");
        var name = command.Get("name");
        var exported = command.GetBool("exported", defaultValue: true);
        var persistent = command.GetBool("persistent", defaultValue: false);
        if (subdriver == "slice")
        {
            throw new ErrnoException(Errno.EINVAL,
                $"slices come from the VTOC (dk-set-vtoc): write a VTOC on the disk and its slices become instances DISKsN; '{name}' was not created");
        }
        if (subdriver == "volume")
        {
            throw new ErrnoException(Errno.EINVAL,
                $"volumes are created with create-volume on a mounted device (format-dev, mount-dev, create-volume); '{name}' was not created");
        }
        if (persistent && subdriver == "fault")
        {
            throw new ErrnoException(Errno.ENOTSUP,
                $"fault instance '{name}' cannot be persistent: its rules are runtime state; create it again after a start");
        }
        if (subdriver != "mirror" && MirrorCreateFields.FirstOrDefault(command.Has) is { } mirrorField)
        {
            throw new ErrnoException(Errno.EINVAL, $"field '{mirrorField}' does not apply to subdriver {subdriver} (only to mirror; instance '{name}')");
        }
        if (subdriver != "remap" && RemapCreateFields.FirstOrDefault(command.Has) is { } remapField)
        {
            throw new ErrnoException(Errno.EINVAL, $"field '{remapField}' does not apply to subdriver {subdriver} (only to remap; instance '{name}')");
        }
        if (persistent)
        {
            CheckCanRecord(subdriver, name, command, door);
        }
        DiskInstance instance = subdriver switch
        {
            "physical" => CreatePhysical(command, name, exported),
            "partition" => CreatePartition(command, name, exported),
            "fault" => CreateFault(command, name, exported),
            "mirror" => CreateMirror(command, name, exported, persistent),
            "remap" => CreateRemap(command, name),
            _ => throw new ErrnoException(Errno.EINVAL,
                $"unknown subdriver '{subdriver}' (this daemon creates physical, partition, mirror, remap and fault instances)"),
        };
        if (persistent)
        {
            RecordOrUndo(instance);
        }
        return ControlReply.Ok(("device-number", N(instance.DeviceNumber)));
    }

    private DiskInstance CreatePhysical(ControlCommand command, string name, bool exported)
    {
        foreach (var field in new[] { "child", "start", "size", "remap" })
        {
            if (command.Has(field))
            {
                throw new ErrnoException(Errno.EINVAL, $"field '{field}' does not apply to subdriver physical");
            }
        }
        return _registry.CreatePhysical(name, command.Get("path"), exported);
    }

    private DiskInstance CreatePartition(ControlCommand command, string name, bool exported)
    {
        if (command.Has("path"))
        {
            throw new ErrnoException(Errno.EINVAL, "field 'path' does not apply to subdriver partition");
        }
        var remap = command.GetOptional("remap");
        if (remap is not null && remap != "-")
        {
            var instance = _registry.Get(remap);
            if (instance.Subdriver != "remap")
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"partition '{name}' can take only a remap instance as its remap; '{instance.Name}' is a {instance.Subdriver} instance");
            }
        }
        var partition = _registry.CreatePartition(name, command.Get("child"), command.GetBlocks("start"), command.GetBlocks("size"), exported);
        if (remap is not null && remap != "-")
        {
            _registry.LinkChild(partition.Name, remap);
        }
        return partition;
    }

    private ControlReply DeleteInstance(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        var recorded = _persistence?.IsRecorded(instance.Name) == true;
        if (recorded && _persistence!.RecordedParentOf(instance.Name) is { } parent)
        {
            throw new ErrnoException(Errno.EBUSY, $"persistent instance '{parent}' is recorded as built on '{instance.Name}'");
        }
        _registry.Delete(instance.Name);
        if (recorded)
        {
            _persistence!.Forget(instance.Name);
        }
        return ControlReply.Ok();
    }

    /// <summary>
    /// Refuses persistent=1 where it cannot hold: from the configuration file (its instances are re-created from
    /// it at every start), without a database, and on an instance built on one that is not recorded.
    /// </summary>
    private void CheckCanRecord(string subdriver, string name, ControlCommand command, ControlDoor door)
    {
        if (door == ControlDoor.Configuration)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"instance '{name}': the configuration file's commands create non-persistent instances (they run at every start); " +
                "create a persistent instance once through the control file");
        }
        if (_persistence is null)
        {
            throw new ErrnoException(Errno.ENOTSUP, "this daemon runs without a configuration database; persistent instances cannot be recorded");
        }
        if (!InstanceRecords.Recordable.Contains(subdriver))
        {
            throw new ErrnoException(Errno.ENOTSUP,
                $"only {string.Join(" and ", InstanceRecords.Recordable)} instances can be persistent, not {subdriver} instance '{name}'");
        }
        var built = new[] { "child", "remap", "primary-table", "secondary-table", "remap-area" }.Select(command.GetOptional)
            .Concat((command.GetOptional("images") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var child in built)
        {
            if (child is not null && child != "-" && _registry.TryGet(child, out var instance)
                && !_persistence.IsRecorded(instance.Name) && !_persistence.IsRecordedVolume(instance))
            {
                throw new ErrnoException(Errno.EINVAL, instance.Subdriver == "volume"
                    ? $"persistent instance '{name}' cannot be built on volume '{instance.Name}': its device's mount is not recorded (mount it with mount-dev through the control file)"
                    : $"persistent instance '{name}' cannot be built on '{instance.Name}', which is not persistent (it would be missing at the next start)");
            }
        }
    }

    /// <summary>Records a new persistent instance; when no copy can record it, deletes it again and fails.</summary>
    private void RecordOrUndo(DiskInstance instance)
    {
        try
        {
            _persistence!.Record(instance);
        }
        catch (ErrnoException)
        {
            _registry.Delete(instance.Name);
            throw;
        }
    }

    /// <summary>Records the new state of <paramref name="name"/> (its attributes, its children) when it is persistent.</summary>
    private void RerecordIfPersistent(string name)
    {
        if (_persistence is not null && _registry.TryGet(name, out var instance) && _persistence.IsRecorded(instance.Name))
        {
            _persistence.Record(instance);
        }
    }

    private ControlReply GetInstances()
    {
        var all = _registry.All;
        var reply = ControlReply.Ok(("count", N(all.Count)));
        foreach (var i in all)
        {
            reply.AddRecord("instance",
                ("name", i.Name),
                ("subdriver", i.Subdriver),
                ("device-number", N(i.DeviceNumber)),
                ("size", N(i.Size)),
                ("children", Names(i.Children)),
                ("parents", Names(i.Parents)),
                ("exported", Flag(i.Exported)),
                ("open", N(i.OpenCount)),
                ("state", i.State));
        }
        return reply;
    }

    /// <summary>The iteration of the binary form: the instance with the lowest device number above the key; the key returned is its device number.</summary>
    private ControlReply GetInstanceAfter(ControlCommand command)
    {
        var key = command.GetInt64("key");
        if (key < 0 || key > uint.MaxValue)
        {
            throw new ErrnoException(Errno.EINVAL, $"key {key} is out of range (0 to {uint.MaxValue})");
        }
        var next = _registry.All.FirstOrDefault(i => i.DeviceNumber > key) ??
            throw new ErrnoException(Errno.ENOENT, key == 0 ? "there are no instances" : $"there is no instance after key {key}");
        return ControlReply.Ok(
            ("key", N(next.DeviceNumber)),
            ("name", next.Name),
            ("subdriver", next.Subdriver),
            ("device-number", N(next.DeviceNumber)),
            ("size", N(next.Size)),
            ("child-count", N(next.ChildSlots.Count)),
            ("parent-count", N(next.Parents.Count)),
            ("exported", Flag(next.Exported)),
            ("open", N(next.OpenCount)));
    }

    private ControlReply GetAttributes(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        return ControlReply.Success(
            [new ControlField("subdriver", instance.Subdriver), .. instance.Attributes.Select(a => new ControlField(a.Key, a.Value))],
            []);
    }

    private ControlReply UpdateAttributes(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        if (command.Has("subdriver"))
        {
            CheckSubdriver(command, "subdriver", instance);
        }
        _registry.UpdateAttributes(instance.Name, SubdriverFields(command));
        RerecordIfPersistent(instance.Name);
        return ControlReply.Ok();
    }

    private ControlReply IoctlSubdriver(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        CheckSubdriver(command, "subdriver", instance);
        var reply = instance.ExecuteSubdriverCommand(command.Get("command"), SubdriverFields(command));
        return ControlReply.Success(reply.Select(f => new ControlField(f.Key, f.Value)), []);
    }

    /// <summary>
    /// The fields a subdriver reads (attributes, a subdriver command's fields): all but name, subdriver and
    /// command, with block counts and sizes written with units turned into plain numbers.
    /// </summary>
    private static Dictionary<string, string> SubdriverFields(ControlCommand command)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in command.Fields)
        {
            if (FrameworkFields.Contains(field.Key))
            {
                continue;
            }
            fields[field.Key] = CommandSchema.FindField(command, field.Key)?.Type switch
            {
                FieldType.Blocks => N(command.GetBlocks(field.Key)),
                FieldType.Size => N(command.GetSize(field.Key)),
                _ => field.Value,
            };
        }
        return fields;
    }

    private static string Names(IReadOnlyList<DiskInstance> list) =>
        list.Count == 0 ? "-" : string.Join(',', list.Select(i => i.Name));
}
