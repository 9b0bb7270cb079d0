using VdmFuse.Control;
using VdmFuse.Engine.Devices;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// format-dev, mount-dev, dismount-dev, dismount-all, list-devices, list-volumes, get-device-quota,
// create-volume, destroy-volume: Shore's device management.
public sealed partial class ControlDispatcher
{
    private ControlReply FormatDev(ControlCommand command)
    {
        _devices.Format(command.Get("device"), command.GetInt64("quota"), command.GetBool("force", defaultValue: false));
        return ControlReply.Ok();
    }

    private ControlReply MountDev(ControlCommand command)
    {
        var device = _devices.Mount(command.Get("device"));
        return ControlReply.Ok(("volumes", N(device.Label.Volumes.Count)), ("device-id", device.Label.DeviceId.ToString()));
    }

    private ControlReply DismountDev(ControlCommand command)
    {
        _devices.Dismount(command.Get("device"), command.GetBool("force", defaultValue: false));
        return ControlReply.Ok();
    }

    private ControlReply DismountAll()
    {
        _devices.DismountAll();
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
        var (volume, instance) = _devices.CreateVolume(command.Get("device"), command.Get("name"), command.GetInt64("quota"));
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
        _devices.DestroyVolume(command.Get("device"), (ulong)lvid);
        return ControlReply.Ok();
    }
}
