using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

public sealed partial class ConfigDatabase
{
    /// <summary>
    /// Reads every copy and applies the load rules (see the type's remarks): chooses the configuration,
    /// rolls forward copies one change behind, and decides the mode. Used at start and by <c>enable</c>.
    /// </summary>
    /// <returns>Every copy's state, the chosen configuration, the conflicts and the mode decision.</returns>
    public LoadReport Load()
    {
        var events = new List<Action>();
        try
        {
            lock (_lock)
            {
                return LoadLocked(events);
            }
        }
        finally
        {
            Raise(events);
        }
    }

    private LoadReport LoadLocked(List<Action> events)
    {
        var health = _copies.Select(c => c.Store.Check()).ToList();
        var initialized = false;
        if (_copies.Count > 0 && health.All(IsUninitialised))
        {
            InitialiseAll(Guid.NewGuid(), ConfigState.Empty);
            health = [.. _copies.Select(c => c.Store.Check())];
            initialized = true;
        }

        var n = _copies.Count;
        var status = new CopyStatus[n];
        var parsed = new ConfigState?[n];
        for (var i = 0; i < n; i++)
        {
            var h = health[i];
            var location = h.Location;
            status[i] = h.Condition switch
            {
                RecordCondition.IoError => new CopyStatus(location, CopyState.IoError, Errno: h.Errno, Detail: h.Detail),
                RecordCondition.Empty => new CopyStatus(location, CopyState.Empty, Detail: "never initialised"),
                RecordCondition.Corrupt => new CopyStatus(location, CopyState.FormatError, Detail: h.Detail),
                RecordCondition.UnsupportedVersion => new CopyStatus(location, CopyState.UnsupportedVersion, Errno: Errno.ENOTSUP, Detail: h.Detail),
                _ => new CopyStatus(location, CopyState.Good, h.Newest!.Id, h.Newest.Sequence),
            };
            if (h.Condition == RecordCondition.Valid)
            {
                try
                {
                    parsed[i] = ConfigSerializer.Deserialize(h.Newest!.Payload, location);
                }
                catch (ErrnoException e)
                {
                    status[i] = status[i] with { State = CopyState.FormatError, Detail = e.Message };
                }
            }
        }

        var unsupported = status.FirstOrDefault(s => s.State == CopyState.UnsupportedVersion);
        var conflicts = new List<ConfigConflict>();
        var valid = Enumerable.Range(0, n).Where(i => parsed[i] is not null).ToList();
        Guid? id = null;
        ulong? sequence = null;
        ConfigState? state = null;
        var ids = valid.Select(i => health[i].Newest!.Id).Distinct().ToList();
        if (ids.Count > 1)
        {
            foreach (var i in valid)
            {
                status[i] = status[i] with { State = CopyState.Conflict, Detail = $"holds configuration {health[i].Newest!.Id}" };
            }
            var byId = valid.GroupBy(i => health[i].Newest!.Id)
                .Select(g => $"configuration {g.Key} sequence {health[g.First()].Newest!.Sequence} in {Names(g.Select(i => health[i].Location))}");
            conflicts.Add(new ConfigConflict([.. valid.Select(i => health[i].Location)], null,
                $"the copies hold different configurations: {string.Join("; ", byId)}", []));
        }
        else if (valid.Count > 0)
        {
            var newest = valid.Max(i => health[i].Newest!.Sequence);
            var atNewest = valid.Where(i => health[i].Newest!.Sequence == newest).ToList();
            var groups = atNewest.GroupBy(i => Convert.ToHexString(health[i].Newest!.Payload)).Select(g => g.ToList()).ToList();
            if (groups.Count > 1)
            {
                foreach (var i in atNewest)
                {
                    status[i] = status[i] with { State = CopyState.Conflict, Detail = $"sequence {newest} differs from another copy of sequence {newest}" };
                }
                conflicts.AddRange(DescribeConflicts(groups, newest, parsed, health));
            }
            else
            {
                id = ids[0];
                sequence = newest;
                state = parsed[atNewest[0]];
                var payload = health[atNewest[0]].Newest!.Payload;
                foreach (var i in valid.Where(i => health[i].Newest!.Sequence < newest))
                {
                    var held = health[i].Newest!.Sequence;
                    if (held + 1 < newest)
                    {
                        status[i] = status[i] with { State = CopyState.Stale, Detail = $"sequence {held} is more than one change older than sequence {newest}" };
                    }
                    else if (unsupported is null)
                    {
                        status[i] = RollForward(i, id.Value, newest, payload, held);
                    }
                    else
                    {
                        status[i] = status[i] with { State = CopyState.Stale, Detail = $"sequence {held} is one change older; not rolled forward while a copy holds a newer format" };
                    }
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            _copies[i].Status = status[i];
        }
        _id = id ?? Guid.Empty;
        _sequence = sequence ?? 0;
        _state = state;

        string reason;
        if (unsupported is not null)
        {
            reason = unsupported.Detail ?? $"configuration copy {unsupported.Location} holds a newer on-disk format version";
        }
        else if (conflicts.Count > 0)
        {
            reason = string.Join("; ", conflicts.Select(c => c.Description))
                + "; choose the copy to keep and restore the others from it (db-restore from=PATH)";
        }
        else if (n == 0)
        {
            reason = $"no configuration copies are configured (at least {RequiredCopies} are needed)";
        }
        else if (GoodCount < RequiredCopies)
        {
            reason = TooFewCopiesReason();
        }
        else
        {
            reason = "";
        }
        foreach (var copy in _copies.Where(c => !c.Status.IsGood))
        {
            Log.Warn("configuration copy {Copy} is ignored", copy.Status);
        }
        SetMode(reason.Length == 0, reason, events);
        _lastLoad = new LoadReport([.. status], _enabled, _enabled ? "" : _disabledReason, id, sequence, state, conflicts, initialized, unsupported is not null);
        foreach (var line in _lastLoad.Describe())
        {
            Log.Debug("configuration load: {Line}", line);
        }
        return _lastLoad;
    }

    private static bool IsUninitialised(RecordHealth health)
        => health.Condition == RecordCondition.Empty
            || (health.Condition == RecordCondition.IoError && health.Errno == Errno.ENOENT && health.Location.IsWholeFile);

    private void InitialiseAll(Guid id, ConfigState state)
    {
        var payload = ConfigSerializer.Serialize(state);
        foreach (var copy in _copies)
        {
            try
            {
                copy.Store.Initialize(id);
                copy.Store.Write(id, 1, payload);
            }
            catch (ErrnoException e)
            {
                Log.Error("cannot initialise configuration copy {Location} ({Errno}): {Message}", copy.Store.Location, Errno.Name(e.Errno), e.Message);
            }
        }
        Log.Info("initialised {Count} configuration copies with the new configuration {Id}", _copies.Count, id);
    }

    private CopyStatus RollForward(int index, Guid id, ulong sequence, byte[] payload, ulong held)
    {
        var location = _copies[index].Store.Location;
        try
        {
            _copies[index].Store.Write(id, sequence, payload);
            Log.Warn("configuration copy {Location} held sequence {Held}, one change older than {Sequence}: rolled forward", location, held, sequence);
            return new CopyStatus(location, CopyState.RolledForward, id, sequence, Detail: $"held sequence {held}; rewritten from the newest copy");
        }
        catch (ErrnoException e)
        {
            Log.Error("cannot roll configuration copy {Location} forward to sequence {Sequence} ({Errno}): {Message}", location, sequence, Errno.Name(e.Errno), e.Message);
            return new CopyStatus(location, CopyState.Failed, id, held, e.Errno, e.Message);
        }
    }

    private static IEnumerable<ConfigConflict> DescribeConflicts(List<List<int>> groups, ulong sequence, ConfigState?[] parsed, List<RecordHealth> health)
    {
        var first = groups[0];
        var firstName = Names(first.Select(i => health[i].Location));
        foreach (var other in groups.Skip(1))
        {
            var otherName = Names(other.Select(i => health[i].Location));
            var differences = ConfigDiff.Describe(parsed[first[0]]!, firstName, parsed[other[0]]!, otherName);
            yield return new ConfigConflict(
                [.. first.Concat(other).Select(i => health[i].Location)],
                sequence,
                $"configuration copies {firstName} and {otherName} both hold sequence {sequence} of configuration {health[first[0]].Newest!.Id} but differ: {string.Join("; ", differences)}",
                differences);
        }
    }

    private static string Names(IEnumerable<RecordLocation> locations) => string.Join(" and ", locations.Select(l => l.ToString()));
}
