using Tmds.Linux;
using VdmFuse.Engine.Remap;

namespace VdmFuse.Daemon.Hosting;

/// <summary>
/// A test hook: the environment variable <c>VDMFUSE_CRASH_POINT</c> names a point at which the daemon kills itself
/// with SIGKILL, so that tests can check what a crash at that exact moment leaves on disk. The one point today is
/// <c>remap-between-tables</c>: a remap instance's table update after the primary table is written and flushed and
/// before the secondary is written (<see cref="RemapTables.CrashPoint"/>).
/// </summary>
public static class CrashPoints
{
    /// <summary>The environment variable that names the crash point.</summary>
    public const string Variable = "VDMFUSE_CRASH_POINT";

    /// <summary>The crash point between the two bad-block tables of a remap update.</summary>
    public const string RemapBetweenTables = "remap-between-tables";

    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    /// <summary>Installs the crash point the environment names, killing the process with SIGKILL there.</summary>
    /// <returns>Whether a crash point was installed.</returns>
    /// <exception cref="DaemonStartException">Exit code 1: the variable names no known crash point.</exception>
    public static bool InstallFromEnvironment() => Install(Environment.GetEnvironmentVariable, KillSelf);

    /// <summary>
    /// Installs the crash point <paramref name="environment"/> gives for <see cref="Variable"/>: when the engine reaches
    /// it, one line is logged and flushed, then <paramref name="crash"/> runs (in the daemon: SIGKILL to itself).
    /// </summary>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="crash">What a crash is.</param>
    /// <returns>Whether a crash point was installed (false: the variable is unset or empty).</returns>
    /// <exception cref="DaemonStartException">Exit code 1: the variable names no known crash point.</exception>
    public static bool Install(Func<string, string?> environment, Action crash)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(crash);
        var point = environment(Variable);
        if (string.IsNullOrEmpty(point))
        {
            return false;
        }
        if (point != RemapBetweenTables)
        {
            throw new DaemonStartException(ExitCodes.BadOption,
                $"{Variable}={point} names no crash point (known: {RemapBetweenTables}); it is a test hook, unset it for normal use");
        }
        RemapTables.CrashPoint = reached =>
        {
            if (reached != "between-tables")
            {
                return;
            }
            Log.Fatal("{0}={1}: killing the daemon between the primary and the secondary bad-block table of a remap update (test hook)", Variable, point);
            NLog.LogManager.Flush();
            crash();
        };
        Log.Warn("test hook {0}={1} installed: the daemon kills itself with SIGKILL at the first remap table update", Variable, point);
        return true;
    }

    /// <summary>Removes any installed crash point.</summary>
    public static void Uninstall() => RemapTables.CrashPoint = null;

    private static void KillSelf() => LibC.kill(LibC.getpid(), LibC.SIGKILL);
}
