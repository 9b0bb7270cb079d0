using System.Runtime.InteropServices;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// A file descriptor used through raw open/pread/pwrite so that each failure reports its exact errno
/// (FileStream and RandomAccess fold errno values into IOException). Positional I/O goes through a page-aligned
/// buffer, as a raw-device user's would: with FOPEN_DIRECT_IO the kernel splits a request whose user buffer is not
/// page-aligned at page boundaries, into pieces that are not multiples of 512 bytes, which rdsk/ rightly refuses.
/// </summary>
public sealed unsafe class PosixFile : IDisposable
{
    private int _fd;

    private PosixFile(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    /// <summary>The descriptor, for calls this class does not wrap.</summary>
    public int Descriptor => _fd;

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Opens <paramref name="path"/>; throws <see cref="IOException"/> naming the path and errno on failure.</summary>
    public static PosixFile Open(string path, int flags)
    {
        int errno = TryOpen(path, flags, out var file);
        if (errno != 0)
        {
            throw new IOException($"open({path}, 0x{flags:x}) failed with errno {errno}");
        }
        return file!;
    }

    /// <summary>Opens <paramref name="path"/> and returns 0, or returns the errno.</summary>
    public static int TryOpen(string path, int flags, out PosixFile? file)
    {
        int fd = Libc.Open(path, flags | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            file = null;
            return Marshal.GetLastPInvokeError();
        }
        file = new PosixFile(fd, path);
        return 0;
    }

    /// <summary>One pread(2); returns 0 and the byte count, or the errno.</summary>
    public int TryPread(Span<byte> buffer, long offset, out int count)
    {
        using var staging = new AlignedBuffer(buffer.Length);
        nint n = Libc.Pread(_fd, staging.Pointer, buffer.Length, offset);
        int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        count = n < 0 ? 0 : (int)n;
        staging.Span[..count].CopyTo(buffer);
        return errno;
    }

    /// <summary>One pwrite(2); returns 0 and the byte count, or the errno.</summary>
    public int TryPwrite(ReadOnlySpan<byte> buffer, long offset, out int count)
    {
        using var staging = new AlignedBuffer(buffer.Length);
        buffer.CopyTo(staging.Span);
        nint n = Libc.Pwrite(_fd, staging.Pointer, buffer.Length, offset);
        int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        count = n < 0 ? 0 : (int)n;
        return errno;
    }

    /// <summary>One write(2) at the file position; returns 0 and the byte count, or the errno.</summary>
    public int TryWrite(ReadOnlySpan<byte> buffer, out int count)
    {
        fixed (byte* p = buffer)
        {
            nint n = Libc.Write(_fd, p, buffer.Length);
            count = n < 0 ? 0 : (int)n;
            return n < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary>One read(2) at the file position; returns 0 and the byte count, or the errno.</summary>
    public int TryRead(Span<byte> buffer, out int count)
    {
        fixed (byte* p = buffer)
        {
            nint n = Libc.Read(_fd, p, buffer.Length);
            count = n < 0 ? 0 : (int)n;
            return n < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; throws on an error or a short file.</summary>
    public void ReadExactly(Span<byte> buffer, long offset)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int errno = TryPread(buffer[done..], offset + done, out int n);
            if (errno != 0)
            {
                throw new IOException($"pread({Path}, {buffer.Length - done} bytes at {offset + done}) failed with errno {errno}");
            }
            if (n == 0)
            {
                throw new EndOfStreamException($"pread({Path}) hit the end of the file at {offset + done}");
            }
            done += n;
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes from <paramref name="offset"/>.</summary>
    public byte[] ReadBytes(long offset, int length)
    {
        var data = new byte[length];
        ReadExactly(data, offset);
        return data;
    }

    /// <summary>Writes all of <paramref name="buffer"/> at <paramref name="offset"/>; throws on an error.</summary>
    public void WriteExactly(ReadOnlySpan<byte> buffer, long offset)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int errno = TryPwrite(buffer[done..], offset + done, out int n);
            if (errno != 0 || n == 0)
            {
                throw new IOException($"pwrite({Path}, {buffer.Length - done} bytes at {offset + done}) failed with errno {errno}");
            }
            done += n;
        }
    }

    /// <summary>fsync(2); throws on an error.</summary>
    public void Fsync()
    {
        if (Libc.Fsync(_fd) != 0)
        {
            throw new IOException($"fsync({Path}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Closes the descriptor; returns 0 or the errno of close(2).</summary>
    public int Close()
    {
        if (_fd < 0)
        {
            return 0;
        }
        int result = Libc.Close(_fd);
        _fd = -1;
        return result == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <inheritdoc/>
    public void Dispose() => Close();

    /// <summary>Native memory aligned to 4096 bytes, freed on dispose.</summary>
    private readonly ref struct AlignedBuffer
    {
        private readonly int _length;

        public AlignedBuffer(int length)
        {
            _length = length;
            Pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), 4096);
        }

        public byte* Pointer { get; }

        public Span<byte> Span => new(Pointer, _length);

        public void Dispose() => NativeMemory.AlignedFree(Pointer);
    }
}
