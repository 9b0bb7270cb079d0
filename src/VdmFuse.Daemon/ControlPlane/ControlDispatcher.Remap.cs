using VdmFuse.Control;
using VdmFuse.Engine;
using VdmFuse.Engine.Remap;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// The remap subdriver (vdmremap(7)): remap-format, create-instance subdriver=remap, and list-remap-table, force-remap
// and recover-bad-block, which are also its ioctl-subdriver commands (both forms run the engine's command).
public sealed partial class ControlDispatcher
{
    /// <summary>The create-instance fields only a remap instance takes.</summary>
    private static readonly string[] RemapCreateFields = ["primary-table", "secondary-table", "remap-area"];

    /// <summary>The create-instance fields of the other subdrivers, which a remap instance refuses (the mirror's are refused with theirs).</summary>
    private static readonly string[] NotRemapFields = ["path", "child", "start", "size", "remap"];

    /// <summary>
    /// remap-format: writes empty bad-block tables on the partitions <c>primary</c> and <c>secondary</c> for the
    /// remap area <c>area</c>, the step a remap instance needs before it can be created.
    /// </summary>
    private ControlReply RemapFormat(ControlCommand command)
    {
        var primary = _registry.Get(command.Get("primary"));
        var secondary = _registry.Get(command.Get("secondary"));
        var area = _registry.Get(command.Get("area"));
        var capacity = RemapDisk.Format(primary, secondary, area, command.GetBool("force", defaultValue: false));
        var unit = Math.Max(RemapDisk.BlockSize, area.SectorSize);
        return ControlReply.Ok(("table-capacity", N(capacity)), ("area-blocks", N(area.Size / unit)));
    }

    /// <summary>
    /// Builds and registers the remap instance of a create-instance command over its three partitions (by name or
    /// device number). It is never exported.
    /// </summary>
    private DiskInstance CreateRemap(ControlCommand command, string name)
    {
        foreach (var field in NotRemapFields)
        {
            if (command.Has(field))
            {
                throw new ErrnoException(Errno.EINVAL, $"field '{field}' does not apply to subdriver remap (remap instance '{name}')");
            }
        }
        if (command.GetBool("exported", defaultValue: false))
        {
            throw new ErrnoException(Errno.EINVAL,
                $"remap instance '{name}' cannot be exported: a remap instance has no size and is not exported (leave exported out or give exported=0)");
        }
        var primary = _registry.Get(command.Get("primary-table"));
        var secondary = _registry.Get(command.Get("secondary-table"));
        var area = _registry.Get(command.Get("remap-area"));
        if (_registry.TryGet(name, out var existing) && existing.Name == name)
        {
            // Before the children take the new instance as their parent.
            throw new ErrnoException(Errno.EEXIST, $"an instance named '{name}' already exists ({existing.Subdriver}, device {existing.DeviceNumber})");
        }
        var remap = new RemapDisk(name, primary, secondary, area);
        try
        {
            _registry.Register(remap, exported: false);
        }
        catch
        {
            remap.Dispose();
            throw;
        }
        if (new[] { primary, secondary, area }.FirstOrDefault(child => !_registry.TryGet(child.DeviceNumber, out var current) || current != child) is { } gone)
        {
            // A partition was deleted while the remap instance was being built on it.
            _registry.Delete(remap.Name);
            throw new ErrnoException(Errno.ENOENT, $"instance '{gone.Name}' was deleted while remap instance '{name}' was being created on it");
        }
        return remap;
    }

    /// <summary>list-remap-table, force-remap, recover-bad-block: the remap instance's command of that name.</summary>
    private ControlReply RemapCommand(ControlCommand command)
    {
        var remap = command.Verb == ControlVerbs.ListRemapTable ? RemapOfInstanceOrPartition(command) : RemapInstance(command);
        var reply = remap.ExecuteSubdriverCommand(command.Verb, SubdriverFields(command));
        return ControlReply.Success(reply.Select(field => new ControlField(field.Key, field.Value)), []);
    }

    /// <summary>The remap instance the command's <c>name</c> field names.</summary>
    /// <exception cref="ErrnoException">ENOENT: no such instance; EINVAL: not a remap instance.</exception>
    private RemapDisk RemapInstance(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        return instance as RemapDisk ??
            throw new ErrnoException(Errno.EINVAL, $"{instance.Description} is not a remap instance ({command.Verb} works on instances of subdriver remap)");
    }

    /// <summary>The remap instance the command's <c>name</c> field names, or the one linked to the partition it names.</summary>
    /// <exception cref="ErrnoException">ENOENT: no such instance; EINVAL: neither a remap instance nor a partition with one linked.</exception>
    private RemapDisk RemapOfInstanceOrPartition(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        return instance switch
        {
            RemapDisk remap => remap,
            PartitionDisk { Remap: { } linked } => linked,
            PartitionDisk partition => throw new ErrnoException(Errno.EINVAL,
                $"partition '{partition.Name}' has no remap instance linked, so it has no bad-block table (link one with link-child-instance parent={partition.Name} child=R)"),
            _ => throw new ErrnoException(Errno.EINVAL,
                $"{instance.Description} is not a remap instance or a partition with one linked ({command.Verb} works on instances of subdriver remap)"),
        };
    }

    /// <summary>Refuses DSKIOCGET and DSKIOCUSAGE on a remap instance, which has no size and does no I/O of its own (vdmremap(7)).</summary>
    /// <exception cref="ErrnoException">ENOTSUP naming the instance and the command.</exception>
    private static void RefuseDiskCommandOnRemap(DiskInstance instance, string diskCommand)
    {
        if (instance is RemapDisk)
        {
            throw new ErrnoException(Errno.ENOTSUP,
                $"remap instance '{instance.Name}' has no size and does no I/O of its own: {diskCommand} is not supported (vdmremap(7))");
        }
    }
}
