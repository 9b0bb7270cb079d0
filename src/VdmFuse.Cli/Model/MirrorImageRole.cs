using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>
/// One image of a mirror as its role packet (<c>get-child-instance</c> of the mirror) describes it: the page's
/// corrupt, sync-source, sync-destination, fractured, sync-block, change-granularity and source-image, and the
/// daemon's state, sync-total-blocks, sync-percent, sync-rate-kib and changed-granules.
/// </summary>
/// <param name="Name">The image instance's name, or "id GEN:SYSID" while it is missing.</param>
/// <param name="DeviceNumber">The image's device number, or null while it is missing.</param>
/// <param name="State">usable, corrupt, sync-destination, fractured or missing.</param>
/// <param name="Corrupt">The page's corrupt flag (corrupt or fractured; a sync destination is not).</param>
/// <param name="SyncSource">The image is the source of a running sync.</param>
/// <param name="SyncDestination">The image is the destination of a running sync.</param>
/// <param name="Fractured">The image is fractured.</param>
/// <param name="SyncBlock">The block the sync it is the destination of has reached.</param>
/// <param name="SyncTotalBlocks">The blocks that sync goes through.</param>
/// <param name="SyncPercent">How far that sync has come, 0 to 100.</param>
/// <param name="SyncRateKib">That sync's copy rate in KiB/s.</param>
/// <param name="ChangeGranularity">The change granularity of a fractured image, in blocks (0: no map).</param>
/// <param name="ChangedGranules">The granules marked changed since the fracture.</param>
/// <param name="SourceImage">The source of the sync it is the destination of, or "-".</param>
public sealed record MirrorImageRole(
    string Name,
    long? DeviceNumber,
    string State,
    bool Corrupt,
    bool SyncSource,
    bool SyncDestination,
    bool Fractured,
    long SyncBlock,
    long SyncTotalBlocks,
    long SyncPercent,
    long SyncRateKib,
    long ChangeGranularity,
    long ChangedGranules,
    string SourceImage)
{
    /// <summary>Whether the image is present (not missing).</summary>
    public bool IsPresent => DeviceNumber is not null;

    /// <summary>Whether the image is usable: present, not corrupt and not being synchronised.</summary>
    public bool IsUsable => IsPresent && !Corrupt && !SyncDestination;

    /// <summary>Whether <paramref name="nameOrNumber"/> names this image, by name or by device number.</summary>
    public bool IsNamed(string nameOrNumber) =>
        Name == nameOrNumber || DeviceNumber is { } number && number.ToString(CultureInfo.InvariantCulture) == nameOrNumber;

    /// <summary>The role of the child a <c>get-child-instance available=1</c> reply describes.</summary>
    public static MirrorImageRole From(ControlReply child)
    {
        ArgumentNullException.ThrowIfNull(child);
        var present = child.Find("device-number-used") is not ("0" or "no" or "false");
        long? deviceNumber = present && long.TryParse(child.Find("device-number"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
        var name = present
            ? child.Find("child") ?? child.Find("device-number") ?? "?"
            : $"id {child.Find("id-generation") ?? "?"}:{child.Find("id-system-id") ?? "?"}";
        var corrupt = Flag(child, "corrupt");
        var syncDestination = Flag(child, "sync-destination");
        var fractured = Flag(child, "fractured");
        var state = child.Find("state") ?? (!present ? "missing" : syncDestination ? "sync-destination" : fractured ? "fractured" : corrupt ? "corrupt" : "usable");
        return new MirrorImageRole(name, present ? deviceNumber ?? 0 : null, state, corrupt, Flag(child, "sync-source"), syncDestination, fractured,
            Number(child, "sync-block"), Number(child, "sync-total-blocks"), Number(child, "sync-percent"), Number(child, "sync-rate-kib"),
            Number(child, "change-granularity"), Number(child, "changed-granules"), child.Find("source-image") ?? "-");
    }

    private static bool Flag(ControlReply reply, string key) => reply.Find(key) is "1" or "yes" or "true";

    private static long Number(ControlReply reply, string key) =>
        long.TryParse(reply.Find(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
