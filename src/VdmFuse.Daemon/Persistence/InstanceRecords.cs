using System.Globalization;
using VdmFuse.Engine;
using VdmFuse.Engine.Metadata;
using VdmFuse.Engine.Mirror;
using VdmFuse.Engine.Remap;
using VdmFuse.Native;

namespace VdmFuse.Daemon.Persistence;

/// <summary>
/// Persistent instances as configuration records and back: what a record of each subdriver holds, and how
/// an instance is re-created from it with its device number.
/// </summary>
public static class InstanceRecords
{
    /// <summary>The attribute of a mirror's record that holds its dirty-region size in 512-byte blocks.</summary>
    public const string RegionSizeKey = "region-size";

    /// <summary>The subdrivers whose instances can be recorded.</summary>
    public static IReadOnlyList<string> Recordable { get; } = ["physical", "partition", "mirror", "remap"];

    /// <summary>
    /// The record of <paramref name="instance"/>: physical {path}; partition {start, size} (512-byte blocks) with
    /// its child and its remap (when linked) as children; mirror {the four settings, region-size} with its images
    /// (present or missing) as children, in order; remap {} with its primary table, secondary table and remap area
    /// as children, in that order (its entries live in the tables on disk, never in the record).
    /// </summary>
    /// <exception cref="ErrnoException">ENOTSUP: a subdriver whose instances cannot be recorded.</exception>
    public static ConfigInstanceRecord ToRecord(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance is MirrorDisk mirror)
        {
            return MirrorRecord(mirror);
        }
        if (instance is RemapDisk remap)
        {
            return new ConfigInstanceRecord(remap.Name, remap.Subdriver, remap.DeviceNumber, Exported: false,
                new Dictionary<string, string>(StringComparer.Ordinal), [remap.PrimaryTable.Name, remap.SecondaryTable.Name, remap.Area.Name]);
        }
        var attributes = instance.Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        Dictionary<string, string> kept = instance.Subdriver switch
        {
            "physical" => new(StringComparer.Ordinal) { ["path"] = attributes["path"] },
            "partition" => new(StringComparer.Ordinal) { ["start"] = attributes["start"], ["size"] = attributes["size"] },
            _ => throw new ErrnoException(Errno.ENOTSUP,
                $"instance '{instance.Name}' is a {instance.Subdriver} instance; only {string.Join(", ", Recordable)} instances can be persistent"),
        };
        return new ConfigInstanceRecord(instance.Name, instance.Subdriver, instance.DeviceNumber, instance.Exported, kept,
            [.. instance.Children.Select(c => c.Name)]);
    }

    /// <summary>
    /// Re-creates the instance <paramref name="record"/> describes, with its device number; the instances it is
    /// built on must exist, except a mirror's images: those absent are passed as missing, and the mirror re-opens
    /// its states from the journal <paramref name="openMirrorJournal"/> gives for its name (then an automatic sync
    /// starts when a crash left its images out of date). A remap instance reads its entries back from its tables
    /// and is never exported.
    /// </summary>
    /// <param name="registry">Where the instance is created.</param>
    /// <param name="record">The record.</param>
    /// <param name="openMirrorJournal">Opens the journal of a persistent mirror by name; required for a mirror's record.</param>
    /// <param name="unlinkedExtras">
    /// When given, a partition's extra child (its remap) that does not exist or cannot be linked again does not fail
    /// the partition: it is re-created without it and the reason is added here. When null, that fails.
    /// </param>
    /// <exception cref="ErrnoException">The instance cannot be re-created (a missing image, a missing child, unreadable remap tables), with the reason.</exception>
    public static DiskInstance Recreate(InstanceRegistry registry, ConfigInstanceRecord record, Func<string, IMirrorJournal>? openMirrorJournal = null,
        ICollection<string>? unlinkedExtras = null)
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
                    LinkExtra(registry, record.Name, extra, unlinkedExtras);
                }
                return partition;
            case "remap":
                return RecreateRemap(registry, record);
            case "mirror":
                return RecreateMirror(registry, record, openMirrorJournal
                    ?? throw new ErrnoException(Errno.ENOTSUP, $"persistent mirror '{record.Name}' cannot be re-created without its journal"));
            default:
                throw new ErrnoException(Errno.ENOTSUP, $"the record of '{record.Name}' names subdriver '{record.Subdriver}', which this daemon cannot re-create");
        }
    }

    /// <summary>
    /// Links <paramref name="extra"/> (a remap) under partition <paramref name="partition"/> again; when
    /// <paramref name="unlinked"/> is given, a failure is added to it instead of thrown.
    /// </summary>
    /// <exception cref="ErrnoException">The extra child does not exist or refuses the link, and <paramref name="unlinked"/> is null.</exception>
    public static void LinkExtra(InstanceRegistry registry, string partition, string extra, ICollection<string>? unlinked)
    {
        ArgumentNullException.ThrowIfNull(registry);
        try
        {
            if (!registry.TryGet(extra, out var instance) || instance.Name != extra)
            {
                throw new ErrnoException(Errno.ENOENT, $"its remap '{extra}' does not exist");
            }
            registry.LinkChild(partition, extra);
        }
        catch (ErrnoException e) when (unlinked is not null)
        {
            unlinked.Add($"partition '{partition}' was re-created without its remap '{extra}' (its I/O is not remapped): {e.Message}");
        }
    }

    /// <summary>The remap instance over its three recorded partitions (primary table, secondary table, remap area), registered unexported.</summary>
    private static RemapDisk RecreateRemap(InstanceRegistry registry, ConfigInstanceRecord record)
    {
        if (record.Children.Count != 3)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"the record of remap instance '{record.Name}' names {record.Children.Count} children; a remap instance has three (primary table, secondary table, remap area)");
        }
        var remap = new RemapDisk(record.Name, registry.Get(record.Children[0]), registry.Get(record.Children[1]), registry.Get(record.Children[2]));
        try
        {
            registry.Register(remap, exported: false, record.DeviceNumber);
        }
        catch
        {
            remap.Dispose();
            throw;
        }
        return remap;
    }

    private static ConfigInstanceRecord MirrorRecord(MirrorDisk mirror)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in mirror.Settings.ToFields())
        {
            kept[key] = value;
        }
        kept[RegionSizeKey] = mirror.RegionBlocks.ToString(CultureInfo.InvariantCulture);
        return new ConfigInstanceRecord(mirror.Name, mirror.Subdriver, mirror.DeviceNumber, mirror.Exported, kept,
            [.. mirror.Images.Select(i => i.Name)]);
    }

    private static MirrorDisk RecreateMirror(InstanceRegistry registry, ConfigInstanceRecord record, Func<string, IMirrorJournal> openMirrorJournal)
    {
        var present = new List<DiskInstance>();
        foreach (var image in record.Children)
        {
            if (registry.TryGet(image, out var instance) && instance.Name == image)
            {
                present.Add(instance);
            }
        }
        var settingsFields = record.Attributes.Where(a => MirrorSettings.Keys.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        var settings = MirrorSettings.Default.With(record.Name, settingsFields);
        var regionBlocks = record.Attributes.ContainsKey(RegionSizeKey) ? Blocks(record, RegionSizeKey) : MirrorDisk.DefaultRegionBlocks;
        if (regionBlocks <= 0)
        {
            regionBlocks = MirrorDisk.DefaultRegionBlocks;
        }
        var mirror = new MirrorDisk(record.Name, present, settings, openMirrorJournal(record.Name), regionBlocks);
        try
        {
            registry.Register(mirror, record.Exported, record.DeviceNumber);
        }
        catch
        {
            mirror.Dispose();
            throw;
        }
        mirror.StartAutomaticSyncIfNeeded();
        return mirror;
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
