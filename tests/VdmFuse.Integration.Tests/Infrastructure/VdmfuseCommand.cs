using System.Globalization;
using System.Diagnostics;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// Runs <c>vdmfuse ARGS</c> to completion (a background start, a refused start, <c>-k</c>) and finds and stops the
/// background daemons a test started, by the configuration path on their command line.
/// </summary>
public static class VdmfuseCommand
{
    /// <summary>Runs the daemon executable with <paramref name="arguments"/> and waits for it.</summary>
    public static CommandResult Run(params string[] arguments) =>
        CommandRunner.Run(DaemonProcess.DotnetHost(), [DaemonProcess.DaemonAssembly, .. arguments]);

    /// <summary>The pids of vdmfuse processes whose command line names <paramref name="configPath"/>.</summary>
    public static IReadOnlyList<int> FindDaemons(string configPath)
    {
        var pids = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            string[] arguments;
            try
            {
                arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (arguments.Contains(configPath) && arguments.Any(a => a.EndsWith("vdmfuse.dll", StringComparison.Ordinal) || a.EndsWith("/vdmfuse", StringComparison.Ordinal)))
            {
                pids.Add(pid);
            }
        }
        return pids;
    }

    /// <summary>SIGTERMs (then SIGKILLs) every daemon started with <paramref name="configPath"/> and detaches its mount.</summary>
    public static void StopAll(string configPath, string mountpoint)
    {
        foreach (int pid in FindDaemons(configPath))
        {
            Libc.Kill(pid, Libc.SIGTERM);
        }
        var clock = Stopwatch.StartNew();
        while (FindDaemons(configPath).Count > 0 && clock.Elapsed < DaemonProcess.ExitTimeout)
        {
            Thread.Sleep(50);
        }
        foreach (int pid in FindDaemons(configPath))
        {
            Libc.Kill(pid, Libc.SIGKILL);
        }
        MountTable.Detach(mountpoint);
    }
}
