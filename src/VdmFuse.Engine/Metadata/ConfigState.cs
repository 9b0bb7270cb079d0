namespace VdmFuse.Engine.Metadata;

/// <summary>The persistent configuration: the device number counter and the persistent instances.</summary>
/// <param name="NextDeviceNumber">The device number the next instance created without one gets.</param>
/// <param name="Instances">The persistent instances, children before the instances built on them or in any order.</param>
public sealed record ConfigState(uint NextDeviceNumber, IReadOnlyList<ConfigInstanceRecord> Instances)
{
    /// <summary>The configuration of a new database: no instances, numbering from 1.</summary>
    public static ConfigState Empty { get; } = new(1, []);

    /// <summary>The instance named <paramref name="name"/>, or null.</summary>
    public ConfigInstanceRecord? Find(string name) => Instances.FirstOrDefault(i => i.Name == name);

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
            && Instances.Zip(other.Instances).All(pair => pair.First.SameAs(pair.Second));
}

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
