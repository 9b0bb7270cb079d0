namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// Everything one daemon needs in a scratch directory: the configuration file, the state directory, the images and
/// the mountpoint; and the daemon itself, which can be stopped and started again on the same configuration.
/// </summary>
public sealed class DaemonWorkspace : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    /// <summary>Creates the directories; the configuration is filled in by the caller before <see cref="StartDaemon"/>.</summary>
    public DaemonWorkspace()
    {
        Mountpoint = _scratch.CreateDirectory("mnt");
        StateDirectory = _scratch.CreateDirectory("state");
        ConfigPath = _scratch.PathOf("vdmfuse.conf");
        Configuration = new DaemonConfiguration(Mountpoint, StateDirectory);
    }

    public string Root => _scratch.Root;

    public string Mountpoint { get; }

    public string StateDirectory { get; }

    public string ConfigPath { get; }

    public DaemonConfiguration Configuration { get; }

    /// <summary>The running daemon, or null.</summary>
    public DaemonProcess? Daemon { get; private set; }

    public string ControlPath => Path.Combine(Mountpoint, "vdm");

    /// <summary>A path in the scratch directory.</summary>
    public string PathOf(string relative) => _scratch.PathOf(relative);

    /// <summary>Creates a directory (mode 0755) in the scratch directory.</summary>
    public string CreateDirectory(string relative) => _scratch.CreateDirectory(relative);

    /// <summary>The buffered view of an instance, MNT/dsk/NAME.</summary>
    public string Dsk(string name) => Path.Combine(Mountpoint, "dsk", name);

    /// <summary>The raw view of an instance, MNT/rdsk/NAME.</summary>
    public string Rdsk(string name) => Path.Combine(Mountpoint, "rdsk", name);

    /// <summary>Writes the configuration and starts the daemon (as <paramref name="runAsUid"/> if given); returns once mounted.</summary>
    public DaemonProcess StartDaemon(int? runAsUid = null) => StartDaemon(runAsUid, []);

    /// <summary>Writes the configuration and starts the daemon with more <paramref name="options"/> (<c>-d</c>); returns once mounted.</summary>
    public DaemonProcess StartDaemon(int? runAsUid, params string[] options)
    {
        if (Daemon is not null)
        {
            throw new InvalidOperationException("The daemon is already running.");
        }
        Configuration.WriteTo(ConfigPath);
        Daemon = DaemonProcess.Start(ConfigPath, Mountpoint, runAsUid, options);
        return Daemon;
    }

    /// <summary>Stops the daemon with SIGTERM and returns its exit code (throws if it leaves the mount behind).</summary>
    public int StopDaemon()
    {
        var daemon = Daemon ?? throw new InvalidOperationException("The daemon is not running.");
        Daemon = null;
        try
        {
            return daemon.Stop();
        }
        finally
        {
            daemon.Dispose();
        }
    }

    /// <summary>Waits for a daemon that is ending by itself (no signal sent), returns its exit code and forgets it.</summary>
    public int WaitForDaemonExit()
    {
        var daemon = Daemon ?? throw new InvalidOperationException("The daemon is not running.");
        int code = daemon.WaitForExit();
        Daemon = null;
        daemon.ReleaseWithoutCleanup();
        return code;
    }

    /// <summary>Kills the daemon with SIGKILL, leaving its mount stale, and forgets it.</summary>
    public void KillDaemon()
    {
        var daemon = Daemon ?? throw new InvalidOperationException("The daemon is not running.");
        Daemon = null;
        try
        {
            daemon.Kill();
        }
        finally
        {
            // Dispose would detach the stale mount; the caller wants it kept, so only release the process object.
            daemon.ReleaseWithoutCleanup();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Daemon?.Dispose();
            Daemon = null;
        }
        finally
        {
            _scratch.Dispose();
        }
    }
}
