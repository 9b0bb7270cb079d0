using VdmFuse.Native;

namespace VdmFuse.Engine.Devices;

/// <summary>A device mounted by <see cref="DeviceManager"/>: its path, identity, label and physical instance.</summary>
public sealed class MountedDevice
{
    internal MountedDevice(string path, BackingIdentity identity, DeviceLabelStore store, DeviceLabel label, ulong sequence, DiskInstance physical)
    {
        Path = path;
        Identity = identity;
        Store = store;
        Label = label;
        Sequence = sequence;
        Physical = physical;
    }

    /// <summary>The path the device was mounted by.</summary>
    public string Path { get; }

    /// <summary>The identity of the file or block device (to refuse another name for it).</summary>
    public BackingIdentity Identity { get; }

    /// <summary>The current committed label and volume table.</summary>
    public DeviceLabel Label { get; internal set; }

    /// <summary>The physical instance over the device (not exported).</summary>
    public DiskInstance Physical { get; }

    internal DeviceLabelStore Store { get; }

    internal ulong Sequence { get; set; }
}
