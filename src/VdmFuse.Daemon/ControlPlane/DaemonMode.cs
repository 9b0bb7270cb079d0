namespace VdmFuse.Daemon.ControlPlane;

/// <summary>
/// The daemon's mode, as vold's: enabled (every command accepted) or disabled (the exported instances stay,
/// only diagnostic commands are accepted), with the reason it is disabled. Thread-safe.
/// </summary>
public sealed class DaemonMode
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly Lock _lock = new();
    private bool _enabled;
    private string _reason = "the daemon is starting";

    /// <summary>Raised after the mode has changed (enabled, reason).</summary>
    public event Action<bool, string>? Changed;

    /// <summary>Whether the daemon is in enabled mode.</summary>
    public bool IsEnabled
    {
        get
        {
            lock (_lock)
            {
                return _enabled;
            }
        }
    }

    /// <summary>Why the daemon is disabled; empty when enabled.</summary>
    public string Reason
    {
        get
        {
            lock (_lock)
            {
                return _reason;
            }
        }
    }

    /// <summary>"enabled" or "disabled".</summary>
    public string Name => IsEnabled ? "enabled" : "disabled";

    /// <summary>Enters enabled mode.</summary>
    public void Enable()
    {
        lock (_lock)
        {
            _enabled = true;
            _reason = "";
        }
        Log.Info("vdmfuse is in enabled mode");
        Changed?.Invoke(true, "");
    }

    /// <summary>Enters disabled mode for <paramref name="reason"/> (a sentence naming what is wrong).</summary>
    public void Disable(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (_lock)
        {
            _enabled = false;
            _reason = reason;
        }
        Log.Warn("vdmfuse is in disabled mode: {0}", reason);
        Changed?.Invoke(false, reason);
    }
}
