using System.Runtime.InteropServices;
using VdmFuse.Daemon.Configuration;
using VdmFuse.Daemon.Hosting;
using VdmFuse.Native;

namespace VdmFuse.Daemon;

/// <summary>The vdmfuse executable.</summary>
public static class Program
{
    /// <summary>Entry point: <c>vdmfuse [-d] [-k] [-f] [-r reset] [-x level] [-R file] [-D file] [-c config] [mountpoint]</c>; see <see cref="ExitCodes"/>.</summary>
    public static int Main(string[] args)
    {
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"vdmfuse: {e.Message}");
            Console.Error.WriteLine(CommandLine.Usage);
            return ExitCodes.BadOption;
        }
        if (commandLine.Help)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }
        DaemonConfig config;
        try
        {
            config = commandLine.ConfigPath is null ? EmbeddedDefault.Load() : DaemonConfig.Load(commandLine.ConfigPath);
        }
        catch (ErrnoException e)
        {
            Console.Error.WriteLine($"vdmfuse: {e.Message}");
            return ExitCodes.BadOption;
        }
        if (commandLine.MountPoint is not null)
        {
            config.MountPoint = Path.GetFullPath(commandLine.MountPoint);
        }
        if (commandLine.DebugLevel is { } level)
        {
            config.LogLevel = CommandLine.LogLevelOf(level);
        }
        var detached = BackgroundStart.IsDetachedChild;
        if (!commandLine.Foreground && !detached)
        {
            return BackgroundStart.Run(args, config);
        }
        if (detached)
        {
            setsid();
        }
        return RunDaemon(commandLine, config, detached);
    }

    private static int RunDaemon(CommandLine commandLine, DaemonConfig config, bool detached)
    {
        try
        {
            Directory.CreateDirectory(config.StateDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"vdmfuse: cannot create the state directory '{config.StateDirectory}': {e.Message}");
            return ExitCodes.StartFailed;
        }
        Logging.Configure(config.LogLevel, config.EffectiveLogFile, console: commandLine.Foreground);
        var log = NLog.LogManager.GetLogger("vdmfuse");
        try
        {
            if (commandLine.KillRunning && !RunningDaemon.Stop(config.StateDirectory, TimeSpan.FromSeconds(30)))
            {
                return Fail(log, ExitCodes.AlreadyRunning,
                    $"the daemon running for state directory {config.StateDirectory} did not exit within 30 s of SIGTERM");
            }
            using var stateLock = StateLock.TryAcquire(config.StateDirectory, out var holder);
            if (stateLock is null)
            {
                return Fail(log, ExitCodes.AlreadyRunning,
                    $"a daemon (pid {holder}) is already running for state directory {config.StateDirectory}");
            }
            var options = new DaemonOptions
            {
                StartDisabled = commandLine.StartDisabled,
                Reset = commandLine.Reset,
                ControlFiles = new Tree.ControlFileNames(commandLine.RequestFile, commandLine.DiagnosticFile),
            };
            using var host = new DaemonHost(config, options);
            try
            {
                // A test hook (docs/DAEMON.md): VDMFUSE_CRASH_POINT=remap-between-tables.
                CrashPoints.InstallFromEnvironment();
                host.Prepare();
            }
            catch (DaemonStartException e)
            {
                return Fail(log, e.ExitCode, e.Message);
            }
            catch (ErrnoException e)
            {
                return Fail(log, ExitCodes.StartFailed, $"{e.Message} ({e.ErrnoName})");
            }
            var reporter = new ModeReporter(detached, SystemdNotifier.FromEnvironment());
            try
            {
                return host.Run(reporter.Report);
            }
            catch (DaemonStartException e)
            {
                return Fail(log, e.ExitCode, e.Message);
            }
            catch (Exception e)
            {
                if (!reporter.HasReported)
                {
                    log.Error(e, "vdmfuse failed before entering a mode");
                    return Fail(log, ExitCodes.StartFailed, e.Message);
                }
                log.Fatal(e, "vdmfuse failed after start: {0}", e.Message);
                Console.Error.WriteLine($"vdmfuse: failed after start: {e.Message}");
                return ExitCodes.FailedAfterStart;
            }
        }
        catch (Exception e) when (e is ErrnoException or IOException or UnauthorizedAccessException)
        {
            return Fail(log, ExitCodes.StartFailed, e.Message);
        }
        finally
        {
            NLog.LogManager.Shutdown();
        }
    }

    private static int Fail(NLog.Logger log, int exitCode, string message)
    {
        log.Error("vdmfuse cannot start (exit {0}): {1}", exitCode, message);
        Console.Error.WriteLine($"vdmfuse: {message}");
        return exitCode;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setsid();
}
