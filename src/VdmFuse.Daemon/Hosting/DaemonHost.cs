using System.Runtime.InteropServices;
using VdmFuse.Daemon.Configuration;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Daemon.Persistence;
using VdmFuse.Daemon.Tree;
using VdmFuse.Engine;
using VdmFuse.Engine.Dkio;
using VdmFuse.Engine.Metadata;
using VdmFuse.Fuse.Session;
using VdmFuse.Fuse.Transport;
using VdmFuse.Native;

namespace VdmFuse.Daemon.Hosting;

/// <summary>
/// Wires the engine, the configuration database, the control plane and the FUSE session, and runs the
/// daemon until it is unmounted or signalled. Start-up follows vold: run the configuration file's commands
/// (they create the non-persistent instances, among them any that hold a configuration copy, as vold finds
/// rootdg's disks before it reads the configuration), reset when asked, load the configuration copies and
/// decide the mode, re-create the recorded (persistent) instances with their device numbers, mount, and
/// report the mode. The session runs
/// on the calling thread; signals are handled on another thread, which unmounts (lazily, so that open
/// files are served until closed) and never touches the mount itself.
/// </summary>
public sealed class DaemonHost : IDisposable
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly DaemonConfig _config;
    private readonly DaemonOptions _options;
    private readonly InstanceRegistry _registry = new();
    private readonly DiskLabels _labels;
    private readonly DaemonMode _mode = new();
    private PersistentConfiguration? _persistence;
    private FuseMount? _mount;
    private FuseSession? _session;
    private int _signals;

    /// <summary>Creates a host for a configuration.</summary>
    public DaemonHost(DaemonConfig config, DaemonOptions? options = null)
    {
        _config = config;
        _options = options ?? new DaemonOptions();
        // Next to the registry and before any instance is created or re-created, so that every label is read (dkio(7)).
        _labels = new DiskLabels(_registry);
    }

    /// <summary>The registry of instances (for tests).</summary>
    public InstanceRegistry Registry => _registry;

    /// <summary>The daemon's mode.</summary>
    public DaemonMode Mode => _mode;

    /// <summary>The configuration database, once <see cref="Prepare"/> has opened it.</summary>
    public PersistentConfiguration? Persistence => _persistence;

    /// <summary>
    /// Creates missing images, runs the configuration's commands (before the database loads: a copy may live on an
    /// instance they create), resets the configuration when asked, loads it and decides the mode, and re-creates
    /// the recorded instances.
    /// </summary>
    /// <exception cref="DaemonStartException">
    /// Exit code 7 (the reset failed), 6 (a copy's format version is not supported) or 1 (a command of the
    /// configuration file failed).
    /// </exception>
    /// <exception cref="ErrnoException">Another failure (exit code 4).</exception>
    public void Prepare()
    {
        Directory.CreateDirectory(_config.StateDirectory);
        foreach (var image in _config.Images)
        {
            CreateImageIfMissing(image);
        }
        _persistence = new PersistentConfiguration(_config.EffectiveConfigCopies, _registry, _mode)
        {
            MirrorJournalDirectory = Path.Combine(_config.StateDirectory, "mirrors"),
        };
        RunConfigurationCommands();
        if (_options.Reset)
        {
            try
            {
                _persistence.Reset();
            }
            catch (Exception e) when (e is ErrnoException or IOException or UnauthorizedAccessException)
            {
                throw new DaemonStartException(ExitCodes.ResetFailed, $"-r reset failed: {e.Message}", e);
            }
        }
        try
        {
            _persistence.LoadAtStart(_options.StartDisabled);
        }
        catch (FormatVersionException e)
        {
            throw new DaemonStartException(ExitCodes.UnsupportedFormat, e.Message, e);
        }
    }

    /// <summary>
    /// Mounts, reports the mode entered to <paramref name="modeEntered"/> (and every later change), and serves
    /// until unmounted. Returns the process exit code: 0 after a signal or an unmount from outside, 9
    /// (<see cref="ExitCodes.FailedAfterStart"/>) when the FUSE connection ended while the mount stayed (aborted
    /// through fusectl, or failed): the dead mount is then detached so that the next start can mount.
    /// </summary>
    /// <exception cref="DaemonStartException">Exit code 8: the mount failed.</exception>
    public int Run(Action<bool, string> modeEntered)
    {
        ArgumentNullException.ThrowIfNull(modeEntered);
        var mountPoint = _config.MountPoint;
        var uid = geteuid();
        var dispatcher = new ControlDispatcher(_registry, new AccessPolicy(uid, _config.AdminGroup), _mode, _persistence, labels: _labels);
        if (_config.AdminGroup is { } admin)
        {
            Log.Info("members of group '{0}' (gid {1}) may run privileged control commands", admin.Name, admin.Gid);
        }
        var fileSystem = new VdmFileSystem(_registry, dispatcher, uid, getegid(), _options.ControlFiles);
        using var aio = new AioContext { Mode = _config.IoMode };
        try
        {
            // Mount detaches a stale mount a dead daemon left (and says so), and refuses a live one.
            _mount = FuseMount.Mount(mountPoint, new FuseMountOptions { AllowOther = _config.AllowOther });
        }
        catch (ErrnoException e)
        {
            throw new DaemonStartException(ExitCodes.MountFailed, $"cannot mount {mountPoint}: {e.Message}", e);
        }
        _session = new FuseSession(_mount.DeviceFd, fileSystem, aio);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        Log.Info("vdmfuse mounted at {0} with {1} instances ({2}); control files {3} and {4}; {5} mode",
            mountPoint, _registry.All.Count, _config.Source, _options.ControlFiles.Request, _options.ControlFiles.Diagnostic, _mode.Name);
        _mode.Changed += modeEntered;
        modeEntered(_mode.IsEnabled, _mode.Reason);
        AioContext.Current = aio;
        try
        {
            _session.Run();
        }
        finally
        {
            AioContext.Current = null;
            _mode.Changed -= modeEntered;
        }
        return SessionEnded(mountPoint);
    }

    /// <summary>
    /// Tells the ways the session can end apart. The daemon started a shutdown (a signal): a clean end. Otherwise the
    /// kernel ended the connection: an unmount from outside removed the mount first (a clean end too), while an abort
    /// (<c>/sys/fs/fuse/connections/N/abort</c>) or a failure leaves the mount listed, dead, answering ENOTCONN.
    /// </summary>
    private int SessionEnded(string mountPoint)
    {
        var mount = _mount!;
        if (Volatile.Read(ref _signals) > 0)
        {
            Log.Info("vdmfuse unmounted from {0}", mountPoint);
            return ExitCodes.StartedEnabled;
        }
        if (!mount.IsStillListed())
        {
            mount.ForgetUnmounted();
            Log.Info("vdmfuse was unmounted from {0} from outside; exiting", mountPoint);
            return ExitCodes.StartedEnabled;
        }
        var connection = mount.Device is { } device ? $"FUSE connection {device.Minor}" : "the FUSE connection";
        Log.Error("{0} of {1} ended while {1} is still mounted: the connection was aborted (/sys/fs/fuse/connections/N/abort) " +
            "or failed, and the mount answers ENOTCONN; detaching the dead mount so that the next start can mount, and exiting with {2} (unexpected failure after start)",
            connection, mountPoint, ExitCodes.FailedAfterStart);
        // Closes the device descriptor, then detaches lazily (a failure is logged): nothing waits on the dead connection.
        mount.Dispose();
        return ExitCodes.FailedAfterStart;
    }

    /// <summary>
    /// Runs the configuration file's commands, in order, before the database loads: they create non-persistent
    /// instances only, and cannot build on persistent ones, which the database re-creates afterwards.
    /// </summary>
    /// <exception cref="DaemonStartException">Exit code 1: a command failed.</exception>
    private void RunConfigurationCommands()
    {
        var dispatcher = new ControlDispatcher(_registry, mode: _mode, persistence: _persistence, labels: _labels);
        foreach (var command in _config.Commands)
        {
            var outcome = dispatcher.ExecuteLine(command, ControlCaller.Configuration);
            if (outcome.Errno != 0)
            {
                throw new DaemonStartException(ExitCodes.BadOption,
                    $"{_config.Source}: command '{command}' failed: {outcome.Text.TrimEnd()}");
            }
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        var count = Interlocked.Increment(ref _signals);
        if (count == 1)
        {
            Log.Info("{0}: unmounting {1}; open files are served until they are closed", context.Signal, _config.MountPoint);
            // On a thread of its own: unmounting waits for the kernel, which may need the session thread.
            ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    _mount?.Unmount(lazy: true);
                }
                catch (ErrnoException e)
                {
                    Log.Error("unmount of {0} failed: {1}", _config.MountPoint, e.Message);
                    _session?.Stop();
                }
            });
        }
        else
        {
            Log.Warn("{0} again: stopping now; open files on {1} will fail with ENOTCONN", context.Signal, _config.MountPoint);
            _session?.Stop();
        }
    }

    private static void CreateImageIfMissing(ImageSpec image)
    {
        if (File.Exists(image.Path))
        {
            return;
        }
        var dir = Path.GetDirectoryName(image.Path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        using (var stream = new FileStream(image.Path, FileMode.CreateNew, FileAccess.Write))
        {
            stream.SetLength(image.Size);
        }
        Log.Info("created sparse image {0} of {1} bytes", image.Path, image.Size);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _mount?.Dispose();
        _labels.Dispose();
        _registry.Dispose();
    }

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc")]
    private static extern uint getegid();
}
