using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm mirror status</c> (the role packets of a mirror's images and its attributes), <c>vdmadm terminate-sync</c>,
/// <c>vdmadm throttle-sync</c> and <c>vdmadm fracture</c> (vdmmirr(7)). Sent in the text form, which names images by name.
/// </summary>
internal static class MirrorCommands
{
    /// <summary>The field of sync-images, throttle-sync and the create packet that holds the delay between sync I/Os.</summary>
    public const string DelayField = "milliseconds-between-sync-io";

    public static Command BuildMirror(CommandRunner runner)
    {
        var command = new Command("mirror", "Show a mirror's images: their states, syncs and change maps");
        command.Add(BuildStatus(runner));
        return command;
    }

    public static Command BuildTerminateSync(CommandRunner runner)
    {
        var mirror = MirrorArgument();
        var destination = new Argument<string>("DEST") { Description = "The destination image whose sync ends; it is left corrupt, other destinations go on" };
        var command = new Command("terminate-sync", "End the sync to one destination image of a mirror (root)") { mirror, destination };
        runner.SetAction(command, (parse, context) =>
        {
            var name = parse.GetRequiredValue(mirror);
            var image = parse.GetRequiredValue(destination);
            context.Execute("terminate-sync", new ControlField("name", name), new ControlField("destination", image));
            return Report.Of(ImageTable("terminated", name, image), $"terminated the sync to image {image} of mirror {name}; {image} is left corrupt");
        }, textOnly: true);
        return command;
    }

    public static Command BuildThrottleSync(CommandRunner runner)
    {
        var mirror = MirrorArgument();
        var destination = new Argument<string>("DEST") { Description = "A destination of the running sync (the whole sync is throttled)" };
        var delay = new Argument<uint>("MS") { Description = "The new delay between the sync's I/Os, in milliseconds (0: full speed)" };
        var command = new Command("throttle-sync", "Change the delay between the I/Os of a running sync (root)") { mirror, destination, delay };
        runner.SetAction(command, (parse, context) =>
        {
            var name = parse.GetRequiredValue(mirror);
            var image = parse.GetRequiredValue(destination);
            var ms = parse.GetValue(delay);
            context.Execute("throttle-sync", new ControlField("name", name), new ControlField("destination", image), ControlField.From(DelayField, ms));
            return Report.Of(ImageTable("throttled", name, image),
                string.Create(CultureInfo.InvariantCulture, $"the sync of mirror {name} to {image} now waits {ms} ms between I/Os"));
        }, textOnly: true);
        return command;
    }

    public static Command BuildFracture(CommandRunner runner)
    {
        var mirror = MirrorArgument();
        var image = new Argument<string>("IMAGE") { Description = "The usable image to fracture: no I/O reaches it, it stays on the mirror" };
        var granularity = new Option<long?>("--granularity")
        {
            Description = "Track the mirror's writes in granules of this many 512-byte blocks, so that a later sync copies only those (default 0: no tracking, a full sync)",
            HelpName = "BLOCKS",
        };
        var command = new Command("fracture", "Fracture an image of a mirror, optionally tracking changes for a partial resync (root)") { mirror, image, granularity };
        runner.SetAction(command, (parse, context) =>
        {
            var name = parse.GetRequiredValue(mirror);
            var target = parse.GetRequiredValue(image);
            var fields = new List<ControlField> { new("name", name), new("image", target) };
            var blocks = parse.GetValue(granularity);
            if (blocks is { } g)
            {
                if (g < 0)
                {
                    throw new ControlException(ControlErrno.EINVAL, $"fracture: --granularity must be 0 or more blocks, not {g}");
                }
                fields.Add(ControlField.From("change-granularity", g));
            }
            context.Execute("fracture-image", fields);
            var tracking = blocks is > 0
                ? string.Create(CultureInfo.InvariantCulture, $"changes tracked in granules of {blocks} blocks")
                : "no change tracking: its next sync copies everything";
            return Report.Of(ImageTable("fractured", name, target), $"fractured image {target} of mirror {name} ({tracking})");
        }, textOnly: true);
        return command;
    }

    private static Command BuildStatus(CommandRunner runner)
    {
        var mirror = MirrorArgument();
        var command = new Command("status", "Show each image's state, the sync it is in (source, progress, rate) and its changed granules, and the mirror's attributes")
        {
            mirror,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var name = parse.GetRequiredValue(mirror);
            var attributes = GetMirrorAttributes(context, name);
            var images = Images(context, name);
            return new Report([ImagesTable(images), AttributesCommands.Table(context, name, attributes)]);
        }, textOnly: true);
        return command;
    }

    /// <summary>The mirror argument of every mirror command.</summary>
    public static Argument<string> MirrorArgument() => InstanceArguments.Instance("MIRROR", "The mirror, by name or device number");

    /// <summary>The attributes of <paramref name="mirror"/>, after checking that it is a mirror.</summary>
    /// <exception cref="ControlException">ENOENT from the daemon; EINVAL when the instance is not a mirror.</exception>
    public static ControlReply GetMirrorAttributes(CliContext context, string mirror)
    {
        var reply = context.Execute("get-attributes", new ControlField("name", mirror));
        var subdriver = Subdrivers.Name(reply.Find("subdriver") ?? "");
        if (subdriver != "mirror")
        {
            throw new ControlException(ControlErrno.EINVAL, $"{mirror} is a {subdriver} instance, not a mirror");
        }
        return reply;
    }

    /// <summary>The images of <paramref name="mirror"/>, from their role packets.</summary>
    public static IReadOnlyList<MirrorImageRole> Images(CliContext context, string mirror) =>
        ChildrenCommand.List(context, mirror).Select(MirrorImageRole.From).ToArray();

    /// <summary>The images as the table "image": one row per image with its state and sync.</summary>
    public static ReportTable ImagesTable(IReadOnlyList<MirrorImageRole> images)
    {
        ReportColumn[] columns =
        [
            new("IMAGE", "image"), new("DEV", "device_number"), new("STATE", "state"), new("SYNC", "sync"), new("FROM", "source_image"),
            new("DONE%", "sync_percent"), new("KIB/S", "sync_rate_kib"), new("BLOCK", "sync_block"), new("GRANULARITY", "change_granularity"),
            new("CHANGED", "changed_granules"),
        ];
        var rows = images.Select(image =>
        {
            var destination = image.SyncDestination;
            return (IReadOnlyList<ReportValue>)
            [
                ReportValue.Of(image.Name),
                image.DeviceNumber is { } number ? ReportValue.Of(number) : ReportValue.Missing,
                ReportValue.Of(image.State),
                ReportValue.Of(destination ? "destination" : image.SyncSource ? "source" : "-"),
                destination && image.SourceImage != "-" ? ReportValue.Of(image.SourceImage) : ReportValue.Missing,
                destination ? ReportValue.Of(image.SyncPercent) : ReportValue.Missing,
                destination ? ReportValue.Of(image.SyncRateKib) : ReportValue.Missing,
                destination ? ReportValue.Of(image.SyncBlock) : ReportValue.Missing,
                image.Fractured ? ReportValue.Of(image.ChangeGranularity) : ReportValue.Missing,
                image.Fractured || image.ChangedGranules > 0 ? ReportValue.Of(image.ChangedGranules) : ReportValue.Missing,
            ];
        }).ToArray();
        return new ReportTable("image", columns, rows) { EmptyText = "no images" };
    }

    private static ReportTable ImageTable(string tableName, string mirror, string image) =>
        new(tableName, [new("MIRROR", "mirror"), new("IMAGE", "image")], [[ReportValue.Of(mirror), ReportValue.Of(image)]]) { ShowHuman = false };
}
