using System.Security.Cryptography;
using VdmFuse.Native;

namespace VdmFuse.Engine.Remap;

/// <summary>
/// The two copies of a remap instance's bad-block table, each on its own partition, kept identical. An update
/// writes the primary, flushes it, then writes and flushes the secondary; each carries a sequence number and a
/// checksum, so after a crash between or during the two writes the valid table with the higher sequence is
/// current and the other is rewritten from it. A table that fails a read or a write is set aside with one
/// operator line, and the instance carries on with the other. All I/O is synchronous
/// (<see cref="SynchronousIo"/>); callers serialise updates.
/// </summary>
public sealed class RemapTables
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly string _owner;
    private readonly Copy[] _copies;
    private ulong _sequence;

    private RemapTables(string owner, Copy primary, Copy secondary, RemapTableHeader header, ulong sequence)
    {
        _owner = owner;
        _copies = [primary, secondary];
        Header = header;
        _sequence = sequence;
    }

    /// <summary>
    /// A test hook: called with "between-tables" after the primary table of an update is written and flushed and
    /// before the secondary is written. The daemon kills itself there when VDMFUSE_CRASH_POINT names that point.
    /// </summary>
    public static Action<string>? CrashPoint { get; set; }

    /// <summary>The header the tables share (sequence aside): sizes, unit, set id.</summary>
    public RemapTableHeader Header { get; }

    /// <summary>The entries the table holds at most.</summary>
    public int Capacity => RemapTableFormat.CapacityOf(Header.TableBlocks);

    /// <summary>The sequence number of the last update.</summary>
    public ulong Sequence => Interlocked.Read(ref _sequence);

    /// <summary>The primary table's health: null when in use, else why it was set aside.</summary>
    public string? PrimaryFailure => _copies[0].Failure;

    /// <summary>The secondary table's health: null when in use, else why it was set aside.</summary>
    public string? SecondaryFailure => _copies[1].Failure;

    /// <summary>Whether at least one table is in use.</summary>
    public bool IsUsable => _copies.Any(c => c.Failure is null);

    /// <summary>
    /// Writes empty tables (sequence 1) on <paramref name="primary"/> and <paramref name="secondary"/> for a remap area
    /// of <paramref name="areaBlocks"/> units of <paramref name="unitSize"/> bytes, and flushes them. The caller has
    /// checked the sizes.
    /// </summary>
    /// <exception cref="ErrnoException">The error of a write, naming the table.</exception>
    public static void Format(string what, DiskInstance primary, DiskInstance secondary, int tableBlocks, int areaBlocks, int unitSize, long diskBlocks)
    {
        var setId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        foreach (var (table, role) in new[] { (primary, RemapTableRole.Primary), (secondary, RemapTableRole.Secondary) })
        {
            var header = new RemapTableHeader(role, setId, 1, tableBlocks, areaBlocks, unitSize, diskBlocks);
            WriteTable(what, table, header, []);
        }
    }

    /// <summary>
    /// Reads the two tables of <paramref name="owner"/>: the entries of the current one. A table that cannot be read,
    /// holds no valid table or is older is rewritten from the other (or set aside when that fails), with one line.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EIO: neither table can be read (a bad block in the tables); EINVAL: neither holds a valid table (not formatted),
    /// or they were not formatted together; the message names the partitions.
    /// </exception>
    public static (RemapTables Tables, RemapEntry[] Entries) Load(string owner, DiskInstance primary, DiskInstance secondary)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(secondary);
        var first = ReadTable(owner, primary, RemapTableRole.Primary);
        var second = ReadTable(owner, secondary, RemapTableRole.Secondary);
        if (first.Table is null && second.Table is null)
        {
            var errno = first.ReadError || second.ReadError ? Errno.EIO : Errno.EINVAL;
            throw new ErrnoException(errno,
                $"{owner}: no usable bad-block table: primary '{primary.Name}': {first.Why}; secondary '{secondary.Name}': {second.Why}" +
                (errno == Errno.EINVAL ? " (format the tables with remap-format)" : ""));
        }
        if (first.Table is { } p && second.Table is { } s && p.Header.SetId != s.Header.SetId)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"{owner}: tables '{primary.Name}' and '{secondary.Name}' were not formatted together (format them with one remap-format)");
        }
        var current = (first.Table, second.Table) switch
        {
            ({ } a, { } b) => a.Header.Sequence >= b.Header.Sequence ? a : b,
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => throw new InvalidOperationException(),
        };
        var shared = current.Header with { Role = RemapTableRole.Primary };
        var tables = new RemapTables(owner, new Copy(primary, RemapTableRole.Primary), new Copy(secondary, RemapTableRole.Secondary), shared, current.Header.Sequence);
        foreach (var (read, copy) in new[] { (first, tables._copies[0]), (second, tables._copies[1]) })
        {
            if (read.Table is { } table && table.Header.Sequence == current.Header.Sequence)
            {
                continue;
            }
            var reason = read.Table is null ? read.Why! : $"it is older (update {read.Table.Value.Header.Sequence} of {current.Header.Sequence}), as after a crash between the two table writes";
            try
            {
                WriteTable(owner, copy.Instance, shared with { Role = copy.Role, Sequence = current.Header.Sequence }, current.Entries);
                Log.Warn("{0}: {1} table '{2}' rewritten from the other: {3}", owner, copy.RoleName, copy.Instance.Name, reason);
            }
            catch (Exception e) when (e is ErrnoException or ObjectDisposedException)
            {
                copy.Failure = $"{reason}; rewriting it failed: {e.Message}";
                Log.Error("{0}: {1} table '{2}' is unusable ({3}); carrying on with the other table", owner, copy.RoleName, copy.Instance.Name, copy.Failure);
            }
        }
        return (tables, current.Entries);
    }

    /// <summary>
    /// Writes <paramref name="entries"/> (sorted by bad block) to both tables as the next update: primary first,
    /// then secondary, each flushed. A table whose write fails is set aside with one operator line.
    /// </summary>
    /// <exception cref="ErrnoException">EIO: no table took the update (the caller must not acknowledge what depends on it).</exception>
    public void Save(IReadOnlyList<RemapEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var sequence = Sequence + 1;
        var written = 0;
        var errors = new List<string>();
        foreach (var copy in _copies)
        {
            if (copy.Failure is not null)
            {
                errors.Add($"{copy.RoleName} table '{copy.Instance.Name}' was set aside earlier ({copy.Failure})");
                continue;
            }
            try
            {
                WriteTable(_owner, copy.Instance, Header with { Role = copy.Role, Sequence = sequence }, entries);
                written++;
            }
            catch (Exception e) when (e is ErrnoException or ObjectDisposedException)
            {
                copy.Failure = e.Message;
                errors.Add($"{copy.RoleName} table '{copy.Instance.Name}': {e.Message}");
                Log.Error("{0}: {1} table '{2}' failed ({3}); carrying on with the other table", _owner, copy.RoleName, copy.Instance.Name, e.Message);
            }
            if (copy.Role == RemapTableRole.Primary)
            {
                CrashPoint?.Invoke("between-tables");
            }
        }
        if (written == 0)
        {
            throw new ErrnoException(Errno.EIO, $"{_owner}: the bad-block tables could not be updated: {string.Join("; ", errors)}");
        }
        Interlocked.Exchange(ref _sequence, sequence);
    }

    private static void WriteTable(string owner, DiskInstance table, RemapTableHeader header, IReadOnlyList<RemapEntry> entries)
    {
        var length = RemapTableFormat.BytesFor(entries.Count, table.SectorSize);
        var buffer = AlignedBufferPool.Shared.Rent(length);
        try
        {
            RemapTableFormat.Encode(header, entries, buffer.GetSpan()[..length]);
            SynchronousIo.Write(table, 0, buffer.Memory[..length]);
            SynchronousIo.Flush(table);
        }
        catch (ErrnoException e)
        {
            throw new ErrnoException(e.Errno, $"writing the {(header.Role == RemapTableRole.Primary ? "primary" : "secondary")} bad-block table of {owner} on '{table.Name}' failed: {e.Message}");
        }
        finally
        {
            AlignedBufferPool.Shared.Return(buffer);
        }
    }

    private static TableRead ReadTable(string owner, DiskInstance table, RemapTableRole role)
    {
        var unit = Math.Max(RemapTableFormat.BlockSize, table.SectorSize);
        var length = unit;
        while (true)
        {
            if (length > table.Size)
            {
                return new TableRead(null, false, $"it is {table.Size} bytes, too small for its table");
            }
            var buffer = AlignedBufferPool.Shared.Rent(length);
            try
            {
                try
                {
                    SynchronousIo.Read(table, 0, buffer.Memory[..length]);
                }
                catch (Exception e) when (e is ErrnoException or ObjectDisposedException)
                {
                    Log.Error("{0}: reading the {1} bad-block table '{2}' failed: {3}", owner, role == RemapTableRole.Primary ? "primary" : "secondary", table.Name, e.Message);
                    return new TableRead(null, true, $"reading it failed ({e.Message})");
                }
                var decoded = RemapTableFormat.Decode(buffer.GetSpan()[..length], out var needed, out var why);
                if (needed > 0)
                {
                    length = (needed + unit - 1) / unit * unit;
                    continue;
                }
                if (decoded is { } table2 && table2.Header.Role != role)
                {
                    return new TableRead(null, false, $"it was formatted as the {(table2.Header.Role == RemapTableRole.Primary ? "primary" : "secondary")} table");
                }
                return decoded is { } found ? new TableRead(found, false, null) : new TableRead(null, false, why);
            }
            finally
            {
                AlignedBufferPool.Shared.Return(buffer);
            }
        }
    }

    private readonly record struct TableRead((RemapTableHeader Header, RemapEntry[] Entries)? Table, bool ReadError, string? Why);

    private sealed class Copy(DiskInstance instance, RemapTableRole role)
    {
        public DiskInstance Instance { get; } = instance;

        public RemapTableRole Role { get; } = role;

        public string RoleName => Role == RemapTableRole.Primary ? "primary" : "secondary";

        public string? Failure { get; set; }
    }
}
