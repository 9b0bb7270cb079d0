using System.Globalization;

namespace VdmFuse.Daemon.ControlPlane;

/// <summary>
/// Reads a process's supplementary groups from the <c>Groups:</c> line of <c>/proc/PID/status</c>.
/// </summary>
public sealed class ProcessGroups
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly string _procRoot;

    /// <summary>Reads from <paramref name="procRoot"/> (normally /proc; a directory laid out like it in tests).</summary>
    public ProcessGroups(string procRoot = "/proc")
    {
        _procRoot = procRoot;
    }

    /// <summary>
    /// The supplementary groups of process (or thread) <paramref name="pid"/>; empty when the process is gone or
    /// its status cannot be read or parsed, so that a caller is never granted more by an error.
    /// </summary>
    public IReadOnlyList<uint> Read(uint pid)
    {
        if (pid == 0)
        {
            return [];
        }
        var path = Path.Combine(_procRoot, pid.ToString(CultureInfo.InvariantCulture), "status");
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("Groups:", StringComparison.Ordinal))
                {
                    return Parse(line["Groups:".Length..]);
                }
            }
        }
        catch (IOException e)
        {
            Log.Debug("cannot read the groups of pid {0} from {1}: {2}", pid, path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            Log.Debug("cannot read the groups of pid {0} from {1}: {2}", pid, path, e.Message);
        }
        return [];
    }

    /// <summary>Parses the gids after <c>Groups:</c>; an entry that is not a number ends the list.</summary>
    internal static IReadOnlyList<uint> Parse(string text)
    {
        var groups = new List<uint>();
        foreach (var item in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!uint.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                break;
            }
            groups.Add(gid);
        }
        return groups;
    }
}
