using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>The names dkio(7) gives its numbers: controller types, media types, media states, volume capabilities, directed-read flags.</summary>
internal static class DkNames
{
    /// <summary>dk_cinfo's dki_partition of an instance that is not a slice.</summary>
    public const long NoPartition = 0xFFFF;

    private static readonly Dictionary<long, string> ControllerTypes = new()
    {
        [0] = "unknown", [1] = "CD-ROM", [13] = "SCSI CCS", [14] = "native floppy", [16] = "meta-disk",
        [19] = "82077 floppy", [20] = "direct (IDE)", [21] = "PCMCIA memory", [22] = "PCMCIA ATA",
    };

    private static readonly Dictionary<long, string> MediaTypes = new()
    {
        [0x00] = "unknown", [0x03] = "MO erasable", [0x04] = "MO write once", [0x05] = "AS MO", [0x08] = "CD-ROM",
        [0x09] = "CD-R", [0x0A] = "CD-RW", [0x10] = "DVD-ROM", [0x11] = "DVD-R", [0x12] = "DVD-RAM",
        [VdmAbi.DkFixedDisk] = "fixed disk", [0x10002] = "floppy", [0x10003] = "ZIP", [0x10004] = "JAZ",
    };

    private static readonly (uint Bit, string Name)[] DirectedReadFlags =
    [
        (VdmAbi.DkvDmrNextSide, "next-side"), (VdmAbi.DkvDmrDone, "done"), (VdmAbi.DkvDmrError, "error"),
        (VdmAbi.DkvDmrSuccess, "success"), (VdmAbi.DkvDmrShort, "short"),
    ];

    /// <summary>A controller type (DKC_*) as "16 (meta-disk)".</summary>
    public static string ControllerType(long type) =>
        ControllerTypes.TryGetValue(type, out var name) ? Invariant($"{type} ({name})") : Invariant($"{type}");

    /// <summary>A media type (DK_*) as "fixed disk (0x10001)".</summary>
    public static string MediaType(long type) =>
        MediaTypes.TryGetValue(type, out var name) ? Invariant($"{name} (0x{type:x})") : Invariant($"0x{type:x}");

    /// <summary>A media state (dkio_state) as "inserted (2)".</summary>
    public static string MediaState(long state) => state switch
    {
        VdmAbi.DkioNone => "none (0)",
        VdmAbi.DkioEjected => "ejected (1)",
        VdmAbi.DkioInserted => "inserted (2)",
        _ => Invariant($"{state}"),
    };

    /// <summary>One volume capability of info and set bits: "capable, on", "capable, off" or "not capable".</summary>
    public static string Capability(long info, long set, uint bit) =>
        (info & bit) != 0 ? ((set & bit) != 0 ? "capable, on" : "capable, off") : (set & bit) != 0 ? "not capable, on" : "not capable";

    /// <summary>Directed-read flags (DKV_DMR_*) as "0x10 (success)".</summary>
    public static string DirectedReadFlagNames(long flags)
    {
        var names = DirectedReadFlags.Where(flag => (flags & flag.Bit) != 0).Select(flag => flag.Name).ToList();
        var unknown = flags & ~DirectedReadFlags.Aggregate(0L, (all, flag) => all | flag.Bit);
        if (unknown != 0)
        {
            names.Add(Invariant($"0x{unknown:x}"));
        }
        return names.Count == 0 ? Invariant($"0x{flags:x}") : Invariant($"0x{flags:x} ({string.Join(", ", names)})");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
