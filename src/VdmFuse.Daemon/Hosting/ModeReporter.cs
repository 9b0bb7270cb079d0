using System.Runtime.InteropServices;

namespace VdmFuse.Daemon.Hosting;

/// <summary>
/// Tells whoever started the daemon which mode it entered: the starting command (a background start reads
/// the line <c>vdmfuse-mode: enabled</c> or <c>vdmfuse-mode: disabled REASON</c> from the daemon's standard
/// output, after which the daemon lets go of its standard streams) and systemd (READY=1 with a STATUS).
/// </summary>
public sealed class ModeReporter
{
    /// <summary>The prefix of the line that carries the mode to a background start.</summary>
    public const string LinePrefix = "vdmfuse-mode: ";

    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly bool _detached;
    private readonly SystemdNotifier _systemd;

    /// <summary>Creates a reporter; <paramref name="detached"/> when the daemon is a background start's child.</summary>
    public ModeReporter(bool detached, SystemdNotifier systemd)
    {
        _detached = detached;
        _systemd = systemd;
    }

    /// <summary>Whether a mode has been reported (the daemon has started).</summary>
    public bool HasReported { get; private set; }

    /// <summary>The line a background start reads: <c>vdmfuse-mode: enabled</c> or <c>vdmfuse-mode: disabled REASON</c>.</summary>
    public static string FormatLine(bool enabled, string reason) =>
        LinePrefix + (enabled ? "enabled" : $"disabled {reason.Replace('\n', ' ')}");

    /// <summary>Reads a mode line: true and the mode when <paramref name="line"/> is one.</summary>
    public static bool TryParseLine(string? line, out bool enabled, out string reason)
    {
        enabled = false;
        reason = "";
        if (line is null || !line.StartsWith(LinePrefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = line[LinePrefix.Length..];
        if (rest == "enabled")
        {
            enabled = true;
            return true;
        }
        if (rest.StartsWith("disabled", StringComparison.Ordinal))
        {
            reason = rest["disabled".Length..].Trim();
            return true;
        }
        return false;
    }

    /// <summary>Reports the mode entered at start (once); later changes go to systemd's STATUS only.</summary>
    public void Report(bool enabled, string reason)
    {
        var status = enabled ? "enabled" : $"disabled: {reason}";
        if (HasReported)
        {
            _systemd.NotifyStatus(status);
            return;
        }
        HasReported = true;
        _systemd.NotifyReady(status);
        if (_detached)
        {
            Console.Out.WriteLine(FormatLine(enabled, reason));
            Console.Out.Flush();
            DetachStandardStreams();
        }
    }

    /// <summary>Points standard input, output and error at /dev/null: the starting command has its answer and exits.</summary>
    private static void DetachStandardStreams()
    {
        var devNull = open("/dev/null", 2 /* O_RDWR */);
        if (devNull < 0)
        {
            Log.Warn("cannot open /dev/null to detach from the starting command (errno {0})", Marshal.GetLastPInvokeError());
            return;
        }
        dup2(devNull, 0);
        dup2(devNull, 1);
        dup2(devNull, 2);
        if (devNull > 2)
        {
            close(devNull);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int dup2(int oldFd, int newFd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
