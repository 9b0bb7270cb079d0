using VdmFuse.Native;

namespace VdmFuse.Engine.Remap;

// The framework commands of vdmremap(7): attributes, the role packet, and the subdriver commands
// list-remap-table, force-remap and recover-bad-block.
public sealed partial class RemapDisk
{
    /// <summary>list-remap-table: the subdriver command that lists one entry per call.</summary>
    public const string ListCommand = "list-remap-table";

    /// <summary>force-remap: the subdriver command that lists a known bad block as Forced.</summary>
    public const string ForceCommand = "force-remap";

    /// <summary>recover-bad-block: the subdriver command that moves a block's data back to it and drops its entry.</summary>
    public const string RecoverCommand = "recover-bad-block";

    /// <summary>
    /// The children by role and the table's figures: primary-table, secondary-table, remap-area (names and device
    /// numbers), disk, unit-size, area-blocks, free-area-blocks, table-blocks, table-capacity, entries, one count per
    /// state, primary-table-state and secondary-table-state ("in-use" or "failed"), sequence, partitions.
    /// </summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Attributes
    {
        get
        {
            var entries = Entries;
            return
            [
                new("primary-table", PrimaryTable.Name),
                new("primary-table-device-number", N(PrimaryTable.DeviceNumber)),
                new("secondary-table", SecondaryTable.Name),
                new("secondary-table-device-number", N(SecondaryTable.DeviceNumber)),
                new("remap-area", Area.Name),
                new("remap-area-device-number", N(Area.DeviceNumber)),
                new("disk", Disk.Name),
                new("unit-size", N(UnitSize)),
                new("area-blocks", N(AreaBlocks)),
                new("free-area-blocks", N(AreaBlocks - entries.Count(e => e.HoldsAreaBlock))),
                new("table-blocks", N(_tables.Header.TableBlocks)),
                new("table-capacity", N(_tables.Capacity)),
                new("entries", N(entries.Count)),
                .. Enum.GetValues<RemapEntryState>().Select(s => new KeyValuePair<string, string>(s.Keyword(), N(entries.Count(e => e.State == s)))),
                new("primary-table-state", _tables.PrimaryFailure is null ? "in-use" : "failed"),
                new("secondary-table-state", _tables.SecondaryFailure is null ? "in-use" : "failed"),
                new("sequence", N((long)_tables.Sequence)),
                new("partitions", string.Join(',', RemappedPartitions.Select(p => p.Name))),
            ];
        }
    }

    /// <summary>The role packet of a child: child-type primary-table, secondary-table or remap-area.</summary>
    public override IReadOnlyList<KeyValuePair<string, string>> ChildRole(ChildSlot child)
    {
        ArgumentNullException.ThrowIfNull(child);
        var role = child.Instance == PrimaryTable ? "primary-table"
            : child.Instance == SecondaryTable ? "secondary-table"
            : child.Instance == Area ? "remap-area"
            : null;
        return role is null ? [] : [new("child-type", role)];
    }

    /// <summary>A remap instance has no size and fixed children: nothing can be updated.</summary>
    /// <exception cref="ErrnoException">EINVAL, always.</exception>
    public override void UpdateAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        throw new ErrnoException(Errno.EINVAL,
            $"{Description} has no size and its partitions are fixed at creation: it cannot be expanded or shrunk, and has no updatable attributes");
    }

    /// <summary>
    /// list-remap-table {key}, force-remap {block}, recover-bad-block {block}: see <see cref="ListEntry"/>,
    /// <see cref="ForceRemap"/> and <see cref="RecoverBadBlock"/>.
    /// </summary>
    public override IReadOnlyList<KeyValuePair<string, string>> ExecuteSubdriverCommand(string command, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        switch (command)
        {
            case ListCommand:
                CheckFields(command, fields, "key");
                var key = fields.TryGetValue("key", out var text) ? ParseNumber("key", text) : 0;
                var (entry, next) = ListEntry(key > uint.MaxValue ? uint.MaxValue : (uint)key);
                return
                [
                    new("bad-block", N(entry.BadBlock)),
                    new("remap-index", N(entry.RemapIndex)),
                    new("status", entry.State.Keyword()),
                    new("key", N(next)),
                ];
            case ForceCommand:
                CheckFields(command, fields, "block");
                ForceRemap(RequiredBlock(command, fields));
                return [];
            case RecoverCommand:
                CheckFields(command, fields, "block");
                RecoverBadBlock(RequiredBlock(command, fields));
                return [];
            default:
                throw new ErrnoException(Errno.EINVAL,
                    $"subdriver remap has no command '{command}' (it has {ListCommand}, {ForceCommand}, {RecoverCommand})");
        }
    }

    /// <summary>
    /// The entry at <paramref name="key"/> (0 for the first) of the table sorted by bad block, and the key of the next.
    /// Entries added or removed between calls can shift the listing, as the page warns.
    /// </summary>
    /// <exception cref="ErrnoException">ENOENT: no more entries.</exception>
    public (RemapEntry Entry, uint NextKey) ListEntry(uint key)
    {
        var entries = Entries;
        if (key >= entries.Count)
        {
            throw new ErrnoException(Errno.ENOENT,
                $"{Description}: no more entries to list (the bad-block table has {entries.Count}{(key > 0 ? $", key {key}" : "")})");
        }
        return (entries[(int)key], key + 1);
    }

    /// <summary>
    /// Lists <paramref name="block"/> (512-byte blocks of the disk) as Forced: a known bad block that the next write
    /// maps to the remap area; reads still go to the block until then.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: outside the disk, not on a partition this instance remaps, not on a sector boundary, or already listed;
    /// ENOSPC: the table is full; EIO: no table took the update.
    /// </exception>
    public void ForceRemap(long block)
    {
        CheckRemappable(ForceCommand, block);
        lock (_update)
        {
            var work = new Work(this);
            if (work.TryGet(block, out var existing))
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"{Description}: block {block} of disk '{Disk.Name}' already has an entry in the bad-block table ({existing.State.DisplayName()})");
            }
            if (!work.TryAdd(block, RemapEntry.NoIndex, RemapEntryState.Forced))
            {
                throw new ErrnoException(Errno.ENOSPC, $"{Description}: the bad-block table is full ({_tables.Capacity} entries); block {block} cannot be listed");
            }
            work.Commit();
        }
        Log.Warn("remap instance '{0}': block {1} of disk '{2}' listed as bad by the operator (Forced); the next write remaps it", Name, block, Disk.Name);
    }

    /// <summary>
    /// Tries to bring <paramref name="block"/> back into use: its data (from the remap area when mapped, else from the
    /// block itself) is written to the block and read back; when both succeed the data stays there and the entry is
    /// removed. A bad remap-area block is tested the same way and returned to the free blocks.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// ENOENT: no entry for the block; EINVAL: a Pseudo entry (its contents are undetermined: write the block instead);
    /// EIO: the block is still bad (the entry stays), or no table took the update.
    /// </exception>
    public void RecoverBadBlock(long block)
    {
        lock (_update)
        {
            var work = new Work(this);
            if (!work.TryGet(block, out var entry))
            {
                throw new ErrnoException(Errno.ENOENT, $"{Description}: the bad-block table has no entry for block {block} of disk '{Disk.Name}'");
            }
            if (entry.State == RemapEntryState.Pseudo)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"{Description}: block {block} of disk '{Disk.Name}' is Pseudo: its contents are undetermined, so there is nothing to recover (write the block to map it)");
            }
            var buffer = AlignedBufferPool.Shared.Rent(2 * UnitSize);
            try
            {
                var data = buffer.Memory[..UnitSize];
                var check = buffer.Memory.Slice(UnitSize, UnitSize);
                var step = "reading its data";
                try
                {
                    switch (entry.State)
                    {
                        case RemapEntryState.Mapped:
                            SynchronousIo.Read(Area, entry.RemapIndex * UnitSize, data);
                            break;
                        case RemapEntryState.BadRemap:
                            data.Span.Clear();
                            break;
                        default:
                            SynchronousIo.Read(Disk, block * BlockSize, data);
                            break;
                    }
                    step = "writing it to the block";
                    SynchronousIo.Write(Disk, block * BlockSize, data);
                    SynchronousIo.Flush(Disk);
                    step = "reading it back";
                    SynchronousIo.Read(Disk, block * BlockSize, check);
                }
                catch (Exception e) when (e is ErrnoException)
                {
                    throw new ErrnoException(Errno.EIO,
                        $"{Description}: block {block} of disk '{Disk.Name}' is still bad ({step} failed: {e.Message}); its entry stays ({entry.State.DisplayName()}{(entry.RemapIndex >= 0 ? $", remap-area block {entry.RemapIndex}" : "")})");
                }
                if (!data.Span.SequenceEqual(check.Span))
                {
                    throw new ErrnoException(Errno.EIO,
                        $"{Description}: block {block} of disk '{Disk.Name}' is still bad (it read back different data); its entry stays ({entry.State.DisplayName()})");
                }
            }
            finally
            {
                AlignedBufferPool.Shared.Return(buffer);
            }
            work.Remove(block);
            work.Commit();
        }
        Log.Warn("remap instance '{0}': block {1} of disk '{2}' recovered: its data is back in place and its entry removed", Name, block, Disk.Name);
    }

    private void CheckRemappable(string command, long block)
    {
        var diskBlocks = Disk.Size / BlockSize;
        if (block < 0 || block >= diskBlocks)
        {
            throw new ErrnoException(Errno.EINVAL, $"{Description}: block {block} is outside disk '{Disk.Name}' (blocks 0-{diskBlocks - 1})");
        }
        var unitBlocks = UnitSize / BlockSize;
        if (block % unitBlocks != 0)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"{Description}: block {block} is not the first block of a {UnitSize}-byte sector of disk '{Disk.Name}' (use {block / unitBlocks * unitBlocks})");
        }
        if (!RemappedPartitions.Any(p => block >= p.StartBlock && block < p.StartBlock + p.SizeBlocks))
        {
            var partitions = RemappedPartitions;
            throw new ErrnoException(Errno.EINVAL,
                $"{Description}: block {block} of disk '{Disk.Name}' is not in a partition it remaps ({(partitions.Count == 0 ? "no partition is linked to it" : string.Join(", ", partitions.Select(p => $"'{p.Name}' blocks {p.StartBlock}-{p.StartBlock + p.SizeBlocks - 1}")))}); {command} refused");
        }
    }

    private long RequiredBlock(string command, IReadOnlyDictionary<string, string> fields)
        => fields.TryGetValue("block", out var text)
            ? ParseNumber("block", text)
            : throw new ErrnoException(Errno.EINVAL, $"{command} of {Description} needs block=N");

    private void CheckFields(string command, IReadOnlyDictionary<string, string> fields, params string[] allowed)
    {
        foreach (var key in fields.Keys)
        {
            if (!allowed.Contains(key))
            {
                throw new ErrnoException(Errno.EINVAL, $"{command} of {Description} takes no field '{key}' (it takes {string.Join(", ", allowed)})");
            }
        }
    }
}
