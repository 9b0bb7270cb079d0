using VdmFuse.Engine.Remap;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Remap;

/// <summary>
/// A disk in memory with bad blocks chosen by the test, carrying the tables and remap area of a remap instance and a
/// data partition it remaps: primary table blocks 16-23, secondary 24-31, remap area 32-47 (16 blocks), data partition
/// "p0" blocks 64-1087 (1024 blocks).
/// </summary>
internal sealed class RemapRig : IDisposable
{
    public const int DiskBlocks = 2048;
    public const long DataStart = 64;
    public const long DataBlocks = 1024;
    public const long AreaStart = 32;

    public RemapRig(string prefix = "", bool link = true, int areaBlocks = 16)
    {
        Disk = new MemoryDisk(prefix + "disk", DiskBlocks * 512)
        {
            FailRead = (offset, length) => Overlaps(BadReads, offset, length),
            FailWrite = (offset, length) => Overlaps(BadWrites, offset, length),
        };
        Primary = new PartitionDisk(prefix + "pt", Disk, 16, 8);
        Secondary = new PartitionDisk(prefix + "st", Disk, 24, 8);
        AreaPartition = new PartitionDisk(prefix + "ra", Disk, AreaStart, areaBlocks);
        Data = new PartitionDisk(prefix + "p0", Disk, DataStart, DataBlocks);
        Capacity = RemapDisk.Format(Primary, Secondary, AreaPartition, force: false);
        Remap = new RemapDisk(prefix + "R", Primary, Secondary, AreaPartition);
        if (link)
        {
            Link();
        }
    }

    public MemoryDisk Disk { get; }

    public PartitionDisk Primary { get; }

    public PartitionDisk Secondary { get; }

    public PartitionDisk AreaPartition { get; }

    public PartitionDisk Data { get; }

    public RemapDisk Remap { get; private set; }

    public int Capacity { get; }

    /// <summary>Disk blocks whose reads fail with EIO.</summary>
    public HashSet<long> BadReads { get; } = [];

    /// <summary>Disk blocks whose writes fail with EIO.</summary>
    public HashSet<long> BadWrites { get; } = [];

    public void Link() => Data.LinkChild(Remap, new Dictionary<string, string>());

    /// <summary>Unlinks, disposes and re-creates the remap instance from the tables on disk, and links it again.</summary>
    public RemapDisk Reopen()
    {
        if (Data.Remap is not null)
        {
            Data.UnlinkChild(Remap);
        }
        Remap.Dispose();
        Remap = new RemapDisk(Remap.Name, Primary, Secondary, AreaPartition);
        Link();
        return Remap;
    }

    /// <summary>Fails both reads and writes of a disk block.</summary>
    public void Break(long block)
    {
        BadReads.Add(block);
        BadWrites.Add(block);
    }

    public void Heal(long block)
    {
        BadReads.Remove(block);
        BadWrites.Remove(block);
    }

    /// <summary>The disk's bytes of one block, straight from memory.</summary>
    public byte[] OnDisk(long block) => Disk.Content.AsSpan((int)(block * 512), 512).ToArray();

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public async Task WriteAsync(long partitionBlock, byte[] data) => await Data.WriteAsync(partitionBlock * 512, data);

    /// <summary>Writes through the data partition; the memory disk completes synchronously.</summary>
    public void Write(long partitionBlock, byte[] data) => Run(() => Data.WriteAsync(partitionBlock * 512, data));

    /// <summary>Reads through the data partition.</summary>
    public byte[] Read(long partitionBlock, int blocks)
    {
        var data = new byte[blocks * 512];
        Run(() => Data.ReadAsync(partitionBlock * 512, data));
        return data;
    }

    public static void Run(Func<ValueTask> operation) => operation().AsTask().GetAwaiter().GetResult();

    public async Task<byte[]> ReadAsync(long partitionBlock, int blocks)
    {
        var data = new byte[blocks * 512];
        await Data.ReadAsync(partitionBlock * 512, data);
        return data;
    }

    public void Dispose()
    {
        Data.Dispose();
        Remap.Dispose();
        Primary.Dispose();
        Secondary.Dispose();
        AreaPartition.Dispose();
        Disk.Dispose();
    }

    private static bool Overlaps(HashSet<long> blocks, long offset, int length)
    {
        lock (blocks)
        {
            return blocks.Any(b => b * 512 < offset + length && offset < (b + 1) * 512);
        }
    }
}
