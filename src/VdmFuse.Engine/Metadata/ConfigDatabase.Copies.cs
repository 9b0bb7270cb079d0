using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

public sealed partial class ConfigDatabase
{
    /// <summary>
    /// Reads every copy and verifies it holds exactly the current configuration (id, sequence, payload). A good
    /// copy that does not is marked failed (<see cref="CopyFailed"/>), which may disable the database.
    /// </summary>
    public IReadOnlyList<CopyCheck> Check()
    {
        var events = new List<Action>();
        try
        {
            lock (_lock)
            {
                var current = _state is null ? null : ConfigSerializer.Serialize(_state);
                var results = new List<CopyCheck>();
                foreach (var copy in _copies)
                {
                    var health = copy.Store.Check();
                    var newest = health.Newest;
                    var verified = current is not null && health.Condition == RecordCondition.Valid && newest is not null
                        && newest.Id == _id && newest.Sequence == _sequence && newest.Payload.AsSpan().SequenceEqual(current);
                    if (copy.Status.IsGood && !verified)
                    {
                        var found = newest is null ? health.Detail ?? health.Condition.ToString() : $"it holds configuration {newest.Id} sequence {newest.Sequence}";
                        MarkFailed(copy, health.Errno != 0 ? health.Errno : Errno.EIO,
                            $"configuration copy {copy.Store.Location} does not hold configuration {_id} sequence {_sequence}: {found}", events);
                    }
                    results.Add(new CopyCheck(copy.Status, health, verified));
                }
                DropModeIfTooFewCopies(events);
                return results;
            }
        }
        finally
        {
            Raise(events);
        }
    }

    /// <summary>Adds a copy, initialised with the current configuration (a missing whole-file copy is created).</summary>
    /// <exception cref="ErrnoException">
    /// EEXIST: already listed; EAGAIN: no configuration is chosen (a conflict: restore first); EINVAL: a bad
    /// region; or the errno of the failed write (the copy is not added).
    /// </exception>
    public void AddCopy(RecordLocation location)
    {
        lock (_lock)
        {
            if (_copies.Any(c => SameRegion(c.Store.Location, location)))
            {
                throw new ErrnoException(Errno.EEXIST, $"configuration copy {location} is already listed");
            }
            var store = DurableRecordStore.Open(location, _instances);
            var copy = new Copy(store, new CopyStatus(store.Location, CopyState.Empty));
            WriteCurrent(copy, "add");
            _copies.Add(copy);
            NameHolders();
            Log.Info("added configuration copy {Location} ({Good} of {Count} copies good)", location, GoodCount, _copies.Count);
        }
    }

    /// <summary>Removes a copy from the list (its content is left as it is). Fewer than two good copies disable the database.</summary>
    /// <exception cref="ErrnoException">ENOENT: not listed; EINVAL: the path names several copies and no offset was given.</exception>
    public void RemoveCopy(RecordLocation location)
    {
        var events = new List<Action>();
        try
        {
            lock (_lock)
            {
                var copy = Find(location);
                _copies.Remove(copy);
                copy.Store.Holder = null;
                NameHolders();
                Log.Info("removed configuration copy {Location} ({Good} of {Count} copies good)", copy.Store.Location, GoodCount, _copies.Count);
                DropModeIfTooFewCopies(events);
            }
        }
        finally
        {
            Raise(events);
        }
    }

    /// <summary>Erases a listed copy and writes the current configuration to it; it becomes good again.</summary>
    /// <exception cref="ErrnoException">ENOENT: not listed; EAGAIN: no configuration is chosen; or the errno of the failed write.</exception>
    public void Reinitialize(RecordLocation location)
    {
        lock (_lock)
        {
            var copy = Find(location);
            WriteCurrent(copy, "re-initialise");
            Log.Info("re-initialised configuration copy {Location} ({Good} of {Count} copies good)", copy.Store.Location, GoodCount, _copies.Count);
        }
    }

    /// <summary>
    /// Takes the configuration held by the listed copy <paramref name="source"/> (the administrator's choice
    /// after a conflict) and writes it, with a sequence above every copy's, to every copy including the source;
    /// then applies the load rules again and returns their report.
    /// </summary>
    /// <exception cref="ErrnoException">ENOENT: not listed; EIO: the source holds no valid record; EINVAL: not a configuration.</exception>
    public LoadReport RestoreFrom(RecordLocation source)
    {
        var events = new List<Action>();
        try
        {
            lock (_lock)
            {
                var from = Find(source);
                var snapshot = from.Store.ReadNewest()
                    ?? throw new ErrnoException(Errno.EIO, $"configuration copy {from.Store.Location} is blank: there is nothing to restore from");
                ConfigSerializer.Deserialize(snapshot.Payload, from.Store.Location);
                var highest = _copies.Select(c => c.Store.Check())
                    .SelectMany(h => new[] { h.SlotA?.Sequence, h.SlotB?.Sequence })
                    .Max(s => s ?? 0);
                var sequence = Math.Max(highest, snapshot.Sequence) + 1;
                Log.Warn("restoring every configuration copy from {Location} (configuration {Id} sequence {Held}) as sequence {Sequence}",
                    from.Store.Location, snapshot.Id, snapshot.Sequence, sequence);
                foreach (var copy in _copies)
                {
                    try
                    {
                        WriteOver(copy.Store, snapshot.Id, sequence, snapshot.Payload);
                    }
                    catch (ErrnoException e)
                    {
                        MarkFailed(copy, e.Errno, e.Message, events);
                    }
                }
                return LoadLocked(events);
            }
        }
        finally
        {
            Raise(events);
        }
    }

    /// <summary>
    /// Replaces the configuration by an empty one with a new id in every copy, then applies the load rules again.
    /// The caller refuses this while instances are open.
    /// </summary>
    public LoadReport Reset()
    {
        var events = new List<Action>();
        try
        {
            lock (_lock)
            {
                var id = Guid.NewGuid();
                Log.Warn("resetting the configuration database: new configuration {Id}", id);
                InitialiseAll(id, ConfigState.Empty);
                return LoadLocked(events);
            }
        }
        finally
        {
            Raise(events);
        }
    }

    private void WriteCurrent(Copy copy, string verb)
    {
        if (_state is null)
        {
            throw new ErrnoException(Errno.EAGAIN, $"cannot {verb} configuration copy {copy.Store.Location}: no configuration is chosen ({_disabledReason})");
        }
        var payload = ConfigSerializer.Serialize(_state);
        copy.Store.Initialize(_id);
        copy.Store.Write(_id, Math.Max(_sequence, 1), payload);
        copy.Status = new CopyStatus(copy.Store.Location, CopyState.Good, _id, _sequence);
    }

    private static void WriteOver(DurableRecordStore store, Guid id, ulong sequence, byte[] payload)
    {
        var health = store.Check();
        if (health.Condition != RecordCondition.Valid)
        {
            store.Initialize(id);
        }
        store.Write(id, sequence, payload);
    }

    private Copy Find(RecordLocation location)
    {
        var matches = _copies.Where(c => location.IsWholeFile ? c.Store.Location.Path == location.Path : SameRegion(c.Store.Location, location)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ErrnoException(Errno.ENOENT, $"{location} is not a configuration copy"),
            _ => throw new ErrnoException(Errno.EINVAL, $"'{location.Path}' holds {matches.Count} configuration copies: give the offset and length"),
        };
    }
}
