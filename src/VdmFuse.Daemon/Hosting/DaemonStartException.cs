namespace VdmFuse.Daemon.Hosting;

/// <summary>A start-up failure with the exit code it means (see <see cref="ExitCodes"/>) and a sentence for the operator.</summary>
public sealed class DaemonStartException : Exception
{
    /// <summary>Creates the failure.</summary>
    public DaemonStartException(int exitCode, string message, Exception? inner = null) : base(message, inner)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }
}
