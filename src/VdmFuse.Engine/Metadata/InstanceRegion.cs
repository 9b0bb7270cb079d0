using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

/// <summary>
/// The region of a configuration copy kept on a disk instance (<c>instance:NAME</c>): the whole instance, rounded
/// down to an even number of its sectors, so that each slot starts on a sector. I/O goes through the instance
/// (<see cref="DiskInstance.ReadAsync"/>, <see cref="DiskInstance.WriteAsync"/>, <see cref="DiskInstance.FlushAsync"/>),
/// never around it to the backing file, which the physical instance holds open with O_DIRECT (and O_EXCL).
/// </summary>
/// <remarks>
/// Every request is whole sectors through a 4096-aligned buffer; a write that does not end on a sector boundary
/// (only the test hook that tears a write does that) reads the last sector first and merges into it. The I/O is
/// synchronous: the calling thread's asynchronous I/O context is set aside for the operation, so that a commit run
/// on a loop thread never waits for completions only that same thread would reap. An instance that fails (an I/O
/// error, or deleted under the copy) fails the operation with an <see cref="ErrnoException"/> naming the copy,
/// exactly as a failing file does.
/// </remarks>
internal sealed class InstanceRegion : IRecordRegion
{
    private readonly RecordLocation _location;
    private readonly DiskInstance _instance;
    private readonly long _length;

    private InstanceRegion(RecordLocation location, DiskInstance instance, long length)
    {
        _location = location;
        _instance = instance;
        _length = length;
    }

    /// <inheritdoc/>
    public long SlotLength => _length / 2;

    /// <summary>The length of the region a copy uses on <paramref name="instance"/>: its size, rounded down to an even number of sectors.</summary>
    public static long RegionLengthOf(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var pair = 2L * instance.SectorSize;
        return instance.Size / pair * pair;
    }

    /// <summary>
    /// Finds the instance <paramref name="location"/> names in <paramref name="instances"/> and, when
    /// <paramref name="holder"/> is given, marks it held by the copy.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: no registry to find it in; ENOENT: no such instance; ENOSPC: the instance is smaller than two 1 KiB slots.
    /// </exception>
    public static InstanceRegion Open(RecordLocation location, InstanceRegistry? instances, string? holder)
    {
        var instance = Find(location, instances);
        var length = RegionLengthOf(instance);
        if (length < RecordLocation.MinimumLength)
        {
            throw new ErrnoException(Errno.ENOSPC,
                $"configuration copy {location}: {instance.Description} holds {instance.Size} bytes; a copy needs at least {RecordLocation.MinimumLength}");
        }
        if (holder is not null)
        {
            instance.Hold(holder);
        }
        return new InstanceRegion(location, instance, length);
    }

    /// <summary>The instance <paramref name="location"/> names, or null when there is none (no I/O).</summary>
    public static DiskInstance? TryFind(RecordLocation location, InstanceRegistry? instances)
        => instances is not null && instances.TryGet(location.InstanceName!, out var instance) && instance.Name == location.InstanceName ? instance : null;

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        var end = Math.Min(offset + buffer.Length, _length);
        if (offset >= end)
        {
            return 0;
        }
        var count = (int)(end - offset);
        var (start, length) = Sectors(offset, count);
        var bounce = AlignedBufferPool.Shared.Rent(length);
        try
        {
            Wait($"reading {count} bytes at offset {offset} of", () => _instance.ReadAsync(start, bounce.Memory[..length]));
            bounce.GetSpan().Slice((int)(offset - start), count).CopyTo(buffer);
            return count;
        }
        finally
        {
            AlignedBufferPool.Shared.Return(bounce);
        }
    }

    /// <inheritdoc/>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        if (offset + data.Length > _length)
        {
            throw new ErrnoException(Errno.ENOSPC,
                $"writing {data.Length} bytes at offset {offset} of configuration copy {_location} would pass the end of its {_length}-byte region on {_instance.Description}");
        }
        if (data.IsEmpty)
        {
            return;
        }
        var (start, length) = Sectors(offset, data.Length);
        var bounce = AlignedBufferPool.Shared.Rent(length);
        try
        {
            if (start != offset || length != data.Length)
            {
                Wait($"reading {length} bytes at offset {start} of", () => _instance.ReadAsync(start, bounce.Memory[..length]));
            }
            data.CopyTo(bounce.GetSpan()[(int)(offset - start)..]);
            Wait($"writing {data.Length} bytes at offset {offset} of", () => _instance.WriteAsync(start, bounce.Memory[..length]));
        }
        finally
        {
            AlignedBufferPool.Shared.Return(bounce);
        }
    }

    /// <inheritdoc/>
    public void Sync() => Wait("flush of", _instance.FlushAsync);

    /// <summary>Nothing to close: the instance belongs to its registry.</summary>
    public void Dispose()
    {
    }

    private static DiskInstance Find(RecordLocation location, InstanceRegistry? instances)
    {
        if (instances is null)
        {
            throw new ErrnoException(Errno.EINVAL, $"configuration copy {location} names an instance, but this database was opened without instances");
        }
        return TryFind(location, instances)
            ?? throw new ErrnoException(Errno.ENOENT,
                $"configuration copy {location}: there is no instance named '{location.InstanceName}' (a command of the configuration file creates it before the database loads)");
    }

    /// <summary>The whole sectors that cover <paramref name="count"/> bytes at <paramref name="offset"/>.</summary>
    private (long Start, int Length) Sectors(long offset, int count)
    {
        var sector = _instance.SectorSize;
        var start = offset / sector * sector;
        var end = (offset + count + sector - 1) / sector * sector;
        return (start, (int)(end - start));
    }

    /// <summary>Runs one instance operation synchronously (<see cref="SynchronousIo"/>); an error names the copy.</summary>
    private void Wait(string what, Func<ValueTask> operation)
    {
        try
        {
            SynchronousIo.Run(operation);
        }
        catch (Exception e) when (e is ErrnoException or ObjectDisposedException)
        {
            throw new ErrnoException(e is ErrnoException errno ? errno.Errno : Errno.EIO,
                $"{what} configuration copy {_location} on {_instance.Description} failed: {e.Message}");
        }
    }
}
