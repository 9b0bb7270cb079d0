namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>The outcome of an external command: its exit code and everything it printed.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>True when the command exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with the command line and its output unless the command exited with 0.</summary>
    public CommandResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException($"Command failed: {this}");
        }
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"`{CommandLine}` exited with {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}
