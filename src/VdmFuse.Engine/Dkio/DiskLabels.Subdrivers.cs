using VdmFuse.Engine.Mirror;
using VdmFuse.Engine.Remap;
using VdmFuse.Native;

namespace VdmFuse.Engine.Dkio;

// The operations that belong to one subdriver: a mirror's volume capabilities and directed reads, a remap's tables.
public sealed partial class DiskLabels
{
    /// <summary>DKIOCGETVOLCAP: what the mirror can do (vc_info) and what is set (vc_set).</summary>
    /// <exception cref="ErrnoException">EINVAL: not a mirror ("invalid device for this operation").</exception>
    public (uint Info, uint Set) GetVolumeCapabilities(DiskInstance instance)
    {
        var mirror = MirrorOf(instance, "DKIOCGETVOLCAP");
        return (mirror.VolumeCapabilityInfo, mirror.VolumeCapabilitySet);
    }

    /// <summary>DKIOCSETVOLCAP: sets exactly the capabilities in <paramref name="set"/> (an unset one is cleared).</summary>
    /// <exception cref="ErrnoException">EINVAL: not a mirror; ENOTSUP: an unknown bit, or one the mirror cannot have.</exception>
    public void SetVolumeCapabilities(DiskInstance instance, uint set)
    {
        var mirror = MirrorOf(instance, "DKIOCSETVOLCAP");
        const uint known = DkVolumeCapabilities.ApplicationBasedRecovery | DkVolumeCapabilities.DirectedRead;
        if ((set & ~known) != 0)
        {
            throw new ErrnoException(Errno.ENOTSUP,
                $"{instance.Description}: capability bits 0x{set & ~known:x} are not supported (DKV_ABR_CAP is 0x1, DKV_DMR_CAP 0x2)");
        }
        mirror.SetVolumeCapabilities((set & DkVolumeCapabilities.ApplicationBasedRecovery) != 0, (set & DkVolumeCapabilities.DirectedRead) != 0);
    }

    /// <summary>DKIODMR: one step of the directed read sequence of a mirror (see <see cref="MirrorDisk.DirectedRead"/>).</summary>
    /// <exception cref="ErrnoException">EINVAL: not a mirror, directed reads not enabled, a bad length or offset; EIO: the side's read failed.</exception>
    public DkDirectedRead DirectedRead(DiskInstance instance, int flags, int side, long offset, Memory<byte> buffer)
        => MirrorOf(instance, "DKIODMR").DirectedRead(flags, side, offset, buffer);

    /// <summary>DKIOCADDBAD: makes the bad-block remap instance of the instance's disk re-read its tables; returns its entries.</summary>
    /// <exception cref="ErrnoException">ENOTSUP: no remap instance remaps the instance or its disk; the reload's own errors.</exception>
    public int RereadBadBlocks(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var target = instance is VtocSlice slice ? slice.Disk : instance;
        var remap = target switch
        {
            PartitionDisk { Remap: { } linked } => linked,
            _ => _registry.All.OfType<RemapDisk>().FirstOrDefault(r => r.Disk == target),
        };
        if (remap is null)
        {
            throw new ErrnoException(Errno.ENOTSUP,
                $"{instance.Description} has no bad-block remap instance (vdmremap(7)): DKIOCADDBAD re-reads the remap tables of a disk that has one");
        }
        return remap.ReloadTables();
    }

    private static MirrorDisk MirrorOf(DiskInstance instance, string operation)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance as MirrorDisk ?? throw new ErrnoException(Errno.EINVAL,
            $"{instance.Description} is not a mirror: invalid device for {operation} (volume capabilities and directed reads belong to mirrors)");
    }
}
