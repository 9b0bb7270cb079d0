namespace VdmFuse.Daemon.Hosting;

/// <summary>The exit codes of vdmfuse, with vold's meanings.</summary>
public static class ExitCodes
{
    /// <summary>0: the background daemon started in enabled mode (never returned with -f).</summary>
    public const int StartedEnabled = 0;

    /// <summary>1: the command line (or the configuration file it names) holds an invalid option or argument.</summary>
    public const int BadOption = 1;

    /// <summary>2: the background daemon started in disabled mode (never returned with -f).</summary>
    public const int StartedDisabled = 2;

    /// <summary>3: a daemon is already running for the state directory (with -k: it did not exit within 30 s).</summary>
    public const int AlreadyRunning = 3;

    /// <summary>4: an unexpected error at start kept the daemon from entering either mode.</summary>
    public const int StartFailed = 4;

    /// <summary>5: the background daemon died (killed by a signal) before entering a mode.</summary>
    public const int DiedBeforeMode = 5;

    /// <summary>6: a copy of the configuration database has an on-disk format version this daemon does not support.</summary>
    public const int UnsupportedFormat = 6;

    /// <summary>7: -r reset was given and the reset failed.</summary>
    public const int ResetFailed = 7;

    /// <summary>8: the mount or a control file could not be set up.</summary>
    public const int MountFailed = 8;

    /// <summary>9: an unexpected failure after start.</summary>
    public const int FailedAfterStart = 9;

    /// <summary>
    /// The code the starting command returns for a background daemon that exited before reporting a mode:
    /// its own code when it is one of the start-up failures (1, 3, 4, 6, 7, 8), else 5 (it died).
    /// </summary>
    public static int ForEarlyExit(int childExitCode) => childExitCode switch
    {
        BadOption or AlreadyRunning or StartFailed or UnsupportedFormat or ResetFailed or MountFailed => childExitCode,
        _ => DiedBeforeMode,
    };
}
