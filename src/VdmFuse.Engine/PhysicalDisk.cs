using System.Globalization;
using System.Runtime.CompilerServices;
using VdmFuse.Native;

namespace VdmFuse.Engine;

/// <summary>
/// A disk instance stored in an image file or a block device, opened with O_DIRECT (O_EXCL on block
/// devices). It owns its <see cref="BlockFile"/> and closes it when disposed.
/// </summary>
/// <remarks>
/// The size is the file's size rounded down to a whole sector. Every write, even a failed one, gives the
/// disk a new <see cref="WriteStamp"/>.
/// </remarks>
public sealed class PhysicalDisk : DiskInstance
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly BlockFile _file;
    private long _writeStamp;

    /// <summary>Creates a disk instance over an open file; the instance takes ownership of it.</summary>
    /// <exception cref="ErrnoException">EINVAL: the name is invalid or the file is smaller than one sector.</exception>
    public PhysicalDisk(string name, BlockFile file)
        : base(name, [])
    {
        _file = file;
        Size = file.Size / file.LogicalSectorSize * file.LogicalSectorSize;
        if (Size == 0)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"'{file.Path}' holds {file.Size} bytes, less than one {file.LogicalSectorSize}-byte sector: it cannot back physical '{name}'");
        }
        if (Size != file.Size)
        {
            Log.Warn("'{Path}' is {Bytes} bytes, not a multiple of {Sector}; physical '{Name}' leaves the last {Unused} bytes unused",
                file.Path, file.Size, file.LogicalSectorSize, name, file.Size - Size);
        }
    }

    /// <summary>Opens <paramref name="path"/> (image file or block device) as a physical disk.</summary>
    /// <exception cref="ErrnoException">EINVAL (bad name), ENOENT, EISDIR, EACCES, EBUSY (block device in use), ... naming the path.</exception>
    public static PhysicalDisk Open(string name, string path)
    {
        InstanceName.Validate(name);
        var file = BlockFile.Open(path);
        try
        {
            return new PhysicalDisk(name, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override string Subdriver => "physical";

    /// <inheritdoc/>
    public override long Size { get; }

    /// <inheritdoc/>
    public override int SectorSize => _file.LogicalSectorSize;

    /// <summary>The backing path as given.</summary>
    public string Path => _file.Path;

    /// <summary>Whether the backing is open with O_DIRECT (false on file systems that refuse it).</summary>
    public bool Direct => _file.Direct;

    /// <summary>Whether the backing is a block device.</summary>
    public bool IsBlockDevice => _file.IsBlockDevice;

    /// <summary>What the backing really is, to refuse the same storage twice.</summary>
    public BackingIdentity Identity => _file.Identity;

    /// <inheritdoc/>
    public override long WriteStamp => Interlocked.Read(ref _writeStamp);

    /// <summary>path, size (bytes), sector-size, direct (0|1) and block-device (0|1).</summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Attributes =>
    [
        new("path", Path),
        new("size", Size.ToString(CultureInfo.InvariantCulture)),
        new("sector-size", SectorSize.ToString(CultureInfo.InvariantCulture)),
        new("direct", Direct ? "1" : "0"),
        new("block-device", IsBlockDevice ? "1" : "0"),
    ];

    /// <summary>
    /// The subdriver's commands: <c>flush</c> makes every completed write durable (fdatasync of the backing
    /// file) and <c>get-info</c> describes the backing (path, size, sector-size, direct, block-device, and its
    /// identity: backing-device and backing-inode).
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: another command, or a field the command does not take; EIO from the flush.</exception>
    public override IReadOnlyList<KeyValuePair<string, string>> ExecuteSubdriverCommand(string command, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (command is not ("flush" or "get-info"))
        {
            return base.ExecuteSubdriverCommand(command, fields);
        }
        if (fields.Count > 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"subdriver physical command '{command}' takes no field '{fields.Keys.First()}'");
        }
        if (command == "flush")
        {
            // Synchronous fdatasync: the control path runs on the loop thread, which also reaps queued I/O,
            // so it must not wait for a queued flush.
            try
            {
                _file.Flush();
            }
            catch
            {
                Statistics.RecordError();
                throw;
            }
            Statistics.RecordFlush();
            Log.Debug("flushed {0} ('{1}')", this, Path);
            return [];
        }
        var identity = Identity;
        return
        [
            .. Attributes,
            new("backing-device", identity.DeviceId.ToString(CultureInfo.InvariantCulture)),
            new("backing-inode", identity.Inode.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer)
    {
        var pending = _file.ReadAsync(offset, buffer);
        if (pending.IsCompletedSuccessfully)
        {
            CheckComplete(pending.Result, offset, buffer.Length);
            return ValueTask.CompletedTask;
        }
        return AwaitReadAsync(pending, offset, buffer.Length);
    }

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        ValueTask<int> pending;
        try
        {
            pending = _file.WriteAsync(offset, buffer);
        }
        catch
        {
            Stamp();
            throw;
        }
        if (pending.IsCompleted)
        {
            Stamp();
            return pending.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(pending.AsTask());
        }
        return AwaitWriteAsync(pending);
    }

    /// <inheritdoc/>
    protected override ValueTask FlushCoreAsync() => _file.FlushAsync();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Stamp()
    {
        var stamp = WriteClock.Next();
        long current;
        do
        {
            current = Interlocked.Read(ref _writeStamp);
        }
        while (stamp > current && Interlocked.CompareExchange(ref _writeStamp, stamp, current) != current);
    }

    private void CheckComplete(int done, long offset, int length)
    {
        if (done != length)
        {
            throw new ErrnoException(Errno.EIO,
                $"read of {length} bytes at offset {offset} from {this} returned {done}: '{Path}' has shrunk below {Size} bytes");
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitReadAsync(ValueTask<int> pending, long offset, int length)
    {
        CheckComplete(await pending.ConfigureAwait(false), offset, length);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitWriteAsync(ValueTask<int> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            Stamp();
        }
    }
}
