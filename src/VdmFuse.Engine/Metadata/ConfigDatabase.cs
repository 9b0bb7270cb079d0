using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

/// <summary>
/// The configuration database: one <see cref="ConfigState"/> kept in two or more copies
/// (<see cref="DurableRecordStore"/> regions), with vold's load rules and enabled/disabled modes.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Load"/> reads every copy: copies with I/O or format errors are ignored; copies more than one
/// change older than the newest are ignored (stale); a copy exactly one change older is rolled forward (a
/// crash between the copies' writes restarts with the new state); copies of the same id and sequence that
/// differ are a conflict and keep the database disabled; fewer than two good copies keep it disabled. When
/// every copy is missing or blank (first start) they are all initialised with a new id and an empty configuration.
/// </para>
/// <para>
/// <see cref="Commit"/> writes the new configuration with the next sequence to every good copy in order,
/// each atomically. A copy whose write fails is marked failed, logged at Error and reported through
/// <see cref="CopyFailed"/>; when fewer than two good copies remain the database turns disabled
/// (<see cref="ModeChanged"/>, <see cref="IsEnabled"/>).
/// </para>
/// <para>Thread-safe: every method takes one lock, so commits are serialised. Events are raised after the lock is released.</para>
/// </remarks>
public sealed partial class ConfigDatabase
{
    private const int RequiredCopies = 2;

    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly object _lock = new();
    private readonly List<Copy> _copies;
    private readonly InstanceRegistry? _instances;
    private Guid _id;
    private ulong _sequence;
    private ConfigState? _state;
    private bool _enabled;
    private string _disabledReason = "the configuration database has not been loaded";
    private LoadReport? _lastLoad;

    /// <summary>Creates the database over <paramref name="locations"/> without reading them: call <see cref="Load"/>.</summary>
    /// <exception cref="ErrnoException">EINVAL: a location is misaligned or too small; EEXIST: a location is listed twice.</exception>
    public ConfigDatabase(IEnumerable<RecordLocation> locations)
        : this(locations, null)
    {
    }

    /// <summary>
    /// Creates the database over <paramref name="locations"/> without reading them; copies on instances
    /// (<c>instance:NAME</c>) are found in <paramref name="instances"/>, and each instance that holds a copy is
    /// marked held (<see cref="DiskInstance.HeldBy"/>: "configuration copy N of M") until the copy is removed.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: a location is misaligned or too small; EEXIST: a location is listed twice.</exception>
    public ConfigDatabase(IEnumerable<RecordLocation> locations, InstanceRegistry? instances)
    {
        _instances = instances;
        _copies = [];
        foreach (var location in locations)
        {
            if (_copies.Any(c => SameRegion(c.Store.Location, location)))
            {
                throw new ErrnoException(Errno.EEXIST, $"configuration copy {location} is listed twice");
            }
            var store = DurableRecordStore.Open(location, instances);
            _copies.Add(new Copy(store, new CopyStatus(store.Location, CopyState.Empty, Detail: "not loaded yet")));
        }
        NameHolders();
    }

    /// <summary>Raised when the database turns enabled or disabled.</summary>
    public event EventHandler<ConfigModeChangedEventArgs>? ModeChanged;

    /// <summary>Raised when a write to a copy fails and the copy is dropped.</summary>
    public event EventHandler<CopyFailedEventArgs>? CopyFailed;

    /// <summary>Whether the database is enabled: loaded without conflict and with at least two good copies.</summary>
    public bool IsEnabled
    {
        get { lock (_lock) { return _enabled; } }
    }

    /// <summary>Why the database is disabled, in a sentence; empty when enabled.</summary>
    public string DisabledReason
    {
        get { lock (_lock) { return _enabled ? "" : _disabledReason; } }
    }

    /// <summary>The configuration's id (<see cref="Guid.Empty"/> before a configuration was chosen).</summary>
    public Guid Id
    {
        get { lock (_lock) { return _id; } }
    }

    /// <summary>The sequence of the current configuration (0 before one was chosen).</summary>
    public ulong Sequence
    {
        get { lock (_lock) { return _sequence; } }
    }

    /// <summary>Whether a configuration was chosen (false before a load, or after a load that found a conflict).</summary>
    public bool HasState
    {
        get { lock (_lock) { return _state is not null; } }
    }

    /// <summary>The current configuration; <see cref="ConfigState.Empty"/> when none was chosen (<see cref="HasState"/>).</summary>
    public ConfigState State
    {
        get { lock (_lock) { return _state ?? ConfigState.Empty; } }
    }

    /// <summary>Every copy with its state, in configuration order.</summary>
    public IReadOnlyList<CopyStatus> Copies
    {
        get { lock (_lock) { return [.. _copies.Select(c => c.Status)]; } }
    }

    /// <summary>The number of copies listed.</summary>
    public int CopyCount
    {
        get { lock (_lock) { return _copies.Count; } }
    }

    /// <summary>The number of copies that hold the current configuration.</summary>
    public int GoodCopies
    {
        get { lock (_lock) { return GoodCount; } }
    }

    /// <summary>The report of the last <see cref="Load"/>, or null before the first.</summary>
    public LoadReport? LastLoad
    {
        get { lock (_lock) { return _lastLoad; } }
    }

    /// <summary>Test hook: the next commit stops during the write of one copy, after some bytes of its slot.</summary>
    internal SimulatedCrash? CrashHook { get; set; }

    private int GoodCount => _copies.Count(c => c.Status.IsGood);

    /// <summary>Creates the database over <paramref name="locations"/> and applies the load rules (<see cref="LastLoad"/>).</summary>
    public static ConfigDatabase Open(IEnumerable<RecordLocation> locations) => Open(locations, null);

    /// <summary>
    /// Creates the database over <paramref name="locations"/>, with copies on instances found in <paramref name="instances"/>,
    /// and applies the load rules (<see cref="LastLoad"/>).
    /// </summary>
    public static ConfigDatabase Open(IEnumerable<RecordLocation> locations, InstanceRegistry? instances)
    {
        var database = new ConfigDatabase(locations, instances);
        database.Load();
        return database;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current configuration and writes the result, with the next
    /// sequence, to every good copy in order. Returns the new configuration.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EAGAIN: the database is disabled; ENOSPC: the configuration does not fit a copy (nothing written);
    /// EIO: no copy could be written (the configuration is unchanged and the database disabled).
    /// A copy that fails while others succeed does not throw: see <see cref="CopyFailed"/>.
    /// </exception>
    public ConfigState Commit(Func<ConfigState, ConfigState> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var events = new List<Action>();
        try
        {
            lock (_lock)
            {
                if (!_enabled || _state is null)
                {
                    throw new ErrnoException(Errno.EAGAIN, $"the configuration database is disabled: {_disabledReason}");
                }
                var next = change(_state);
                var payload = ConfigSerializer.Serialize(next);
                foreach (var copy in _copies.Where(c => c.Status.IsGood && payload.Length > c.Store.Capacity))
                {
                    throw new ErrnoException(Errno.ENOSPC, $"configuration copy {copy.Store.Location} holds at most {copy.Store.Capacity} bytes; the configuration needs {payload.Length}");
                }
                var sequence = _sequence + 1;
                var written = 0;
                var crash = CrashHook;
                for (var i = 0; i < _copies.Count; i++)
                {
                    var copy = _copies[i];
                    if (!copy.Status.IsGood)
                    {
                        continue;
                    }
                    try
                    {
                        copy.Store.Write(_id, sequence, payload, crash?.CopyIndex == i ? crash.Bytes : null);
                        copy.Status = new CopyStatus(copy.Store.Location, CopyState.Good, _id, sequence);
                        written++;
                    }
                    catch (ErrnoException e)
                    {
                        MarkFailed(copy, e.Errno, e.Message, events);
                    }
                }
                if (written == 0)
                {
                    var reason = $"no configuration copy could be written for sequence {sequence}";
                    SetMode(false, reason, events);
                    throw new ErrnoException(Errno.EIO, $"{reason}; the configuration is unchanged");
                }
                _state = next;
                _sequence = sequence;
                Log.Debug("committed configuration {Id} sequence {Sequence} ({Length} bytes, {Instances} instances) to {Written} copies",
                    _id, sequence, payload.Length, next.Instances.Count, written);
                DropModeIfTooFewCopies(events);
                return next;
            }
        }
        finally
        {
            Raise(events);
        }
    }

    private void MarkFailed(Copy copy, int errno, string message, List<Action> events)
    {
        copy.Status = copy.Status with { State = CopyState.Failed, Errno = errno, Detail = message };
        Log.Error("configuration copy {Location} failed and is no longer written ({Errno}): {Message}", copy.Store.Location, Errno.Name(errno), message);
        var args = new CopyFailedEventArgs(copy.Status, GoodCount);
        events.Add(() => CopyFailed?.Invoke(this, args));
    }

    private void DropModeIfTooFewCopies(List<Action> events)
    {
        if (_enabled && GoodCount < RequiredCopies)
        {
            SetMode(false, TooFewCopiesReason(), events);
        }
    }

    private string TooFewCopiesReason()
    {
        var bad = _copies.Where(c => !c.Status.IsGood).Select(c => c.Status.ToString());
        var good = GoodCount;
        return $"only {good} of {_copies.Count} configuration {(_copies.Count == 1 ? "copy is" : "copies are")} usable (at least {RequiredCopies} are needed)"
            + (bad.Any() ? ": " + string.Join("; ", bad) : "");
    }

    private void SetMode(bool enabled, string reason, List<Action> events)
    {
        var changed = enabled != _enabled || (!enabled && reason != _disabledReason);
        _enabled = enabled;
        _disabledReason = enabled ? "" : reason;
        if (!changed)
        {
            return;
        }
        if (enabled)
        {
            Log.Info("configuration database enabled: configuration {Id} sequence {Sequence}, {Good} of {Count} copies good", _id, _sequence, GoodCount, _copies.Count);
        }
        else
        {
            Log.Warn("configuration database disabled: {Reason}", reason);
        }
        var args = new ConfigModeChangedEventArgs(enabled, _disabledReason);
        events.Add(() => ModeChanged?.Invoke(this, args));
    }

    private static void Raise(List<Action> events)
    {
        foreach (var raise in events)
        {
            raise();
        }
    }

    private static bool SameRegion(RecordLocation a, RecordLocation b) => a.Path == b.Path && a.Offset == b.Offset;

    /// <summary>Tells each copy on an instance its number, which the instance gives when it refuses a change.</summary>
    private void NameHolders()
    {
        for (var i = 0; i < _copies.Count; i++)
        {
            var store = _copies[i].Store;
            if (store.Location.IsInstance)
            {
                store.Holder = $"configuration copy {i + 1} of {_copies.Count} ({store.Location.Path}); remove the copy first (db-remove path={store.Location.Path})";
            }
        }
    }

    private sealed class Copy(DurableRecordStore store, CopyStatus status)
    {
        public DurableRecordStore Store { get; } = store;

        public CopyStatus Status { get; set; } = status;
    }
}
