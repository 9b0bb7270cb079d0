using System.Globalization;
using VdmFuse.Engine;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;

namespace VdmFuse.Daemon.Persistence;

/// <summary>
/// Persistent instances as configuration records and back: what a record of each subdriver holds, and how
/// an instance is re-created from it with its device number.
/// </summary>
public static class InstanceRecords
{
    /// <summary>The subdrivers whose instances can be recorded.</summary>
    public static IReadOnlyList<string> Recordable { get; } = ["physical", "partition"];

    /// <summary>
    /// The record of <paramref name="instance"/>: physical {path}; partition {start, size} (512-byte blocks) with
    /// its child and its remap (when linked) as children.
    /// </summary>
    /// <exception cref="ErrnoException">ENOTSUP: a subdriver whose instances cannot be recorded.</exception>
    public static ConfigInstanceRecord ToRecord(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var attributes = instance.Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        Dictionary<string, string> kept = instance.Subdriver switch
        {
            "physical" => new(StringComparer.Ordinal) { ["path"] = attributes["path"] },
            "partition" => new(StringComparer.Ordinal) { ["start"] = attributes["start"], ["size"] = attributes["size"] },
            _ => throw new ErrnoException(Errno.ENOTSUP,
                $"instance '{instance.Name}' is a {instance.Subdriver} instance; only {string.Join(" and ", Recordable)} instances can be persistent"),
        };
        return new ConfigInstanceRecord(instance.Name, instance.Subdriver, instance.DeviceNumber, instance.Exported, kept,
            [.. instance.Children.Select(c => c.Name)]);
    }

    /// <summary>
    /// Re-creates the instance <paramref name="record"/> describes, with its device number; the instances it is
    /// built on must exist.
    /// </summary>
    /// <exception cref="ErrnoException">The instance cannot be re-created (a missing image, a missing child), with the reason.</exception>
    public static DiskInstance Recreate(InstanceRegistry registry, ConfigInstanceRecord record)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(record);
        switch (record.Subdriver)
        {
            case "physical":
                return registry.CreatePhysical(record.Name, Attribute(record, "path"), record.Exported, record.DeviceNumber);
            case "partition":
                if (record.Children.Count == 0)
                {
                    throw new ErrnoException(Errno.EINVAL, $"the record of partition '{record.Name}' names no child");
                }
                var partition = registry.CreatePartition(record.Name, record.Children[0], Blocks(record, "start"), Blocks(record, "size"),
                    record.Exported, record.DeviceNumber);
                foreach (var extra in record.Children.Skip(1))
                {
                    registry.LinkChild(record.Name, extra);
                }
                return partition;
            default:
                throw new ErrnoException(Errno.ENOTSUP, $"the record of '{record.Name}' names subdriver '{record.Subdriver}', which this daemon cannot re-create");
        }
    }

    private static string Attribute(ConfigInstanceRecord record, string key) =>
        record.Attributes.TryGetValue(key, out var value)
            ? value
            : throw new ErrnoException(Errno.EINVAL, $"the record of {record.Subdriver} instance '{record.Name}' has no attribute '{key}'");

    private static long Blocks(ConfigInstanceRecord record, string key) =>
        long.TryParse(Attribute(record, key), NumberStyles.None, CultureInfo.InvariantCulture, out var blocks)
            ? blocks
            : throw new ErrnoException(Errno.EINVAL, $"the record of '{record.Name}' has '{key}={record.Attributes[key]}', not a number of blocks");
}
