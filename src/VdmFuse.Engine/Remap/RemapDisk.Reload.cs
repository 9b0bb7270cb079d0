using VdmFuse.Native;

namespace VdmFuse.Engine.Remap;

// DKIOCADDBAD (dkio(7)): re-examine the tables after something other than this instance changed them.
public sealed partial class RemapDisk
{
    /// <summary>
    /// Re-reads both bad-block tables from disk and makes their entries the instance's table (DKIOCADDBAD), for
    /// tables changed by another writer. Runs under the instance's lock, as an update does, synchronously
    /// (<see cref="SynchronousIo"/>); a table that is unreadable, invalid or older is rewritten from the other or set
    /// aside, as at creation (<see cref="RemapTables.Load"/>). On an error the table in use is unchanged.
    /// </summary>
    /// <returns>The number of entries the table holds now.</returns>
    /// <exception cref="ErrnoException">
    /// EIO: neither table can be read; EINVAL: neither holds a valid table, they were not formatted together, or they
    /// were formatted for another remap area.
    /// </exception>
    public int ReloadTables()
    {
        var owner = $"remap instance '{Name}'";
        int before;
        RemapEntry[] entries;
        lock (_update)
        {
            before = Volatile.Read(ref _snapshot).Entries.Length;
            var (tables, loaded) = RemapTables.Load(owner, PrimaryTable, SecondaryTable);
            var header = tables.Header;
            if (header.AreaBlocks != AreaBlocks || header.UnitSize != UnitSize || header.TableBlocks != _tables.Header.TableBlocks)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"{owner}: the tables now on '{PrimaryTable.Name}' and '{SecondaryTable.Name}' were formatted for a remap area of {header.AreaBlocks} blocks " +
                    $"of {header.UnitSize} bytes in tables of {header.TableBlocks} blocks, not for '{Area.Name}' ({AreaBlocks} blocks of {UnitSize} bytes); the table in use is kept");
            }
            entries = loaded;
            Volatile.Write(ref _tables, tables);
            Volatile.Write(ref _snapshot, new Snapshot(entries));
        }
        Log.Info("remap instance '{0}' on disk '{1}': bad-block tables re-read: {2} entries (were {3}), {4} of {5} remap-area blocks in use",
            Name, Disk.Name, entries.Length, before, entries.Count(e => e.HoldsAreaBlock), AreaBlocks);
        return entries.Length;
    }
}
