using System.CommandLine;
using System.Globalization;
using System.Text;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm remap format|list|force|recover|status</c>: bad-block remapping (vdmremap(7)) through the verbs
/// <c>remap-format</c>, <c>list-remap-table</c>, <c>force-remap</c> and <c>recover-bad-block</c>. Sent in the
/// text form, which names partitions and remap instances by name.
/// </summary>
internal static class RemapCommands
{
    /// <summary>The heading of vdmremap(7)'s listing, with the blank line before it.</summary>
    public const string ListingHeading = "\n Bad block   Remapped to    Status\n----------   -----------   --------";

    /// <summary>The largest table (VDM_REMAP_MAX_BLOCKS_REMAPPABLE): a listing that goes on longer is the daemon's fault.</summary>
    private const int MaxEntries = 131064;

    public static Command Build(CommandRunner runner)
    {
        var command = new Command("remap", "Bad-block remapping (vdmremap(7)): format the tables, list, force and recover bad blocks, show a remap instance");
        command.Add(BuildFormat(runner));
        command.Add(BuildList(runner));
        command.Add(BuildForce(runner));
        command.Add(BuildRecover(runner));
        command.Add(BuildStatus(runner));
        return command;
    }

    /// <summary>The option of a role partition (--primary, --secondary, --area), shared with <c>vdmadm create remap</c>.</summary>
    public static Option<string> RoleOption(string name, string description) =>
        new(name) { Description = description, HelpName = "PARTITION", Required = true };

    /// <summary>--primary: the primary bad-block table's partition.</summary>
    public static Option<string> PrimaryOption() => RoleOption("--primary", "The partition of the primary bad-block table");

    /// <summary>--secondary: the secondary bad-block table's partition (the same size as the primary).</summary>
    public static Option<string> SecondaryOption() => RoleOption("--secondary", "The partition of the secondary bad-block table (the same size as the primary)");

    /// <summary>--area: the remap area's partition.</summary>
    public static Option<string> AreaOption() => RoleOption("--area", "The partition of the remap area, where remapped blocks are kept");

    private static Command BuildFormat(CommandRunner runner)
    {
        var primary = PrimaryOption();
        var secondary = SecondaryOption();
        var area = AreaOption();
        var force = new Option<bool>("--force") { Description = "Format even tables that list bad blocks (their entries, and the data of mapped blocks, are lost)" };
        var command = new Command("format",
            "Format two partitions as empty bad-block tables for a remap area, the step before 'vdmadm create remap' (admpdisk(1M); root)")
        {
            primary, secondary, area, force,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var p = parse.GetRequiredValue(primary);
            var s = parse.GetRequiredValue(secondary);
            var a = parse.GetRequiredValue(area);
            var fields = new List<ControlField> { new("primary", p), new("secondary", s), new("area", a) };
            if (parse.GetValue(force))
            {
                fields.Add(new ControlField("force", "1"));
            }
            var reply = context.Execute("remap-format", fields);
            var capacity = reply.Find("table-capacity") ?? "?";
            var blocks = reply.Find("area-blocks") ?? "?";
            var table = FieldTable.Detail("formatted",
                [
                    (new ReportColumn("Primary table", "primary_table"), ReportValue.Of(p)),
                    (new ReportColumn("Secondary table", "secondary_table"), ReportValue.Of(s)),
                    (new ReportColumn("Remap area", "remap_area"), ReportValue.Of(a)),
                ],
                reply.Fields, _ => null) with { ShowHuman = false };
            return Report.Of(table, $"formatted bad-block tables {p} and {s} for remap area {a} ({blocks} blocks): {capacity} entries each");
        }, textOnly: true);
        return command;
    }

    private static Command BuildList(CommandRunner runner)
    {
        var name = RemapArgument("The remap instance, or a partition with one linked (its remap's whole table is listed)");
        var command = new Command("list", "List a remap instance's bad blocks as vdmremap(7) does: bad block, remap-area block, state") { name };
        command.Aliases.Add("ls");
        runner.SetAction(command, (parse, context) =>
        {
            var entries = List(context, parse.GetRequiredValue(name));
            var table = new ReportTable("bad_block",
                [new("BAD BLOCK", "bad_block"), new("REMAPPED TO", "remap_index"), new("STATUS", "status"), new("STATE", "state")],
                entries.Select(e => (IReadOnlyList<ReportValue>)
                    [ReportValue.Of(e.BadBlock), ReportValue.Of(e.RemapIndex), ReportValue.Of(e.Keyword), ReportValue.Of(e.State)]).ToArray())
            {
                ShowHuman = false,
            };
            return Report.Of(table, Listing(entries));
        }, textOnly: true);
        return command;
    }

    private static Command BuildForce(CommandRunner runner)
    {
        var name = RemapArgument("The remap instance");
        var block = BlockArgument("The known bad block, a 512-byte block of the disk (the first of a sector)");
        var command = new Command("force",
            "List a known bad block as Forced: it is treated as unmapped until its next write maps it to the remap area (root)")
        {
            name, block,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var remap = parse.GetRequiredValue(name);
            var number = CheckedBlock(parse.GetValue(block), "force");
            context.Execute("force-remap", new ControlField("name", remap), ControlField.From("block", number));
            return Report.Of(BlockTable("forced", remap, number),
                string.Create(CultureInfo.InvariantCulture, $"listed block {number} as Forced in remap instance {remap}: its next write maps it to the remap area"));
        }, textOnly: true);
        return command;
    }

    private static Command BuildRecover(CommandRunner runner)
    {
        var name = RemapArgument("The remap instance");
        var block = BlockArgument("The listed bad block, a 512-byte block of the disk");
        var command = new Command("recover",
            "Try to recover a bad block: its remapped data is written back and read again, and on success its entry is removed (root)")
        {
            name, block,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var remap = parse.GetRequiredValue(name);
            var number = CheckedBlock(parse.GetValue(block), "recover");
            context.Execute("recover-bad-block", new ControlField("name", remap), ControlField.From("block", number));
            return Report.Of(BlockTable("recovered", remap, number),
                string.Create(CultureInfo.InvariantCulture, $"recovered block {number} of remap instance {remap}: its data is back in place and its entry is removed"));
        }, textOnly: true);
        return command;
    }

    private static Command BuildStatus(CommandRunner runner)
    {
        var name = RemapArgument("The remap instance, or a partition with one linked");
        var command = new Command("status", "Show a remap instance: its partitions by role, the tables' state, the remap area's use and the entries by state")
        {
            name,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var given = parse.GetRequiredValue(name);
            var (remap, reply) = GetRemapAttributes(context, given);
            string F(string key) => reply.Find(key) ?? "?";
            var summary = $"remap instance {remap} on disk {F("disk")}: {F("entries")} of {F("table-capacity")} table entries in use " +
                $"({F("mapped")} mapped), {F("free-area-blocks")} of {F("area-blocks")} remap-area blocks free; " +
                $"primary table {F("primary-table")} {F("primary-table-state")}, secondary table {F("secondary-table")} {F("secondary-table-state")}";
            var table = FieldTable.Detail("remap",
                [(new ReportColumn("Name", "name"), ReportValue.Of(remap))],
                reply.Fields.Where(field => field.Key != "subdriver" && !field.Key.EndsWith("-device-number", StringComparison.Ordinal)),
                _ => null,
                field => field.Key is "primary-table" or "secondary-table" or "remap-area" or "disk"
                    ? ReportValue.Of(context.DisplayName(field.Value))
                    : field.Key == "partitions" && field.Value.Length == 0 ? ReportValue.Of("-") : null);
            return Report.Of(table, summary);
        }, textOnly: true);
        return command;
    }

    /// <summary>
    /// Every entry of the table of <paramref name="name"/>'s remap: <c>list-remap-table key=0,1,...</c> until ENOENT,
    /// after <c>get-attributes</c> has checked that the instance exists (an ENOENT at key 0 is then an empty table).
    /// </summary>
    /// <exception cref="ControlException">The daemon's error; EINVAL: not a remap instance or a partition; EIO: a listing that does not advance.</exception>
    public static IReadOnlyList<RemapTableEntry> List(CliContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var subdriver = Subdrivers.Name(context.Execute("get-attributes", new ControlField("name", name)).Find("subdriver") ?? "");
        if (subdriver is not ("remap" or "partition"))
        {
            throw new ControlException(ControlErrno.EINVAL, $"{name} is a {subdriver} instance; list the table of a remap instance or of a partition with one linked");
        }
        var entries = new List<RemapTableEntry>();
        var key = "0";
        while (entries.Count <= MaxEntries)
        {
            var reply = context.Channel.Send(new ControlCommand("list-remap-table", new ControlField("name", name), new ControlField("key", key)));
            if (reply.Errno == ControlErrno.ENOENT)
            {
                return entries;
            }
            CliReplies.ThrowIfError(reply);
            entries.Add(RemapTableEntry.From(reply));
            var next = reply.Find("key") ?? throw new ControlException(ControlErrno.EIO, "list-remap-table: the daemon's reply has no 'key' to continue");
            if (next == key)
            {
                throw new ControlException(ControlErrno.EIO, $"list-remap-table: the daemon's listing does not advance past key {key}");
            }
            key = next;
        }
        throw new ControlException(ControlErrno.EIO, $"list-remap-table: {name} lists more than {MaxEntries} entries, the most a table holds");
    }

    /// <summary>
    /// vdmremap(7)'s listing of <paramref name="entries"/>: a blank line, the heading, one row per entry, a blank line
    /// and "Number of blocks listed = N" (without the final newline).
    /// </summary>
    public static string Listing(IReadOnlyList<RemapTableEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder(ListingHeading).Append('\n');
        foreach (var entry in entries)
        {
            text.Append(entry.ListingRow).Append('\n');
        }
        text.Append(CultureInfo.InvariantCulture, $"\nNumber of blocks listed = {entries.Count}");
        return text.ToString();
    }

    /// <summary>The remap instance <paramref name="name"/> names (itself, or a partition's linked remap) and its attributes.</summary>
    /// <exception cref="ControlException">The daemon's error; EINVAL: neither a remap instance nor a partition with one linked.</exception>
    private static (string Remap, ControlReply Attributes) GetRemapAttributes(CliContext context, string name)
    {
        var reply = context.Execute("get-attributes", new ControlField("name", name));
        var subdriver = Subdrivers.Name(reply.Find("subdriver") ?? "");
        if (subdriver == "partition" && reply.Find("remap") is { } linked)
        {
            if (linked == "-")
            {
                throw new ControlException(ControlErrno.EINVAL, $"partition {name} has no remap instance linked: its I/O is not remapped");
            }
            var remap = context.DisplayName(linked);
            var (_, attributes) = GetRemapAttributes(context, remap);
            return (remap, attributes);
        }
        if (subdriver != "remap")
        {
            throw new ControlException(ControlErrno.EINVAL, $"{name} is a {subdriver} instance, not a remap instance");
        }
        return (name, reply);
    }

    private static Argument<string> RemapArgument(string description) => InstanceArguments.Instance("NAME", description);

    private static Argument<long> BlockArgument(string description) => new("BLOCK") { Description = description };

    private static long CheckedBlock(long block, string verb) =>
        block >= 0 ? block : throw new ControlException(ControlErrno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"remap {verb}: BLOCK must be 0 or more, not {block}"));

    private static ReportTable BlockTable(string tableName, string remap, long block) =>
        new(tableName, [new("REMAP", "remap"), new("BLOCK", "block")], [[ReportValue.Of(remap), ReportValue.Of(block)]]) { ShowHuman = false };
}
