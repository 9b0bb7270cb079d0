using VdmFuse.Engine;

namespace VdmFuse.Testing;

/// <summary>A disk instance held in a byte array, for tests of the layers above the engine.</summary>
public sealed class MemoryDisk : DiskInstance
{
    private readonly byte[] _data;
    private readonly Lock _lock = new();
    private long _writeStamp;

    /// <summary>Creates a zeroed disk of <paramref name="size"/> bytes (a multiple of 512).</summary>
    public MemoryDisk(string name, int size)
        : base(name, [])
    {
        if (size <= 0 || size % 512 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "a positive multiple of 512 is required");
        }
        _data = new byte[size];
    }

    /// <summary>The disk's content (a copy).</summary>
    public byte[] Content
    {
        get
        {
            lock (_lock)
            {
                return (byte[])_data.Clone();
            }
        }
    }

    /// <summary>When set and true for (offset, length), a read fails with EIO before touching the data.</summary>
    public Func<long, int, bool>? FailRead { get; set; }

    /// <summary>When set and true for (offset, length), a write fails with EIO before touching the data.</summary>
    public Func<long, int, bool>? FailWrite { get; set; }

    /// <inheritdoc/>
    public override string Subdriver => "memory";

    /// <inheritdoc/>
    public override long Size => _data.Length;

    /// <inheritdoc/>
    public override long WriteStamp => Interlocked.Read(ref _writeStamp);

    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer)
    {
        if (FailRead?.Invoke(offset, buffer.Length) == true)
        {
            return ValueTask.FromException(new VdmFuse.Native.ErrnoException(VdmFuse.Native.Errno.EIO, $"memory disk '{Name}': injected read error at offset {offset}"));
        }
        lock (_lock)
        {
            _data.AsSpan((int)offset, buffer.Length).CopyTo(buffer.Span);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        if (FailWrite?.Invoke(offset, buffer.Length) == true)
        {
            return ValueTask.FromException(new VdmFuse.Native.ErrnoException(VdmFuse.Native.Errno.EIO, $"memory disk '{Name}': injected write error at offset {offset}"));
        }
        lock (_lock)
        {
            buffer.Span.CopyTo(_data.AsSpan((int)offset));
        }
        Interlocked.Increment(ref _writeStamp);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override ValueTask FlushCoreAsync() => ValueTask.CompletedTask;
}
