using VdmFuse.Control;
using VdmFuse.Engine.Devices;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// format-dev, mount-dev, dismount-dev, dismount-all, list-devices, list-volumes, get-device-quota,
// create-volume, destroy-volume: Shore's device management. With a configuration database, the mounts made through
// the control file are recorded (with their instances' device numbers) and mounted again at the next start.
public sealed partial class ControlDispatcher
{
    private ControlReply FormatDev(ControlCommand command)
    {
        _devices.Format(command.Get("device"), command.GetInt64("quota"), command.GetBool("force", defaultValue: false));
        return ControlReply.Ok();
    }

    /// <summary>
    /// Mounts the device and, through the control file (the configuration file's commands run at every start anyway),
    /// records the mount; a mount that cannot be recorded is undone.
    /// </summary>
    private ControlReply MountDev(ControlCommand command, ControlDoor door)
    {
        var path = command.Get("device");
        var wasMounted = _devices.Devices.Any(d => d.Path == path);
        var device = _devices.Mount(path);
        if (_persistence is not null && door != ControlDoor.Configuration)
        {
            try
            {
                _persistence.RecordDevice(device);
            }
            catch (ErrnoException) when (!wasMounted)
            {
                _devices.Dismount(path, force: false);
                throw;
            }
        }
        return ControlReply.Ok(("volumes", N(device.Label.Volumes.Count)), ("device-id", device.Label.DeviceId.ToString()));
    }

    /// <summary>Dismounts the device and forgets its recorded mount; a recorded device that is not mounted (it failed to mount at start) is only forgotten.</summary>
    private ControlReply DismountDev(ControlCommand command)
    {
        var path = command.Get("device");
        if (_persistence?.IsDeviceRecorded(path) == true && !_devices.Devices.Any(d => d.Path == path))
        {
            _persistence.ForgetDevice(path);
            return ControlReply.Ok();
        }
        _devices.Dismount(path, command.GetBool("force", defaultValue: false));
        _persistence?.ForgetDevice(path);
        return ControlReply.Ok();
    }

    /// <summary>Dismounts every device and forgets the recorded mounts of those dismounted (all of them, unless one is busy).</summary>
    private ControlReply DismountAll()
    {
        try
        {
            _devices.DismountAll();
        }
        finally
        {
            _persistence?.ForgetDevicesNotMounted();
        }
        return ControlReply.Ok();
    }

    private ControlReply ListDevices()
    {
        var devices = _devices.Devices;
        var reply = ControlReply.Ok(("count", N(devices.Count)));
        foreach (var device in devices)
        {
            reply.AddRecord("device",
                ("path", device.Path),
                ("device-id", device.Label.DeviceId.ToString()),
                ("quota-kb", N(device.Label.QuotaKb)),
                ("used-kb", N(device.Label.UsedKb)),
                ("volumes", N(device.Label.Volumes.Count)));
        }
        return reply;
    }

    private ControlReply ListVolumes(ControlCommand command)
    {
        var device = _devices.Find(command.Get("device"));
        var reply = ControlReply.Ok(("count", N(device.Label.Volumes.Count)));
        foreach (var volume in device.Label.Volumes)
        {
            var instance = _registry.Get(volume.Name);
            reply.AddRecord("volume",
                ("lvid", volume.Lvid.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("name", volume.Name),
                ("quota-kb", N(volume.QuotaKb)),
                ("device-number", N(instance.DeviceNumber)),
                ("open", N(instance.OpenCount)));
        }
        return reply;
    }

    private ControlReply GetDeviceQuota(ControlCommand command)
    {
        var label = _devices.Find(command.Get("device")).Label;
        return ControlReply.Ok(("quota-kb", N(label.QuotaKb)), ("used-kb", N(label.UsedKb)));
    }

    private ControlReply CreateVolume(ControlCommand command)
    {
        var path = command.Get("device");
        var (volume, instance) = _devices.CreateVolume(path, command.Get("name"), command.GetInt64("quota"));
        if (_persistence?.IsDeviceRecorded(path) == true)
        {
            try
            {
                _persistence.RecordDevice(_devices.Find(path));
            }
            catch (ErrnoException)
            {
                _devices.DestroyVolume(path, volume.Lvid);
                throw;
            }
        }
        return ControlReply.Ok(
            ("lvid", volume.Lvid.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("device-number", N(instance.DeviceNumber)));
    }

    private ControlReply DestroyVolume(ControlCommand command)
    {
        var lvid = command.GetInt64("lvid");
        if (lvid <= 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"device '{command.Get("device")}': lvid {lvid} is not a volume id (lvids start at 1)");
        }
        var path = command.Get("device");
        _devices.DestroyVolume(path, (ulong)lvid);
        if (_persistence?.IsDeviceRecorded(path) == true)
        {
            _persistence.RecordDevice(_devices.Find(path));
        }
        return ControlReply.Ok();
    }
}
