using System.Globalization;

namespace VdmFuse.Fuse.Transport;

/// <summary>
/// The mounts of the calling process's namespace, read from <c>/proc/self/mountinfo</c>: a look that sends no
/// request to any file system, so it is safe on a mount whose server is gone or not serving.
/// </summary>
internal static class MountTable
{
    private const string MountInfoPath = "/proc/self/mountinfo";

    /// <summary>The device (major:minor) of the newest FUSE mount at <paramref name="mountpoint"/>, or null when there is none.</summary>
    public static (uint Major, uint Minor)? FuseDeviceAt(string mountpoint)
    {
        (uint, uint)? found = null;
        foreach (var entry in Read())
        {
            if (entry.MountPoint == mountpoint && entry.IsFuse)
            {
                found = (entry.Major, entry.Minor);
            }
        }
        return found;
    }

    /// <summary>Whether a FUSE mount of device <paramref name="major"/>:<paramref name="minor"/> is mounted anywhere.</summary>
    public static bool HasFuseDevice(uint major, uint minor) => Read().Any(e => e.IsFuse && e.Major == major && e.Minor == minor);

    private static IEnumerable<Entry> Read()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(MountInfoPath);
        }
        catch (IOException)
        {
            yield break;
        }
        foreach (var line in lines)
        {
            // ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }
            var device = fields[2].Split(':');
            if (device.Length != 2
                || !uint.TryParse(device[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
                || !uint.TryParse(device[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            {
                continue;
            }
            yield return new Entry(major, minor, Unescape(fields[4]), fields[separator + 1]);
        }
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    private sealed record Entry(uint Major, uint Minor, string MountPoint, string FileSystemType)
    {
        public bool IsFuse => FileSystemType == "fuse" || FileSystemType.StartsWith("fuse.", StringComparison.Ordinal);
    }
}
