using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm disk-info NAME</c>: every read-only answer dkio(7) gives about an instance in one report: controller
/// (dk-info), geometry (dk-get-geom) and virtual geometry (dk-get-virtgeom), media (dk-media-info, dk-removable,
/// dk-hotpluggable), partition (dk-extpartinfo), media state (dk-state state=0), the VTOC (dk-get-extvtoc) and, for a
/// mirror, the volume capabilities (dk-get-volcap). Sent in the text form.
/// </summary>
internal static class DiskInfoCommand
{
    private const long BlockSize = 512;

    public static Command Build(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var command = new Command("disk-info",
            "Show what the disk ioctls (dkio(7)) say about an instance: controller, geometry, media, partition, state, VTOC, volume capabilities")
        {
            name,
        };
        runner.SetAction(command, (parse, context) => Run(context, parse.GetRequiredValue(name)), textOnly: true);
        return command;
    }

    private static Report Run(CliContext context, string instance)
    {
        ControlReply Ask(string verb, params ControlField[] more) => context.Channel.Send(new ControlCommand(verb, more.Prepend(new ControlField("name", instance)).ToArray()));
        ControlReply Execute(string verb, params ControlField[] more) => CliReplies.ThrowIfError(Ask(verb, more));

        var info = Execute(ControlVerbs.DkInfo);
        var geometry = Execute(ControlVerbs.DkGetGeom);
        var virtualGeometry = Ask(ControlVerbs.DkGetVirtgeom);
        var hasVirtualGeometry = !DkReplies.IsError(virtualGeometry, ControlErrno.EINVAL);
        var media = Execute(ControlVerbs.DkMediaInfo);
        var removable = DkReplies.Number(Execute(ControlVerbs.DkRemovable), ControlVerbs.DkRemovable, "value") != 0;
        var hotpluggable = DkReplies.Number(Execute(ControlVerbs.DkHotpluggable), ControlVerbs.DkHotpluggable, "value") != 0;
        var partition = Execute(ControlVerbs.DkExtpartinfo);
        var state = DkReplies.Number(Execute(ControlVerbs.DkState, ControlField.From("state", VdmAbi.DkioNone)), ControlVerbs.DkState, "state");
        var vtocReply = Ask(ControlVerbs.DkGetExtvtoc);
        var vtoc = DkReplies.IsError(vtocReply, ControlErrno.EINVAL) ? null : DkVtoc.From(vtocReply, ControlVerbs.DkGetExtvtoc);
        var volcapReply = Ask(ControlVerbs.DkGetVolcap);
        (long Info, long Set)? volcap = DkReplies.IsError(volcapReply, ControlErrno.EINVAL) ? null : VolumeCapabilitiesCommand.Parse(volcapReply);

        var mediaType = DkReplies.Number(media, ControlVerbs.DkMediaInfo, "media-type");
        var lbsize = DkReplies.Number(media, ControlVerbs.DkMediaInfo, "lbsize");
        var capacity = DkReplies.Number(media, ControlVerbs.DkMediaInfo, "capacity");
        var start = DkReplies.Number(partition, ControlVerbs.DkExtpartinfo, "start");
        var length = DkReplies.Number(partition, ControlVerbs.DkExtpartinfo, "length");

        var lines = new List<(string, string)>
        {
            ("Name", instance),
            ("Controller", Controller(info)),
            ("Drive", Drive(info)),
            ("Geometry", GeometryCommand.Summary(geometry, ControlVerbs.DkGetGeom)),
            ("Virtual geometry", hasVirtualGeometry ? GeometryCommand.Summary(virtualGeometry, ControlVerbs.DkGetVirtgeom) : "n/a (over 8 GiB)"),
            ("Media", Invariant($"{DkNames.MediaType(mediaType)}, capacity {capacity} blocks of {lbsize} bytes ({Size(capacity, lbsize)})")),
            ("Removable", removable ? "yes" : "no"),
            ("Hotpluggable", hotpluggable ? "yes" : "no"),
            ("Partition", Invariant($"start {start}, length {length} blocks ({Size(length, BlockSize)})")),
            ("Media state", DkNames.MediaState(state)),
            ("VTOC", vtoc is null ? "no VTOC" : VtocSummary(vtoc)),
        };
        if (volcap is { } capabilities)
        {
            lines.Add(("Volume capabilities", VolumeCapabilitiesCommand.Summary(capabilities.Info, capabilities.Set)));
        }

        var json = new List<ReportTable>
        {
            FieldTable.Detail("controller", [(new ReportColumn("Name", "name"), ReportValue.Of(instance))], info.Fields, _ => null),
            GeometryCommand.Table("geometry", instance, geometry, ControlVerbs.DkGetGeom),
            hasVirtualGeometry ? GeometryCommand.Table("virtual_geometry", instance, virtualGeometry, ControlVerbs.DkGetVirtgeom) : Empty("virtual_geometry"),
            new("media",
                [
                    new("NAME", "name"), new("MEDIA TYPE", "media_type"), new("LBSIZE", "lbsize"), new("CAPACITY", "capacity"),
                    new("REMOVABLE", "removable"), new("HOTPLUGGABLE", "hotpluggable"), new("STATE", "state"),
                ],
                [[
                    ReportValue.Of(instance), ReportValue.Of(mediaType), ReportValue.Of(lbsize), ReportValue.Of(capacity),
                    ReportValue.Of(removable), ReportValue.Of(hotpluggable), ReportValue.Of(state),
                ]]),
            new("partition", [new("NAME", "name"), new("START", "start"), new("LENGTH", "length")],
                [[ReportValue.Of(instance), ReportValue.Of(start), ReportValue.Of(length)]]),
        };
        json.AddRange(vtoc is null ? [Empty("vtoc"), Empty("slice")] : VtocCommands.Tables(instance, vtoc));
        json.Add(volcap is { } set ? VolumeCapabilitiesCommand.Json(instance, set.Info, set.Set) : Empty("volume_capabilities"));
        return DkioReports.Of(DkioReports.Lines([.. lines]), json);
    }

    /// <summary>"vdmfuse, type 16 (meta-disk), number 0, flags 0x0".</summary>
    private static string Controller(ControlReply info)
    {
        var verb = ControlVerbs.DkInfo;
        return string.Create(CultureInfo.InvariantCulture,
            $"{DkReplies.Text(info, verb, "cname")}, type {DkNames.ControllerType(DkReplies.Number(info, verb, "ctype"))}, " +
            $"number {DkReplies.Number(info, verb, "cnum")}, flags 0x{DkReplies.Number(info, verb, "flags"):x}");
    }

    /// <summary>"physical, unit 1, whole disk, max transfer 2048 blocks (1.0M)".</summary>
    private static string Drive(ControlReply info)
    {
        var verb = ControlVerbs.DkInfo;
        var partition = DkReplies.Number(info, verb, "partition");
        var maxTransfer = DkReplies.Number(info, verb, "maxtransfer");
        var where = partition == DkNames.NoPartition ? "whole disk" : Invariant($"slice {partition}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{DkReplies.Text(info, verb, "dname")}, unit {DkReplies.Number(info, verb, "unit")}, {where}, " +
            $"max transfer {maxTransfer} blocks ({Size(maxTransfer, BlockSize)})");
    }

    /// <summary>"volume vol1, 512-byte sectors, 3 slices: 0 root wm, 1 swap wu, 2 backup wu".</summary>
    private static string VtocSummary(DkVtoc vtoc)
    {
        var slices = vtoc.UsedSlices.Select(slice => Invariant($"{slice.Index} {VtocNames.TagName(slice.Tag)} {VtocNames.FlagName(slice.Flag)}")).ToArray();
        var volume = vtoc.Volume.Length > 0 ? vtoc.Volume : "(none)";
        var list = slices.Length switch
        {
            0 => "no slices",
            1 => "1 slice: " + slices[0],
            _ => Invariant($"{slices.Length} slices: {string.Join(", ", slices)}"),
        };
        return Invariant($"volume {volume}, {vtoc.SectorSize}-byte sectors, {list}");
    }

    private static string Size(long count, long unit) =>
        count >= 0 && unit > 0 && count <= long.MaxValue / unit ? HumanSize.Format(count * unit) : "?";

    private static ReportTable Empty(string name) => new(name, [], []);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
