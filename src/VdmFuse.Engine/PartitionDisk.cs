using System.Globalization;
using VdmFuse.Engine.Remap;
using VdmFuse.Native;

namespace VdmFuse.Engine;

/// <summary>
/// A window of 512-byte blocks on another instance (its data child). It does not own the child; it is
/// listed among the child's <see cref="DiskInstance.Parents"/> until disposed.
/// </summary>
/// <remarks>
/// Besides its data child a partition may take one extra child, a remap instance (vdmpart(7)); the data
/// child defines the partition and cannot be unlinked. Start and size can be updated while the partition is
/// closed and nothing is built on it.
/// </remarks>
public sealed class PartitionDisk : DiskInstance
{
    /// <summary>The unit of <see cref="StartBlock"/> and <see cref="SizeBlocks"/>.</summary>
    public const int BlockSize = 512;

    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private Window _window;
    private RemapDisk? _remap;

    /// <summary>Creates the window [<paramref name="startBlock"/>, <paramref name="startBlock"/> + <paramref name="sizeBlocks"/>) on <paramref name="child"/>.</summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: bad name, negative start, empty size, a window that does not fit inside the child, or one
    /// not aligned to the child's sectors; the message names both instances.
    /// </exception>
    public PartitionDisk(string name, DiskInstance child, long startBlock, long sizeBlocks)
        : base(name, [child])
    {
        CheckWindow(name, child, startBlock, sizeBlocks);
        Child = child;
        _window = new Window(startBlock, sizeBlocks);
        child.AttachParent(this);
    }

    /// <summary>The instance the window is on.</summary>
    public DiskInstance Child { get; }

    /// <summary>The remap instance linked as an extra child, or null: while linked, it takes the partition's I/O (vdmremap(7)).</summary>
    public RemapDisk? Remap => Volatile.Read(ref _remap);

    /// <summary>Blocks of the partition that its remap instance has mapped to the remap area.</summary>
    public override long RemappedBlocks => Remap?.MappedBlocksIn(StartBlock, SizeBlocks) ?? 0;

    /// <summary>First block of the window on the child, in 512-byte blocks.</summary>
    public long StartBlock => Volatile.Read(ref _window).Start;

    /// <summary>Length of the window in 512-byte blocks.</summary>
    public long SizeBlocks => Volatile.Read(ref _window).Size;

    /// <summary>Byte offset of the window on the child.</summary>
    public long StartOffset => StartBlock * BlockSize;

    /// <inheritdoc/>
    public override string Subdriver => "partition";

    /// <inheritdoc/>
    public override long Size => SizeBlocks * BlockSize;

    /// <inheritdoc/>
    public override int SectorSize => Child.SectorSize;

    /// <summary>
    /// child (its name) and child-device-number, start and size (512-byte blocks), remap and
    /// remap-device-number (the remap instance's name and number, or "-").
    /// </summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Attributes =>
    [
        new("child", Child.Name),
        new("child-device-number", Child.DeviceNumber.ToString(CultureInfo.InvariantCulture)),
        new("start", StartBlock.ToString(CultureInfo.InvariantCulture)),
        new("size", SizeBlocks.ToString(CultureInfo.InvariantCulture)),
        new("remap", Remap?.Name ?? "-"),
        new("remap-device-number", Remap?.DeviceNumber.ToString(CultureInfo.InvariantCulture) ?? "-"),
    ];

    /// <summary>Moves or resizes the window: <c>start</c> and <c>size</c>, in 512-byte blocks.</summary>
    /// <exception cref="ErrnoException">
    /// EBUSY: the partition is open or another instance is built on it; EINVAL: another attribute, a number
    /// that is not one, or a window that does not fit in the child.
    /// </exception>
    public override void UpdateAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        long? start = null, size = null;
        foreach (var (key, value) in attributes)
        {
            switch (key)
            {
                case "start":
                    start = ParseNumber(key, value);
                    break;
                case "size":
                    size = ParseNumber(key, value);
                    break;
                default:
                    throw new ErrnoException(Errno.EINVAL,
                        $"attribute '{key}' of {Description} cannot be updated (only start and size can)");
            }
        }
        if (start is null && size is null)
        {
            return;
        }
        if (Parents is { Count: > 0 } parents)
        {
            throw new ErrnoException(Errno.EBUSY,
                $"cannot change the window of {Description}: {string.Join(", ", parents)} {(parents.Count == 1 ? "is" : "are")} built on it");
        }
        ChangeWhileClosed("the window", () =>
        {
            var next = new Window(start ?? StartBlock, size ?? SizeBlocks);
            CheckWindow(Name, Child, next.Start, next.Size);
            Remap?.CheckCanRemap(this, next.Start, next.Size);
            Volatile.Write(ref _window, next);
        });
    }

    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer)
        => Volatile.Read(ref _remap) is { } remap ? remap.ReadRemappedAsync(StartOffset + offset, buffer) : Child.ReadAsync(StartOffset + offset, buffer);

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer)
        => Volatile.Read(ref _remap) is { } remap ? remap.WriteRemappedAsync(StartOffset + offset, buffer) : Child.WriteAsync(StartOffset + offset, buffer);

    /// <inheritdoc/>
    protected override ValueTask FlushCoreAsync() => Child.FlushAsync();

    /// <inheritdoc/>
    protected override (DiskInstance Instance, long Offset)? MapToChild(long byteOffset) => (Child, StartOffset + byteOffset);

    /// <summary>
    /// Takes a remap instance as the extra child, which enables bad-block remapping for the partition: the remap
    /// instance of the disk the partition is on, never one of its own partitions or a window overlapping them.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: not a remap instance, the remap instance of another disk, or an overlap; EBUSY: a remap is already linked.
    /// </exception>
    protected internal override void LinkChild(DiskInstance child, IReadOnlyDictionary<string, string> role)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (child is not RemapDisk remap)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"partition '{Name}' can take only a remap instance as an extra child; '{child.Name}' is a {child.Subdriver} instance");
        }
        if (Remap is { } existing)
        {
            throw new ErrnoException(Errno.EBUSY, $"partition '{Name}' already has remap instance '{existing.Name}'");
        }
        remap.CheckCanRemap(this, StartBlock, SizeBlocks);
        Volatile.Write(ref _remap, remap);
        AttachChild(child);
    }

    /// <summary>
    /// Gives up the remap child, which disables remapping; refused while the partition is open, since its remapped
    /// blocks would read their old places. Refuses the data child, which defines the partition.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: the data child; EBUSY: the partition is open.</exception>
    protected internal override void UnlinkChild(DiskInstance child)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (child != Remap)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"'{child.Name}' is the data child of partition '{Name}' and defines it: it cannot be unlinked (delete the partition instead)");
        }
        ChangeWhileClosed("the remapping", () =>
        {
            Volatile.Write(ref _remap, null);
            DetachChild(child);
        });
        if (RemapDiskMapped(child) is var mapped and > 0)
        {
            Log.Warn("remapping disabled for partition '{0}': its {1} remapped blocks keep their data in the remap area of '{2}' and now read from their bad places",
                Name, mapped, child.Name);
        }
    }

    private long RemapDiskMapped(DiskInstance child) => child is RemapDisk remap ? remap.MappedBlocksIn(StartBlock, SizeBlocks) : 0;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Child.DetachParent(this);
            Remap?.DetachParent(this);
        }
        base.Dispose(disposing);
    }

    private static void CheckWindow(string name, DiskInstance child, long startBlock, long sizeBlocks)
    {
        var childBlocks = child.Size / BlockSize;
        if (startBlock < 0 || sizeBlocks <= 0)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"partition '{name}' needs a start of at least 0 and a size of at least 1 block (got start {startBlock}, size {sizeBlocks})");
        }
        if (startBlock > childBlocks - sizeBlocks)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"partition '{name}' (start {startBlock}, {sizeBlocks} blocks) does not fit in {child} ({childBlocks} blocks of {BlockSize} bytes)");
        }
        if (startBlock * BlockSize % child.SectorSize != 0 || sizeBlocks * BlockSize % child.SectorSize != 0)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"partition '{name}' (start {startBlock}, {sizeBlocks} blocks) is not aligned to the {child.SectorSize}-byte sectors of {child}");
        }
    }

    private sealed record Window(long Start, long Size);
}
