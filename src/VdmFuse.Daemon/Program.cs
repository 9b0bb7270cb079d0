using System.Diagnostics;
using System.Runtime.InteropServices;
using VdmFuse.Daemon.Configuration;
using VdmFuse.Daemon.Hosting;
using VdmFuse.Native;

namespace VdmFuse.Daemon;

/// <summary>The vdmfuse executable.</summary>
public static class Program
{
    private const string DetachedVariable = "VDMFUSE_DETACHED";

    /// <summary>Entry point: <c>vdmfuse [-f] [-c CONFIG] [MOUNTPOINT]</c>.</summary>
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
            return 2;
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
            return 2;
        }
        if (commandLine.MountPoint is not null)
        {
            config.MountPoint = Path.GetFullPath(commandLine.MountPoint);
        }
        if (!commandLine.Foreground && Environment.GetEnvironmentVariable(DetachedVariable) is null)
        {
            return StartInBackground(args, config);
        }
        if (Environment.GetEnvironmentVariable(DetachedVariable) is not null)
        {
            setsid();
        }
        try
        {
            Directory.CreateDirectory(config.StateDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"vdmfuse: cannot create the state directory '{config.StateDirectory}': {e.Message}");
            return 1;
        }
        Logging.Configure(config.LogLevel, config.EffectiveLogFile, console: commandLine.Foreground);
        var log = NLog.LogManager.GetLogger("vdmfuse");
        using var host = new DaemonHost(config);
        try
        {
            host.Prepare();
            return host.Run();
        }
        catch (ErrnoException e)
        {
            log.Error("vdmfuse cannot start: {0} ({1})", e.Message, e.ErrnoName);
            Console.Error.WriteLine($"vdmfuse: {e.Message}");
            return 1;
        }
        finally
        {
            NLog.LogManager.Shutdown();
        }
    }

    /// <summary>
    /// Starts the daemon again in its own session, detached from the terminal, and returns once it is
    /// mounted (exit 0) or has failed (its exit code, with the log's last lines).
    /// </summary>
    private static int StartInBackground(string[] args, DaemonConfig config)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Run as "dotnet vdmfuse.dll": hand the host the assembly again; as the apphost "vdmfuse": nothing to add.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment[DetachedVariable] = "1";
        using var child = Process.Start(start)!;
        child.StandardInput.Close();
        var stderr = child.StandardError.ReadToEndAsync();
        child.StandardOutput.ReadToEndAsync();
        var controlFile = Path.Combine(config.MountPoint, "vdm");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (child.WaitForExit(100))
            {
                Console.Error.Write(stderr.Result);
                Console.Error.WriteLine($"vdmfuse: the daemon exited with code {child.ExitCode}; see {config.EffectiveLogFile}");
                return child.ExitCode == 0 ? 1 : child.ExitCode;
            }
            if (IsMounted(config.MountPoint) && File.Exists(controlFile))
            {
                Console.WriteLine($"vdmfuse: mounted at {config.MountPoint} (pid {child.Id}, log {config.EffectiveLogFile})");
                return 0;
            }
        }
        Console.Error.WriteLine($"vdmfuse: the daemon (pid {child.Id}) did not mount {config.MountPoint} within 60 s; see {config.EffectiveLogFile}");
        return 1;
    }

    private static bool IsMounted(string mountPoint)
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && fields[4] == mountPoint && line.Contains(" - fuse", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setsid();
}
