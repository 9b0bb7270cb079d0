namespace VdmFuse.Engine.Mirror;

/// <summary>
/// One bit per granule of a mirror: which groups of <see cref="GranuleBlocks"/> 512-byte blocks changed (a
/// fractured image's change map) or may differ (the dirty regions after a crash). Thread-safe.
/// </summary>
public sealed class GranuleMap
{
    private const int BlockSize = 512;
    private readonly ulong[] _bits;
    private readonly Lock _lock = new();

    /// <summary>A map with no granule marked over <paramref name="sizeBytes"/> bytes, in granules of <paramref name="granuleBlocks"/> blocks.</summary>
    public GranuleMap(long sizeBytes, long granuleBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(granuleBlocks);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeBytes);
        GranuleBlocks = granuleBlocks;
        SizeBytes = sizeBytes;
        GranuleCount = (sizeBytes / BlockSize + granuleBlocks - 1) / granuleBlocks;
        _bits = new ulong[(GranuleCount + 63) / 64];
    }

    /// <summary>The size of the mirror the map covers, in bytes.</summary>
    public long SizeBytes { get; }

    /// <summary>The width of a granule, in 512-byte blocks.</summary>
    public long GranuleBlocks { get; }

    /// <summary>The width of a granule, in bytes.</summary>
    public long GranuleBytes => GranuleBlocks * BlockSize;

    /// <summary>How many granules cover the mirror.</summary>
    public long GranuleCount { get; }

    /// <summary>The memory the map costs, in bytes (one bit per granule).</summary>
    public long CostBytes => _bits.Length * 8L;

    /// <summary>How many granules are marked.</summary>
    public long MarkedCount
    {
        get
        {
            lock (_lock)
            {
                return _bits.Sum(word => (long)ulong.PopCount(word));
            }
        }
    }

    /// <summary>Marks every granule the byte range touches.</summary>
    public void Mark(long offset, long length)
    {
        if (length <= 0)
        {
            return;
        }
        var first = offset / GranuleBytes;
        var last = Math.Min(GranuleCount - 1, (offset + length - 1) / GranuleBytes);
        lock (_lock)
        {
            for (var g = first; g <= last; g++)
            {
                _bits[g >> 6] |= 1UL << (int)(g & 63);
            }
        }
    }

    /// <summary>Marks every granule of <paramref name="other"/>'s marked ranges (any granularity).</summary>
    public void MarkAll(GranuleMap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var granule in other.MarkedGranules())
        {
            Mark(granule * other.GranuleBytes, other.GranuleBytes);
        }
    }

    /// <summary>Whether granule <paramref name="granule"/> is marked.</summary>
    public bool IsMarked(long granule)
    {
        lock (_lock)
        {
            return (_bits[granule >> 6] & (1UL << (int)(granule & 63))) != 0;
        }
    }

    /// <summary>Whether any granule the byte range touches is marked.</summary>
    public bool AnyMarked(long offset, long length)
    {
        if (length <= 0)
        {
            return false;
        }
        var first = offset / GranuleBytes;
        var last = Math.Min(GranuleCount - 1, (offset + length - 1) / GranuleBytes);
        for (var g = first; g <= last; g++)
        {
            if (IsMarked(g))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Clears granule <paramref name="granule"/>.</summary>
    public void Clear(long granule)
    {
        lock (_lock)
        {
            _bits[granule >> 6] &= ~(1UL << (int)(granule & 63));
        }
    }

    /// <summary>Clears every granule wholly inside the byte range.</summary>
    public void ClearRange(long offset, long length)
    {
        var first = (offset + GranuleBytes - 1) / GranuleBytes;
        var last = Math.Min(GranuleCount, (offset + length) / GranuleBytes) - 1;
        if (offset + length >= SizeBytes)
        {
            last = GranuleCount - 1;
        }
        lock (_lock)
        {
            for (var g = first; g <= last; g++)
            {
                _bits[g >> 6] &= ~(1UL << (int)(g & 63));
            }
        }
    }

    /// <summary>The marked granules, in order (a snapshot).</summary>
    public IReadOnlyList<long> MarkedGranules()
    {
        var marked = new List<long>();
        lock (_lock)
        {
            for (long g = 0; g < GranuleCount; g++)
            {
                if ((_bits[g >> 6] & (1UL << (int)(g & 63))) != 0)
                {
                    marked.Add(g);
                }
            }
        }
        return marked;
    }

    /// <summary>The bits, little-endian, 8 bytes per 64 granules (what the journal stores).</summary>
    public byte[] ToBytes()
    {
        lock (_lock)
        {
            var bytes = new byte[_bits.Length * 8];
            for (var i = 0; i < _bits.Length; i++)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), _bits[i]);
            }
            return bytes;
        }
    }

    /// <summary>A map read back from <see cref="ToBytes"/>; extra or missing bytes are ignored or left clear.</summary>
    public static GranuleMap FromBytes(long sizeBytes, long granuleBlocks, ReadOnlySpan<byte> bytes)
    {
        var map = new GranuleMap(sizeBytes, granuleBlocks);
        for (var i = 0; i < map._bits.Length && (i + 1) * 8 <= bytes.Length; i++)
        {
            map._bits[i] = BitConverter.ToUInt64(bytes.Slice(i * 8, 8));
        }
        if (map.GranuleCount % 64 != 0 && map._bits.Length > 0)
        {
            map._bits[^1] &= (1UL << (int)(map.GranuleCount % 64)) - 1;
        }
        return map;
    }

    /// <summary>A copy of this map.</summary>
    public GranuleMap Clone(long sizeBytes) => FromBytes(sizeBytes, GranuleBlocks, ToBytes());
}
