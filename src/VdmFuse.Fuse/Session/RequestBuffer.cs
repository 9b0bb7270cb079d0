using System.Buffers;
using System.Runtime.InteropServices;

namespace VdmFuse.Fuse.Session;

/// <summary>
/// One page-aligned native buffer that holds one request from the read until its reply has been sent.
/// The request is read at <see cref="ReadOffset"/> so that byte 80, where a WRITE payload starts, lands on
/// a 4096-aligned address; a READ reply is built at <see cref="ReplyOffset"/>, also aligned.
/// </summary>
internal sealed unsafe class RequestBuffer : MemoryManager<byte>
{
    public const int Alignment = 4096;

    /// <summary>Where a request is read: 4096 - 80, so that a WRITE payload is page-aligned.</summary>
    public const int ReadOffset = Alignment - 80;

    /// <summary>Where a READ or READDIR reply is built; it follows the 80-byte request without touching it.</summary>
    public const int ReplyOffset = Alignment;

    /// <summary>1 MiB of payload, a page of header room and a page of slack.</summary>
    public const int Size = (1 << 20) + 2 * Alignment;

    private byte* _pointer;

    public RequestBuffer()
    {
        _pointer = (byte*)NativeMemory.AlignedAlloc(Size, Alignment);
    }

    /// <summary>The number of bytes read into the buffer.</summary>
    public int Length { get; set; }

    /// <summary>Where read(2) writes.</summary>
    public byte* ReadPointer => _pointer + ReadOffset;

    /// <summary>How many bytes a read may offer: at least 80 + max_write.</summary>
    public static int ReadCapacity => Size - ReadOffset;

    /// <summary>Bytes available for a reply built at <see cref="ReplyOffset"/>.</summary>
    public static int ReplyCapacity => Size - ReplyOffset;

    /// <summary>The request's bytes.</summary>
    public ReadOnlySpan<byte> Request => new(_pointer + ReadOffset, Length);

    /// <summary>A part of the request, as memory that stays valid until the reply.</summary>
    public Memory<byte> RequestMemory(int offset, int length) => Memory.Slice(ReadOffset + offset, length);

    /// <summary>The aligned reply area.</summary>
    public Memory<byte> ReplyMemory(int length) => Memory.Slice(ReplyOffset, length);

    public Span<byte> ReplySpan(int length) => new(_pointer + ReplyOffset, length);

    public override Span<byte> GetSpan() => new(_pointer, Size);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }

    /// <summary>Frees the native memory.</summary>
    public void Free() => ((IDisposable)this).Dispose();
}
