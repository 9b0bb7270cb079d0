using System.Diagnostics;
using VdmFuse.Daemon.Configuration;

namespace VdmFuse.Daemon.Hosting;

/// <summary>
/// Starting without -f: .NET cannot fork, so the daemon is started again as a new process (in its own session)
/// and the command waits for its word: the mode line it prints once it has entered a mode, or its exit.
/// </summary>
public static class BackgroundStart
{
    /// <summary>The environment variable that marks the background daemon.</summary>
    public const string DetachedVariable = "VDMFUSE_DETACHED";

    /// <summary>How long the command waits for the daemon's word (-k alone may take 30 s).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>Whether this process is the background daemon a start launched.</summary>
    public static bool IsDetachedChild => Environment.GetEnvironmentVariable(DetachedVariable) is not null;

    /// <summary>Starts the background daemon and returns the exit code: 0 enabled, 2 disabled, or the start-up failure's code.</summary>
    public static int Run(IReadOnlyList<string> args, DaemonConfig config)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(config);
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
        var word = ReadModeLine(child.StandardOutput);
        if (!word.Wait(Patience))
        {
            Console.Error.WriteLine($"vdmfuse: the daemon (pid {child.Id}) did not enter a mode within {Patience.TotalSeconds:F0} s; see {config.EffectiveLogFile}");
            return ExitCodes.StartFailed;
        }
        if (word.Result is var (enabled, reason))
        {
            if (enabled)
            {
                Console.WriteLine($"vdmfuse: enabled, mounted at {config.MountPoint} (pid {child.Id}, log {config.EffectiveLogFile})");
                return ExitCodes.StartedEnabled;
            }
            Console.Error.WriteLine($"vdmfuse: started in disabled mode at {config.MountPoint} (pid {child.Id}): {reason}");
            return ExitCodes.StartedDisabled;
        }
        // No mode line: the daemon exited (or closed its output) before entering a mode.
        child.WaitForExit();
        Console.Error.Write(stderr.Result);
        var code = ExitCodes.ForEarlyExit(child.ExitCode);
        Console.Error.WriteLine(code == ExitCodes.DiedBeforeMode
            ? $"vdmfuse: the daemon (pid {child.Id}) died (exit status {child.ExitCode}) before entering a mode; see {config.EffectiveLogFile}"
            : $"vdmfuse: the daemon exited with code {child.ExitCode}; see {config.EffectiveLogFile}");
        return code;
    }

    private static async Task<(bool Enabled, string Reason)?> ReadModeLine(StreamReader output)
    {
        while (await output.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (ModeReporter.TryParseLine(line, out var enabled, out var reason))
            {
                return (enabled, reason);
            }
        }
        return null;
    }
}
