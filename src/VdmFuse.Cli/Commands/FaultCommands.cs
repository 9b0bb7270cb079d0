using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Arguments;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm fault add|clear|list</c>: the rules of a fault instance (<c>fault-add</c>, <c>fault-clear</c>,
/// <c>fault-list</c>). Sent as binary packets like the framework commands.
/// </summary>
internal static class FaultCommands
{
    private static readonly string[] RuleKeys = ["id", "op", "start", "count", "errno", "times", "hits"];

    public static Command Build(CommandRunner runner)
    {
        var command = new Command("fault", "Inject I/O errors through a fault instance: add, clear and list its rules");
        command.Add(BuildAdd(runner));
        command.Add(BuildClear(runner));
        command.Add(BuildList(runner));
        return command;
    }

    private static Command BuildAdd(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The fault instance, by name or device number");
        var op = new Option<string>("--op")
        {
            Description = "The I/O to fail: read, write or both",
            HelpName = "read|write|both",
            Required = true,
        };
        op.AcceptOnlyFromAmong("read", "write", "both");
        var start = BlockCountSymbols.Option("--start", "First block of the range (default 0)");
        var count = BlockCountSymbols.Option("--count", "Length of the range (default 1 block)");
        var all = new Option<bool>("--all") { Description = "Every block of the instance (with --op both: pull the disk)" };
        var errno = new Option<string?>("--errno") { Description = "The error to inject: a name such as EIO, ENOSPC, ENXIO, or a number (default EIO)", HelpName = "ERRNO" };
        var times = new Option<long?>("--times") { Description = "Fail only the next N matching I/Os, then remove the rule (default: until cleared)", HelpName = "N" };
        var command = new Command("add", "Add a rule: fail reads, writes or both on a range of blocks (root)") { name, op, start, count, all, errno, times };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var fields = new List<ControlField> { new("name", instance), new("op", parse.GetRequiredValue(op)) };
            if (parse.GetValue(start) is { } first)
            {
                fields.Add(ControlField.From("start", first));
            }
            if (parse.GetValue(count) is { } blocks)
            {
                fields.Add(ControlField.From("count", blocks));
            }
            if (parse.GetValue(all))
            {
                fields.Add(new ControlField("all", "1"));
            }
            if (parse.GetValue(errno) is { } error)
            {
                fields.Add(new ControlField("errno", error));
            }
            if (parse.GetValue(times) is { } n)
            {
                fields.Add(ControlField.From("times", n));
            }
            var reply = context.Execute(ControlVerbs.FaultAdd, fields);
            var id = reply.Find("id") ?? "?";
            var table = FieldTable.Detail("rule", [(new ReportColumn("Instance", "instance"), ReportValue.Of(instance))], reply.Fields, _ => null) with { ShowHuman = false };
            return Report.Of(table, $"added rule {id} to fault instance {instance}");
        });
        return command;
    }

    private static Command BuildClear(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The fault instance, by name or device number");
        var id = new Option<long?>("--id") { Description = "The rule to remove (default: every rule)", HelpName = "ID" };
        var command = new Command("clear", "Remove one rule, or every rule, of a fault instance (root)") { name, id };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var fields = new List<ControlField> { new("name", instance) };
            if (parse.GetValue(id) is { } rule)
            {
                fields.Add(ControlField.From("id", rule));
            }
            var reply = context.Execute(ControlVerbs.FaultClear, fields);
            var cleared = reply.Find("cleared") ?? "?";
            var table = FieldTable.Detail("cleared", [(new ReportColumn("Instance", "instance"), ReportValue.Of(instance))], reply.Fields, _ => null) with { ShowHuman = false };
            var what = cleared == "1" ? "1 rule" : string.Create(CultureInfo.InvariantCulture, $"{cleared} rules");
            return Report.Of(table, $"cleared {what} of fault instance {instance}");
        });
        return command;
    }

    private static Command BuildList(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The fault instance, by name or device number");
        var command = new Command("list", "List the rules of a fault instance: range, errno, I/Os still to fail (0: until cleared), I/Os failed") { name };
        command.Aliases.Add("ls");
        runner.SetAction(command, (parse, context) =>
        {
            var reply = context.Execute(ControlVerbs.FaultList, new ControlField("name", parse.GetRequiredValue(name)));
            var rows = reply.Records.Where(record => record.Tag == "rule").ToArray();
            return Report.Of(new ReportTable("rules",
                RuleKeys.Select(key => new ReportColumn(key.ToUpperInvariant(), ChildrenCommand.JsonKey(key))).ToArray(),
                rows.Select(row => (IReadOnlyList<ReportValue>)RuleKeys
                    .Select(key => row.Find(key) is { } value ? ChildrenCommand.Inferred(value) : ReportValue.Missing)
                    .ToArray()).ToArray())
            {
                EmptyText = "no rules",
            });
        });
        return command;
    }
}
