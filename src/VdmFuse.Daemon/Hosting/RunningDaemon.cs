using System.Diagnostics;
using System.Runtime.InteropServices;

namespace VdmFuse.Daemon.Hosting;

/// <summary>-k: stops the daemon that holds a state directory's lock.</summary>
public static class RunningDaemon
{
    private const int SIGTERM = 15;
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    /// <summary>
    /// Sends SIGTERM to the daemon holding <paramref name="stateDirectory"/>'s lock and waits until the lock is free.
    /// True when no daemon holds it (any more); false when it still does after <paramref name="timeout"/>.
    /// </summary>
    public static bool Stop(string stateDirectory, TimeSpan timeout)
    {
        var pid = StateLock.FindHolder(stateDirectory);
        if (pid is null)
        {
            Log.Info("-k: no daemon is running for state directory {0}", stateDirectory);
            return true;
        }
        if (pid > 0)
        {
            Log.Info("-k: sending SIGTERM to the daemon (pid {0}) of state directory {1}", pid, stateDirectory);
            kill(pid.Value, SIGTERM);
        }
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (StateLock.FindHolder(stateDirectory) is null)
            {
                Log.Info("-k: the daemon (pid {0}) exited after {1:F1} s", pid, clock.Elapsed.TotalSeconds);
                return true;
            }
            Thread.Sleep(50);
        }
        return StateLock.FindHolder(stateDirectory) is null;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
