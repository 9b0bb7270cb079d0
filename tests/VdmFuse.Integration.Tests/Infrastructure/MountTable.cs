namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>Reads /proc/self/mountinfo and detaches mounts, including FUSE mounts whose server hangs or died.</summary>
public static class MountTable
{
    /// <summary>One line of mountinfo: the device (for FUSE the minor is the connection number), the mount point and the type.</summary>
    public sealed record Entry(int Major, int Minor, string MountPoint, string FileSystemType);

    /// <summary>Every mount, in mount order.</summary>
    public static IReadOnlyList<Entry> Read()
    {
        var entries = new List<Entry>();
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }
            var device = fields[2].Split(':');
            entries.Add(new Entry(int.Parse(device[0]), int.Parse(device[1]), Unescape(fields[4]), fields[separator + 1]));
        }
        return entries;
    }

    /// <summary>The mounts at exactly <paramref name="mountPoint"/>.</summary>
    public static IReadOnlyList<Entry> At(string mountPoint)
    {
        string normalized = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        return Read().Where(e => e.MountPoint == normalized).ToList();
    }

    /// <summary>True when a FUSE file system is mounted at <paramref name="mountPoint"/>.</summary>
    public static bool HasFuseMount(string mountPoint) => At(mountPoint).Any(e => e.FileSystemType.StartsWith("fuse", StringComparison.Ordinal));

    /// <summary>
    /// Aborts the FUSE connection of every FUSE mount at <paramref name="mountPoint"/> (so nothing can hang on it)
    /// and detaches every mount there with umount -l.
    /// </summary>
    public static void Detach(string mountPoint)
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            var mounts = At(mountPoint);
            if (mounts.Count == 0)
            {
                return;
            }
            foreach (var entry in mounts.Where(e => e.FileSystemType.StartsWith("fuse", StringComparison.Ordinal)))
            {
                AbortFuseConnection(entry.Minor);
            }
            CommandRunner.Run("umount", "-l", mountPoint);
        }
    }

    /// <summary>Detaches every mount below <paramref name="root"/>, deepest first.</summary>
    public static void DetachEverythingUnder(string root)
    {
        string prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + "/";
        foreach (var mountPoint in Read().Select(e => e.MountPoint).Where(m => m.StartsWith(prefix, StringComparison.Ordinal))
                     .Distinct().OrderByDescending(m => m.Length))
        {
            Detach(mountPoint);
        }
    }

    /// <summary>
    /// Aborts the FUSE connection mounted at <paramref name="mountPoint"/> through fusectl
    /// (<c>/sys/fs/fuse/connections/N/abort</c>, N the minor of the mount's device) and returns N; the mount stays,
    /// answering ENOTCONN.
    /// </summary>
    public static int AbortConnection(string mountPoint)
    {
        var fuse = At(mountPoint).Last(e => e.FileSystemType.StartsWith("fuse", StringComparison.Ordinal));
        AbortFuseConnection(fuse.Minor);
        return fuse.Minor;
    }

    private static void AbortFuseConnection(int connection)
    {
        string abort = $"/sys/fs/fuse/connections/{connection}/abort";
        try
        {
            if (!File.Exists(abort) && !Directory.EnumerateFileSystemEntries("/sys/fs/fuse/connections").Any())
            {
                // fusectl is not mounted on this machine; mount it as systemd would, to reach the abort file.
                CommandRunner.Run("mount", "-t", "fusectl", "fusectl", "/sys/fs/fuse/connections");
            }
            if (File.Exists(abort))
            {
                File.WriteAllText(abort, "1");
            }
        }
        catch (IOException)
        {
            // The connection went away meanwhile.
        }
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
