namespace VdmFuse.Cli.Progress;

/// <summary>
/// How the tool waits for a long operation and shows it: whether standard output is a terminal (a bar
/// rather than plain lines), the clock progress is measured with, and how to sleep between polls.
/// </summary>
/// <param name="OutputIsTerminal">Whether standard output is a terminal.</param>
/// <param name="Time">The clock.</param>
/// <param name="Sleep">Waits between two polls of the daemon.</param>
public sealed record ProgressConsole(bool OutputIsTerminal, TimeProvider Time, Action<TimeSpan> Sleep)
{
    /// <summary>The process's console: a bar when standard output is a terminal, the system clock, <see cref="Thread.Sleep(TimeSpan)"/>.</summary>
    public static ProgressConsole ForConsole() => new(!Console.IsOutputRedirected, TimeProvider.System, Thread.Sleep);

    /// <summary>Plain progress lines, the system clock, <see cref="Thread.Sleep(TimeSpan)"/>.</summary>
    public static ProgressConsole Redirected() => new(false, TimeProvider.System, Thread.Sleep);
}
