using System.Globalization;
using VdmFuse.Control;
using VdmFuse.Engine;
using VdmFuse.Engine.Fault;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// The fault subdriver: create-instance subdriver=fault, fault-add, fault-clear, fault-list.
public sealed partial class ControlDispatcher
{
    private DiskInstance CreateFault(ControlCommand command, string name, bool exported)
    {
        foreach (var field in new[] { "path", "start", "size", "remap" })
        {
            if (command.Has(field))
            {
                throw new ErrnoException(Errno.EINVAL, $"field '{field}' does not apply to subdriver fault (fault instance '{name}')");
            }
        }
        var childName = command.GetOptional("child") ??
            throw new ErrnoException(Errno.EINVAL, $"fault instance '{name}' needs the instance it is built on (child=NAME)");
        var child = _registry.Get(childName);
        var fault = new FaultDisk(name, child);
        try
        {
            _registry.Register(fault, exported);
        }
        catch
        {
            fault.Dispose();
            throw;
        }
        if (!_registry.TryGet(child.DeviceNumber, out var current) || current != child)
        {
            // The child was deleted while the fault instance was being built on it.
            _registry.Delete(fault.Name);
            throw new ErrnoException(Errno.ENOENT, $"instance '{childName}' was deleted while fault instance '{name}' was being created on it");
        }
        return fault;
    }

    private ControlReply FaultAdd(ControlCommand command)
    {
        var fault = FaultInstance(command);
        var op = command.Get("op");
        if (!FaultOperations.TryParse(op, out var operation))
        {
            throw new ErrnoException(Errno.EINVAL, $"{fault.Description}: unknown op '{op}' (read, write or both)");
        }
        var start = command.Has("start") ? command.GetBlocks("start") : 0;
        long? count = command.Has("count") ? command.GetBlocks("count") : 1;
        if (command.GetBool("all", defaultValue: false))
        {
            if (command.Has("count"))
            {
                throw new ErrnoException(Errno.EINVAL, $"{fault.Description}: give count or all=1, not both");
            }
            if (start != 0)
            {
                throw new ErrnoException(Errno.EINVAL, $"{fault.Description}: all=1 covers every block, so start must be 0 or left out (not {start})");
            }
            count = null;
        }
        var errno = ParseInjectedErrno(fault, command.GetOptional("errno"));
        var times = command.Has("times") ? command.GetInt64("times") : 0;
        if (times is < 0 or > int.MaxValue)
        {
            throw new ErrnoException(Errno.EINVAL, $"{fault.Description}: times must be 0 (until cleared) to {int.MaxValue}, not {times}");
        }
        var rule = fault.AddRule(operation, start, count, errno, (int)times);
        return ControlReply.Ok(("id", N(rule.Id)));
    }

    private ControlReply FaultClear(ControlCommand command)
    {
        var fault = FaultInstance(command);
        int? id = null;
        if (command.Has("id"))
        {
            var value = command.GetInt64("id");
            if (value is < 1 or > int.MaxValue)
            {
                throw new ErrnoException(Errno.EINVAL, $"{fault.Description}: rule ids start at 1 ({value} names no rule)");
            }
            id = (int)value;
        }
        return ControlReply.Ok(("cleared", N(fault.ClearRules(id))));
    }

    private ControlReply FaultList(ControlCommand command)
    {
        var fault = FaultInstance(command);
        var rules = fault.Rules.Rules;
        var reply = ControlReply.Ok(("count", N(rules.Count)));
        foreach (var rule in rules)
        {
            reply.AddRecord("rule",
                ("id", N(rule.Id)),
                ("op", FaultOperations.Name(rule.Operation)),
                ("start", N(rule.StartBlock)),
                ("count", N(rule.BlockCount)),
                ("errno", ControlErrno.Name(rule.Errno)),
                ("times", N(rule.Remaining)),
                ("hits", N(rule.Hits)));
        }
        return reply;
    }

    /// <summary>The fault instance the command's <c>name</c> field names.</summary>
    /// <exception cref="ErrnoException">ENOENT: no such instance; EINVAL: not a fault instance.</exception>
    private FaultDisk FaultInstance(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        return instance as FaultDisk ??
            throw new ErrnoException(Errno.EINVAL, $"{instance.Description} is not a fault instance ({command.Verb} works on instances of subdriver fault)");
    }

    /// <summary>An errno given by name (EIO, E121) or number; EIO when none is given.</summary>
    private static int ParseInjectedErrno(FaultDisk fault, string? value)
    {
        if (value is null)
        {
            return Errno.EIO;
        }
        if (ControlErrno.TryParse(value, out var errno))
        {
            return errno;
        }
        if (value.Length > 0 && value.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 &&
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out errno))
        {
            return errno;
        }
        throw new ErrnoException(Errno.EINVAL,
            $"{fault.Description}: unknown errno '{value}' (a name such as EIO, ENOSPC or ENXIO, or a number from 1 to {FaultDisk.MaxErrno})");
    }
}
