using System.Globalization;

namespace VdmFuse.Engine.Dkio;

/// <summary>
/// Whether an instance sits on removable or hot-pluggable media: a physical instance over a block device whose sysfs entry
/// says "removable" (or, for hot-plug, that sits on a USB bus). Image files and everything else are fixed.
/// </summary>
internal static class RemovableMedia
{
    /// <summary>Where sysfs is mounted; a test points it at a tree of its own.</summary>
    internal static string SysfsRoot { get; set; } = "/sys";

    public static bool IsRemovable(DiskInstance instance) => Physicals(instance).Any(p => Sysfs(p) is { } dir && ReadFlag(dir, "removable"));

    public static bool IsHotpluggable(DiskInstance instance) => Physicals(instance).Any(p =>
        Sysfs(p) is { } dir && (ReadFlag(dir, "removable") || ResolvedPath(dir).Contains("/usb", StringComparison.Ordinal)));

    private static IEnumerable<PhysicalDisk> Physicals(DiskInstance instance)
    {
        if (instance is PhysicalDisk physical)
        {
            yield return physical;
            yield break;
        }
        foreach (var child in instance.Children)
        {
            foreach (var found in Physicals(child))
            {
                yield return found;
            }
        }
    }

    /// <summary>The sysfs directory of the whole disk of a block-device physical instance (a partition's parent), or null.</summary>
    private static string? Sysfs(PhysicalDisk disk)
    {
        var identity = disk.Identity;
        if (!identity.IsBlockDevice)
        {
            return null;
        }
        var major = (identity.DeviceId >> 8 & 0xfff).ToString(CultureInfo.InvariantCulture);
        var minor = ((identity.DeviceId & 0xff) | (identity.DeviceId >> 12 & 0xfff00)).ToString(CultureInfo.InvariantCulture);
        var link = Path.Combine(SysfsRoot, "dev", "block", $"{major}:{minor}");
        if (!Directory.Exists(link))
        {
            return null;
        }
        // Resolve the link before going up: .NET normalises ".." by text, not through the link.
        var dir = ResolvedPath(link);
        return File.Exists(Path.Combine(dir, "partition")) ? Path.GetDirectoryName(dir) : dir;
    }

    private static bool ReadFlag(string dir, string name)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, name)).Trim() == "1";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string ResolvedPath(string dir)
    {
        try
        {
            return new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(dir);
        }
        catch (IOException)
        {
            return dir;
        }
    }
}
