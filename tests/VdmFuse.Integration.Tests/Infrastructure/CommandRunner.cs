using System.Diagnostics;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>Runs external programs (dd, losetup, fio, python3 ...) with captured output and a time limit.</summary>
public static class CommandRunner
{
    /// <summary>The default time limit of a command.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> and waits for it.</summary>
    public static CommandResult Run(string program, params string[] arguments) =>
        RunAsync(program, arguments, DefaultTimeout).GetAwaiter().GetResult();

    /// <summary>Runs a bash script line (for redirections such as <c>echo ... &gt; MNT/vdm</c>).</summary>
    public static CommandResult RunShell(string script) => Run("/bin/bash", "-c", script);

    /// <summary>Starts <paramref name="program"/> and completes when it has exited or the time limit has passed.</summary>
    public static async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        string commandLine = program + " " + string.Join(' ', arguments);

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start `{commandLine}`");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            throw new TimeoutException(
                $"`{commandLine}` did not finish within {timeout.TotalSeconds} s\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
        return new CommandResult(commandLine, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
