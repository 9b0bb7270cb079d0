namespace VdmFuse.Engine.Fault;

/// <summary>
/// The rules of one fault instance. Readers take a snapshot with one volatile read and no lock, so I/O with
/// no rules costs one read of an empty array; adding and removing copy the array under a lock.
/// </summary>
public sealed class FaultRuleSet
{
    /// <summary>The most rules one instance holds (as many as the binary fault-list packet carries).</summary>
    public const int MaxRules = 64;

    private readonly Lock _lock = new();
    private FaultRule[] _rules = [];
    private int _lastId;
    private long _hits;

    /// <summary>The rules, oldest first; a snapshot.</summary>
    public IReadOnlyList<FaultRule> Rules => Volatile.Read(ref _rules);

    /// <summary>How many I/Os the rules have failed in all, cleared rules included.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Adds a rule with the next id; the caller has checked its fields.</summary>
    /// <returns>The new rule, or null when the set already holds <see cref="MaxRules"/>.</returns>
    public FaultRule? Add(FaultOperation operation, long startBlock, long blockCount, int errno, int times)
    {
        lock (_lock)
        {
            if (_rules.Length >= MaxRules)
            {
                return null;
            }
            var rule = new FaultRule(++_lastId, operation, startBlock, blockCount, errno, times);
            Volatile.Write(ref _rules, [.. _rules, rule]);
            return rule;
        }
    }

    /// <summary>Removes the rule numbered <paramref name="id"/>; returns it, or null when there is none.</summary>
    public FaultRule? Remove(int id)
    {
        lock (_lock)
        {
            var rule = Array.Find(_rules, r => r.Id == id);
            if (rule is not null)
            {
                Volatile.Write(ref _rules, [.. _rules.Where(r => r != rule)]);
            }
            return rule;
        }
    }

    /// <summary>Removes every rule; returns those removed.</summary>
    public IReadOnlyList<FaultRule> Clear()
    {
        lock (_lock)
        {
            var removed = _rules;
            Volatile.Write(ref _rules, []);
            return removed;
        }
    }

    /// <summary>
    /// The first rule that fails an I/O of <paramref name="operation"/> on [<paramref name="startBlock"/>,
    /// +<paramref name="blockCount"/>), with the failure counted (and a spent rule removed); null when none does.
    /// A rule matches when its range overlaps the I/O's, or, with <paramref name="whole"/>, when it covers it all.
    /// </summary>
    public FaultRule? Match(FaultOperation operation, long startBlock, long blockCount, bool whole = false)
    {
        var rules = Volatile.Read(ref _rules);
        if (rules.Length == 0)
        {
            return null;
        }
        foreach (var rule in rules)
        {
            if (rule.Matches(operation, startBlock, blockCount, whole) && rule.TryConsume())
            {
                Interlocked.Increment(ref _hits);
                if (rule.IsSpent)
                {
                    Remove(rule.Id);
                }
                return rule;
            }
        }
        return null;
    }
}
