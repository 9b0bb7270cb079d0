using System.Collections.Concurrent;
using System.Numerics;

namespace VdmFuse.Native;

/// <summary>
/// A thread-safe pool of <see cref="AlignedBuffer"/>s in power-of-two sizes from 4 KiB to 4 MiB.
/// Larger requests get a buffer of their own that is freed when returned.
/// </summary>
public sealed class AlignedBufferPool
{
    private const int MinimumShift = 12;
    private const int MaximumShift = 22;
    private const int BuffersKeptPerSize = 32;

    private readonly ConcurrentBag<AlignedBuffer>[] _buckets;
    private readonly int[] _counts;

    /// <summary>The pool shared by the whole process.</summary>
    public static AlignedBufferPool Shared { get; } = new();

    /// <summary>Creates an empty pool.</summary>
    public AlignedBufferPool()
    {
        _buckets = new ConcurrentBag<AlignedBuffer>[MaximumShift - MinimumShift + 1];
        _counts = new int[_buckets.Length];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = [];
        }
    }

    /// <summary>Returns a buffer of at least <paramref name="minimumLength"/> bytes; its contents are undefined.</summary>
    public AlignedBuffer Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumLength);
        var bucket = BucketOf(minimumLength);
        if (bucket < 0)
        {
            return new AlignedBuffer(minimumLength);
        }
        if (_buckets[bucket].TryTake(out var buffer))
        {
            Interlocked.Decrement(ref _counts[bucket]);
            return buffer;
        }
        return new AlignedBuffer(1 << (bucket + MinimumShift));
    }

    /// <summary>Gives a buffer back to the pool; the caller must not use it afterwards.</summary>
    public void Return(AlignedBuffer buffer)
    {
        var bucket = BucketOf(buffer.Length);
        if (bucket < 0 || buffer.Length != 1 << (bucket + MinimumShift)
            || Interlocked.Increment(ref _counts[bucket]) > BuffersKeptPerSize)
        {
            if (bucket >= 0 && buffer.Length == 1 << (bucket + MinimumShift))
            {
                Interlocked.Decrement(ref _counts[bucket]);
            }
            ((IDisposable)buffer).Dispose();
            return;
        }
        _buckets[bucket].Add(buffer);
    }

    private static int BucketOf(int length)
    {
        var shift = Math.Max(MinimumShift, 32 - BitOperations.LeadingZeroCount((uint)length - 1));
        return shift > MaximumShift ? -1 : shift - MinimumShift;
    }
}
