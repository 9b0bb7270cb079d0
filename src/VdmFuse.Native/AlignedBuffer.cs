using System.Buffers;
using System.Runtime.InteropServices;

namespace VdmFuse.Native;

/// <summary>
/// Native memory aligned to <see cref="Alignment"/> bytes, as O_DIRECT I/O requires, exposed as
/// <see cref="Memory{T}"/>. The memory never moves, so pinning it costs nothing.
/// </summary>
/// <remarks>Rent buffers from <see cref="AlignedBufferPool"/> rather than allocating one per operation.</remarks>
public sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    /// <summary>The alignment of every buffer, in bytes.</summary>
    public const int Alignment = 4096;

    private byte* _pointer;

    /// <summary>Allocates <paramref name="length"/> bytes of zeroed, aligned native memory.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, Alignment);
        NativeMemory.Clear(_pointer, (nuint)length);
    }

    /// <summary>The size of the buffer in bytes.</summary>
    public int Length { get; }

    /// <summary>The address of the first byte.</summary>
    public nint Address => (nint)_pointer;

    /// <inheritdoc/>
    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return new Span<byte>(_pointer, Length);
    }

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Length, nameof(elementIndex));
        return new MemoryHandle(_pointer + elementIndex);
    }

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
