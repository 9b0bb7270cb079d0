using System.Runtime.CompilerServices;
using VdmFuse.Native;

namespace VdmFuse.Engine.Remap;

// The data path of a remapped partition: the fast path straight to the disk, and the synchronous slow path that
// remaps, under the instance's lock.
public sealed partial class RemapDisk
{
    private const int EBADMSG = 74;
    private const int EILSEQ = 84;

    /// <summary>Whether <paramref name="error"/> is a media error of the disk (a bad block), which remapping handles.</summary>
    public static bool IsMediaError(Exception error) => error is ErrnoException { Errno: Errno.EIO or Errno.ENODATA or EBADMSG or EILSEQ };

    /// <summary>
    /// Reads <paramref name="buffer"/> at byte <paramref name="diskOffset"/> of <see cref="Disk"/> for a remapped
    /// partition: mapped blocks from the remap area, the others from their places. A block whose read fails is
    /// entered as unmapped and the read fails with EIO.
    /// </summary>
    internal ValueTask ReadRemappedAsync(long diskOffset, Memory<byte> buffer)
    {
        if (Volatile.Read(ref _snapshot).Intersects(diskOffset / BlockSize, (diskOffset + buffer.Length) / BlockSize))
        {
            return RunSlow(() => ReadSlow(diskOffset, buffer));
        }
        ValueTask pending;
        try
        {
            pending = Disk.ReadAsync(diskOffset, buffer);
        }
        catch (Exception e) when (IsMediaError(e))
        {
            return RunSlow(() => ReadSlow(diskOffset, buffer));
        }
        return pending.IsCompletedSuccessfully ? pending : AwaitReadAsync(pending, diskOffset, buffer);
    }

    /// <summary>
    /// Writes <paramref name="buffer"/> at byte <paramref name="diskOffset"/> of <see cref="Disk"/> for a remapped
    /// partition: mapped blocks to the remap area, the others to their places; a block whose write fails is
    /// remapped, and the write succeeds once every block is on disk and the tables say where.
    /// </summary>
    internal ValueTask WriteRemappedAsync(long diskOffset, ReadOnlyMemory<byte> buffer)
    {
        if (Volatile.Read(ref _snapshot).Intersects(diskOffset / BlockSize, (diskOffset + buffer.Length) / BlockSize))
        {
            return RunSlow(() => WriteSlow(diskOffset, buffer));
        }
        ValueTask pending;
        try
        {
            pending = Disk.WriteAsync(diskOffset, buffer);
        }
        catch (Exception e) when (IsMediaError(e))
        {
            return RunSlow(() => WriteSlow(diskOffset, buffer));
        }
        return pending.IsCompletedSuccessfully ? pending : AwaitWriteAsync(pending, diskOffset, buffer);
    }

    private static ValueTask RunSlow(Action slow)
    {
        try
        {
            slow();
            return ValueTask.CompletedTask;
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitReadAsync(ValueTask pending, long diskOffset, Memory<byte> buffer)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (IsMediaError(e))
        {
            ReadSlow(diskOffset, buffer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitWriteAsync(ValueTask pending, long diskOffset, ReadOnlyMemory<byte> buffer)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (IsMediaError(e))
        {
            WriteSlow(diskOffset, buffer);
        }
    }

    /// <summary>The read of a range that touches listed blocks or failed: unit by unit where it must be.</summary>
    private void ReadSlow(long diskOffset, Memory<byte> buffer)
    {
        lock (_update)
        {
            var work = new Work(this);
            var lost = new List<(long Block, string Why)>();
            var pos = 0;
            while (pos < buffer.Length)
            {
                var block = (diskOffset + pos) / BlockSize;
                if (work.TryGet(block, out var entry))
                {
                    var unit = buffer.Slice(pos, UnitSize);
                    switch (entry.State)
                    {
                        case RemapEntryState.Mapped:
                            try
                            {
                                SynchronousIo.Read(Area, entry.RemapIndex * UnitSize, unit);
                            }
                            catch (Exception e) when (IsMediaError(e))
                            {
                                work.MarkBadRemap(entry.RemapIndex);
                                work.Set(block, RemapEntry.NoIndex, RemapEntryState.Pseudo);
                                Log.Error("remap instance '{0}': remap-area block {1} of '{2}' holding block {3} of disk '{4}' failed a read ({5}): the block's data is lost; it is now Pseudo and the next write remaps it",
                                    Name, entry.RemapIndex, Area.Name, block, Disk.Name, e.Message);
                                lost.Add((block, $"its remap-area block {entry.RemapIndex} failed a read ({e.Message})"));
                            }
                            break;
                        case RemapEntryState.Pseudo:
                            unit.Span.Clear();
                            lost.Add((block, "it is listed as Pseudo: its contents are undetermined until the next write"));
                            break;
                        default:
                            try
                            {
                                SynchronousIo.Read(Disk, block * BlockSize, unit);
                            }
                            catch (Exception e) when (IsMediaError(e))
                            {
                                lost.Add((block, $"it is listed as {entry.State.DisplayName()} and its read failed again ({e.Message})"));
                            }
                            break;
                    }
                    pos += UnitSize;
                    continue;
                }
                var end = RunEnd(work, diskOffset, pos, buffer.Length);
                var bad = new List<(long Offset, string Why)>();
                ReadBisect(diskOffset + pos, buffer[pos..end], bad);
                foreach (var (offset, why) in bad)
                {
                    var badBlock = offset / BlockSize;
                    if (work.TryAdd(badBlock, RemapEntry.NoIndex, RemapEntryState.Unmapped))
                    {
                        Log.Error("remap instance '{0}': read of block {1} of disk '{2}' failed ({3}): its data is lost; entered as Unmapped, the next write remaps it",
                            Name, badBlock, Disk.Name, why);
                        lost.Add((badBlock, $"its read failed ({why}); it is entered as Unmapped and the next write remaps it"));
                    }
                    else
                    {
                        Log.Error("remap instance '{0}': read of block {1} of disk '{2}' failed ({3}) and the bad-block table is full ({4} entries): the block is not listed",
                            Name, badBlock, Disk.Name, why, _tables.Capacity);
                        lost.Add((badBlock, $"its read failed ({why}) and the bad-block table is full"));
                    }
                }
                pos = end;
            }
            work.Commit();
            if (lost.Count > 0)
            {
                var (first, firstWhy) = lost[0];
                throw new ErrnoException(Errno.EIO,
                    $"read of block {first} of disk '{Disk.Name}' (remap instance '{Name}') failed and its data is lost: {firstWhy}" +
                    (lost.Count > 1 ? $"; {lost.Count - 1} more blocks of this read are lost" : ""));
            }
        }
    }

    /// <summary>The write of a range that touches listed blocks or failed: bad units go to the remap area.</summary>
    private void WriteSlow(long diskOffset, ReadOnlyMemory<byte> buffer)
    {
        lock (_update)
        {
            var work = new Work(this);
            ErrnoException? refusal = null;
            var pos = 0;
            while (pos < buffer.Length)
            {
                var block = (diskOffset + pos) / BlockSize;
                if (work.TryGet(block, out var entry))
                {
                    refusal ??= WriteToArea(work, block, entry, buffer.Slice(pos, UnitSize), null);
                    pos += UnitSize;
                    continue;
                }
                var end = RunEnd(work, diskOffset, pos, buffer.Length);
                var bad = new List<(long Offset, string Why)>();
                WriteBisect(diskOffset + pos, buffer[pos..end], bad);
                foreach (var (offset, why) in bad)
                {
                    refusal ??= WriteToArea(work, offset / BlockSize, null, buffer.Slice((int)(offset - diskOffset), UnitSize), why);
                }
                pos = end;
            }
            work.Commit();
            if (refusal is not null)
            {
                throw refusal;
            }
        }
    }

    /// <summary>
    /// Writes one unit of data for <paramref name="block"/> into the remap area: to its mapped block, or to the next
    /// free one (listing remap-area blocks that fail as bad remaps). Returns the error that stops the write (ENOSPC),
    /// or null.
    /// </summary>
    private ErrnoException? WriteToArea(Work work, long block, RemapEntry? existing, ReadOnlyMemory<byte> data, string? cause)
    {
        var index = existing is { State: RemapEntryState.Mapped } mapped ? mapped.RemapIndex : -1;
        while (true)
        {
            if (index < 0)
            {
                index = work.Allocate();
                if (index < 0)
                {
                    var state = existing is { State: RemapEntryState.Forced } ? RemapEntryState.Forced : RemapEntryState.Unmapped;
                    var listed = existing is not null ? work.Set(block, RemapEntry.NoIndex, state) : work.TryAdd(block, RemapEntry.NoIndex, state);
                    var message = work.IsFull && !listed
                        ? $"block {block} of disk '{Disk.Name}' could not be remapped: the bad-block table of remap instance '{Name}' is full ({_tables.Capacity} entries)"
                        : $"block {block} of disk '{Disk.Name}' could not be remapped: the remap area '{Area.Name}' of remap instance '{Name}' is full (all {AreaBlocks} blocks used)";
                    Log.Error("{0}", message);
                    return new ErrnoException(Errno.ENOSPC, message);
                }
            }
            try
            {
                SynchronousIo.Write(Area, index * UnitSize, data);
            }
            catch (Exception e) when (IsMediaError(e))
            {
                Log.Error("remap instance '{0}': remap-area block {1} of '{2}' failed a write ({3}): listed as a bad remap and never used again", Name, index, Area.Name, e.Message);
                work.MarkBadRemap(index);
                index = -1;
                continue;
            }
            if (existing is { State: RemapEntryState.Mapped } old && old.RemapIndex == index)
            {
                return null;
            }
            if (existing is null && !work.TryAdd(block, index, RemapEntryState.Mapped))
            {
                var message = $"block {block} of disk '{Disk.Name}' could not be remapped: the bad-block table of remap instance '{Name}' is full ({_tables.Capacity} entries)";
                Log.Error("{0}", message);
                return new ErrnoException(Errno.ENOSPC, message);
            }
            if (existing is not null)
            {
                work.Set(block, index, RemapEntryState.Mapped);
            }
            Log.Warn("remap instance '{0}': bad block {1} on disk '{2}' remapped to block {3} of remap area '{4}' ({5})", Name, block, Disk.Name, index, Area.Name,
                cause is not null ? $"write failed: {cause}" : existing is { } was ? $"it was {was.State.DisplayName()}" : "write failed");
            return null;
        }
    }

    /// <summary>The end (exclusive, relative to the request) of the run of unlisted units that starts at <paramref name="pos"/>.</summary>
    private int RunEnd(Work work, long diskOffset, int pos, int length)
    {
        var end = pos + UnitSize;
        while (end < length && !work.Contains((diskOffset + end) / BlockSize))
        {
            end += UnitSize;
        }
        return end;
    }

    /// <summary>Reads a range, splitting it in halves while it fails, down to single units; collects the units that fail.</summary>
    private void ReadBisect(long diskOffset, Memory<byte> buffer, List<(long Offset, string Why)> bad)
    {
        try
        {
            SynchronousIo.Read(Disk, diskOffset, buffer);
        }
        catch (Exception e) when (IsMediaError(e))
        {
            if (buffer.Length == UnitSize)
            {
                bad.Add((diskOffset, e.Message));
                return;
            }
            var half = buffer.Length / UnitSize / 2 * UnitSize;
            ReadBisect(diskOffset, buffer[..half], bad);
            ReadBisect(diskOffset + half, buffer[half..], bad);
        }
    }

    /// <summary>Writes a range, splitting it in halves while it fails, down to single units; collects the units that fail.</summary>
    private void WriteBisect(long diskOffset, ReadOnlyMemory<byte> buffer, List<(long Offset, string Why)> bad)
    {
        try
        {
            SynchronousIo.Write(Disk, diskOffset, buffer);
        }
        catch (Exception e) when (IsMediaError(e))
        {
            if (buffer.Length == UnitSize)
            {
                bad.Add((diskOffset, e.Message));
                return;
            }
            var half = buffer.Length / UnitSize / 2 * UnitSize;
            WriteBisect(diskOffset, buffer[..half], bad);
            WriteBisect(diskOffset + half, buffer[half..], bad);
        }
    }
}
