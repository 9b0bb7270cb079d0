using System.Globalization;

namespace VdmFuse.Engine.Devices;

/// <summary>
/// A volume of a mounted device: a fixed window of 512-byte blocks on the device's physical instance,
/// placed by the device's volume table (subdriver <c>volume</c>).
/// </summary>
public sealed class VolumeDisk : DiskInstance
{
    private const int BlockSize = 512;
    private readonly long _startOffset;

    /// <summary>Creates the volume <paramref name="volume"/> over the physical instance <paramref name="device"/>.</summary>
    public VolumeDisk(DiskInstance device, DeviceVolume volume)
        : base(volume.Name, [device])
    {
        ArgumentNullException.ThrowIfNull(volume);
        Device = device;
        Volume = volume;
        _startOffset = volume.StartBlock * BlockSize;
        device.AttachParent(this);
    }

    /// <summary>The physical instance of the device the volume is on.</summary>
    public DiskInstance Device { get; }

    /// <summary>The volume's entry in the device's volume table.</summary>
    public DeviceVolume Volume { get; }

    /// <inheritdoc/>
    public override string Subdriver => "volume";

    /// <inheritdoc/>
    public override long Size => Volume.SizeBlocks * BlockSize;

    /// <inheritdoc/>
    public override int SectorSize => Device.SectorSize;

    /// <summary>device (the physical instance's name), lvid, quota-kb, start and size (512-byte blocks).</summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Attributes =>
    [
        new("device", Device.Name),
        new("lvid", Volume.Lvid.ToString(CultureInfo.InvariantCulture)),
        new("quota-kb", Volume.QuotaKb.ToString(CultureInfo.InvariantCulture)),
        new("start", Volume.StartBlock.ToString(CultureInfo.InvariantCulture)),
        new("size", Volume.SizeBlocks.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <inheritdoc/>
    protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer) => Device.ReadAsync(_startOffset + offset, buffer);

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer) => Device.WriteAsync(_startOffset + offset, buffer);

    /// <inheritdoc/>
    protected override ValueTask FlushCoreAsync() => Device.FlushAsync();

    /// <inheritdoc/>
    protected override (DiskInstance Instance, long Offset)? MapToChild(long byteOffset) => (Device, _startOffset + byteOffset);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Device.DetachParent(this);
        }
        base.Dispose(disposing);
    }
}
