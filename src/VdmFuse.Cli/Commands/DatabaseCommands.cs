using System.CommandLine;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm db list|check|add|remove|reinit|restore</c>: the copies of the configuration database
/// (<c>db-list</c>, <c>db-check</c>, <c>db-add</c>, <c>db-remove</c>, <c>db-reinit</c>, <c>db-restore</c>).
/// Diagnostic commands, accepted in both modes; sent in the text form. Paths are made absolute here (a copy on an
/// instance, <c>instance:NAME</c>, is sent as it is).
/// </summary>
internal static class DatabaseCommands
{
    /// <summary>The fields of a copy record shown first, in this order; others follow as they come.</summary>
    private static readonly string[] LeadingKeys = ["path", "offset", "length", "state", "id", "sequence"];

    public static Command Build(CommandRunner runner)
    {
        var command = new Command("db", "List, check, add, remove, re-initialise and restore the copies of the configuration database");
        command.Add(BuildList(runner));
        command.Add(BuildCheck(runner));
        command.Add(BuildAdd(runner));
        command.Add(BuildPathCommand(runner, "remove", "db-remove", "Stop keeping the database in a copy (below two good copies the daemon is disabled)", "removed"));
        command.Add(BuildPathCommand(runner, "reinit", "db-reinit", "Re-initialise a copy from the current configuration", "re-initialised"));
        command.Add(BuildRestore(runner));
        return command;
    }

    /// <summary>The copy records of a reply as the table "copy", one row each.</summary>
    public static ReportTable CopyTable(IEnumerable<ControlRecord> records)
    {
        var copies = records.Where(record => record.Tag == "copy").ToArray();
        var keys = LeadingKeys.Where(key => copies.Any(copy => copy.Find(key) is not null))
            .Concat(copies.SelectMany(copy => copy.Fields.Select(field => field.Key)).Where(key => !LeadingKeys.Contains(key)).Distinct())
            .ToArray();
        return new ReportTable("copy",
            keys.Select(key => new ReportColumn(key.ToUpperInvariant(), ChildrenCommand.JsonKey(key))).ToArray(),
            copies.Select(copy => (IReadOnlyList<ReportValue>)keys
                .Select(key => copy.Find(key) is { } value ? ChildrenCommand.Inferred(value) : ReportValue.Missing)
                .ToArray()).ToArray())
        {
            EmptyText = "no copies",
        };
    }

    private static Command BuildList(CommandRunner runner)
    {
        var command = new Command("list", "List the copies: path, byte range, state, configuration id and sequence number");
        command.Aliases.Add("ls");
        runner.SetAction(command, (_, context) => Report.Of(CopyTable(context.Execute("db-list").Records)), textOnly: true);
        return command;
    }

    private static Command BuildCheck(CommandRunner runner)
    {
        var command = new Command("check", "Verify every copy and say which ones differ, and in what");
        runner.SetAction(command, (_, context) =>
        {
            var reply = context.Execute("db-check");
            var tables = new List<ReportTable>();
            if (reply.Fields.Count > 0)
            {
                tables.Add(FieldTable.Detail("check", [], reply.Fields, _ => null));
            }
            if (reply.Records.Any(record => record.Tag == "copy"))
            {
                tables.Add(CopyTable(reply.Records));
            }
            return new Report(tables, tables.Count == 0 ? "every copy verifies" : null);
        }, textOnly: true);
        return command;
    }

    private static Command BuildAdd(CommandRunner runner)
    {
        var path = PathArgument("The file (created if missing) or block device to hold the new copy");
        var offset = new Option<long?>("--offset") { Description = "The copy's first byte in PATH (with --length)", HelpName = "BYTES" };
        var length = new Option<long?>("--length") { Description = "The copy's length in bytes (with --offset)", HelpName = "BYTES" };
        var command = new Command("add", "Keep the database in one more copy, initialised from the current configuration (root)") { path, offset, length };
        runner.SetAction(command, (parse, context) =>
        {
            var fullPath = CopyPath(parse.GetRequiredValue(path));
            var start = parse.GetValue(offset);
            var size = parse.GetValue(length);
            if (start is null != size is null)
            {
                throw new ControlException(ControlErrno.EINVAL, "db add: --offset and --length go together");
            }
            var fields = new List<ControlField> { new("path", fullPath) };
            if (start is { } first && size is { } bytes)
            {
                fields.Add(ControlField.From("offset", first));
                fields.Add(ControlField.From("length", bytes));
            }
            context.Execute("db-add", fields);
            return Report.Of(PathTable("added", fullPath), $"added copy {fullPath}");
        }, textOnly: true);
        return command;
    }

    private static Command BuildPathCommand(CommandRunner runner, string name, string verb, string description, string done)
    {
        var path = PathArgument("The copy's path, as db list shows it");
        var command = new Command(name, description + " (root)") { path };
        runner.SetAction(command, (parse, context) =>
        {
            var fullPath = CopyPath(parse.GetRequiredValue(path));
            context.Execute(verb, new ControlField("path", fullPath));
            return Report.Of(PathTable(done.Replace('-', '_'), fullPath), $"{done} copy {fullPath}");
        }, textOnly: true);
        return command;
    }

    private static Command BuildRestore(CommandRunner runner)
    {
        var from = PathArgument("The copy to restore every other copy from");
        var command = new Command("restore", "Rewrite every copy from the one the administrator chooses (root)") { from };
        runner.SetAction(command, (parse, context) =>
        {
            var fullPath = CopyPath(parse.GetRequiredValue(from));
            context.Execute("db-restore", new ControlField("from", fullPath));
            return Report.Of(PathTable("restored", fullPath), $"restored every copy from {fullPath}");
        }, textOnly: true);
        return command;
    }

    private static Argument<string> PathArgument(string description) => new("PATH") { Description = description + ", or instance:NAME for a copy on an instance" };

    /// <summary>A copy's path as the daemon takes it: absolute, or <c>instance:NAME</c> unchanged.</summary>
    private static string CopyPath(string path) => path.StartsWith("instance:", StringComparison.Ordinal) ? path : Path.GetFullPath(path);

    private static ReportTable PathTable(string tableName, string path) =>
        new(tableName, [new("PATH", "path")], [[ReportValue.Of(path)]]) { ShowHuman = false };
}
