using System.Globalization;
using VdmFuse.Native;

namespace VdmFuse.Engine.Dkio;

/// <summary>
/// A slice of a VTOC exported as an instance of its own (subdriver <c>slice</c>, the Solaris <c>c0t0d0s0</c>): the window
/// [start, start + size) of 512-byte sectors of its disk, named DISKsN. Slices are made and removed by
/// <see cref="DiskLabels"/> from the VTOC, never by create-instance, and are not recorded: they come back from the label.
/// A V_RONLY slice refuses writes with EROFS.
/// </summary>
/// <remarks>The slice does not count among its disk's parents: deleting the disk revokes its slices.</remarks>
public sealed class VtocSlice : DiskInstance
{
    /// <summary>Creates slice <paramref name="index"/> of <paramref name="disk"/> as <paramref name="partition"/> describes it.</summary>
    public VtocSlice(DiskInstance disk, int index, VtocPartition partition)
        : base(NameOf(disk.Name, index), [disk])
    {
        Disk = disk;
        Index = index;
        Partition = partition;
    }

    /// <summary>The instance the VTOC is on.</summary>
    public DiskInstance Disk { get; }

    /// <summary>The slice number, 0 to 15.</summary>
    public int Index { get; }

    /// <summary>The slice as the VTOC gives it.</summary>
    public VtocPartition Partition { get; }

    /// <inheritdoc/>
    public override string Subdriver => "slice";

    /// <inheritdoc/>
    public override long Size => Partition.Size * Vtoc.DevBlockSize;

    /// <inheritdoc/>
    public override int SectorSize => Disk.SectorSize;

    /// <inheritdoc/>
    public override bool IsReadOnly => Partition.IsReadOnly;

    /// <inheritdoc/>
    public override bool IsUsable => Disk.IsUsable && !Disk.IsRevoked;

    /// <summary>disk, slice, tag (number and name), flag, start and size (512-byte sectors).</summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Attributes =>
    [
        new("disk", Disk.Name),
        new("slice", N(Index)),
        new("tag", N(Partition.Tag)),
        new("tag-name", Vtoc.TagName(Partition.Tag)),
        new("flag", N(Partition.Flag)),
        new("start", N(Partition.Start)),
        new("size", N(Partition.Size)),
    ];

    /// <summary>The name of slice <paramref name="index"/> of <paramref name="disk"/>: DISKsN.</summary>
    public static string NameOf(string disk, int index) => $"{disk}s{index.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer) => Disk.ReadAsync(Partition.Start * Vtoc.DevBlockSize + offset, buffer);

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer) => Partition.IsReadOnly
        ? ValueTask.FromException(new ErrnoException(Errno.EROFS, $"slice '{Name}' of '{Disk.Name}' is read-only (V_RONLY in its VTOC)"))
        : Disk.WriteAsync(Partition.Start * Vtoc.DevBlockSize + offset, buffer);

    /// <inheritdoc/>
    protected override ValueTask FlushCoreAsync() => Disk.FlushAsync();

    /// <inheritdoc/>
    protected override (DiskInstance Instance, long Offset)? MapToChild(long byteOffset) => (Disk, Partition.Start * Vtoc.DevBlockSize + byteOffset);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
