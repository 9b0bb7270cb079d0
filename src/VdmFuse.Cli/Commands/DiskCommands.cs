using System.CommandLine;
using VdmFuse.Cli.Arguments;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>The common disk commands: <c>info</c> (DSKIOCGET), <c>usage</c> (DSKIOCUSAGE) and <c>address</c> (DSKIOCGETADDRESS).</summary>
internal static class DiskCommands
{
    public static Command BuildInfo(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var command = new Command("info", "Show an instance's size and geometry (DSKIOCGET)") { name };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var reply = context.Execute("dsk-get", new ControlField("name", instance));
            var totalBlocks = new ControlCommand("dsk-get", reply.Fields).GetOptionalInt64("total-blocks");
            var leading = new List<(ReportColumn, ReportValue)> { (new ReportColumn("Name", "name"), ReportValue.Of(instance)) };
            var table = FieldTable.Detail("geometry", leading, reply.Fields,
                key => key == "total-blocks" ? ReportValueKind.Blocks : null);
            if (totalBlocks is { } blocks && blocks <= long.MaxValue / BlockCount.BlockSize)
            {
                table = table with
                {
                    Columns = [.. table.Columns, new ReportColumn("Size", "size")],
                    Rows = [[.. table.Rows[0], ReportValue.Bytes(blocks * BlockCount.BlockSize)]],
                };
            }
            return Report.Of(table);
        });
        return command;
    }

    public static Command BuildUsage(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var command = new Command("usage", "Show an instance's I/O statistics since it was created (DSKIOCUSAGE)") { name };
        command.Aliases.Add("stats");
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var reply = context.Execute("dsk-usage", new ControlField("name", instance));
            return Report.Of(FieldTable.Detail("usage",
                [(new ReportColumn("Name", "name"), ReportValue.Of(instance))],
                reply.Fields,
                key => key is "blocks-read" or "blocks-written" ? ReportValueKind.Blocks : null));
        });
        return command;
    }

    public static Command BuildAddress(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var block = BlockCountSymbols.Argument("BLOCK", "The block of the instance to locate");
        var command = new Command("address", "Show where a block of an instance lives, level by level down to the physical disk (DSKIOCGETADDRESS)") { name, block };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var reply = context.Execute("dsk-get-address", new ControlField("name", instance), ControlField.From("block", parse.GetValue(block) ?? 0));
            return Report.Of(AddressTable(context, reply));
        });
        return command;
    }

    /// <summary>The levels of a <c>dsk-get-address</c> reply as the table "level": the instance first, the physical disk last.</summary>
    public static ReportTable AddressTable(CliContext context, ControlReply reply)
    {
        var levels = reply.Records.Where(record => record.Tag == "level").ToArray();
        var rows = levels.Select((level, index) =>
        {
            var fields = new ControlCommand("dsk-get-address", level.Fields);
            var deviceNumber = fields.GetOptionalInt64("device-number");
            var blockNumber = fields.GetOptionalInt64("block");
            var name = level.Find("name") is { Length: > 0 } given ? given : deviceNumber is { } n ? context.Directory.NameOf(n) : "-";
            return (IReadOnlyList<ReportValue>)
            [
                ReportValue.Of(index),
                ReportValue.Of(name),
                deviceNumber is { } dev ? ReportValue.Of(dev) : ReportValue.Missing,
                level.Find("subdriver") is { } subdriver ? ReportValue.Of(Subdrivers.Name(subdriver)) : ReportValue.Missing,
                blockNumber is { } b ? ReportValue.Of(b) : ReportValue.Missing,
                blockNumber is { } bytes && bytes <= long.MaxValue / BlockCount.BlockSize ? ReportValue.Of(bytes * BlockCount.BlockSize) : ReportValue.Missing,
            ];
        }).ToArray();
        return new ReportTable("level",
            [
                new("LEVEL", "level"), new("NAME", "name"), new("DEV", "device_number"), new("SUBDRIVER", "subdriver"),
                new("BLOCK", "block"), new("BYTE OFFSET", "byte_offset"),
            ],
            rows)
        {
            EmptyText = "no levels",
        };
    }
}
