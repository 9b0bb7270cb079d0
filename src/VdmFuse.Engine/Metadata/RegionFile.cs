using System.Text;
using Tmds.Linux;
using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

/// <summary>
/// The file or block device under one <see cref="RecordLocation"/>, opened for one operation: positional
/// reads and writes relative to the region's start, through 4096-aligned buffers, O_DIRECT when the file
/// system allows it (buffered otherwise), and fdatasync. Not opened O_EXCL, so a region of a block device
/// that is also open elsewhere can still hold a copy. Every error is an <see cref="ErrnoException"/>
/// naming the copy.
/// </summary>
internal sealed class RegionFile : IRecordRegion
{
    private readonly RecordLocation _location;
    private int _fd;

    private RegionFile(RecordLocation location, int fd)
    {
        _location = location;
        _fd = fd;
    }

    /// <inheritdoc/>
    public long SlotLength => _location.SlotLength;

    /// <summary>Opens the region's file; <paramref name="create"/> creates a missing whole-file copy.</summary>
    public static unsafe RegionFile Open(RecordLocation location, bool create, bool direct = true)
    {
        var path = Encoding.UTF8.GetBytes(location.Path + "\0");
        var flags = LibC.O_RDWR | LibC.O_CLOEXEC | (create && location.IsWholeFile ? LibC.O_CREAT : 0);
        int fd;
        fixed (byte* p = path)
        {
            fd = direct ? LibC.open(p, flags | LibC.O_DIRECT, 0x180) : -1;
            if (fd < 0 && (!direct || LibC.errno == Errno.EINVAL))
            {
                fd = LibC.open(p, flags, 0x180);
            }
        }
        if (fd < 0)
        {
            var errno = LibC.errno;
            throw new ErrnoException(errno, errno switch
            {
                Errno.ENOENT => $"configuration copy {location} does not exist",
                Errno.EISDIR => $"configuration copy {location} is a directory",
                Errno.EACCES or Errno.EPERM => $"permission denied opening configuration copy {location}",
                _ => $"cannot open configuration copy {location}: {Errno.Name(errno)}",
            });
        }
        var file = new RegionFile(location, fd);
        try
        {
            file.CheckExtent(create);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/> within the region; fewer at the end of the file.</summary>
    public unsafe int Read(long offset, Span<byte> buffer)
    {
        var bounce = AlignedBufferPool.Shared.Rent(buffer.Length);
        try
        {
            var done = 0;
            while (done < buffer.Length)
            {
                long n = LibC.pread(_fd, (byte*)bounce.Address + done, buffer.Length - done, _location.Offset + offset + done);
                if (n < 0 && LibC.errno == Errno.EINTR)
                {
                    continue;
                }
                if (n < 0)
                {
                    var errno = LibC.errno;
                    throw new ErrnoException(errno, $"reading {buffer.Length} bytes at offset {offset} of configuration copy {_location} failed: {Errno.Name(errno)}");
                }
                if (n == 0 || (n % SlotFormat.Sector) != 0)
                {
                    done += (int)n;
                    break;
                }
                done += (int)n;
            }
            bounce.GetSpan()[..done].CopyTo(buffer);
            return done;
        }
        finally
        {
            AlignedBufferPool.Shared.Return(bounce);
        }
    }

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/> within the region.</summary>
    public unsafe void Write(long offset, ReadOnlySpan<byte> data)
    {
        var bounce = AlignedBufferPool.Shared.Rent(data.Length);
        try
        {
            data.CopyTo(bounce.GetSpan());
            var done = 0;
            while (done < data.Length)
            {
                long n = LibC.pwrite(_fd, (byte*)bounce.Address + done, data.Length - done, _location.Offset + offset + done);
                if (n < 0 && LibC.errno == Errno.EINTR)
                {
                    continue;
                }
                if (n <= 0)
                {
                    var errno = n < 0 ? LibC.errno : Errno.EIO;
                    throw new ErrnoException(errno, $"writing {data.Length} bytes at offset {offset} of configuration copy {_location} failed: {Errno.Name(errno)}");
                }
                done += (int)n;
            }
        }
        finally
        {
            AlignedBufferPool.Shared.Return(bounce);
        }
    }

    /// <summary>Makes the writes durable (fdatasync).</summary>
    public void Sync()
    {
        if (LibC.fdatasync(_fd) < 0)
        {
            var errno = LibC.errno;
            throw new ErrnoException(errno, $"fdatasync of configuration copy {_location} failed: {Errno.Name(errno)}");
        }
    }

    /// <summary>Closes the descriptor.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.close(fd);
        }
    }

    private unsafe void CheckExtent(bool create)
    {
        stat st;
        if (LibC.fstat(_fd, &st) < 0)
        {
            var errno = LibC.errno;
            throw new ErrnoException(errno, $"fstat of configuration copy {_location} failed: {Errno.Name(errno)}");
        }
        var type = (uint)(ushort)st.st_mode & 0xF000;
        if (type == 0x6000)
        {
            long size = LibC.lseek(_fd, 0, LibC.SEEK_END);
            if (size >= 0 && _location.Offset + _location.RegionLength > size)
            {
                throw new ErrnoException(Errno.ENOSPC, $"configuration copy {_location} ends beyond the end of the {size}-byte device");
            }
            if (_location.IsWholeFile)
            {
                throw new ErrnoException(Errno.EINVAL, $"configuration copy {_location} is a block device: give an offset and a length");
            }
        }
        else if (type != 0x8000)
        {
            throw new ErrnoException(Errno.EINVAL, $"configuration copy {_location} is neither a regular file nor a block device");
        }
        else if (create && st.st_size < _location.Offset + _location.RegionLength)
        {
            if (LibC.ftruncate(_fd, _location.Offset + _location.RegionLength) < 0)
            {
                var errno = LibC.errno;
                throw new ErrnoException(errno, $"cannot extend configuration copy {_location}: {Errno.Name(errno)}");
            }
        }
    }
}
