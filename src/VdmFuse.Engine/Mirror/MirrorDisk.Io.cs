using System.Runtime.CompilerServices;
using VdmFuse.Native;

namespace VdmFuse.Engine.Mirror;

// The data path: reads spread over usable images with failover and correction, writes to every image that
// takes them, flushes, and the journal saves that make state changes durable before the I/O is acknowledged.
public sealed partial class MirrorDisk
{
    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer)
    {
        var readable = Volatile.Read(ref _readable);
        if (readable.Length == 0)
        {
            return ValueTask.FromException(new ErrnoException(Errno.EIO, $"{this} has no usable image to read block {offset / BlockSize} from"));
        }
        var image = readable[(int)((uint)Interlocked.Increment(ref _readCursor) % (uint)readable.Length)];
        var pending = image.Instance!.ReadAsync(offset, buffer);
        return pending.IsCompletedSuccessfully ? pending : ReadWithFailoverAsync(pending, image, offset, buffer);
    }

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer) => WriteToImagesAsync(offset, buffer);

    /// <inheritdoc/>
    protected override async ValueTask FlushCoreAsync()
    {
        var targets = WriteTargets(out var usable);
        var errors = await RunOnAllAsync(targets, image => image.Instance!.FlushAsync()).ConfigureAwait(false);
        var flushed = false;
        for (var i = 0; i < targets.Length; i++)
        {
            if (errors[i] is null)
            {
                flushed |= usable[i];
            }
            else
            {
                await MarkCorruptAsync(targets[i], $"flush failed: {errors[i]!.Message}").ConfigureAwait(false);
            }
        }
        if (!flushed)
        {
            throw new ErrnoException(Errno.EIO, $"flush of {this} failed on every usable image");
        }
    }

    /// <inheritdoc/>
    protected override (DiskInstance Instance, long Offset)? MapToChild(long byteOffset)
    {
        var readable = Volatile.Read(ref _readable);
        return readable.Length == 0 ? null : (readable[0].Instance!, byteOffset);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadWithFailoverAsync(ValueTask first, MirrorImage image, long offset, Memory<byte> buffer)
    {
        List<(MirrorImage Image, Exception Error)>? failed = null;
        try
        {
            await first.ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            failed = [(image, e)];
        }
        await ReadFromAnotherAsync(failed, offset, buffer, rangeHeld: false).ConfigureAwait(false);
    }

    /// <summary>
    /// After the reads in <paramref name="failed"/>, reads the range from another usable image, then corrects the
    /// failed images (rewrites the good data and reads it back, as md does) or marks them corrupt.
    /// </summary>
    private async ValueTask ReadFromAnotherAsync(List<(MirrorImage Image, Exception Error)> failed, long offset, Memory<byte> buffer, bool rangeHeld)
    {
        MirrorImage? good = null;
        while (good is null)
        {
            var next = Volatile.Read(ref _readable).FirstOrDefault(i => failed.All(f => f.Image != i));
            if (next is null)
            {
                var detail = string.Join("; ", failed.Select(f => $"image '{f.Image.Name}': {f.Error.Message}"));
                throw new ErrnoException(Errno.EIO,
                    $"read of {buffer.Length} bytes at block {offset / BlockSize} of {this} failed on every usable image ({detail})",
                    failed[^1].Error);
            }
            try
            {
                await next.Instance!.ReadAsync(offset, buffer).ConfigureAwait(false);
                good = next;
            }
            catch (Exception e)
            {
                failed.Add((next, e));
            }
        }
        foreach (var (bad, error) in failed)
        {
            await CorrectReadErrorAsync(bad, good, offset, buffer.Length, error, rangeHeld).ConfigureAwait(false);
        }
    }

    /// <summary>Rewrites the range on <paramref name="bad"/> from <paramref name="good"/> and reads it back; marks it corrupt if that fails.</summary>
    private async ValueTask CorrectReadErrorAsync(MirrorImage bad, MirrorImage good, long offset, int length, Exception error, bool rangeHeld)
    {
        var buffer = AlignedBufferPool.Shared.Rent(length);
        RangeLock.Releaser held = default;
        try
        {
            if (!rangeHeld)
            {
                // Nothing may write the range between the good read and the rewrite.
                held = await _ranges.AcquireExclusiveAsync(offset, length).ConfigureAwait(false);
            }
            var memory = buffer.Memory[..length];
            string? failure = null;
            try
            {
                await good.Instance!.ReadAsync(offset, memory).ConfigureAwait(false);
                await bad.Instance!.WriteAsync(offset, memory).ConfigureAwait(false);
                await bad.Instance!.ReadAsync(offset, memory).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e.Message;
            }
            if (failure is null)
            {
                Log.Warn("mirror '{0}': read error on image '{1}' at block {2} ({3}) corrected: {4} blocks rewritten from image '{5}'",
                    Name, bad.Name, offset / BlockSize, error.Message, length / BlockSize, good.Name);
                return;
            }
            await MarkCorruptAsync(bad, $"read error at block {offset / BlockSize} ({error.Message}) could not be corrected ({failure})").ConfigureAwait(false);
        }
        finally
        {
            held.Dispose();
            AlignedBufferPool.Shared.Return(buffer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteToImagesAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        // Under application-based recovery no region is marked: the application recovers after a crash.
        var dirty = Volatile.Read(ref _applicationBasedRecovery) ? null : _dirty;
        if (dirty is not null)
        {
            await dirty.BeginWriteAsync(offset, buffer.Length).ConfigureAwait(false);
        }
        try
        {
            using var held = await _ranges.AcquireSharedAsync(offset, buffer.Length).ConfigureAwait(false);
            var targets = WriteTargets(out var usable, offset, buffer.Length);
            if (targets.Length == 0)
            {
                throw new ErrnoException(Errno.EIO, $"write at block {offset / BlockSize} of {this}: no image takes writes");
            }
            Exception?[] errors;
            if (targets.Length == 1)
            {
                errors = new Exception?[1];
                try
                {
                    await targets[0].Instance!.WriteAsync(offset, buffer).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    errors[0] = e;
                }
            }
            else
            {
                errors = await RunOnAllAsync(targets, image => image.Instance!.WriteAsync(offset, buffer)).ConfigureAwait(false);
            }
            var written = false;
            for (var i = 0; i < targets.Length; i++)
            {
                if (errors[i] is null)
                {
                    written |= usable[i];
                    continue;
                }
                await MarkCorruptAsync(targets[i],
                    $"write of {buffer.Length / BlockSize} blocks at block {offset / BlockSize} failed ({errors[i]!.Message})").ConfigureAwait(false);
            }
            if (!written)
            {
                var detail = string.Join("; ", targets.Select((t, i) => errors[i] is { } e ? $"image '{t.Name}': {e.Message}" : null).Where(s => s is not null));
                throw new ErrnoException(Errno.EIO,
                    $"write of {buffer.Length} bytes at block {offset / BlockSize} of {this} failed on every usable image ({detail})",
                    errors.FirstOrDefault(e => e is not null));
            }
        }
        finally
        {
            dirty?.EndWrite(offset, buffer.Length);
        }
    }

    /// <summary>The images a write reaches, whether each was usable, and (for a write) the change maps of the others marked.</summary>
    private MirrorImage[] WriteTargets(out bool[] usable, long offset = 0, long length = 0)
    {
        lock (_stateLock)
        {
            var targets = _images.Where(i => i.TakesWrites).ToArray();
            usable = [.. targets.Select(t => t.State == ImageState.Usable)];
            if (length > 0)
            {
                foreach (var image in _images)
                {
                    if (!image.TakesWrites)
                    {
                        image.Changes?.Mark(offset, length);
                    }
                }
            }
            return targets;
        }
    }

    private static async ValueTask<Exception?[]> RunOnAllAsync(MirrorImage[] targets, Func<MirrorImage, ValueTask> operation)
    {
        var pending = new Task[targets.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            pending[i] = operation(targets[i]).AsTask();
        }
        var errors = new Exception?[targets.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            try
            {
                await pending[i].ConfigureAwait(false);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        }
        return errors;
    }

    /// <summary>
    /// Marks a usable image or a sync destination corrupt (it leaves its sync), logs the operator message, and
    /// saves the journal before returning, so the write that failed is acknowledged only once the image is
    /// known corrupt on disk.
    /// </summary>
    internal async ValueTask MarkCorruptAsync(MirrorImage image, string reason)
    {
        lock (_stateLock)
        {
            if (image.State is not (ImageState.Usable or ImageState.SyncDestination) || !_images.Contains(image))
            {
                return;
            }
            image.Sync?.Remove(image);
            image.Sync = null;
            image.State = ImageState.Corrupt;
            image.Changes = null;
            RefreshReadableLocked();
        }
        Log.Error("mirror '{0}': image '{1}' is now corrupt: {2}", Name, image.Name, reason);
        await SaveJournalAsync().ConfigureAwait(false);
    }

    /// <summary>Saves the states (and the dirty regions last saved) to the journal, off the caller's thread.</summary>
    internal Task SaveJournalAsync() => SaveAsync(null);

    private Task SaveDirtyAsync(GranuleMap dirty) => SaveAsync(dirty);

    private async Task SaveAsync(GranuleMap? dirty)
    {
        if (_journal is null)
        {
            return;
        }
        await _saveLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (dirty is not null)
            {
                _savedDirty = dirty;
            }
            MirrorJournalRecord record;
            lock (_stateLock)
            {
                record = BuildRecordLocked(_savedDirty);
            }
            await Task.Run(() => _journal.Save(record)).ConfigureAwait(false);
        }
        finally
        {
            _saveLock.Release();
        }
    }

    /// <summary>Saves the journal now, on the caller's thread (control commands: no I/O of the mirror is awaited).</summary>
    private void SaveJournalNow()
    {
        if (_journal is null)
        {
            return;
        }
        _saveLock.Wait();
        try
        {
            MirrorJournalRecord record;
            lock (_stateLock)
            {
                record = BuildRecordLocked(_savedDirty);
            }
            _journal.Save(record);
        }
        finally
        {
            _saveLock.Release();
        }
    }

    private MirrorJournalRecord BuildRecordLocked(GranuleMap? dirty) => new(
        _imagesAtLastUse,
        _dirty?.RegionBlocks ?? DefaultRegionBlocks,
        dirty?.ToBytes() ?? [],
        [.. _images.Select(i => new MirrorJournalImage(i.Name, MirrorImage.StateText(i.State), i.Changes?.GranuleBlocks ?? 0, i.Changes?.ToBytes()))],
        _applicationBasedRecovery);

    /// <summary>Clears dirty regions idle for a while, after flushing the images so their writes are durable.</summary>
    private async Task CleanIdleRegionsAsync(bool all = false)
    {
        if (_dirty is null || _dirty.DirtyCount == 0 && !all || Volatile.Read(ref _disposed))
        {
            return;
        }
        try
        {
            var targets = WriteTargets(out _);
            await RunOnAllAsync(targets, image => image.Instance!.FlushAsync()).ConfigureAwait(false);
            await _dirty.ClearIdleAsync(all ? TimeSpan.Zero : DirtyRegionLog.IdleBeforeClear).ConfigureAwait(false);
            // The change maps of fractured images are saved with it.
            await SaveJournalAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.Error(e, "mirror '{0}': cannot clear idle dirty regions: {1}", Name, e.Message);
        }
    }

    /// <inheritdoc/>
    protected override void CheckCanOpen()
    {
        lock (_stateLock)
        {
            if (OpenRefusalLocked() is { } refusal)
            {
                throw new ErrnoException(Errno.ENXIO, $"cannot open mirror '{Name}': {refusal}");
            }
            if (OpenCount == 0)
            {
                _imagesAtLastUse = _images.Count(i => i.IsPresent);
            }
        }
    }

    /// <inheritdoc/>
    protected override void OnLastClose()
    {
        // A clean close marks the images identical again: the dirty regions are cleared once the writes are flushed.
        Volatile.Write(ref _background, CleanIdleRegionsAsync(all: true));
    }
}
