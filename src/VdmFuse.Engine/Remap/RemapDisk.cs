using System.Globalization;
using VdmFuse.Native;

namespace VdmFuse.Engine.Remap;

/// <summary>
/// A bad-block remap instance (subdriver <c>remap</c>, vdmremap(7)): three partitions of one disk in the roles of
/// primary bad-block table, secondary bad-block table and remap area. Linked as the extra child of a partition of
/// that disk, it takes the partition's I/O: a write that fails on a block is redirected to the next free block of
/// the remap area and the block entered as bad in both tables; a read that fails returns EIO and enters the block
/// as unmapped, so that the next write remaps it.
/// </summary>
/// <remarks>
/// <para>
/// The instance has no size and does no I/O of its own: it is not exported and answers neither DSKIOCGET nor
/// DSKIOCUSAGE. Its children are fixed at creation; the tables must have been formatted by
/// <see cref="Format"/> (remap-format) for exactly the remap area given.
/// </para>
/// <para>
/// I/O that touches no listed block goes straight to the disk, asynchronously: the check is one volatile read and a
/// binary search. A failed I/O, and I/O that touches a listed block, is done synchronously under the instance's
/// lock, block by block where it must be (<see cref="SynchronousIo"/>), so it never waits for the loop thread; the
/// tables are written before the I/O is acknowledged. Block numbers are 512-byte blocks of the disk; the remap
/// unit is the disk's sector size, and remap-area indices count units.
/// </para>
/// </remarks>
public sealed partial class RemapDisk : DiskInstance
{
    /// <summary>The unit of block numbers.</summary>
    public const int BlockSize = 512;

    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly Lock _update = new();
    private RemapTables _tables;
    private Snapshot _snapshot;

    /// <summary>
    /// Creates the remap instance of the disk that <paramref name="primary"/>, <paramref name="secondary"/> and
    /// <paramref name="area"/> are partitions of, and reads its tables.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: a child that is not a partition of the same disk, overlapping children, tables of different sizes or
    /// too small for the area, tables not formatted (or formatted for another area); EBUSY: the disk or a child
    /// already belongs to a remap instance; EIO: neither table can be read.
    /// </exception>
    public RemapDisk(string name, DiskInstance primary, DiskInstance secondary, DiskInstance area)
        : base(name, [primary, secondary, area])
    {
        var layout = Layout.Check($"remap instance '{name}'", primary, secondary, area, forFormat: false);
        PrimaryTable = layout.Primary;
        SecondaryTable = layout.Secondary;
        Area = layout.Area;
        Disk = layout.Disk;
        UnitSize = layout.UnitSize;
        AreaBlocks = layout.AreaUnits;
        var (tables, entries) = RemapTables.Load($"remap instance '{name}'", PrimaryTable, SecondaryTable);
        var header = tables.Header;
        if (header.AreaBlocks != AreaBlocks || header.UnitSize != UnitSize)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"remap instance '{name}': the tables were formatted for a remap area of {header.AreaBlocks} blocks of {header.UnitSize} bytes; " +
                $"'{Area.Name}' has {AreaBlocks} blocks of {UnitSize} bytes (the sizes of the tables and the remap area do not match)");
        }
        if (header.TableBlocks != layout.TableBlocks)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"remap instance '{name}': the tables were formatted as {header.TableBlocks} blocks; '{PrimaryTable.Name}' and '{SecondaryTable.Name}' are {layout.TableBlocks}");
        }
        _tables = tables;
        _snapshot = new Snapshot(entries);
        foreach (var child in new DiskInstance[] { primary, secondary, area })
        {
            child.AttachParent(this);
        }
        Log.Info("remap instance '{0}' on disk '{1}': {2} table entries, {3} of {4} remap-area blocks in use", name, Disk.Name, entries.Length,
            entries.Count(e => e.HoldsAreaBlock), AreaBlocks);
    }

    /// <summary>The partition of the primary bad-block table.</summary>
    public PartitionDisk PrimaryTable { get; }

    /// <summary>The partition of the secondary bad-block table.</summary>
    public PartitionDisk SecondaryTable { get; }

    /// <summary>The partition of the remap area.</summary>
    public PartitionDisk Area { get; }

    /// <summary>The disk the three partitions (and every partition this instance remaps) are on.</summary>
    public DiskInstance Disk { get; }

    /// <summary>The remap unit in bytes: the disk's sector size.</summary>
    public int UnitSize { get; }

    /// <summary>The blocks of the remap area, in remap units.</summary>
    public int AreaBlocks { get; }

    /// <summary>The tables.</summary>
    public RemapTables Tables => Volatile.Read(ref _tables);

    /// <summary>The entries of the bad-block table, sorted by bad block (a snapshot).</summary>
    public IReadOnlyList<RemapEntry> Entries => Volatile.Read(ref _snapshot).Entries;

    /// <summary>Remap-area blocks not yet used by a mapped block or listed as bad.</summary>
    public int FreeAreaBlocks => AreaBlocks - Entries.Count(e => e.HoldsAreaBlock);

    /// <summary>The partitions this instance remaps: the partitions it is linked under.</summary>
    public IReadOnlyList<PartitionDisk> RemappedPartitions => [.. Parents.OfType<PartitionDisk>().Where(p => p.Remap == this)];

    /// <inheritdoc/>
    public override string Subdriver => "remap";

    /// <summary>A remap instance has no size.</summary>
    public override long Size => 0;

    /// <inheritdoc/>
    public override int SectorSize => UnitSize;

    /// <summary>Mapped blocks in the whole table.</summary>
    public override long RemappedBlocks => Entries.Count(e => e.State == RemapEntryState.Mapped);

    /// <summary>Usable while its three partitions are and at least one table is in use.</summary>
    public override bool IsUsable => _tables.IsUsable && PrimaryTable.IsUsable && SecondaryTable.IsUsable && Area.IsUsable;

    /// <inheritdoc/>
    public override string State => IsUsable
        ? _tables.PrimaryFailure is not null ? "usable (primary table failed)" : _tables.SecondaryFailure is not null ? "usable (secondary table failed)" : "usable"
        : "unusable";

    /// <summary>Mapped blocks of the table inside [<paramref name="firstBlock"/>, <paramref name="firstBlock"/> + <paramref name="blocks"/>).</summary>
    public long MappedBlocksIn(long firstBlock, long blocks)
        => Entries.Count(e => e.State == RemapEntryState.Mapped && e.BadBlock >= firstBlock && e.BadBlock < firstBlock + blocks);

    /// <summary>
    /// Formats <paramref name="primary"/> and <paramref name="secondary"/> as empty bad-block tables for the remap
    /// area <paramref name="area"/> (admpdisk(1M)'s role): the step a remap instance needs before it can be created.
    /// </summary>
    /// <param name="primary">The primary table's partition.</param>
    /// <param name="secondary">The secondary table's partition.</param>
    /// <param name="area">The remap area's partition.</param>
    /// <param name="force">Format even over tables that list bad blocks (their entries are lost).</param>
    /// <returns>The entries each table holds (its capacity).</returns>
    /// <exception cref="ErrnoException">
    /// EINVAL: the checks of the constructor (partitions of one disk, not overlapping, tables of the same size and big
    /// enough for the area); EBUSY: a partition belongs to a remap instance; EEXIST: a table lists bad blocks and
    /// <paramref name="force"/> is not set; the error of a write.
    /// </exception>
    public static int Format(DiskInstance primary, DiskInstance secondary, DiskInstance area, bool force)
    {
        var layout = Layout.Check("remap-format", primary, secondary, area, forFormat: true);
        if (!force)
        {
            try
            {
                var (_, entries) = RemapTables.Load("remap-format", layout.Primary, layout.Secondary);
                if (entries.Length > 0)
                {
                    throw new ErrnoException(Errno.EEXIST,
                        $"tables '{primary.Name}' and '{secondary.Name}' list {entries.Length} bad blocks of disk '{layout.Disk.Name}'; formatting would lose them (give force=1 to format anyway)");
                }
            }
            catch (ErrnoException e) when (e.Errno is Errno.EINVAL or Errno.EIO)
            {
                // No valid table to lose.
            }
        }
        RemapTables.Format($"remap-format of '{primary.Name}', '{secondary.Name}'", layout.Primary, layout.Secondary, layout.TableBlocks, layout.AreaUnits,
            layout.UnitSize, layout.Disk.Size / BlockSize);
        var capacity = RemapTableFormat.CapacityOf(layout.TableBlocks);
        Log.Info("formatted bad-block tables '{0}' and '{1}' for remap area '{2}' ({3} blocks) on disk '{4}': {5} entries each",
            primary.Name, secondary.Name, area.Name, layout.AreaUnits, layout.Disk.Name, capacity);
        return capacity;
    }

    /// <summary>
    /// Refuses to remap <paramref name="partition"/> (a partition of another disk, one of this instance's own
    /// partitions, or a window that overlaps them).
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL naming both instances.</exception>
    internal void CheckCanRemap(PartitionDisk partition, long startBlock, long sizeBlocks)
    {
        if (partition.Child != Disk)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"remap instance '{Name}' remaps disk '{Disk.Name}'; partition '{partition.Name}' is on '{partition.Child.Name}' (link the remap instance of that disk)");
        }
        if (partition == PrimaryTable || partition == SecondaryTable || partition == Area)
        {
            throw new ErrnoException(Errno.EINVAL, $"partition '{partition.Name}' is a child of remap instance '{Name}' and cannot be remapped by it");
        }
        foreach (var own in new[] { PrimaryTable, SecondaryTable, Area })
        {
            if (startBlock < own.StartBlock + own.SizeBlocks && own.StartBlock < startBlock + sizeBlocks)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"partition '{partition.Name}' (blocks {startBlock}-{startBlock + sizeBlocks - 1}) overlaps '{own.Name}' (blocks {own.StartBlock}-{own.StartBlock + own.SizeBlocks - 1}) of remap instance '{Name}'");
            }
        }
    }

    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer)
        => ValueTask.FromException(new ErrnoException(Errno.ENXIO, $"{this} has no size and does no I/O of its own"));

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer)
        => ValueTask.FromException(new ErrnoException(Errno.ENXIO, $"{this} has no size and does no I/O of its own"));

    /// <inheritdoc/>
    protected override ValueTask FlushCoreAsync() => Disk.FlushAsync();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            PrimaryTable.DetachParent(this);
            SecondaryTable.DetachParent(this);
            Area.DetachParent(this);
        }
        base.Dispose(disposing);
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The checked children of a remap instance.</summary>
    private sealed record Layout(PartitionDisk Primary, PartitionDisk Secondary, PartitionDisk Area, DiskInstance Disk, int UnitSize, int AreaUnits, int TableBlocks)
    {
        public static Layout Check(string what, DiskInstance primary, DiskInstance secondary, DiskInstance area, bool forFormat)
        {
            ArgumentNullException.ThrowIfNull(primary);
            ArgumentNullException.ThrowIfNull(secondary);
            ArgumentNullException.ThrowIfNull(area);
            var roles = new (DiskInstance Instance, string Role)[] { (primary, "primary table"), (secondary, "secondary table"), (area, "remap area") };
            foreach (var (instance, role) in roles)
            {
                if (instance is not PartitionDisk)
                {
                    throw new ErrnoException(Errno.EINVAL, $"{what}: the {role} must be a partition; '{instance.Name}' is a {instance.Subdriver} instance");
                }
            }
            if (primary == secondary || primary == area || secondary == area)
            {
                throw new ErrnoException(Errno.EINVAL, $"{what}: the primary table, secondary table and remap area must be three different partitions");
            }
            var p = (PartitionDisk)primary;
            var s = (PartitionDisk)secondary;
            var a = (PartitionDisk)area;
            var disk = p.Child;
            if (s.Child != disk || a.Child != disk)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"{what}: the three partitions must be on one disk; '{p.Name}' is on '{p.Child.Name}', '{s.Name}' on '{s.Child.Name}', '{a.Name}' on '{a.Child.Name}'");
            }
            if (disk.Subdriver is "mirror" or "remap")
            {
                throw new ErrnoException(Errno.EINVAL, $"{what}: bad-block remapping works on a disk, not on {disk.Description}");
            }
            for (var i = 0; i < 3; i++)
            {
                for (var j = i + 1; j < 3; j++)
                {
                    var x = (PartitionDisk)roles[i].Instance;
                    var y = (PartitionDisk)roles[j].Instance;
                    if (x.StartBlock < y.StartBlock + y.SizeBlocks && y.StartBlock < x.StartBlock + x.SizeBlocks)
                    {
                        throw new ErrnoException(Errno.EINVAL, $"{what}: the {roles[i].Role} '{x.Name}' and the {roles[j].Role} '{y.Name}' overlap on disk '{disk.Name}'");
                    }
                }
            }
            foreach (var (instance, role) in roles)
            {
                if (instance.Parents.OfType<RemapDisk>().FirstOrDefault() is { } owner)
                {
                    throw new ErrnoException(Errno.EBUSY, $"{what}: '{instance.Name}' is already a child of remap instance '{owner.Name}'");
                }
            }
            if (!forFormat && disk.Parents.SelectMany(q => q.Parents).OfType<RemapDisk>().FirstOrDefault() is { } other)
            {
                throw new ErrnoException(Errno.EBUSY, $"{what}: disk '{disk.Name}' already has remap instance '{other.Name}' (one per disk)");
            }
            if (p.SizeBlocks != s.SizeBlocks)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"{what}: the two tables must be the same size; '{p.Name}' is {p.SizeBlocks} blocks and '{s.Name}' is {s.SizeBlocks}");
            }
            var unit = Math.Max(BlockSize, disk.SectorSize);
            var areaUnits = a.Size / unit;
            var tableBlocks = p.SizeBlocks;
            if (tableBlocks > RemapTableFormat.MaxTableBlocks)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"{what}: table '{p.Name}' is {tableBlocks} blocks; a bad-block table is at most {RemapTableFormat.MaxTableBlocks} blocks ({RemapTableFormat.MaxEntries} entries)");
            }
            var capacity = RemapTableFormat.CapacityOf(tableBlocks);
            if (areaUnits > capacity)
            {
                var needed = (RemapTableFormat.HeaderSize + areaUnits * RemapTableFormat.EntrySize + BlockSize - 1) / BlockSize;
                throw new ErrnoException(Errno.EINVAL,
                    $"{what}: the sizes of the tables and the remap area do not match: tables of {tableBlocks} blocks hold {capacity} entries, " +
                    $"remap area '{a.Name}' has {areaUnits} blocks (tables need at least {needed} blocks, or the area at most {capacity} blocks)");
            }
            return new Layout(p, s, a, disk, unit, (int)areaUnits, (int)tableBlocks);
        }
    }
}
