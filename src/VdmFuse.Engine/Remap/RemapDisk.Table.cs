namespace VdmFuse.Engine.Remap;

// The in-memory table: an immutable snapshot the data path reads without a lock, and the working copy a change
// builds under the lock and commits (tables written, then the snapshot published).
public sealed partial class RemapDisk
{
    /// <summary>The entries sorted by bad block, with their block numbers for a binary search.</summary>
    private sealed class Snapshot
    {
        private readonly long[] _blocks;

        public Snapshot(IEnumerable<RemapEntry> entries)
        {
            Entries = [.. entries.OrderBy(e => e.BadBlock)];
            _blocks = [.. Entries.Select(e => e.BadBlock)];
        }

        public RemapEntry[] Entries { get; }

        /// <summary>Whether an entry lies in the 512-byte blocks [<paramref name="first"/>, <paramref name="end"/>).</summary>
        public bool Intersects(long first, long end)
        {
            if (_blocks.Length == 0)
            {
                return false;
            }
            var index = Array.BinarySearch(_blocks, first);
            if (index >= 0)
            {
                return true;
            }
            index = ~index;
            return index < _blocks.Length && _blocks[index] < end;
        }
    }

    /// <summary>A change to the table under the lock: entries by block, the remap-area blocks in use.</summary>
    private sealed class Work
    {
        private readonly RemapDisk _owner;
        private readonly SortedDictionary<long, RemapEntry> _entries = [];
        private readonly bool[] _used;
        private bool _changed;

        public Work(RemapDisk owner)
        {
            _owner = owner;
            _used = new bool[owner.AreaBlocks];
            foreach (var entry in Volatile.Read(ref owner._snapshot).Entries)
            {
                _entries[entry.BadBlock] = entry;
                if (entry.HoldsAreaBlock && entry.RemapIndex >= 0 && entry.RemapIndex < _used.Length)
                {
                    _used[entry.RemapIndex] = true;
                }
            }
        }

        public bool IsFull => _entries.Count >= _owner._tables.Capacity;

        public bool TryGet(long block, out RemapEntry entry) => _entries.TryGetValue(block, out entry);

        public bool Contains(long block) => _entries.ContainsKey(block);

        /// <summary>Adds a new entry; false when the table is full.</summary>
        public bool TryAdd(long block, long index, RemapEntryState state)
        {
            if (_entries.ContainsKey(block))
            {
                return Set(block, index, state);
            }
            if (IsFull)
            {
                return false;
            }
            return Set(block, index, state);
        }

        /// <summary>Sets the entry of <paramref name="block"/>, freeing the remap-area block it held.</summary>
        public bool Set(long block, long index, RemapEntryState state)
        {
            if (_entries.TryGetValue(block, out var old) && old.HoldsAreaBlock && old.RemapIndex != index)
            {
                Free(old);
            }
            _entries[block] = new RemapEntry(block, index, state);
            if (index >= 0)
            {
                _used[index] = true;
            }
            _changed = true;
            return true;
        }

        /// <summary>Removes the entry of <paramref name="block"/>, freeing its remap-area block.</summary>
        public void Remove(long block)
        {
            if (_entries.Remove(block, out var old))
            {
                if (old.HoldsAreaBlock)
                {
                    Free(old);
                }
                _changed = true;
            }
        }

        /// <summary>Frees the remap-area block <paramref name="old"/> held, unless it is listed as a bad remap.</summary>
        private void Free(RemapEntry old)
        {
            if (old.RemapIndex < 0 || old.RemapIndex >= _used.Length)
            {
                return;
            }
            var areaBlock = _owner.AreaBlockOnDisk(old.RemapIndex);
            if (old.BadBlock != areaBlock && _entries.TryGetValue(areaBlock, out var bad) && bad.State == RemapEntryState.BadRemap)
            {
                return;
            }
            _used[old.RemapIndex] = false;
        }

        /// <summary>Lists remap-area block <paramref name="index"/> as bad, mapped to itself (when the table has room).</summary>
        public void MarkBadRemap(long index)
        {
            _used[index] = true;
            TryAdd(_owner.AreaBlockOnDisk(index), index, RemapEntryState.BadRemap);
        }

        /// <summary>The lowest free remap-area block, marked used; -1 when the area is full.</summary>
        public long Allocate()
        {
            var index = Array.IndexOf(_used, false);
            if (index >= 0)
            {
                _used[index] = true;
            }
            return index;
        }

        /// <summary>Writes the tables and publishes the entries, when anything changed.</summary>
        /// <exception cref="VdmFuse.Native.ErrnoException">EIO: neither table took the update.</exception>
        public void Commit()
        {
            if (!_changed)
            {
                return;
            }
            var entries = _entries.Values.ToArray();
            _owner._tables.Save(entries);
            Volatile.Write(ref _owner._snapshot, new Snapshot(entries));
            _changed = false;
        }
    }

    /// <summary>The disk block (512-byte blocks) of remap-area block <paramref name="index"/>.</summary>
    private long AreaBlockOnDisk(long index) => Area.StartBlock + index * (UnitSize / BlockSize);
}
