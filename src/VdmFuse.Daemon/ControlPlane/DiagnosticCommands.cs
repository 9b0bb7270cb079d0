using VdmFuse.Control;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

/// <summary>
/// The diagnostic commands (vold's voladm requests): the only ones the diagnostic control file accepts, and
/// the only ones either control file accepts in disabled mode.
/// </summary>
public static class DiagnosticCommands
{
    /// <summary>The diagnostic verbs.</summary>
    public static IReadOnlySet<string> Verbs { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ControlVerbs.GetMode, ControlVerbs.DbList, ControlVerbs.DbCheck, ControlVerbs.DbAdd, ControlVerbs.DbRemove,
        ControlVerbs.DbReinit, ControlVerbs.DbRestore, ControlVerbs.Enable, ControlVerbs.GetInstances, ControlVerbs.Help,
    };

    /// <summary>Whether <paramref name="verb"/> is a diagnostic command.</summary>
    public static bool IsDiagnostic(string verb) => Verbs.Contains(verb);

    /// <summary>Refuses a command the door or the mode does not accept.</summary>
    /// <exception cref="ErrnoException">
    /// EPERM for a non-diagnostic command on the diagnostic control file; EAGAIN "the daemon is disabled: REASON;
    /// only diagnostic commands (...) are accepted" in disabled mode.
    /// </exception>
    public static void CheckAccepted(string verb, ControlDoor door, DaemonMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        if (IsDiagnostic(verb) || door == ControlDoor.Configuration)
        {
            return;
        }
        if (door == ControlDoor.Diagnostic)
        {
            throw new ErrnoException(Errno.EPERM,
                "the diagnostic control file accepts only diagnostic commands (get-mode, db-*, enable, get-instances); use the request control file");
        }
        if (!mode.IsEnabled)
        {
            throw new ErrnoException(Errno.EAGAIN,
                $"the daemon is disabled: {mode.Reason}; only diagnostic commands (get-mode, db-*, enable, get-instances) are accepted");
        }
    }
}
