namespace VdmFuse.Engine.Metadata;

/// <summary>Copies of the same configuration that disagree, or copies of different configurations.</summary>
/// <param name="Copies">The copies concerned.</param>
/// <param name="Sequence">The sequence they share; null when they hold different configuration ids.</param>
/// <param name="Description">One sentence naming the copies and what differs.</param>
/// <param name="Differences">One line per difference (instances only in one copy, fields that differ).</param>
public sealed record ConfigConflict(IReadOnlyList<RecordLocation> Copies, ulong? Sequence, string Description, IReadOnlyList<string> Differences);

/// <summary>What applying the load rules found and decided.</summary>
/// <param name="Copies">Every copy with its state, in configuration order.</param>
/// <param name="IsEnabled">Whether the database (and so the daemon) may run enabled.</param>
/// <param name="DisabledReason">Why not, in a sentence; empty when enabled.</param>
/// <param name="Id">The chosen configuration id, when there is one.</param>
/// <param name="Sequence">The chosen sequence, when there is one.</param>
/// <param name="State">The chosen configuration, when there is one (also when disabled for want of copies).</param>
/// <param name="Conflicts">The conflicts found.</param>
/// <param name="Initialized">Whether every copy was missing or blank and has been initialised with a new id.</param>
/// <param name="HasUnsupportedVersion">Whether a copy holds a newer on-disk format version (the daemon exits with code 6).</param>
public sealed record LoadReport(
    IReadOnlyList<CopyStatus> Copies,
    bool IsEnabled,
    string DisabledReason,
    Guid? Id,
    ulong? Sequence,
    ConfigState? State,
    IReadOnlyList<ConfigConflict> Conflicts,
    bool Initialized,
    bool HasUnsupportedVersion)
{
    /// <summary>The number of copies that hold the chosen configuration.</summary>
    public int GoodCopies => Copies.Count(c => c.IsGood);

    /// <summary>Lines for a log or an operator: the decision, every copy, every conflict and difference.</summary>
    public IEnumerable<string> Describe()
    {
        yield return IsEnabled
            ? $"enabled: configuration {Id} sequence {Sequence}, {GoodCopies} of {Copies.Count} copies good"
            : $"disabled: {DisabledReason}";
        foreach (var copy in Copies)
        {
            yield return $"copy {copy}";
        }
        foreach (var conflict in Conflicts)
        {
            yield return $"conflict: {conflict.Description}";
            foreach (var difference in conflict.Differences)
            {
                yield return $"  {difference}";
            }
        }
    }
}

/// <summary>The result of verifying one copy against the current configuration.</summary>
/// <param name="Status">The copy's state after the check.</param>
/// <param name="Health">What its two slots hold.</param>
/// <param name="Verified">Whether it holds exactly the current configuration id, sequence and payload.</param>
public sealed record CopyCheck(CopyStatus Status, RecordHealth Health, bool Verified);

/// <summary>Raised when the database changes between enabled and disabled.</summary>
public sealed class ConfigModeChangedEventArgs(bool isEnabled, string reason) : EventArgs
{
    /// <summary>Whether the database is now enabled.</summary>
    public bool IsEnabled { get; } = isEnabled;

    /// <summary>Why it is disabled; empty when enabled.</summary>
    public string Reason { get; } = reason;
}

/// <summary>Raised when a write to a copy fails and the copy is dropped.</summary>
public sealed class CopyFailedEventArgs(CopyStatus copy, int goodCopies) : EventArgs
{
    /// <summary>The failed copy (state Failed, with its errno).</summary>
    public CopyStatus Copy { get; } = copy;

    /// <summary>The copies still good.</summary>
    public int GoodCopies { get; } = goodCopies;
}
