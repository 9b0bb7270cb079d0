using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Cli.Progress;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm sync MIRROR --source S --to D[,D] [--delay MS] [--wait]</c> (<c>sync-images</c>) and
/// <c>vdmadm sync MIRROR --all</c> (the page's vdmmirrsyncmirror: a usable image to every corrupt one).
/// With --wait it polls the role packets until no destination is syncing, showing progress, and fails
/// naming every destination left corrupt.
/// </summary>
internal static class SyncCommand
{
    private const int EIO = 5;

    public static Command Build(CommandRunner runner)
    {
        var mirror = MirrorCommands.MirrorArgument();
        var source = new Option<string?>("--source", "-s") { Description = "The image to copy from (usable, unless every image is corrupt)", HelpName = "IMAGE" };
        var to = new Option<string[]>("--to", "-t")
        {
            Description = "The corrupt images to copy to (a comma list, or the option repeated; at most 2)",
            HelpName = "IMAGE[,IMAGE]",
            AllowMultipleArgumentsPerToken = false,
        };
        var all = new Option<bool>("--all") { Description = "Copy a usable image to every corrupt image (vdmmirrsyncmirror)" };
        var delay = new Option<uint?>("--delay") { Description = "Milliseconds to wait between the sync's I/Os (default 0: full speed; 'vdmadm throttle-sync' changes it live)", HelpName = "MS" };
        var wait = new Option<bool>("--wait")
        {
            Description = "Wait until the sync ends, showing its progress (a bar on a terminal); fail naming any destination left corrupt",
            Arity = ArgumentArity.Zero,
        };
        var command = new Command("sync", "Synchronise images of a mirror: copy a source image to corrupt destinations (root)")
        {
            mirror, source, to, all, delay, wait,
        };
        command.Validators.Add(result =>
        {
            var hasAll = result.GetValue(all);
            var hasSource = result.GetValue(source) is not null;
            var hasTo = (result.GetValue(to) ?? []).Length > 0;
            if (hasAll && (hasSource || hasTo))
            {
                result.AddError("--all chooses the source and the destinations itself: give either --all or --source and --to");
            }
            else if (!hasAll && (!hasSource || !hasTo))
            {
                result.AddError("say what to sync: --source IMAGE --to IMAGE[,IMAGE], or --all");
            }
        });
        runner.SetAction(command, (parse, context) =>
        {
            var name = parse.GetRequiredValue(mirror);
            string from;
            IReadOnlyList<string> destinations;
            if (parse.GetValue(all))
            {
                MirrorCommands.GetMirrorAttributes(context, name);
                var images = MirrorCommands.Images(context, name);
                var corrupt = images.Where(image => image.IsPresent && image.Corrupt).Select(image => image.Name).ToArray();
                if (corrupt.Length == 0)
                {
                    return Report.Of(SyncTable(name, "-", [], 0, null), $"mirror {name} has no corrupt image: nothing to sync");
                }
                from = images.FirstOrDefault(image => image.IsUsable)?.Name
                    ?? throw new ControlException(ControlErrno.EINVAL,
                        $"mirror {name} has no usable image to sync from (every image is corrupt or syncing): name one with --source");
                destinations = corrupt;
            }
            else
            {
                from = parse.GetValue(source)!;
                destinations = (parse.GetValue(to) ?? [])
                    .SelectMany(list => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .ToArray();
            }
            var fields = new List<ControlField>
            {
                new("name", name),
                new("source", from),
                new("destinations", string.Join(',', destinations)),
            };
            if (parse.GetValue(delay) is { } ms)
            {
                fields.Add(ControlField.From(MirrorCommands.DelayField, ms));
            }
            var reply = context.Execute("sync-images", fields);
            var totalBlocks = long.TryParse(reply.Find("total-blocks"), NumberStyles.None, CultureInfo.InvariantCulture, out var blocks) ? blocks : 0;
            var list = string.Join(", ", destinations);
            if (!parse.GetValue(wait))
            {
                return Report.Of(SyncTable(name, from, destinations, totalBlocks, null),
                    string.Create(CultureInfo.InvariantCulture, $"started the sync of mirror {name} from {from} to {list} ({totalBlocks} blocks)"));
            }
            return Wait(runner, parse, context, name, from, destinations, totalBlocks);
        }, textOnly: true);
        return command;
    }

    private static Report Wait(CommandRunner runner, ParseResult parse, CliContext context, string name, string from, IReadOnlyList<string> destinations, long totalBlocks)
    {
        var console = runner.Progress;
        var progress = runner.WantsJson(parse)
            ? new ProgressReporter(TextWriter.Null, terminal: false, console.Time)
            : new ProgressReporter(runner.Output, console.OutputIsTerminal, console.Time, $"sync {name}");
        var started = console.Time.GetTimestamp();
        IReadOnlyList<(string Destination, MirrorImageRole? Role)> outcome;
        try
        {
            outcome = new SyncWaiter(context, console).Wait(name, destinations, totalBlocks, progress);
        }
        catch
        {
            progress.Stop();
            throw;
        }
        var failed = outcome.Where(o => o.Role is not { IsUsable: true }).ToArray();
        if (failed.Length > 0)
        {
            progress.Stop();
            var which = string.Join(", ", failed.Select(f => f.Role is null ? $"image {f.Destination} (no longer on the mirror)" : $"image {f.Role.Name} ({f.Role.State})"));
            throw new ControlException(EIO,
                $"the sync of mirror {name} from {from} left {which}{(failed.Length == outcome.Count ? "" : $"; {string.Join(", ", outcome.Except(failed).Select(o => o.Destination))} usable")} (see the daemon's log)");
        }
        progress.Complete();
        var seconds = console.Time.GetElapsedTime(started).TotalSeconds;
        return Report.Of(SyncTable(name, from, destinations, totalBlocks, true),
            string.Create(CultureInfo.InvariantCulture, $"synchronised mirror {name} from {from}: {string.Join(", ", destinations)} usable ({totalBlocks} blocks, {seconds:F1} s)"));
    }

    private static ReportTable SyncTable(string mirror, string source, IReadOnlyList<string> destinations, long totalBlocks, bool? usable)
    {
        var rows = destinations.Select(destination => (IReadOnlyList<ReportValue>)
        [
            ReportValue.Of(mirror), ReportValue.Of(source), ReportValue.Of(destination), ReportValue.Blocks(totalBlocks),
            usable is { } flag ? ReportValue.Of(flag) : ReportValue.Missing,
        ]).ToArray();
        return new ReportTable("sync",
            [new("MIRROR", "mirror"), new("SOURCE", "source"), new("DESTINATION", "destination"), new("BLOCKS", "total_blocks"), new("USABLE", "usable")],
            rows)
        {
            ShowHuman = false,
        };
    }
}
