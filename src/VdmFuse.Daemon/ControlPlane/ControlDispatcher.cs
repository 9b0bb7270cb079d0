using System.Globalization;
using VdmFuse.Control;
using VdmFuse.Daemon.Persistence;
using VdmFuse.Engine;
using VdmFuse.Engine.Devices;
using VdmFuse.Engine.Dkio;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

/// <summary>The outcome of one control command: errno 0 and the reply text, or an errno and the error line.</summary>
/// <param name="Errno">0 on success, else the positive errno that write(2) returns.</param>
/// <param name="Text">The reply as the control file reads it back, one or more lines.</param>
public readonly record struct ControlOutcome(int Errno, string Text);

/// <summary>
/// Executes control commands against the instance registry: the one dispatcher behind every front door
/// (text lines and binary packets written to the control file, ioctls on it and on the instance files).
/// Exceptions become errno here, and nowhere else on the control path; every error message starts with
/// the command's verb.
/// </summary>
/// <remarks>Instances are named by name or device number in every field that names one.</remarks>
public sealed partial class ControlDispatcher
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly InstanceRegistry _registry;
    private readonly AccessPolicy _access;
    private readonly DaemonMode _mode;
    private readonly PersistentConfiguration? _persistence;
    private readonly DeviceManager _devices;
    private readonly DiskLabels _labels;

    /// <summary>Creates a dispatcher over a registry; <paramref name="access"/> decides who may run privileged commands (root only by default).</summary>
    /// <param name="registry">The instances.</param>
    /// <param name="access">Who may run privileged commands; root only when null.</param>
    /// <param name="mode">The daemon's mode; when null, a mode that is always enabled.</param>
    /// <param name="persistence">The configuration database behind persistent instances and the db-* commands; when null, persistent=1 and the db-* commands are refused.</param>
    /// <param name="devices">
    /// The mounted devices and their volumes (format-dev, mount-dev, ...); when null, those of <paramref name="persistence"/>
    /// (which records their mounts), or a device manager over <paramref name="registry"/> without one.
    /// </param>
    /// <param name="labels">
    /// The disk-control state behind the dk-* commands (dkio(7)), created next to the registry; when null, one over
    /// <paramref name="registry"/>.
    /// </param>
    public ControlDispatcher(InstanceRegistry registry, AccessPolicy? access = null, DaemonMode? mode = null, PersistentConfiguration? persistence = null,
        DeviceManager? devices = null, DiskLabels? labels = null)
    {
        _registry = registry;
        _labels = labels ?? new DiskLabels(registry);
        _devices = devices ?? persistence?.Devices ?? new DeviceManager(registry);
        _access = access ?? AccessPolicy.RootOnly;
        _persistence = persistence;
        if (mode is null)
        {
            mode = new DaemonMode();
            mode.Enable();
        }
        _mode = mode;
    }

    /// <summary>The mounted devices and their volumes.</summary>
    public DeviceManager Devices => _devices;

    /// <summary>The daemon's mode, which decides which commands are accepted.</summary>
    public DaemonMode Mode => _mode;

    /// <summary>Parses and executes one text line on behalf of <paramref name="caller"/>; a blank line or a comment has no reply.</summary>
    public ControlOutcome ExecuteLine(string line, ControlCaller caller)
    {
        ControlCommand? command;
        try
        {
            command = TextCodec.Parse(line);
        }
        catch (ControlException e)
        {
            return Text(Failure(e.Errno, e.Message));
        }
        return command is null ? new ControlOutcome(0, "") : Text(Execute(command, caller));
    }

    /// <summary>Executes a command on behalf of <paramref name="caller"/>: the success reply, or the error reply.</summary>
    public ControlReply Execute(ControlCommand command, ControlCaller caller)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            CommandSchema.Validate(command);
            DiagnosticCommands.CheckAccepted(command.Verb, caller.Door, _mode);
            _access.Check(command, caller);
            var reply = Run(command, caller);
            Log.Debug("control uid={0} gid={1} pid={2}: {3} -> ok", caller.Uid, caller.Gid, caller.Pid, command.Verb);
            return reply;
        }
        catch (ControlException e)
        {
            return Failure(e.Errno, e.Message);
        }
        catch (ErrnoException e)
        {
            return Failure(e.Errno, $"{command.Verb}: {e.Message}");
        }
    }

    private ControlReply Run(ControlCommand command, ControlCaller caller) => command.Verb switch
    {
        ControlVerbs.CreateInstance => CreateInstance(command, caller.Door),
        ControlVerbs.DeleteInstance => DeleteInstance(command),
        ControlVerbs.LinkChildInstance => LinkChild(command),
        ControlVerbs.UnlinkChildInstance => UnlinkChild(command),
        ControlVerbs.GetChildInstance => GetChildInstance(command),
        ControlVerbs.GetAttributes => GetAttributes(command),
        ControlVerbs.UpdateAttributes => UpdateAttributes(command),
        ControlVerbs.IoctlSubdriver => IoctlSubdriver(command),
        ControlVerbs.GetInstances => command.Has("key") ? GetInstanceAfter(command) : GetInstances(),
        ControlVerbs.DskGet => DskGet(command),
        ControlVerbs.DskUsage => DskUsage(command),
        ControlVerbs.DskGetAddress => DskGetAddress(command),
        ControlVerbs.Help => CommandSchema.HelpReply(),
        ControlVerbs.GetMode => GetMode(),
        ControlVerbs.DbList => DbList(),
        ControlVerbs.DbCheck => DbCheck(),
        ControlVerbs.DbAdd => DbAdd(command),
        ControlVerbs.DbRemove => DbRemove(command),
        ControlVerbs.DbReinit => DbReinit(command),
        ControlVerbs.DbRestore => DbRestore(command),
        ControlVerbs.Enable => Enable(),
        ControlVerbs.FormatDev => FormatDev(command),
        ControlVerbs.MountDev => MountDev(command, caller.Door),
        ControlVerbs.DismountDev => DismountDev(command),
        ControlVerbs.DismountAll => DismountAll(),
        ControlVerbs.ListDevices => ListDevices(),
        ControlVerbs.ListVolumes => ListVolumes(command),
        ControlVerbs.GetDeviceQuota => GetDeviceQuota(command),
        ControlVerbs.CreateVolume => CreateVolume(command),
        ControlVerbs.DestroyVolume => DestroyVolume(command),
        ControlVerbs.FaultAdd => FaultAdd(command),
        ControlVerbs.FaultClear => FaultClear(command),
        ControlVerbs.FaultList => FaultList(command),
        ControlVerbs.SyncImages or ControlVerbs.TerminateSync or ControlVerbs.ThrottleSync or ControlVerbs.FractureImage => MirrorCommand(command),
        ControlVerbs.RemapFormat => RemapFormat(command),
        ControlVerbs.ListRemapTable or ControlVerbs.ForceRemap or ControlVerbs.RecoverBadBlock => RemapCommand(command),
        ControlVerbs.DkInfo or ControlVerbs.DkGetGeom or ControlVerbs.DkSetGeom or ControlVerbs.DkGetPhygeom or ControlVerbs.DkGetVirtgeom or
            ControlVerbs.DkGetVtoc or ControlVerbs.DkSetVtoc or ControlVerbs.DkGetExtvtoc or ControlVerbs.DkSetExtvtoc or ControlVerbs.DkGetApart or
            ControlVerbs.DkSetApart or ControlVerbs.DkMediaInfo or ControlVerbs.DkRemovable or ControlVerbs.DkHotpluggable or ControlVerbs.DkState or
            ControlVerbs.DkEject or ControlVerbs.DkLock or ControlVerbs.DkUnlock or ControlVerbs.DkPartinfo or ControlVerbs.DkExtpartinfo or
            ControlVerbs.DkSmboot or ControlVerbs.DkGetVolcap or ControlVerbs.DkSetVolcap or ControlVerbs.DkDmr or ControlVerbs.DkAddbad => DkCommand(command),
        _ => throw new ErrnoException(Errno.ENOSYS, "not implemented by this daemon"),
    };

    private static ControlOutcome Text(ControlReply reply) =>
        new(reply.Errno, reply.IsOk ? TextCodec.Format(reply) : TextCodec.FormatError(reply.ErrnoName, reply.Message));

    private static ControlReply Failure(int errno, string message)
    {
        Log.Debug("control error {0}: {1}", Errno.Name(errno), message);
        return ControlReply.Error(errno, message);
    }

    /// <summary>The subdriver named by <paramref name="key"/> (the binary form's ids arrive as names).</summary>
    private static string SubdriverField(ControlCommand command, string key)
    {
        var value = command.Get(key);
        var known = CommandTable.Subdrivers;
        if (!known.Contains(value))
        {
            throw new ControlException(ControlErrno.EINVAL, $"{command.Verb}: unknown subdriver '{value}' (known: {string.Join(", ", known)})");
        }
        return value;
    }

    /// <summary>Refuses an instance whose subdriver is not the one the command names.</summary>
    private static void CheckSubdriver(ControlCommand command, string key, DiskInstance instance)
    {
        var expected = SubdriverField(command, key);
        if (instance.Subdriver != expected)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{command.Verb}: instance '{instance.Name}' is a {instance.Subdriver} instance, not {expected}");
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Flag(bool value) => value ? "1" : "0";
}
