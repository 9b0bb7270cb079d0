using System.Runtime.CompilerServices;
using VdmFuse.Native;

namespace VdmFuse.Engine;

/// <summary>Byte-granular access for the buffered dsk/ view: read-modify-write of the edge sectors.</summary>
public abstract partial class DiskInstance
{
    /// <summary>
    /// Reads any range inside the instance. Partial edge sectors are read through a pooled aligned
    /// buffer; the aligned middle goes straight into <paramref name="buffer"/>.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL (negative offset), ENXIO (past the end: never clipped), or the backing's error.</exception>
    public ValueTask ReadUnalignedAsync(long offset, Memory<byte> buffer)
    {
        if (CheckInside("read", offset, buffer.Length) is { } refused)
        {
            return Refuse(refused);
        }
        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }
        if (IsAligned(offset, buffer.Length))
        {
            return ReadAsync(offset, buffer);
        }
        return ReadEdgesAsync(offset, buffer);
    }

    /// <summary>
    /// Writes any range inside the instance. Partial edge sectors are read, patched and written back
    /// (serialised per instance, so that two such writes never lose each other's bytes); the aligned
    /// middle goes straight through.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL (negative offset), ENXIO (past the end: never clipped), or the backing's error.</exception>
    public ValueTask WriteUnalignedAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        if (CheckInside("write", offset, buffer.Length) is { } refused)
        {
            return Refuse(refused);
        }
        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }
        if (IsAligned(offset, buffer.Length))
        {
            return WriteAsync(offset, buffer);
        }
        // The whole read-modify-write holds the I/O gate: it uses the instance's lock, which disposal releases.
        if (!TryEnterIo())
        {
            return Refuse(RevokedError("write"));
        }
        return WriteEdgesAsync(offset, buffer);
    }

    private bool IsAligned(long offset, int length) => offset % SectorSize == 0 && length % SectorSize == 0;

    /// <summary>The sector-aligned pieces of an unaligned range.</summary>
    private readonly record struct Pieces(long Offset, long End, int SectorSize)
    {
        private long FirstFull => (Offset + SectorSize - 1) / SectorSize * SectorSize;

        private long LastFull => End / SectorSize * SectorSize;

        /// <summary>The range lies in at most two sectors without a whole one between: handle it as one block.</summary>
        public bool Small => FirstFull >= LastFull;

        public long BlockStart => Offset / SectorSize * SectorSize;

        public int BlockLength => (int)((End + SectorSize - 1) / SectorSize * SectorSize - BlockStart);

        public bool HasHead => Offset < FirstFull;

        public bool HasTail => LastFull < End;

        public long HeadSector => FirstFull - SectorSize;

        public long TailSector => LastFull;

        public long MiddleStart => FirstFull;

        public int MiddleLength => (int)(LastFull - FirstFull);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadEdgesAsync(long offset, Memory<byte> buffer)
    {
        var ss = SectorSize;
        var pieces = new Pieces(offset, offset + buffer.Length, ss);
        var scratch = AlignedBufferPool.Shared.Rent(2 * ss);
        try
        {
            if (pieces.Small)
            {
                var block = scratch.Memory[..pieces.BlockLength];
                await ReadAsync(pieces.BlockStart, block).ConfigureAwait(false);
                block.Span.Slice((int)(offset - pieces.BlockStart), buffer.Length).CopyTo(buffer.Span);
                return;
            }
            var head = pieces.HasHead ? ReadAsync(pieces.HeadSector, scratch.Memory[..ss]) : ValueTask.CompletedTask;
            var tail = pieces.HasTail ? ReadAsync(pieces.TailSector, scratch.Memory.Slice(ss, ss)) : ValueTask.CompletedTask;
            var middle = ReadAsync(pieces.MiddleStart, buffer.Slice((int)(pieces.MiddleStart - offset), pieces.MiddleLength));
            await WhenAll(head, tail, middle).ConfigureAwait(false);
            if (pieces.HasHead)
            {
                var skip = (int)(offset - pieces.HeadSector);
                scratch.GetSpan().Slice(skip, ss - skip).CopyTo(buffer.Span);
            }
            if (pieces.HasTail)
            {
                var count = (int)(pieces.End - pieces.TailSector);
                scratch.GetSpan().Slice(ss, count).CopyTo(buffer.Span[^count..]);
            }
        }
        finally
        {
            AlignedBufferPool.Shared.Return(scratch);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteEdgesAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        try
        {
            await WriteEdgesInsideGateAsync(offset, buffer).ConfigureAwait(false);
        }
        finally
        {
            ExitIo();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteEdgesInsideGateAsync(long offset, ReadOnlyMemory<byte> buffer)
    {
        var ss = SectorSize;
        var pieces = new Pieces(offset, offset + buffer.Length, ss);
        var scratch = AlignedBufferPool.Shared.Rent(2 * ss);
        await _readModifyWriteLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (pieces.Small)
            {
                var block = scratch.Memory[..pieces.BlockLength];
                await ReadAsync(pieces.BlockStart, block).ConfigureAwait(false);
                buffer.Span.CopyTo(block.Span[(int)(offset - pieces.BlockStart)..]);
                await WriteAsync(pieces.BlockStart, block).ConfigureAwait(false);
                return;
            }
            var headRead = pieces.HasHead ? ReadAsync(pieces.HeadSector, scratch.Memory[..ss]) : ValueTask.CompletedTask;
            var tailRead = pieces.HasTail ? ReadAsync(pieces.TailSector, scratch.Memory.Slice(ss, ss)) : ValueTask.CompletedTask;
            await WhenAll(headRead, tailRead, ValueTask.CompletedTask).ConfigureAwait(false);
            if (pieces.HasHead)
            {
                var skip = (int)(offset - pieces.HeadSector);
                buffer.Span[..(ss - skip)].CopyTo(scratch.GetSpan()[skip..ss]);
            }
            if (pieces.HasTail)
            {
                var count = (int)(pieces.End - pieces.TailSector);
                buffer.Span[^count..].CopyTo(scratch.GetSpan().Slice(ss, count));
            }
            var head = pieces.HasHead ? WriteAsync(pieces.HeadSector, scratch.Memory[..ss]) : ValueTask.CompletedTask;
            var tail = pieces.HasTail ? WriteAsync(pieces.TailSector, scratch.Memory.Slice(ss, ss)) : ValueTask.CompletedTask;
            var middle = WriteAsync(pieces.MiddleStart, buffer.Slice((int)(pieces.MiddleStart - offset), pieces.MiddleLength));
            await WhenAll(head, tail, middle).ConfigureAwait(false);
        }
        finally
        {
            _readModifyWriteLock.Release();
            AlignedBufferPool.Shared.Return(scratch);
        }
    }

    /// <summary>Awaits all three, even when one fails (their buffers must not be reused before), then throws the first error.</summary>
    /// <remarks>
    /// Pooled rather than Task-based: Task continuations are not inlined on a thread with a
    /// SynchronizationContext and would leave the loop thread.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask WhenAll(ValueTask first, ValueTask second, ValueTask third)
    {
        Exception? error = null;
        try
        {
            await first.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error ??= e;
        }
        try
        {
            await second.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error ??= e;
        }
        try
        {
            await third.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error ??= e;
        }
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }
}
