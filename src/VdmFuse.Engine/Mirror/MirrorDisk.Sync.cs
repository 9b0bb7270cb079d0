using VdmFuse.Native;

namespace VdmFuse.Engine.Mirror;

// Synchronisation, terminate, throttle and fracture.
public sealed partial class MirrorDisk
{
    /// <summary>The size of one copy step of a sync: 4 MiB (each held exclusively for its copy).</summary>
    public const int SyncChunkBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Starts copying <paramref name="source"/> to <paramref name="destinations"/> in the background, one pass
    /// that reads the source once. The source becomes usable (when every image was corrupt), the destinations
    /// sync destinations (written, not read); at the end they are usable.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// ENOENT: not an image of the mirror; EINVAL: no destination, too many, the source among them, a corrupt source
    /// while a non-corrupt image exists, a destination that is not corrupt, a missing image, or a source other than that
    /// of a sync already running.
    /// </exception>
    public MirrorSync StartSync(string source, IReadOnlyList<string> destinations, uint delayMilliseconds, bool automatic = false)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        MirrorSync sync;
        lock (_stateLock)
        {
            if (_disposed)
            {
                throw new ErrnoException(Errno.ENXIO, $"mirror '{Name}' is being closed");
            }
            var from = FindImageLocked(source);
            var to = destinations.Select(FindImageLocked).ToList();
            CheckSyncLocked(from, to);
            if (from.State != ImageState.Usable)
            {
                // Every image was corrupt: the chosen source becomes the up-to-date image.
                from.State = ImageState.Usable;
                from.Changes = null;
                Log.Warn("mirror '{0}': every image was corrupt; image '{1}' is taken as up to date", Name, from.Name);
            }
            from.IsSyncSource = true;
            sync = new MirrorSync(from, to, delayMilliseconds, Size / BlockSize, automatic);
            foreach (var destination in to)
            {
                destination.State = ImageState.SyncDestination;
                destination.Sync = sync;
                if (destination.Changes is { } map && map.MarkedCount == map.GranuleCount)
                {
                    destination.Changes = null;
                }
            }
            _syncs.Add(sync);
            RefreshReadableLocked();
        }
        SaveJournalNow();
        Log.Info("mirror '{0}': {1}sync started from image '{2}' to {3} ({4} blocks, {5} ms between I/Os)", Name, automatic ? "automatic " : "",
            sync.Source.Name, string.Join(", ", sync.Destinations.Select(d => $"'{d.Name}'" + (d.Changes is { } m ? $" ({m.MarkedCount} changed granules of {m.GranuleBlocks} blocks)" : ""))),
            sync.TotalBlocks, delayMilliseconds);
        sync.Completion = Task.Run(() => RunSyncAsync(sync));
        return sync;
    }

    /// <summary>Ends the sync to <paramref name="destination"/> only; it is left corrupt, the other destinations go on.</summary>
    /// <exception cref="ErrnoException">ENOENT: not an image; EINVAL: not the destination of a running sync.</exception>
    public void TerminateSync(string destination)
    {
        MirrorImage image;
        lock (_stateLock)
        {
            image = FindImageLocked(destination);
            if (image.State != ImageState.SyncDestination || image.Sync is not { } sync)
            {
                throw new ErrnoException(Errno.EINVAL, $"image '{image.Name}' of mirror '{Name}' is not the destination of a running sync");
            }
            sync.Remove(image);
            image.Sync = null;
            image.State = ImageState.Corrupt;
        }
        SaveJournalNow();
        Log.Info("mirror '{0}': sync to image '{1}' terminated; the image is left corrupt", Name, image.Name);
    }

    /// <summary>Changes the delay between the I/Os of the sync <paramref name="destination"/> belongs to (all its destinations).</summary>
    /// <exception cref="ErrnoException">ENOENT: not an image; EINVAL: not the destination of a running sync.</exception>
    public void ThrottleSync(string destination, uint delayMilliseconds)
    {
        lock (_stateLock)
        {
            var image = FindImageLocked(destination);
            if (image.Sync is not { } sync)
            {
                throw new ErrnoException(Errno.EINVAL, $"image '{image.Name}' of mirror '{Name}' is not the destination of a running sync");
            }
            sync.DelayMilliseconds = delayMilliseconds;
        }
        Log.Info("mirror '{0}': sync to {1} now waits {2} ms between I/Os", Name, destination, delayMilliseconds);
    }

    /// <summary>
    /// Fractures a usable image: no I/O reaches it any more, it stays on the mirror (corrupt), and with a
    /// granularity above 0 every write to the mirror marks its granule so a later sync copies only those.
    /// </summary>
    /// <exception cref="ErrnoException">ENOENT: not an image; EINVAL: not usable, a sync source, the last usable image, or missing.</exception>
    public void FractureImage(string imageName, long granularityBlocks)
    {
        MirrorImage image;
        lock (_stateLock)
        {
            image = FindImageLocked(imageName);
            if (!image.IsPresent || image.State != ImageState.Usable || image.IsSyncSource)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"image '{image.Name}' of mirror '{Name}' is {(image.IsSyncSource ? "the source of a running sync" : image.StateName)}; only a usable image can be fractured");
            }
            if (_images.Count(i => i.IsPresent && i.State == ImageState.Usable) == 1)
            {
                throw new ErrnoException(Errno.EINVAL, $"image '{image.Name}' is the last usable image of mirror '{Name}' and cannot be fractured");
            }
            if (granularityBlocks < 0 || granularityBlocks > Size / BlockSize)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"change-granularity {granularityBlocks} of mirror '{Name}' must be 0 (no tracking) to {Size / BlockSize} blocks");
            }
            if (_journal is not null && granularityBlocks > 0)
            {
                // The map is saved in the journal as base64 JSON: 8 bytes of map take about 11.
                var mapBytes = (Size / BlockSize / granularityBlocks + 63) / 64 * 8;
                var room = _journal.Capacity / 2 - _images.Sum(i => i.Changes?.CostBytes ?? 0) * 4 / 3 - 4096;
                if (mapBytes * 4 / 3 > room)
                {
                    throw new ErrnoException(Errno.EINVAL,
                        $"change-granularity {granularityBlocks} is too fine for mirror '{Name}': its map of {mapBytes} bytes does not fit the journal; use at least {Math.Max(1, granularityBlocks * (mapBytes * 4 / 3 + room - 1) / Math.Max(1, room))} blocks");
                }
            }
            image.State = ImageState.Fractured;
            image.ChangeGranularity = granularityBlocks;
            image.Changes = granularityBlocks > 0 ? new GranuleMap(Size, granularityBlocks) : null;
            // Writes already in flight may still land on the image or not: count them as changes.
            foreach (var (start, end) in _ranges.HeldRanges())
            {
                image.Changes?.Mark(start, end - start);
            }
            RefreshReadableLocked();
        }
        SaveJournalNow();
        Log.Info("mirror '{0}': image '{1}' fractured ({2})", Name, image.Name,
            granularityBlocks > 0 ? $"changes tracked in granules of {granularityBlocks} blocks, {image.Changes!.CostBytes} bytes of map" : "no change tracking: a full sync will be needed");
    }

    private void CheckSyncLocked(MirrorImage from, List<MirrorImage> to)
    {
        if (to.Count == 0 || to.Count > MaximumImages - 1)
        {
            throw new ErrnoException(Errno.EINVAL, $"a sync of mirror '{Name}' needs 1 to {MaximumImages - 1} destinations, not {to.Count}");
        }
        if (to.Contains(from))
        {
            throw new ErrnoException(Errno.EINVAL, $"image '{from.Name}' of mirror '{Name}' cannot be both the source and a destination of a sync");
        }
        if (to.Distinct().Count() != to.Count)
        {
            throw new ErrnoException(Errno.EINVAL, $"a sync of mirror '{Name}' names a destination twice");
        }
        if (_images.FirstOrDefault(i => (i == from || to.Contains(i)) && !i.IsPresent) is { } missing)
        {
            throw new ErrnoException(Errno.EINVAL, $"image '{missing.Name}' of mirror '{Name}' is missing");
        }
        var allCorrupt = _images.All(i => i.IsCorrupt || !i.IsPresent);
        if (!allCorrupt && from.State != ImageState.Usable)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"image '{from.Name}' of mirror '{Name}' is {from.StateName}; only a usable image can be the source while one exists");
        }
        if (to.FirstOrDefault(d => !d.IsCorrupt) is { } notCorrupt)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"image '{notCorrupt.Name}' of mirror '{Name}' is {notCorrupt.StateName}; only corrupt images can be sync destinations");
        }
        if (_syncs.FirstOrDefault(s => s.Source != from) is { } other)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"a sync of mirror '{Name}' from image '{other.Source.Name}' is running; simultaneous syncs must share the source");
        }
    }

    /// <summary>
    /// The pass of a sync. Without a delay it is pipelined: the source read of the next chunk overlaps the
    /// destinations' writes of the one before (each chunk under its own exclusive range lock), so the copy runs
    /// at the speed of the slower disk. With a delay, each chunk is read, written, then the delay waited.
    /// </summary>
    private async Task RunSyncAsync(MirrorSync sync)
    {
        AlignedBuffer[] buffers = [AlignedBufferPool.Shared.Rent(SyncChunkBytes), AlignedBufferPool.Shared.Rent(SyncChunkBytes)];
        string? failure = null;
        Task<long>? writing = null;
        long writingEnd = 0;
        var turn = 0;
        try
        {
            for (long offset = 0; offset < Size; offset += SyncChunkBytes)
            {
                var length = (int)Math.Min(SyncChunkBytes, Size - offset);
                var destinations = sync.Destinations;
                if (destinations.Count == 0)
                {
                    break;
                }
                var chunk = await ReadChunkAsync(sync, destinations, offset, length, buffers[turn]).ConfigureAwait(false);
                if (writing is not null)
                {
                    sync.Advance(writingEnd / BlockSize, await writing.ConfigureAwait(false) / BlockSize);
                    writing = null;
                }
                if (chunk is null)
                {
                    sync.Advance((offset + length) / BlockSize, 0);
                    continue;
                }
                writing = Task.Run(() => WriteChunkAsync(sync, chunk));
                writingEnd = offset + length;
                turn ^= 1;
                if (sync.DelayMilliseconds > 0)
                {
                    sync.Advance(writingEnd / BlockSize, await writing.ConfigureAwait(false) / BlockSize);
                    writing = null;
                    await Task.Delay((int)sync.DelayMilliseconds).ConfigureAwait(false);
                }
            }
            if (writing is not null)
            {
                sync.Advance(writingEnd / BlockSize, await writing.ConfigureAwait(false) / BlockSize);
                writing = null;
            }
        }
        catch (Exception e)
        {
            failure = e.Message;
            if (writing is not null)
            {
                try
                {
                    await writing.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The sync has failed already; this chunk's own failure adds nothing.
                }
            }
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                AlignedBufferPool.Shared.Return(buffer);
            }
        }
        await FinishSyncAsync(sync, failure).ConfigureAwait(false);
    }

    /// <summary>One chunk read from the source and waiting to be written, its range held exclusively.</summary>
    private sealed record ChunkCopy(long Offset, int Length, List<(MirrorImage Image, List<(long Start, long End)> Runs)> Needs,
        RangeLock.Releaser Held, Memory<byte> Data);

    /// <summary>
    /// Reads what the destinations need of one chunk from the source (once for all of them), holding the chunk's
    /// range; null when no destination needs anything in it.
    /// </summary>
    private async Task<ChunkCopy?> ReadChunkAsync(MirrorSync sync, IReadOnlyList<MirrorImage> destinations, long offset, int length, AlignedBuffer buffer)
    {
        var needs = new List<(MirrorImage Image, List<(long Start, long End)> Runs)>();
        foreach (var destination in destinations)
        {
            var runs = Runs(destination.Changes, offset, length);
            if (runs.Count > 0)
            {
                needs.Add((destination, runs));
            }
        }
        if (needs.Count == 0)
        {
            return null;
        }
        var held = await _ranges.AcquireExclusiveAsync(offset, length).ConfigureAwait(false);
        try
        {
            // The source may have turned corrupt since (a read error it could not correct): it no longer takes
            // writes, so its data can be stale; read from an image that is still usable.
            var from = sync.Source.State == ImageState.Usable ? sync.Source
                : Volatile.Read(ref _readable).FirstOrDefault()
                ?? throw new ErrnoException(Errno.EIO, $"source image '{sync.Source.Name}' turned corrupt and no other image of mirror '{Name}' is usable");
            var data = buffer.Memory[..length];
            foreach (var (start, end) in Union(needs.SelectMany(n => n.Runs)))
            {
                await ReadForSyncAsync(from, start, data.Slice((int)(start - offset), (int)(end - start))).ConfigureAwait(false);
            }
            return new ChunkCopy(offset, length, needs, held, data);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Writes a chunk to the destinations still in the sync, in parallel; releases its range; returns the bytes copied.</summary>
    private async Task<long> WriteChunkAsync(MirrorSync sync, ChunkCopy chunk)
    {
        try
        {
            long copied = 0;
            var writes = new List<(MirrorImage Image, Task Write)>();
            foreach (var (image, runs) in chunk.Needs)
            {
                if (!sync.Has(image))
                {
                    continue;
                }
                writes.Add((image, chunk.Needs.Count == 1
                    ? WriteRunsAsync(image, runs, chunk.Offset, chunk.Data)
                    : Task.Run(() => WriteRunsAsync(image, runs, chunk.Offset, chunk.Data))));
                copied = Math.Max(copied, runs.Sum(r => r.End - r.Start));
            }
            foreach (var (image, write) in writes)
            {
                try
                {
                    await write.ConfigureAwait(false);
                    image.Changes?.ClearRange(chunk.Offset, chunk.Length);
                }
                catch (Exception e)
                {
                    await MarkCorruptAsync(image, $"sync write at block {chunk.Offset / BlockSize} failed ({e.Message})").ConfigureAwait(false);
                }
            }
            return copied;
        }
        finally
        {
            chunk.Held.Dispose();
        }
    }

    private static async Task WriteRunsAsync(MirrorImage image, List<(long Start, long End)> runs, long offset, Memory<byte> buffer)
    {
        foreach (var (start, end) in runs)
        {
            await image.Instance!.WriteAsync(start, buffer.Slice((int)(start - offset), (int)(end - start))).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a range for the sync from the source, or from another usable image when the source fails (then corrects the source).</summary>
    private async Task ReadForSyncAsync(MirrorImage source, long offset, Memory<byte> buffer)
    {
        try
        {
            await source.Instance!.ReadAsync(offset, buffer).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await ReadFromAnotherAsync([(source, e)], offset, buffer, rangeHeld: true).ConfigureAwait(false);
        }
    }

    private async Task FinishSyncAsync(MirrorSync sync, string? failure)
    {
        List<MirrorImage> finished;
        lock (_stateLock)
        {
            finished = [.. sync.Destinations];
            foreach (var image in finished)
            {
                sync.Remove(image);
                image.Sync = null;
                if (failure is null)
                {
                    image.State = ImageState.Usable;
                    image.Changes = null;
                    image.ChangeGranularity = 0;
                }
                else
                {
                    image.State = ImageState.Corrupt;
                }
            }
            _syncs.Remove(sync);
            if (_syncs.All(s => s.Source != sync.Source))
            {
                sync.Source.IsSyncSource = false;
            }
            RefreshReadableLocked();
        }
        try
        {
            await SaveJournalAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.Error(e, "mirror '{0}': cannot save the end of the sync: {1}", Name, e.Message);
        }
        if (failure is not null)
        {
            Log.Error("mirror '{0}': sync from image '{1}' failed at block {2}: {3}; {4} left corrupt", Name, sync.Source.Name, sync.CurrentBlock, failure,
                finished.Count == 0 ? "no destination" : string.Join(", ", finished.Select(f => $"'{f.Name}'")));
            return;
        }
        Log.Info("mirror '{0}': sync from image '{1}' finished in {2:F1} s: {3} blocks copied ({4} KiB/s){5}", Name, sync.Source.Name,
            sync.Elapsed.TotalSeconds, sync.BlocksCopied, sync.RateKibPerSecond,
            finished.Count == 0 ? "; every destination was terminated or failed" : $"; {string.Join(", ", finished.Select(f => $"'{f.Name}'"))} usable");
    }

    /// <summary>The byte runs of [offset, offset+length) a map marks (the whole range without a map).</summary>
    private static List<(long Start, long End)> Runs(GranuleMap? map, long offset, int length)
    {
        var end = offset + length;
        if (map is null)
        {
            return [(offset, end)];
        }
        var runs = new List<(long Start, long End)>();
        var granule = map.GranuleBytes;
        for (var g = offset / granule; g * granule < end && g < map.GranuleCount; g++)
        {
            if (!map.IsMarked(g))
            {
                continue;
            }
            var start = Math.Max(offset, g * granule);
            var stop = Math.Min(end, (g + 1) * granule);
            if (runs.Count > 0 && runs[^1].End == start)
            {
                runs[^1] = (runs[^1].Start, stop);
            }
            else
            {
                runs.Add((start, stop));
            }
        }
        return runs;
    }

    private static List<(long Start, long End)> Union(IEnumerable<(long Start, long End)> runs)
    {
        var merged = new List<(long Start, long End)>();
        foreach (var run in runs.OrderBy(r => r.Start))
        {
            if (merged.Count > 0 && run.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, run.End));
            }
            else
            {
                merged.Add(run);
            }
        }
        return merged;
    }
}
