using System.Runtime.CompilerServices;
using Tmds.Linux;

namespace VdmFuse.Native;

/// <summary>
/// A disk image file or block device opened for positional, direct (O_DIRECT) I/O.
/// </summary>
/// <remarks>
/// <para>
/// Regular files are opened O_RDWR|O_DIRECT|O_CLOEXEC, falling back to buffered I/O (with fdatasync on
/// flush) on file systems that refuse O_DIRECT. Block devices are opened O_RDWR|O_DIRECT|O_EXCL|O_CLOEXEC.
/// </para>
/// <para>
/// I/O runs through the <see cref="AioContext.Current"/> of the calling thread when there is one, it is not
/// in <see cref="AioContext.PreferInline"/> mode and the file is direct; otherwise it is done synchronously
/// and the returned task is already complete. Memory that is not 512-aligned is bounced through an
/// <see cref="AlignedBufferPool"/> buffer. Offsets and lengths are not checked here: on a direct file
/// they must be multiples of <see cref="LogicalSectorSize"/> or the kernel answers EINVAL.
/// </para>
/// <para>The methods are thread-safe; every error is an <see cref="ErrnoException"/> naming the path.</para>
/// </remarks>
public sealed class BlockFile : IDisposable
{
    private const int MemoryAlignment = 512;

    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private int _fd;

    private BlockFile(string path, int fd, bool direct, BackingIdentity identity, long size, int logicalSectorSize)
    {
        Path = path;
        _fd = fd;
        Direct = direct;
        Identity = identity;
        Size = size;
        LogicalSectorSize = logicalSectorSize;
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Size in bytes (BLKGETSIZE64 for a block device, st_size for a file) at open time.</summary>
    public long Size { get; }

    /// <summary>Logical sector size: BLKSSZGET for a block device, 512 for a regular file.</summary>
    public int LogicalSectorSize { get; }

    /// <summary>Whether the path is a block device.</summary>
    public bool IsBlockDevice => Identity.IsBlockDevice;

    /// <summary>Whether the file is open with O_DIRECT (false after the buffered fallback).</summary>
    public bool Direct { get; }

    /// <summary>st_rdev of a block device, st_dev of a regular file.</summary>
    public ulong DeviceId => Identity.DeviceId;

    /// <summary>st_ino of a regular file, 0 for a block device.</summary>
    public ulong Inode => Identity.Inode;

    /// <summary>The identity used to refuse the same backing twice under different names.</summary>
    public BackingIdentity Identity { get; }

    /// <summary>The file descriptor.</summary>
    public int Descriptor => _fd;

    /// <summary>Returns the identity of a path (following symbolic links) without opening it.</summary>
    /// <exception cref="ErrnoException">The path does not exist (ENOENT), cannot be reached (EACCES), ...</exception>
    public static BackingIdentity Identify(string path)
    {
        var st = StatPath(path);
        return IdentityOf(st, path);
    }

    /// <summary>Opens a regular file or block device for direct I/O.</summary>
    /// <exception cref="ErrnoException">
    /// ENOENT (missing), EISDIR (a directory), EACCES (no permission), EBUSY (block device open exclusively
    /// elsewhere), EINVAL (neither a regular file nor a block device) or any other errno of open(2);
    /// the message names the path.
    /// </exception>
    public unsafe static BlockFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var st = StatPath(path);
        var type = (uint)(ushort)st.st_mode & 0xF000;
        if (type == 0x4000)
        {
            throw new ErrnoException(Errno.EISDIR, $"'{path}' is a directory, not a disk image or block device");
        }
        var isBlock = type == 0x6000;
        if (!isBlock && type != 0x8000)
        {
            throw new ErrnoException(Errno.EINVAL, $"'{path}' is neither a regular file nor a block device");
        }

        var flags = LibC.O_RDWR | LibC.O_CLOEXEC | LibC.O_DIRECT | (isBlock ? LibC.O_EXCL : 0);
        var fd = OpenPath(path, flags);
        var direct = true;
        if (fd < 0 && LibC.errno is var errno && errno == Errno.EINVAL && !isBlock)
        {
            Log.Warn("'{Path}' is on a file system that does not support O_DIRECT; using buffered I/O with fdatasync on flush", path);
            fd = OpenPath(path, flags & ~LibC.O_DIRECT);
            direct = false;
        }
        if (fd < 0)
        {
            throw OpenError(path, LibC.errno, isBlock);
        }

        try
        {
            stat opened;
            if (LibC.fstat(fd, &opened) < 0)
            {
                var e = LibC.errno;
                throw new ErrnoException(e, $"fstat of '{path}' failed: {Errno.Name(e)}");
            }
            var identity = IdentityOf(opened, path);
            long size;
            int sectorSize;
            if (identity.IsBlockDevice)
            {
                ulong bytes;
                if (LibC.ioctl(fd, unchecked((int)Interop.BLKGETSIZE64), &bytes) < 0)
                {
                    var e = LibC.errno;
                    throw new ErrnoException(e, $"cannot read the size of block device '{path}' (BLKGETSIZE64): {Errno.Name(e)}");
                }
                int logical;
                if (LibC.ioctl(fd, (int)Interop.BLKSSZGET, &logical) < 0)
                {
                    var e = LibC.errno;
                    throw new ErrnoException(e, $"cannot read the sector size of block device '{path}' (BLKSSZGET): {Errno.Name(e)}");
                }
                size = (long)bytes;
                sectorSize = logical;
            }
            else
            {
                size = opened.st_size;
                sectorSize = 512;
            }
            Log.Debug("opened '{Path}' ({Identity}, {Size} bytes, sector {Sector}, direct {Direct}) as fd {Fd}", path, identity, size, sectorSize, direct, fd);
            return new BlockFile(path, fd, direct, identity, size, sectorSize);
        }
        catch
        {
            LibC.close(fd);
            throw;
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; fewer only at the end of the file.</summary>
    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return new ValueTask<int>(0);
        }
        var context = QueueingContext();
        if (context is null)
        {
            try
            {
                return new ValueTask<int>(Read(offset, buffer.Span));
            }
            catch (Exception e)
            {
                return ValueTask.FromException<int>(e);
            }
        }
        return ReadQueuedAsync(context, offset, buffer);
    }

    /// <summary>Writes all of <paramref name="buffer"/> at <paramref name="offset"/> and returns its length.</summary>
    public ValueTask<int> WriteAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return new ValueTask<int>(0);
        }
        var context = QueueingContext();
        if (context is null)
        {
            try
            {
                return new ValueTask<int>(Write(offset, buffer.Span));
            }
            catch (Exception e)
            {
                return ValueTask.FromException<int>(e);
            }
        }
        return WriteQueuedAsync(context, offset, buffer);
    }

    /// <summary>Makes every completed write durable (fdatasync).</summary>
    public ValueTask FlushAsync()
    {
        var context = QueueingContext();
        if (context is null)
        {
            try
            {
                Flush();
                return ValueTask.CompletedTask;
            }
            catch (Exception e)
            {
                return ValueTask.FromException(e);
            }
        }
        return FlushQueuedAsync(context);
    }

    /// <summary>Reads synchronously (pread); returns fewer bytes only at the end of the file.</summary>
    public unsafe int Read(long offset, Span<byte> buffer)
    {
        fixed (byte* pointer = buffer)
        {
            if (!Direct || IsAligned((nint)pointer))
            {
                return PReadFully(pointer, buffer.Length, offset);
            }
            var bounce = AlignedBufferPool.Shared.Rent(buffer.Length);
            try
            {
                var done = PReadFully((byte*)bounce.Address, buffer.Length, offset);
                bounce.GetSpan()[..done].CopyTo(buffer);
                return done;
            }
            finally
            {
                AlignedBufferPool.Shared.Return(bounce);
            }
        }
    }

    /// <summary>Writes synchronously (pwrite) all of <paramref name="buffer"/>.</summary>
    public unsafe int Write(long offset, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* pointer = buffer)
        {
            if (!Direct || IsAligned((nint)pointer))
            {
                return PWriteFully(pointer, buffer.Length, offset);
            }
            var bounce = AlignedBufferPool.Shared.Rent(buffer.Length);
            try
            {
                buffer.CopyTo(bounce.GetSpan());
                return PWriteFully((byte*)bounce.Address, buffer.Length, offset);
            }
            finally
            {
                AlignedBufferPool.Shared.Return(bounce);
            }
        }
    }

    /// <summary>fdatasync, synchronously.</summary>
    public void Flush()
    {
        if (LibC.fdatasync(Fd) < 0)
        {
            var errno = LibC.errno;
            throw new ErrnoException(errno, $"fdatasync of '{Path}' failed: {Errno.Name(errno)}");
        }
    }

    /// <summary>Closes the descriptor. Outstanding I/O must have completed.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.close(fd);
            Log.Debug("closed '{Path}' (fd {Fd})", Path, fd);
        }
    }

    private int Fd
    {
        get
        {
            var fd = _fd;
            ObjectDisposedException.ThrowIf(fd < 0, this);
            return fd;
        }
    }

    private AioContext? QueueingContext()
    {
        var context = AioContext.Current;
        return context is null || context.PreferInline || !Direct ? null : context;
    }

    private static bool IsAligned(nint address) => (address & (MemoryAlignment - 1)) == 0;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadQueuedAsync(AioContext context, long offset, Memory<byte> buffer)
    {
        using var pin = buffer.Pin();
        nint address;
        unsafe
        {
            address = (nint)pin.Pointer;
        }
        var bounce = IsAligned(address) ? null : AlignedBufferPool.Shared.Rent(buffer.Length);
        var target = bounce?.Address ?? address;
        try
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var n = await context.ReadAsync(Fd, target + done, buffer.Length - done, offset + done).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                done += n;
            }
            bounce?.GetSpan()[..done].CopyTo(buffer.Span);
            return done;
        }
        catch (ErrnoException e)
        {
            throw ReadError(e.Errno, buffer.Length, offset, e);
        }
        finally
        {
            if (bounce is not null)
            {
                AlignedBufferPool.Shared.Return(bounce);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WriteQueuedAsync(AioContext context, long offset, ReadOnlyMemory<byte> buffer)
    {
        using var pin = buffer.Pin();
        nint address;
        unsafe
        {
            address = (nint)pin.Pointer;
        }
        AlignedBuffer? bounce = null;
        if (!IsAligned(address))
        {
            bounce = AlignedBufferPool.Shared.Rent(buffer.Length);
            buffer.Span.CopyTo(bounce.GetSpan());
            address = bounce.Address;
        }
        try
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var n = await context.WriteAsync(Fd, address + done, buffer.Length - done, offset + done).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new ErrnoException(Errno.EIO, $"write of {buffer.Length} bytes at offset {offset} to '{Path}' made no progress after {done} bytes");
                }
                done += n;
            }
            return done;
        }
        catch (ErrnoException e) when (!e.Message.Contains(Path, StringComparison.Ordinal))
        {
            throw WriteError(e.Errno, buffer.Length, offset, e);
        }
        finally
        {
            if (bounce is not null)
            {
                AlignedBufferPool.Shared.Return(bounce);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushQueuedAsync(AioContext context)
    {
        try
        {
            await context.FlushAsync(Fd).ConfigureAwait(false);
        }
        catch (ErrnoException e)
        {
            throw new ErrnoException(e.Errno, $"fdatasync of '{Path}' failed: {Errno.Name(e.Errno)}", e);
        }
    }

    private unsafe int PReadFully(byte* pointer, int count, long offset)
    {
        var done = 0;
        while (done < count)
        {
            long n = LibC.pread(Fd, pointer + done, count - done, offset + done);
            if (n < 0)
            {
                var errno = LibC.errno;
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                throw ReadError(errno, count, offset, null);
            }
            if (n == 0)
            {
                break;
            }
            done += (int)n;
        }
        return done;
    }

    private unsafe int PWriteFully(byte* pointer, int count, long offset)
    {
        var done = 0;
        while (done < count)
        {
            long n = LibC.pwrite(Fd, pointer + done, count - done, offset + done);
            if (n < 0)
            {
                var errno = LibC.errno;
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                throw WriteError(errno, count, offset, null);
            }
            if (n == 0)
            {
                throw new ErrnoException(Errno.EIO, $"write of {count} bytes at offset {offset} to '{Path}' made no progress after {done} bytes");
            }
            done += (int)n;
        }
        return done;
    }

    private ErrnoException ReadError(int errno, int count, long offset, Exception? inner)
        => new(errno, $"read of {count} bytes at offset {offset} from '{Path}' failed: {Errno.Name(errno)}", inner);

    private ErrnoException WriteError(int errno, int count, long offset, Exception? inner)
        => new(errno, $"write of {count} bytes at offset {offset} to '{Path}' failed: {Errno.Name(errno)}", inner);

    private unsafe static stat StatPath(string path)
    {
        var bytes = Interop.PathBytes(path);
        stat st;
        fixed (byte* p = bytes)
        {
            if (LibC.stat(p, &st) < 0)
            {
                throw OpenError(path, LibC.errno, isBlock: false);
            }
        }
        return st;
    }

    private unsafe static int OpenPath(string path, int flags)
    {
        var bytes = Interop.PathBytes(path);
        fixed (byte* p = bytes)
        {
            return LibC.open(p, flags, 0);
        }
    }

    private static BackingIdentity IdentityOf(in stat st, string path)
    {
        var type = (uint)(ushort)st.st_mode & 0xF000;
        return type == 0x6000
            ? new BackingIdentity(st.st_rdev, 0, IsBlockDevice: true)
            : new BackingIdentity(st.st_dev, st.st_ino, IsBlockDevice: false);
    }

    private static ErrnoException OpenError(string path, int errno, bool isBlock) => errno switch
    {
        Errno.ENOENT => new ErrnoException(errno, $"'{path}' does not exist"),
        Errno.EACCES or Errno.EPERM => new ErrnoException(errno, $"permission denied opening '{path}' for reading and writing"),
        Errno.EISDIR => new ErrnoException(errno, $"'{path}' is a directory, not a disk image or block device"),
        Errno.EBUSY when isBlock => new ErrnoException(errno, $"block device '{path}' is in use (opened exclusively by something else: mounted, or another holder)"),
        Errno.EROFS => new ErrnoException(errno, $"'{path}' is on a read-only file system"),
        _ => new ErrnoException(errno, $"cannot open '{path}': {Errno.Name(errno)}"),
    };
}
