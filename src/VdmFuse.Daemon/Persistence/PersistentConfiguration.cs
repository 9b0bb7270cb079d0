using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Daemon.Hosting;
using VdmFuse.Engine;
using VdmFuse.Engine.Devices;
using VdmFuse.Engine.Metadata;
using VdmFuse.Engine.Mirror;
using VdmFuse.Native;

namespace VdmFuse.Daemon.Persistence;

/// <summary>
/// The daemon's side of the configuration database: decides the mode at start from the load rules, mounts the
/// recorded devices again and re-creates the recorded instances with their device numbers, records persistent
/// instances and device mounts as they change, runs the
/// diagnostic commands on the copies, and turns the daemon disabled when the database does (a commit that
/// leaves fewer than two good copies) — the <see cref="DaemonMode"/> follows the database, never the reverse.
/// </summary>
public sealed class PersistentConfiguration
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly ConfigDatabase _database;
    private readonly InstanceRegistry _registry;
    private readonly DaemonMode _mode;

    /// <summary>
    /// Opens the copies at <paramref name="copies"/> (without reading them) for <paramref name="registry"/>'s instances;
    /// copies on instances (<c>instance:NAME</c>) are found in <paramref name="registry"/>.
    /// </summary>
    /// <param name="copies">The copies of the database.</param>
    /// <param name="registry">The instances.</param>
    /// <param name="mode">The daemon's mode, which follows the database's.</param>
    /// <param name="devices">The device manager whose mounts are recorded; when null, a new one over <paramref name="registry"/>.</param>
    /// <exception cref="ErrnoException">EINVAL: a bad region; EEXIST: a copy listed twice.</exception>
    public PersistentConfiguration(IReadOnlyList<RecordLocation> copies, InstanceRegistry registry, DaemonMode mode, DeviceManager? devices = null)
    {
        _database = new ConfigDatabase(copies, registry);
        _registry = registry;
        _mode = mode;
        Devices = devices ?? new DeviceManager(registry);
        _database.ModeChanged += OnDatabaseModeChanged;
        _database.CopyFailed += (_, e) => Log.Error("configuration copy {0} failed: {1}; {2} good copies remain", e.Copy.Location, e.Copy.Detail, e.GoodCopies);
    }

    /// <summary>Where persistent mirrors keep their journals (STATE/mirrors); null when the daemon has no state directory.</summary>
    public string? MirrorJournalDirectory { get; set; }

    /// <summary>
    /// The journal of persistent mirror <paramref name="mirrorName"/>: MirrorJournalDirectory/NAME.journal, a two-slot
    /// durable record created when missing (an existing one is a mirror re-opened at start).
    /// </summary>
    /// <exception cref="ErrnoException">ENOTSUP: no journal directory; or the errno of creating the file.</exception>
    public IMirrorJournal OpenMirrorJournal(string mirrorName)
    {
        if (MirrorJournalDirectory is not { } directory)
        {
            throw new ErrnoException(Errno.ENOTSUP, $"this daemon has no state directory for the journal of persistent mirror '{mirrorName}'");
        }
        Directory.CreateDirectory(directory);
        return new DurableMirrorJournal(new RecordLocation(System.IO.Path.Combine(directory, mirrorName + JournalSuffix)));
    }

    private const string JournalSuffix = ".journal";

    /// <summary>Removes the journals in <see cref="MirrorJournalDirectory"/> of the mirrors <paramref name="which"/> selects by name; returns how many.</summary>
    private int DeleteMirrorJournals(Func<string, bool> which)
    {
        if (MirrorJournalDirectory is not { } directory || !Directory.Exists(directory))
        {
            return 0;
        }
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*" + JournalSuffix))
        {
            var name = System.IO.Path.GetFileName(path)[..^JournalSuffix.Length];
            if (!which(name))
            {
                continue;
            }
            try
            {
                File.Delete(path);
                removed++;
                Log.Debug("removed the journal of mirror '{0}' ({1})", name, path);
            }
            catch (IOException e)
            {
                Log.Error("cannot remove the journal of mirror '{0}' ({1}): {2}", name, path, e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                Log.Error("cannot remove the journal of mirror '{0}' ({1}): {2}", name, path, e.Message);
            }
        }
        return removed;
    }

    /// <summary>The database itself.</summary>
    public ConfigDatabase Database => _database;

    /// <summary>The mounted devices, whose mounts through the control file are recorded.</summary>
    public DeviceManager Devices { get; }

    /// <summary>Every copy with its state.</summary>
    public IReadOnlyList<CopyStatus> Copies => _database.Copies;

    /// <summary>The conflicts the last application of the load rules found (copies of one configuration that differ).</summary>
    public IReadOnlyList<ConfigConflict> Conflicts => _database.LastLoad?.Conflicts ?? [];

    /// <summary>Whether <paramref name="name"/> is a recorded (persistent) instance.</summary>
    public bool IsRecorded(string name) => _database.HasState && _database.State.Find(name) is not null;

    /// <summary>The recorded instance built on <paramref name="name"/>, or null.</summary>
    public string? RecordedParentOf(string name) =>
        _database.HasState ? _database.State.Instances.FirstOrDefault(i => i.Children.Contains(name))?.Name : null;

    /// <summary>-r reset: an empty configuration with a new id in every copy. Refused while an instance is open.</summary>
    /// <exception cref="ErrnoException">EBUSY: an instance is open; EIO (or the copy's errno): a copy could not be reset.</exception>
    public void Reset()
    {
        if (_registry.All.FirstOrDefault(i => i.OpenCount > 0) is { } open)
        {
            throw new ErrnoException(Errno.EBUSY, $"instance '{open.Name}' is open; the configuration cannot be reset while an instance is open");
        }
        var report = _database.Reset();
        if (report.Copies.FirstOrDefault(c => !c.IsGood) is { } failed)
        {
            throw new ErrnoException(failed.Errno != 0 ? failed.Errno : Errno.EIO, $"configuration copy {failed} could not be reset");
        }
        var journals = DeleteMirrorJournals(_ => true);
        Log.Warn("configuration reset: every copy now holds an empty configuration ({0} of {1} copies good){2}", report.GoodCopies, report.Copies.Count,
            journals == 0 ? "" : $"; {journals} mirror journals removed");
    }

    /// <summary>
    /// Applies the load rules and enters a mode: enabled when they allow it and every recorded instance could be
    /// re-created, disabled (with the reason) otherwise or when <paramref name="startDisabled"/>. Recorded instances
    /// are re-created whenever a configuration was chosen, and their device numbers are never handed out again.
    /// </summary>
    /// <exception cref="DaemonStartException">Exit code 6: a copy holds an on-disk format version this daemon does not read.</exception>
    public void LoadAtStart(bool startDisabled)
    {
        var report = _database.LastLoad ?? _database.Load();
        foreach (var line in report.Describe())
        {
            Log.Info("configuration: {0}", line);
        }
        if (report.HasUnsupportedVersion)
        {
            var copy = report.Copies.First(c => c.State == CopyState.UnsupportedVersion);
            throw new DaemonStartException(ExitCodes.UnsupportedFormat,
                $"configuration copy {copy.Location} holds an on-disk format version this vdmfuse does not read: {copy.Detail}");
        }
        var problem = report.IsEnabled ? null : report.DisabledReason;
        if (report.State is { } state)
        {
            // Also when disabled for want of copies: the instances the chosen configuration holds come back.
            _registry.ReserveDeviceNumbersBelow(state.NextDeviceNumber);
            MountRecordedDevices(state);
            if (RecreateMissing(state) is { } missing)
            {
                problem = problem is null ? missing : $"{problem}; also {missing}";
            }
        }
        if (report.IsEnabled && report.State is { } chosen)
        {
            // A journal whose mirror is not recorded was left by a crash between delete-instance's commit and the
            // journal's removal: a new mirror of that name must not re-open it.
            var recordedMirrors = chosen.Instances.Where(i => i.Subdriver == "mirror").Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            DeleteMirrorJournals(name => !recordedMirrors.Contains(name));
        }
        if (startDisabled)
        {
            _mode.Disable(problem is null ? "started with -d" : $"started with -d; also {problem}");
        }
        else if (problem is not null)
        {
            _mode.Disable(problem);
        }
        else
        {
            _mode.Enable();
        }
    }

    /// <summary>
    /// <c>enable</c>: applies the load rules again; the copies must agree with the instances this daemon holds
    /// (a recorded instance that exists differently means a change that did not go through the database), missing
    /// recorded instances are re-created, and the daemon enters enabled mode.
    /// </summary>
    /// <exception cref="ErrnoException">EBUSY with the reason the daemon cannot be enabled.</exception>
    public void Enable()
    {
        var report = _database.Load();
        if (!report.IsEnabled || report.State is null)
        {
            throw new ErrnoException(Errno.EBUSY, $"cannot enable: {report.DisabledReason}");
        }
        _registry.ReserveDeviceNumbersBelow(report.State.NextDeviceNumber);
        MountRecordedDevices(report.State);
        if (RecreateMissing(report.State) is { } problem)
        {
            throw new ErrnoException(Errno.EBUSY, $"cannot enable: {problem}");
        }
        _mode.Enable();
    }

    /// <summary>Records <paramref name="instance"/> (new, or changed) as persistent.</summary>
    /// <exception cref="ErrnoException">EAGAIN: the database is disabled; EIO: no copy could be written; ENOSPC: it does not fit.</exception>
    public void Record(DiskInstance instance)
    {
        var record = InstanceRecords.ToRecord(instance);
        var next = _registry.NextDeviceNumber;
        _database.Commit(state => state.WithInstance(record) with { NextDeviceNumber = Math.Max(state.NextDeviceNumber, next) });
        Log.Debug("recorded persistent {0} instance '{1}' (device {2})", record.Subdriver, record.Name, record.DeviceNumber);
    }

    /// <summary>Removes the record of the instance <paramref name="name"/>.</summary>
    /// <exception cref="ErrnoException">As <see cref="Record"/>.</exception>
    /// <remarks>A mirror's journal is removed with its record (after the commit: a crash between the two leaves a journal that the next start removes).</remarks>
    public void Forget(string name)
    {
        var mirror = _database.HasState && _database.State.Find(name) is { Subdriver: "mirror" };
        var next = _registry.NextDeviceNumber;
        _database.Commit(state => state.WithoutInstance(name) with { NextDeviceNumber = Math.Max(state.NextDeviceNumber, next) });
        Log.Debug("removed the record of persistent instance '{0}'", name);
        if (mirror)
        {
            DeleteMirrorJournals(journal => journal == name);
        }
    }

    /// <summary>Whether the mount of the device at <paramref name="path"/> is recorded.</summary>
    public bool IsDeviceRecorded(string path) => _database.HasState && _database.State.FindDevice(path) is not null;

    /// <summary>Whether <paramref name="instance"/> is a volume of a device whose mount is recorded (so it is there at every start).</summary>
    public bool IsRecordedVolume(DiskInstance instance) =>
        instance is VolumeDisk volume && Devices.Devices.FirstOrDefault(d => d.Physical == volume.Device) is { } device && IsDeviceRecorded(device.Path);

    /// <summary>Records the mount of <paramref name="device"/> with its instances' device numbers (no change: nothing written).</summary>
    /// <exception cref="ErrnoException">As <see cref="Record"/>.</exception>
    public void RecordDevice(MountedDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var record = new ConfigDeviceRecord(device.Path, device.Label.DeviceId, device.Physical.DeviceNumber,
            [.. device.Label.Volumes.Select(v => new ConfigVolumeRecord(v.Lvid, _registry.Get(v.Name).DeviceNumber))]);
        if (_database.HasState && _database.State.FindDevice(device.Path) is { } held && held.SameAs(record))
        {
            return;
        }
        var next = _registry.NextDeviceNumber;
        _database.Commit(state => state.WithDevice(record) with { NextDeviceNumber = Math.Max(state.NextDeviceNumber, next) });
        Log.Debug("recorded the mount of device '{0}' ({1} volumes)", device.Path, record.Volumes.Count);
    }

    /// <summary>Forgets the recorded mount of the device at <paramref name="path"/> (not recorded: nothing written).</summary>
    /// <exception cref="ErrnoException">As <see cref="Record"/>.</exception>
    public void ForgetDevice(string path)
    {
        if (!IsDeviceRecorded(path))
        {
            return;
        }
        var next = _registry.NextDeviceNumber;
        _database.Commit(state => state.WithoutDevice(path) with { NextDeviceNumber = Math.Max(state.NextDeviceNumber, next) });
        Log.Debug("forgot the recorded mount of device '{0}'", path);
    }

    /// <summary>Forgets the recorded mounts of every device that is not mounted (after dismount-all).</summary>
    /// <exception cref="ErrnoException">As <see cref="Record"/>.</exception>
    public void ForgetDevicesNotMounted()
    {
        if (!_database.HasState)
        {
            return;
        }
        var mounted = Devices.Devices.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var device in _database.State.Devices.Where(d => !mounted.Contains(d.Path)).ToList())
        {
            ForgetDevice(device.Path);
        }
    }

    /// <summary><c>db-check</c>: verifies every copy against the current configuration; a good copy that does not hold it fails.</summary>
    public IReadOnlyList<CopyStatus> Check() =>
        [.. _database.Check().Select(c => c.Verified || !c.Status.IsGood ? c.Status : c.Status with { Detail = c.Health.ToString() })];

    /// <summary><c>db-add</c>: adds a copy initialised from the current configuration.</summary>
    public void AddCopy(RecordLocation location) => _database.AddCopy(location);

    /// <summary><c>db-remove</c>: removes a copy (fewer than two good copies disable the daemon).</summary>
    public void RemoveCopy(RecordLocation location) => _database.RemoveCopy(location);

    /// <summary><c>db-reinit</c>: rewrites a copy from the current configuration.</summary>
    public void Reinitialize(RecordLocation location) => _database.Reinitialize(location);

    /// <summary>
    /// <c>db-restore</c>: rewrites every copy from the one at <paramref name="source"/>, then the load rules run again;
    /// the daemon stays in its mode until <c>enable</c>, which re-creates the restored instances.
    /// </summary>
    public void RestoreFrom(RecordLocation source)
    {
        var report = _database.RestoreFrom(source);
        Log.Warn("configuration restored from {0}: {1}", source, report.Describe().First());
    }

    /// <summary>
    /// Mounts every recorded device that is not mounted, giving its instances their recorded device numbers; a device
    /// that cannot be mounted is logged as an error naming it and skipped (its record stays for the next start).
    /// </summary>
    private void MountRecordedDevices(ConfigState state)
    {
        foreach (var record in state.Devices)
        {
            if (Devices.Devices.Any(d => d.Path == record.Path))
            {
                continue;
            }
            var numbers = new DeviceNumbers(record.DeviceId, record.DeviceNumber, record.Volumes.ToDictionary(v => v.Lvid, v => v.DeviceNumber));
            try
            {
                var device = Devices.Mount(record.Path, numbers);
                Log.Info("mounted recorded device '{0}' ({1} volumes)", record.Path, device.Label.Volumes.Count);
            }
            catch (ErrnoException e)
            {
                Log.Error("recorded device '{0}' (device id {1}) cannot be mounted; skipped: {2}", record.Path, record.DeviceId, e.Message);
            }
        }
    }

    /// <summary>
    /// Re-creates every recorded instance that does not exist, children first (a remap instance after its three
    /// partitions and before the partitions it is linked under); one that fails is logged and the others are still
    /// re-created (a mirror without the images that failed: they are missing; a partition without its remap when
    /// the remap failed: its I/O is not remapped). The first failure (or difference) is the reason returned. A
    /// missing image of a mirror that exists again rejoins it (corrupt), and a remap that exists again is linked
    /// back under the recorded partitions that lack it.
    /// </summary>
    private string? RecreateMissing(ConfigState state)
    {
        var pending = new List<ConfigInstanceRecord>();
        var lackingRemap = new List<ConfigInstanceRecord>();
        string? problem = null;
        foreach (var record in state.Instances)
        {
            if (_registry.TryGet(record.Name, out var existing) && existing.Name == record.Name)
            {
                var held = InstanceRecords.ToRecord(existing);
                if (!held.SameAs(record))
                {
                    if (LacksOnlyExtras(held, record))
                    {
                        lackingRemap.Add(record);
                        continue;
                    }
                    return $"instance '{record.Name}' exists as {existing.Subdriver} device {existing.DeviceNumber} but is recorded differently " +
                        $"({record.Subdriver} device {record.DeviceNumber}): a change was made without the configuration database";
                }
                continue;
            }
            pending.Add(record);
        }
        while (pending.Count > 0)
        {
            // Ready: nothing it is built on is still waiting (a child that failed, or was never recorded, is absent).
            var ready = pending.FirstOrDefault(r => r.Children.All(c => pending.All(p => p.Name != c))) ?? pending[0];
            pending.Remove(ready);
            // A mirror's images may be missing, and a partition needs only its data child (its remap is optional).
            IEnumerable<string> required = ready.Subdriver switch
            {
                "mirror" => [],
                "partition" => ready.Children.Take(1),
                _ => ready.Children,
            };
            var absent = required.FirstOrDefault(c => !_registry.TryGet(c, out _));
            if (absent is not null)
            {
                var reason = $"recorded instance '{ready.Name}' cannot be re-created: it is built on '{absent}', which does not exist";
                Log.Error("{0}", reason);
                problem ??= reason;
                continue;
            }
            var unlinked = new List<string>();
            try
            {
                InstanceRecords.Recreate(_registry, ready, OpenMirrorJournal, unlinked);
            }
            catch (ErrnoException e)
            {
                Log.Error("recorded {0} instance '{1}' (device {2}) cannot be re-created: {3}", ready.Subdriver, ready.Name, ready.DeviceNumber, e.Message);
                problem ??= $"recorded instance '{ready.Name}' cannot be re-created: {e.Message}";
            }
            foreach (var reason in unlinked)
            {
                Log.Error("{0}", reason);
                problem ??= reason;
            }
        }
        var relinkProblem = RelinkRemaps(lackingRemap);
        problem ??= relinkProblem;
        RejoinMissingImages();
        return problem;
    }

    /// <summary>
    /// Whether the instance as it is (<paramref name="held"/>) differs from its record only by extra children the
    /// record has and it lacks: a partition re-created without its remap, which had failed.
    /// </summary>
    private static bool LacksOnlyExtras(ConfigInstanceRecord held, ConfigInstanceRecord record) =>
        record.Subdriver == "partition" && held.Children.Count < record.Children.Count && held.Children.Count > 0
            && held.Children[0] == record.Children[0] && held.Children.All(record.Children.Contains)
            && (held with { Children = record.Children }).SameAs(record);

    /// <summary>Links each recorded partition's missing remap back when it exists again; the first failure is returned.</summary>
    private string? RelinkRemaps(IReadOnlyList<ConfigInstanceRecord> partitions)
    {
        string? problem = null;
        foreach (var record in partitions)
        {
            var partition = _registry.Get(record.Name);
            foreach (var extra in record.Children.Skip(1).Where(c => partition.Children.All(held => held.Name != c)))
            {
                var unlinked = new List<string>();
                InstanceRecords.LinkExtra(_registry, record.Name, extra, unlinked);
                if (unlinked.Count == 0)
                {
                    Log.Warn("partition '{0}': its remap '{1}' exists again and is linked back: bad-block remapping is enabled again", record.Name, extra);
                }
                foreach (var reason in unlinked)
                {
                    Log.Error("{0}", reason);
                    problem ??= reason;
                }
            }
        }
        return problem;
    }

    /// <summary>Links back every missing image of a mirror whose instance exists again (it rejoins corrupt, as the engine decides).</summary>
    private void RejoinMissingImages()
    {
        foreach (var mirror in _registry.All.OfType<MirrorDisk>())
        {
            foreach (var image in mirror.Images.Where(i => !i.IsPresent))
            {
                if (!_registry.TryGet(image.Name, out var instance) || instance.Name != image.Name)
                {
                    continue;
                }
                try
                {
                    _registry.LinkChild(mirror.Name, image.Name);
                    Log.Warn("mirror '{0}': missing image '{1}' is present again and rejoins it corrupt (synchronise it)", mirror.Name, image.Name);
                }
                catch (ErrnoException e)
                {
                    Log.Error("mirror '{0}': missing image '{1}' is present again but cannot rejoin it: {2}", mirror.Name, image.Name, e.Message);
                }
            }
        }
    }

    private void OnDatabaseModeChanged(object? sender, ConfigModeChangedEventArgs e)
    {
        if (!e.IsEnabled && _mode.IsEnabled)
        {
            Log.Error("the configuration database is disabled: {0}", e.Reason);
            _mode.Disable(e.Reason);
        }
    }
}
