using System.Diagnostics;
using System.Runtime.CompilerServices;
using VdmFuse.Native;

namespace VdmFuse.Engine;

/// <summary>
/// A virtual disk: the block-device contract every subdriver implements. I/O is positional,
/// asynchronous and sector-aligned; there is no stream position.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ReadAsync"/>, <see cref="WriteAsync"/> and <see cref="FlushAsync"/> check the request
/// (offset and length multiples of <see cref="SectorSize"/>: EINVAL; beyond <see cref="Size"/>: ENXIO;
/// never clipped), record <see cref="Statistics"/> and call the subdriver. <see cref="ReadUnalignedAsync"/>
/// and <see cref="WriteUnalignedAsync"/> accept any range inside the disk for the buffered view.
/// </para>
/// <para>
/// Instances stack: a partition is a window on its child. An instance is owned by the
/// <see cref="InstanceRegistry"/> that created it; it does not own its children. All members are thread-safe.
/// Errors are <see cref="ErrnoException"/>s whose message names the instance.
/// </para>
/// </remarks>
public abstract partial class DiskInstance : IDisposable
{
    private readonly List<DiskInstance> _parents = [];
    private readonly Lock _childrenLock = new();
    private readonly Lock _openLock = new();
    private DiskInstance[] _children;
    private readonly SemaphoreSlim _readModifyWriteLock = new(1, 1);
    private int _openCount;
    private bool _deleted;

    /// <summary>Creates an instance over <paramref name="children"/>.</summary>
    /// <exception cref="ErrnoException">EINVAL: the name breaks the rules of <see cref="InstanceName"/>.</exception>
    protected DiskInstance(string name, IReadOnlyList<DiskInstance> children)
    {
        InstanceName.Validate(name);
        Name = name;
        _children = [.. children];
    }

    /// <summary>The unique name, as in dsk/NAME.</summary>
    public string Name { get; }

    /// <summary>The subdriver: "physical", "partition", ...</summary>
    public abstract string Subdriver { get; }

    /// <summary>The device number the registry assigned (1, 2, 3 ...; never reused); 0 before registration.</summary>
    public uint DeviceNumber { get; internal set; }

    /// <summary>Size in bytes, a multiple of <see cref="SectorSize"/>.</summary>
    public abstract long Size { get; }

    /// <summary>The logical sector size: offsets and lengths of aligned I/O are multiples of it.</summary>
    public virtual int SectorSize => 512;

    /// <summary>The instances this one is built on (none for a physical disk); a snapshot.</summary>
    public IReadOnlyList<DiskInstance> Children => Volatile.Read(ref _children);

    /// <summary>
    /// The children as the framework reports them: present instances, and (for subdrivers that remember
    /// children that are gone) missing ones by their id. By default, one present slot per child.
    /// </summary>
    public virtual IReadOnlyList<ChildSlot> ChildSlots => [.. Children.Select(ChildSlot.Present)];

    /// <summary>Whether the instance can do I/O; DSKIOCGET refuses an instance that is not.</summary>
    public virtual bool IsUsable => true;

    /// <summary>Size and geometry for DSKIOCGET.</summary>
    /// <exception cref="ErrnoException">EINVAL: the instance is not usable.</exception>
    public DiskGeometry GetGeometry()
    {
        if (!IsUsable)
        {
            throw new ErrnoException(Errno.EINVAL, $"{this} is not usable (state {State})");
        }
        return DiskGeometry.FromSize(Size, SectorSize);
    }

    /// <summary>The instances built on this one (a disk may carry several partitions).</summary>
    public IReadOnlyList<DiskInstance> Parents
    {
        get
        {
            lock (_parents)
            {
                return [.. _parents];
            }
        }
    }

    /// <summary>The first instance built on this one, or null.</summary>
    public DiskInstance? Parent
    {
        get
        {
            lock (_parents)
            {
                return _parents.Count > 0 ? _parents[0] : null;
            }
        }
    }

    /// <summary>Whether the instance appears under dsk/ and rdsk/.</summary>
    public bool Exported { get; internal set; } = true;

    /// <summary>Number of open files on the instance; while non-zero it cannot be deleted.</summary>
    public int OpenCount => Volatile.Read(ref _openCount);

    /// <summary>Counters of the I/O done through this instance.</summary>
    public IoStatistics Statistics { get; } = new();

    /// <summary>
    /// A number that grows whenever a write reaches one of the physical disks under this instance:
    /// the maximum of their stamps. Unchanged means nobody wrote since it was last read.
    /// </summary>
    public virtual long WriteStamp
    {
        get
        {
            long stamp = 0;
            foreach (var child in Children)
            {
                stamp = Math.Max(stamp, child.WriteStamp);
            }
            return stamp;
        }
    }

    /// <summary>Whether the instance refuses writes (a V_RONLY VTOC slice); the tree refuses opens for writing with EROFS.</summary>
    public virtual bool IsReadOnly => false;

    /// <summary>Raised after the last open file on the instance is closed (outside the open lock).</summary>
    public event Action<DiskInstance>? LastClosed;

    /// <summary>Blocks of this instance whose data a bad-block remap instance keeps in its remap area (vdmremap(7)); 0 by default.</summary>
    public virtual long RemappedBlocks => 0;

    /// <summary>The state shown to the operator: "usable" for now.</summary>
    public virtual string State => IsUsable ? "usable" : "unusable";

    /// <summary>The subdriver and name, e.g. "partition 'p0'", as error messages name an instance.</summary>
    public override string ToString() => $"{Subdriver} '{Name}'";

    /// <summary>Counts an open file. Thread-safe.</summary>
    /// <exception cref="ErrnoException">ENOENT: the instance has been deleted.</exception>
    public void AddOpen()
    {
        lock (_openLock)
        {
            if (_deleted)
            {
                throw new ErrnoException(Errno.ENOENT, $"{this} has been deleted");
            }
            CheckCanOpen();
            _openCount++;
        }
    }

    /// <summary>Counts a closed file.</summary>
    /// <exception cref="InvalidOperationException">More closes than opens.</exception>
    public void RemoveOpen()
    {
        lock (_openLock)
        {
            if (_openCount == 0)
            {
                throw new InvalidOperationException($"{this} closed more often than opened");
            }
            _openCount--;
            if (_openCount > 0)
            {
                return;
            }
        }
        OnLastClose();
        LastClosed?.Invoke(this);
    }

    /// <summary>Reads <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; both multiples of <see cref="SectorSize"/>.</summary>
    /// <exception cref="ErrnoException">EINVAL (misaligned), ENXIO (past the end, or the instance revoked), or the backing's error.</exception>
    public ValueTask ReadAsync(long offset, Memory<byte> buffer)
    {
        if (CheckAligned("read", offset, buffer.Length) is { } refused)
        {
            return Refuse(refused);
        }
        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }
        if (!TryEnterIo())
        {
            return Refuse(RevokedError("read"));
        }
        var start = Stopwatch.GetTimestamp();
        ValueTask pending;
        try
        {
            pending = ReadCoreAsync(offset, buffer);
        }
        catch (Exception e)
        {
            ExitIo();
            return Refuse(e);
        }
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            Statistics.RecordRead(buffer.Length, Stopwatch.GetTimestamp() - start);
            ExitIo();
            return ValueTask.CompletedTask;
        }
        return AwaitReadAsync(pending, buffer.Length, start);
    }

    /// <summary>Writes <paramref name="buffer"/> at <paramref name="offset"/>; both multiples of <see cref="SectorSize"/>.</summary>
    /// <exception cref="ErrnoException">EINVAL (misaligned), ENXIO (past the end, or the instance revoked), or the backing's error.</exception>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        if (CheckAligned("write", offset, buffer.Length) is { } refused)
        {
            return Refuse(refused);
        }
        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }
        if (!TryEnterIo())
        {
            return Refuse(RevokedError("write"));
        }
        var start = Stopwatch.GetTimestamp();
        ValueTask pending;
        try
        {
            pending = WriteCoreAsync(offset, buffer);
        }
        catch (Exception e)
        {
            ExitIo();
            return Refuse(e);
        }
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            Statistics.RecordWrite(buffer.Length, Stopwatch.GetTimestamp() - start);
            ExitIo();
            return ValueTask.CompletedTask;
        }
        return AwaitWriteAsync(pending, buffer.Length, start);
    }

    /// <summary>Makes every completed write durable on the physical disks beneath.</summary>
    /// <exception cref="ErrnoException">ENXIO (the instance revoked), or the backing's error.</exception>
    public ValueTask FlushAsync()
    {
        if (!TryEnterIo())
        {
            return Refuse(RevokedError("flush"));
        }
        ValueTask pending;
        try
        {
            pending = FlushCoreAsync();
        }
        catch (Exception e)
        {
            ExitIo();
            return Refuse(e);
        }
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            Statistics.RecordFlush();
            ExitIo();
            return ValueTask.CompletedTask;
        }
        return AwaitFlushAsync(pending);
    }

    /// <summary>
    /// The chain of addresses of byte <paramref name="byteOffset"/>: this instance first, then each instance
    /// beneath, down to the physical disk, with the byte's offset in each.
    /// </summary>
    /// <exception cref="ErrnoException">ENXIO: the offset is not inside the instance.</exception>
    public IReadOnlyList<(DiskInstance Instance, long Offset)> AddressOf(long byteOffset)
    {
        if (byteOffset < 0 || byteOffset >= Size)
        {
            throw new ErrnoException(Errno.ENXIO, $"offset {byteOffset} is outside {this} ({Size} bytes)");
        }
        var chain = new List<(DiskInstance, long)>();
        (DiskInstance Instance, long Offset)? level = (this, byteOffset);
        while (level is { } current)
        {
            chain.Add(current);
            level = current.Instance.MapToChild(current.Offset);
        }
        return chain;
    }

    /// <summary>Closes what the instance owns (its backing file) and detaches it from its children.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Reads an aligned, in-range request (already checked).</summary>
    protected abstract ValueTask ReadCoreAsync(long offset, Memory<byte> buffer);

    /// <summary>Writes an aligned, in-range request (already checked).</summary>
    protected abstract ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer);

    /// <summary>Flushes the physical disks beneath.</summary>
    protected abstract ValueTask FlushCoreAsync();

    /// <summary>Where byte <paramref name="byteOffset"/> of this instance lives one level down, or null at the bottom.</summary>
    protected virtual (DiskInstance Instance, long Offset)? MapToChild(long byteOffset) => null;

    /// <summary>Releases what the instance owns.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _readModifyWriteLock.Dispose();
        }
    }

    internal void AttachParent(DiskInstance parent)
    {
        lock (_parents)
        {
            _parents.Add(parent);
        }
    }

    internal void DetachParent(DiskInstance parent)
    {
        lock (_parents)
        {
            _parents.Remove(parent);
        }
    }

    /// <summary>Marks the instance deleted unless it is open; returns the open count that prevented it.</summary>
    internal int TryMarkDeleted()
    {
        lock (_openLock)
        {
            if (_openCount == 0)
            {
                _deleted = true;
            }
            return _openCount;
        }
    }

    private ErrnoException? CheckAligned(string operation, long offset, int length)
    {
        if (offset >= 0 && (offset % SectorSize != 0 || length % SectorSize != 0))
        {
            return new ErrnoException(Errno.EINVAL,
                $"{operation} of {length} bytes at offset {offset} on {this} is not aligned to its {SectorSize}-byte sectors");
        }
        return CheckInside(operation, offset, length);
    }

    private ErrnoException? CheckInside(string operation, long offset, int length)
    {
        if (offset < 0)
        {
            return new ErrnoException(Errno.EINVAL, $"{operation} of {length} bytes at negative offset {offset} on {this}");
        }
        if (offset > Size - length)
        {
            return new ErrnoException(Errno.ENXIO,
                $"{operation} of {length} bytes at offset {offset} is past the end of {this} ({Size} bytes)");
        }
        return null;
    }

    private ValueTask Refuse(Exception error)
    {
        Statistics.RecordError();
        return ValueTask.FromException(error);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitReadAsync(ValueTask pending, int length, long start)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch
        {
            Statistics.RecordError();
            throw;
        }
        finally
        {
            ExitIo();
        }
        Statistics.RecordRead(length, Stopwatch.GetTimestamp() - start);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitWriteAsync(ValueTask pending, int length, long start)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch
        {
            Statistics.RecordError();
            throw;
        }
        finally
        {
            ExitIo();
        }
        Statistics.RecordWrite(length, Stopwatch.GetTimestamp() - start);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAsync(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch
        {
            Statistics.RecordError();
            throw;
        }
        finally
        {
            ExitIo();
        }
        Statistics.RecordFlush();
    }
}
