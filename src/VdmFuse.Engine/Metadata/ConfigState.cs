namespace VdmFuse.Engine.Metadata;

/// <summary>The persistent configuration: the device number counter, the persistent instances and the mounted devices.</summary>
/// <param name="NextDeviceNumber">The device number the next instance created without one gets.</param>
/// <param name="Instances">The persistent instances, children before the instances built on them or in any order.</param>
public sealed record ConfigState(uint NextDeviceNumber, IReadOnlyList<ConfigInstanceRecord> Instances)
{
    /// <summary>The configuration of a new database: no instances, numbering from 1.</summary>
    public static ConfigState Empty { get; } = new(1, []);

    /// <summary>
    /// The devices mounted with mount-dev, in the order they were mounted: mounted again at start, before the
    /// instances are re-created. A payload written before devices were recorded has none.
    /// </summary>
    public IReadOnlyList<ConfigDeviceRecord> Devices { get; init; } = [];

    /// <summary>The instance named <paramref name="name"/>, or null.</summary>
    public ConfigInstanceRecord? Find(string name) => Instances.FirstOrDefault(i => i.Name == name);

    /// <summary>The device mounted as <paramref name="path"/>, or null.</summary>
    public ConfigDeviceRecord? FindDevice(string path) => Devices.FirstOrDefault(d => d.Path == path);

    /// <summary>A copy with <paramref name="device"/> added at the end, or replacing the device of the same path in its place.</summary>
    public ConfigState WithDevice(ConfigDeviceRecord device)
        => this with
        {
            Devices = FindDevice(device.Path) is null
                ? [.. Devices, device]
                : [.. Devices.Select(d => d.Path == device.Path ? device : d)],
        };

    /// <summary>A copy without the device mounted as <paramref name="path"/>.</summary>
    public ConfigState WithoutDevice(string path)
        => this with { Devices = [.. Devices.Where(d => d.Path != path)] };

    /// <summary>A copy with <paramref name="instance"/> added, or replacing the instance of the same name.</summary>
    public ConfigState WithInstance(ConfigInstanceRecord instance)
        => this with { Instances = [.. Instances.Where(i => i.Name != instance.Name), instance] };

    /// <summary>A copy without the instance named <paramref name="name"/>.</summary>
    public ConfigState WithoutInstance(string name)
        => this with { Instances = [.. Instances.Where(i => i.Name != name)] };

    /// <summary>Whether both configurations hold the same counter and the same instances in the same order.</summary>
    public bool SameAs(ConfigState other)
        => NextDeviceNumber == other.NextDeviceNumber
            && Instances.Count == other.Instances.Count
            && Instances.Zip(other.Instances).All(pair => pair.First.SameAs(pair.Second))
            && Devices.Count == other.Devices.Count
            && Devices.Zip(other.Devices).All(pair => pair.First.SameAs(pair.Second));
}

/// <summary>A device mounted with mount-dev, as recorded: mounted again at start, its instances with their device numbers.</summary>
/// <param name="Path">The path it was mounted by.</param>
/// <param name="DeviceId">The id in its label (a device at the path with another id is not mounted).</param>
/// <param name="DeviceNumber">Its (hidden) physical instance's device number.</param>
/// <param name="Volumes">Its volumes' device numbers.</param>
public sealed record ConfigDeviceRecord(string Path, Guid DeviceId, uint DeviceNumber, IReadOnlyList<ConfigVolumeRecord> Volumes)
{
    /// <summary>Whether both records hold the same values.</summary>
    public bool SameAs(ConfigDeviceRecord other)
        => Path == other.Path && DeviceId == other.DeviceId && DeviceNumber == other.DeviceNumber && Volumes.SequenceEqual(other.Volumes);
}

/// <summary>A volume of a recorded device: its lvid and the device number of its instance.</summary>
/// <param name="Lvid">The volume's logical volume id.</param>
/// <param name="DeviceNumber">Its instance's device number, the same after every restart.</param>
public sealed record ConfigVolumeRecord(ulong Lvid, uint DeviceNumber);

/// <summary>One persistent instance as recorded in the configuration.</summary>
/// <param name="Name">The instance name.</param>
/// <param name="Subdriver">The subdriver ("physical", "partition", ...).</param>
/// <param name="DeviceNumber">The instance's device number, the same after every restart.</param>
/// <param name="Exported">Whether it appears under dsk/ and rdsk/.</param>
/// <param name="Attributes">The subdriver's attributes (path=, start=, size=, ...).</param>
/// <param name="Children">The names of the instances it is built on.</param>
public sealed record ConfigInstanceRecord(
    string Name,
    string Subdriver,
    uint DeviceNumber,
    bool Exported,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> Children)
{
    /// <summary>Whether both records hold the same values (attributes in any order).</summary>
    public bool SameAs(ConfigInstanceRecord other)
        => Name == other.Name && Subdriver == other.Subdriver && DeviceNumber == other.DeviceNumber
            && Exported == other.Exported && Children.SequenceEqual(other.Children)
            && Attributes.Count == other.Attributes.Count
            && Attributes.All(a => other.Attributes.TryGetValue(a.Key, out var v) && v == a.Value);
}
