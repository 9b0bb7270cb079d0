using VdmFuse.Engine.Remap;
using VdmFuse.Native;

namespace VdmFuse.Engine.Dkio;

/// <summary>
/// The disk-control state of every instance of a registry (dkio(7)): the driver's notion of geometry, the VTOC kept in
/// each instance's label sector and the slices exported from it, the master boot record's Solaris partition, media state.
/// One per registry; it reads the label of each instance the registry adds and keeps the slices in step.
/// </summary>
/// <remarks>
/// <para>
/// A geometry set by DKIOCSGEOM, and a VTOC set by DKIOCSAPART or reset by DKIOCSMBOOT, change only the driver's notion:
/// the first is kept until restart, the others until the instance's last file is closed, when the VTOC on disk comes back
/// (the page's NOTES). DKIOCSVTOC writes the label and changes both.
/// </para>
/// <para>
/// Label I/O is synchronous (<see cref="SynchronousIo"/>): one or two sectors, on the control path. A mirror's label is
/// read in the background when it is added, so that its creation never waits for its images.
/// </para>
/// </remarks>
public sealed partial class DiskLabels : IDisposable
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly InstanceRegistry _registry;
    private readonly Lock _lock = new();
    private readonly Dictionary<DiskInstance, LabelState> _states = [];

    /// <summary>Creates the labels of <paramref name="registry"/> and reads the labels of the instances it already has.</summary>
    public DiskLabels(InstanceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _registry.Added += OnAdded;
        _registry.Removed += OnRemoved;
        foreach (var instance in registry.All)
        {
            OnAdded(instance);
        }
    }

    /// <summary>The slices exported from the VTOC of <paramref name="instance"/>, by slice number.</summary>
    public IReadOnlyList<VtocSlice> SlicesOf(DiskInstance instance)
    {
        lock (_lock)
        {
            return _states.TryGetValue(instance, out var state) ? [.. state.Slices.Values.OrderBy(s => s.Index)] : [];
        }
    }

    /// <summary>DKIOCINFO: a meta-disk (DKC_MD) controller "vdmfuse", the subdriver as the drive name, the device number as unit.</summary>
    public DkControllerInfo Info(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var drive = instance.Subdriver.Length > 15 ? instance.Subdriver[..15] : instance.Subdriver;
        return new DkControllerInfo("vdmfuse", DkControllerInfo.MetaDisk, 0, 0, drive, instance.DeviceNumber,
            instance is VtocSlice slice ? (ushort)slice.Index : DkControllerInfo.NoPartition,
            (ushort)(DkControllerInfo.MaxTransferBytes / Vtoc.DevBlockSize));
    }

    /// <summary>DKIOCGGEOM (and DKIOCG_PHYGEOM): the geometry set by DKIOCSGEOM, else the one derived from the size.</summary>
    public DkGeometry Geometry(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        lock (_lock)
        {
            return _states.TryGetValue(instance, out var state) && state.Geometry is { } set ? set : DkGeometry.Derive(Blocks(instance));
        }
    }

    /// <summary>DKIOCG_PHYGEOM: functionally identical to <see cref="Geometry"/>.</summary>
    public DkGeometry PhysicalGeometry(DiskInstance instance) => Geometry(instance);

    /// <summary>DKIOCG_VIRTGEOM: the firmware-style geometry.</summary>
    /// <exception cref="ErrnoException">EINVAL: the instance is larger than 8 GiB.</exception>
    public DkGeometry VirtualGeometry(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return DkGeometry.Virtual(instance.Description, Blocks(instance));
    }

    /// <summary>DKIOCSGEOM: changes the driver's notion of the geometry (never the disk) until restart.</summary>
    /// <exception cref="ErrnoException">EINVAL: no cylinders, heads or sectors, or more sectors than the instance has.</exception>
    public void SetGeometry(DiskInstance instance, DkGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate(instance.Description, Blocks(instance));
        lock (_lock)
        {
            StateOf(instance).Geometry = geometry;
        }
        Log.Info("{0}: geometry set to {1} cylinders, {2} heads, {3} sectors per track (the disk is unchanged)",
            instance.Description, geometry.Ncyl, geometry.Nhead, geometry.Nsect);
    }

    /// <summary>DKIOCGMEDIAINFO: a fixed disk, its logical block size and its capacity in those blocks.</summary>
    public DkMediaInfo MediaInfo(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new DkMediaInfo(DkMediaInfo.FixedDisk, (uint)instance.SectorSize, instance.Size / instance.SectorSize);
    }

    /// <summary>DKIOCREMOVABLE: whether a physical disk beneath is a removable block device (sysfs "removable").</summary>
    public bool IsRemovable(DiskInstance instance) => RemovableMedia.IsRemovable(instance);

    /// <summary>DKIOCHOTPLUGGABLE: whether a physical disk beneath is removable or on a hot-plug bus (USB).</summary>
    public bool IsHotpluggable(DiskInstance instance) => RemovableMedia.IsHotpluggable(instance);

    /// <summary>
    /// DKIOCPARTINFO / DKIOCEXTPARTINFO: the start and length (512-byte sectors) of a partition instance on its child or of a
    /// slice on its disk; 0 and the whole size for other instances.
    /// </summary>
    /// <exception cref="ErrnoException">EOVERFLOW: the 32-bit form and a value past 2^31 − 1.</exception>
    public (long Start, long Length) PartInfo(DiskInstance instance, bool extended)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (start, length) = instance switch
        {
            PartitionDisk p => (p.StartBlock, p.SizeBlocks),
            VtocSlice s => (s.Partition.Start, s.Partition.Size),
            _ => (0L, Blocks(instance)),
        };
        if (!extended && (start > Vtoc.MaxBlocks32 || length > Vtoc.MaxBlocks32))
        {
            throw new ErrnoException(Errno.EOVERFLOW,
                $"{instance.Description}: start {start} and length {length} do not fit the 32-bit DKIOCPARTINFO (use DKIOCEXTPARTINFO)");
        }
        return (start, length);
    }

    /// <summary>DKIOCSTATE's current state: inserted while the instance is registered, not revoked and usable.</summary>
    public DkMediaState State(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var present = _registry.TryGet(instance.DeviceNumber, out var current) && current == instance;
        return present && !instance.IsRevoked && instance.IsUsable ? DkMediaState.Inserted : DkMediaState.Ejected;
    }

    /// <summary>
    /// DKIOCSTATE: the current state at once when it differs from <paramref name="known"/> (or <paramref name="known"/> is
    /// None); otherwise waits until it changes (checked every 100 ms) or <paramref name="cancel"/> fires.
    /// </summary>
    /// <exception cref="OperationCanceledException">The wait was cancelled (the caller was interrupted).</exception>
    public async Task<DkMediaState> WaitForStateChangeAsync(DiskInstance instance, DkMediaState known, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(instance);
        while (true)
        {
            var current = State(instance);
            if (known != current)
            {
                return current;
            }
            await Task.Delay(100, cancel).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _registry.Added -= OnAdded;
        _registry.Removed -= OnRemoved;
    }

    private static long Blocks(DiskInstance instance) => instance.Size / Vtoc.DevBlockSize;

    private LabelState StateOf(DiskInstance instance)
    {
        if (!_states.TryGetValue(instance, out var state))
        {
            state = new LabelState();
            _states[instance] = state;
        }
        return state;
    }

    /// <summary>What this class keeps for one instance.</summary>
    private sealed class LabelState
    {
        public DkGeometry? Geometry { get; set; }

        /// <summary>The VTOC in the label sector, or null.</summary>
        public Vtoc? OnDisk { get; set; }

        /// <summary>The driver's notion of the VTOC: the one on disk, or one set in memory until the last close.</summary>
        public Vtoc? Current { get; set; }

        /// <summary>The Solaris partition of the master boot record, as last read or written.</summary>
        public MbootPartition? Solaris { get; set; }

        public bool RevertOnLastClose { get; set; }

        public Dictionary<int, VtocSlice> Slices { get; } = [];
    }
}
