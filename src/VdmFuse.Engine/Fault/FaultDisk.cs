using System.Globalization;
using VdmFuse.Native;

namespace VdmFuse.Engine.Fault;

/// <summary>
/// A fault-injection instance (subdriver <c>fault</c>): the same blocks as its one data child, with I/O failed
/// on demand. Rules, changed at run time, fail reads, writes or both on a range of 512-byte blocks with a
/// chosen errno, for the next N matching I/Os or until cleared; a rule over the whole instance for both
/// operations drops the disk (every I/O and flush fails). It does not own its child.
/// </summary>
/// <remarks>
/// An I/O that overlaps a matching rule's range fails whole, before it reaches the child, with an
/// <see cref="ErrnoException"/> naming the instance, the blocks and the rule. A flush fails when a write
/// rule covers the whole instance. With no rules, I/O costs one volatile read more than the child's.
/// Rules are runtime state: they are not recorded in the configuration.
/// </remarks>
public sealed class FaultDisk : DiskInstance
{
    /// <summary>The unit of rule ranges.</summary>
    public const int BlockSize = 512;

    /// <summary>The largest errno a rule may inject: FUSE passes only errno values below 512 to the caller.</summary>
    public const int MaxErrno = 511;

    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    /// <summary>Creates a fault instance over <paramref name="child"/>, with no rules.</summary>
    /// <exception cref="ErrnoException">EINVAL: bad name.</exception>
    public FaultDisk(string name, DiskInstance child)
        : base(name, [child])
    {
        ArgumentNullException.ThrowIfNull(child);
        Child = child;
        child.AttachParent(this);
    }

    /// <summary>The instance whose I/O this one passes on or fails.</summary>
    public DiskInstance Child { get; }

    /// <summary>The rules in force.</summary>
    public FaultRuleSet Rules { get; } = new();

    /// <inheritdoc/>
    public override string Subdriver => "fault";

    /// <inheritdoc/>
    public override long Size => Child.Size;

    /// <inheritdoc/>
    public override int SectorSize => Child.SectorSize;

    /// <summary>The instance's size in 512-byte blocks.</summary>
    public long Blocks => Size / BlockSize;

    /// <summary>child (its name), child-device-number, rules (how many are in force), hits (I/Os failed in all).</summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Attributes =>
    [
        new("child", Child.Name),
        new("child-device-number", Child.DeviceNumber.ToString(CultureInfo.InvariantCulture)),
        new("rules", Rules.Rules.Count.ToString(CultureInfo.InvariantCulture)),
        new("hits", Rules.Hits.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>
    /// Adds a rule: fail <paramref name="operation"/> I/O overlapping [<paramref name="startBlock"/>,
    /// +<paramref name="blockCount"/>) (512-byte blocks; null: from the start block to the end of the instance)
    /// with <paramref name="errno"/>, for the next <paramref name="times"/> matching I/Os (0: until cleared).
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: an empty or negative range, one that is not inside the instance, an errno outside 1 to
    /// <see cref="MaxErrno"/>, or a negative count of times; ENOSPC: the instance already has
    /// <see cref="FaultRuleSet.MaxRules"/> rules.
    /// </exception>
    public FaultRule AddRule(FaultOperation operation, long startBlock, long? blockCount, int errno, int times)
    {
        if (operation is not (FaultOperation.Read or FaultOperation.Write or FaultOperation.Both))
        {
            throw new ErrnoException(Errno.EINVAL, $"{Description}: {(int)operation} is not an operation a rule can fail (read, write or both)");
        }
        var blocks = Blocks;
        var count = blockCount ?? blocks - startBlock;
        if (blockCount is <= 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"{Description}: a rule covers at least 1 block (count {blockCount})");
        }
        if (startBlock < 0 || count <= 0 || startBlock > blocks - count)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"{Description}: blocks {startBlock} to {startBlock + count - 1} are not inside the instance (blocks 0 to {blocks - 1})");
        }
        if (errno is < 1 or > MaxErrno)
        {
            throw new ErrnoException(Errno.EINVAL, $"{Description}: errno {errno} cannot be injected (1 to {MaxErrno})");
        }
        if (times < 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"{Description}: times must be 0 (until cleared) or more, not {times}");
        }
        var rule = Rules.Add(operation, startBlock, count, errno, times) ??
            throw new ErrnoException(Errno.ENOSPC, $"{Description} already has {FaultRuleSet.MaxRules} rules, the most it holds; clear some first");
        Log.Info("fault instance '{0}': rule {1} {2}", Name, rule.Id, rule);
        return rule;
    }

    /// <summary>Removes the rule numbered <paramref name="id"/>, or every rule when it is null; returns how many were removed.</summary>
    /// <exception cref="ErrnoException">ENOENT: no rule has that number.</exception>
    public int ClearRules(int? id)
    {
        if (id is { } number)
        {
            var rule = Rules.Remove(number) ??
                throw new ErrnoException(Errno.ENOENT, $"{Description} has no rule {number}");
            Log.Info("fault instance '{0}': rule {1} cleared ({2} I/Os failed)", Name, rule.Id, rule.Hits);
            return 1;
        }
        var removed = Rules.Clear();
        Log.Info("fault instance '{0}': {1} cleared", Name, removed.Count == 1 ? "1 rule" : $"{removed.Count} rules");
        return removed.Count;
    }

    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer)
    {
        if (Rules.Match(FaultOperation.Read, offset / BlockSize, Math.Max(1, buffer.Length / BlockSize)) is { } rule)
        {
            throw Injected(rule, "read", offset, buffer.Length);
        }
        return Child.ReadAsync(offset, buffer);
    }

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        if (Rules.Match(FaultOperation.Write, offset / BlockSize, Math.Max(1, buffer.Length / BlockSize)) is { } rule)
        {
            throw Injected(rule, "write", offset, buffer.Length);
        }
        return Child.WriteAsync(offset, buffer);
    }

    /// <inheritdoc/>
    protected override ValueTask FlushCoreAsync()
    {
        if (Rules.Match(FaultOperation.Write, 0, Blocks, whole: true) is { } rule)
        {
            throw Injected(rule, "flush", 0, 0);
        }
        return Child.FlushAsync();
    }

    /// <inheritdoc/>
    protected override (DiskInstance Instance, long Offset)? MapToChild(long byteOffset) => (Child, byteOffset);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Child.DetachParent(this);
        }
        base.Dispose(disposing);
    }

    private ErrnoException Injected(FaultRule rule, string operation, long offset, int length)
    {
        var what = length == 0
            ? "the flush"
            : $"the {operation} of {FaultRule.Blocks(offset / BlockSize, Math.Max(1, length / BlockSize))}";
        var message = $"{Description}: rule {rule.Id} failed {what} with {Errno.Name(rule.Errno)} (injected)";
        Log.Debug("{0}{1}", message, rule.IsSpent ? "; the rule is spent and removed" : "");
        return new ErrnoException(rule.Errno, message);
    }
}
