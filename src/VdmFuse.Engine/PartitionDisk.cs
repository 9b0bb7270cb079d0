using VdmFuse.Native;

namespace VdmFuse.Engine;

/// <summary>
/// A window of 512-byte blocks on another instance (its child). It does not own the child; it is
/// listed among the child's <see cref="DiskInstance.Parents"/> until disposed.
/// </summary>
public sealed class PartitionDisk : DiskInstance
{
    /// <summary>The unit of <see cref="StartBlock"/> and <see cref="SizeBlocks"/>.</summary>
    public const int BlockSize = 512;

    /// <summary>Creates the window [<paramref name="startBlock"/>, <paramref name="startBlock"/> + <paramref name="sizeBlocks"/>) on <paramref name="child"/>.</summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: bad name, negative start, empty size, a window that does not fit inside the child, or one
    /// not aligned to the child's sectors; the message names both instances.
    /// </exception>
    public PartitionDisk(string name, DiskInstance child, long startBlock, long sizeBlocks)
        : base(name, [child])
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
        Child = child;
        StartBlock = startBlock;
        SizeBlocks = sizeBlocks;
        child.AttachParent(this);
    }

    /// <summary>The instance the window is on.</summary>
    public DiskInstance Child { get; }

    /// <summary>First block of the window on the child, in 512-byte blocks.</summary>
    public long StartBlock { get; }

    /// <summary>Length of the window in 512-byte blocks.</summary>
    public long SizeBlocks { get; }

    /// <summary>Byte offset of the window on the child.</summary>
    public long StartOffset => StartBlock * BlockSize;

    /// <inheritdoc/>
    public override string Subdriver => "partition";

    /// <inheritdoc/>
    public override long Size => SizeBlocks * BlockSize;

    /// <inheritdoc/>
    public override int SectorSize => Child.SectorSize;

    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer) => Child.ReadAsync(StartOffset + offset, buffer);

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer) => Child.WriteAsync(StartOffset + offset, buffer);

    /// <inheritdoc/>
    protected override ValueTask FlushCoreAsync() => Child.FlushAsync();

    /// <inheritdoc/>
    protected override (DiskInstance Instance, long Offset)? MapToChild(long byteOffset) => (Child, StartOffset + byteOffset);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Child.DetachParent(this);
        }
        base.Dispose(disposing);
    }
}
