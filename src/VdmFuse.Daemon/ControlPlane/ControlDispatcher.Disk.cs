using System.Diagnostics;
using VdmFuse.Control;
using VdmFuse.Engine;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// The common disk commands on every instance: dsk-get (DSKIOCGET), dsk-usage (DSKIOCUSAGE),
// dsk-get-address (DSKIOCGETADDRESS).
public sealed partial class ControlDispatcher
{
    private const int BlockSize = DiskGeometry.BlockSize;

    private ControlReply DskGet(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        RefuseDiskCommandOnRemap(instance, "DSKIOCGET");
        var geometry = instance.GetGeometry();
        return ControlReply.Ok(
            ("total-blocks", N(geometry.TotalBlocks)),
            ("sector-size", N(geometry.SectorSize)),
            ("sectors-per-track", N(geometry.SectorsPerTrack)),
            ("tracks-per-cylinder", N(geometry.TracksPerCylinder)),
            ("cylinders", N(geometry.Cylinders)));
    }

    private ControlReply DskUsage(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        RefuseDiskCommandOnRemap(instance, "DSKIOCUSAGE");
        var statistics = instance.Statistics;
        return ControlReply.Ok(
            ("reads", N(statistics.Reads)),
            ("writes", N(statistics.Writes)),
            ("blocks-read", N(statistics.BytesRead / BlockSize)),
            ("blocks-written", N(statistics.BytesWritten / BlockSize)),
            ("errors", N(statistics.Errors)),
            ("read-time-us", N(Microseconds(statistics.ReadTicks))),
            ("write-time-us", N(Microseconds(statistics.WriteTicks))),
            ("remapped-blocks", N(instance.RemappedBlocks)));
    }

    private ControlReply DskGetAddress(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        var block = command.GetBlocks("block");
        var blocks = instance.Size / BlockSize;
        if (block < 0 || block >= blocks)
        {
            throw new ErrnoException(Errno.EINVAL, $"block {block} is past the end of {instance.Description} ({blocks} blocks)");
        }
        var chain = instance.AddressOf(block * BlockSize);
        var reply = ControlReply.Ok(("depth", N(chain.Count)));
        foreach (var (level, offset) in chain)
        {
            reply.AddRecord("level",
                ("device-number", N(level.DeviceNumber)),
                ("name", level.Name),
                ("subdriver", level.Subdriver),
                ("block", N(offset / BlockSize)));
        }
        return reply;
    }

    private static long Microseconds(long ticks) => (long)(ticks * (1_000_000.0 / Stopwatch.Frequency));
}
