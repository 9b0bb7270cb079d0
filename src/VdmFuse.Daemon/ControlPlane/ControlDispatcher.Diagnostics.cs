using System.Globalization;
using VdmFuse.Control;
using VdmFuse.Daemon.Persistence;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// get-mode, db-list, db-check, db-add, db-remove, db-reinit, db-restore, enable: the diagnostic commands.
public sealed partial class ControlDispatcher
{
    private ControlReply GetMode()
    {
        var copies = _persistence?.Copies ?? [];
        return ControlReply.Ok(
            ("mode", _mode.Name),
            ("enabled", _mode.IsEnabled ? "yes" : "no"),
            ("reason", _mode.Reason),
            ("copies", N(copies.Count)),
            ("good", N(copies.Count(c => c.IsGood))));
    }

    private ControlReply DbList() => CopyRecords(Persistence.Copies);

    private ControlReply DbCheck() => CopyRecords(Persistence.Check());

    private ControlReply DbAdd(ControlCommand command)
    {
        Persistence.AddCopy(Location(command, "path"));
        return CopyRecords(Persistence.Copies);
    }

    private ControlReply DbRemove(ControlCommand command)
    {
        Persistence.RemoveCopy(Location(command, "path"));
        return CopyRecords(Persistence.Copies);
    }

    private ControlReply DbReinit(ControlCommand command)
    {
        Persistence.Reinitialize(Location(command, "path"));
        return CopyRecords(Persistence.Copies);
    }

    private ControlReply DbRestore(ControlCommand command)
    {
        Persistence.RestoreFrom(Location(command, "from"));
        return CopyRecords(Persistence.Copies);
    }

    /// <summary>
    /// The copy a command names: <paramref name="pathKey"/>, with offset and length for a range (both or neither), or
    /// <c>instance:NAME</c> for a copy on an instance (no offset or length).
    /// </summary>
    private static RecordLocation Location(ControlCommand command, string pathKey)
    {
        var path = command.Get(pathKey);
        if (path.StartsWith(RecordLocation.InstancePrefix, StringComparison.Ordinal))
        {
            if (command.Has("offset") || command.Has("length"))
            {
                throw new ErrnoException(Errno.EINVAL, $"configuration copy '{path}' takes the whole instance: give no offset or length");
            }
            return RecordLocation.Validated(new RecordLocation(path));
        }
        if (command.Has("offset") != command.Has("length"))
        {
            throw new ErrnoException(Errno.EINVAL, "give both offset and length (a range of a file or block device), or neither (a whole file)");
        }
        var offset = command.Has("offset") ? command.GetSize("offset") : 0;
        var length = command.Has("length") ? command.GetSize("length") : 0;
        return RecordLocation.Validated(new RecordLocation(AbsolutePath(path), offset, length));
    }

    private ControlReply Enable()
    {
        Persistence.Enable();
        return GetMode();
    }

    private PersistentConfiguration Persistence => _persistence ??
        throw new ErrnoException(Errno.ENOTSUP, "this daemon runs without a configuration database");

    private static string AbsolutePath(string path) =>
        path.Length > 0 && path[0] == '/' ? path : throw new ErrnoException(Errno.EINVAL, $"'{path}' is not an absolute path (nor instance:NAME)");

    /// <summary>
    /// <c>ok count=N good=M</c>, one <c>copy</c> record per copy (path, offset, length, state, id, sequence, detail), then
    /// one <c>conflict</c> record per conflict the load rules found: the copies, the sequence, and what differs.
    /// </summary>
    private ControlReply CopyRecords(IReadOnlyList<CopyStatus> copies)
    {
        var reply = ControlReply.Ok(("count", N(copies.Count)), ("good", N(copies.Count(c => c.IsGood))));
        foreach (var copy in copies)
        {
            reply.AddRecord("copy",
                ("path", copy.Location.Path),
                ("offset", N(copy.Location.Offset)),
                ("length", N(copy.Location.RegionLength)),
                ("state", copy.StateName),
                ("id", copy.Id?.ToString() ?? "-"),
                ("sequence", (copy.Sequence ?? 0).ToString(CultureInfo.InvariantCulture)),
                ("detail", copy.Detail ?? "-"));
        }
        foreach (var conflict in _persistence?.Conflicts ?? [])
        {
            reply.AddRecord("conflict",
                ("copies", string.Join(',', conflict.Copies.Select(c => c.Path))),
                ("sequence", conflict.Sequence?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                ("description", conflict.Description),
                ("differences", conflict.Differences.Count == 0 ? "-" : string.Join("; ", conflict.Differences)));
        }
        return reply;
    }
}
