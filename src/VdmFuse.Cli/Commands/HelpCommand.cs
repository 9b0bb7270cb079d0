using System.CommandLine;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary><c>vdmadm help [COMMAND ...]</c>: this tool's help; <c>vdmadm help --daemon</c>: the daemon's control commands.</summary>
internal static class HelpCommand
{
    public static Command Build(CommandRunner runner, Func<string[], int> run)
    {
        var path = new Argument<string[]>("COMMAND") { Description = "The subcommand to explain, such as 'create partition'", Arity = ArgumentArity.ZeroOrMore };
        var daemon = new Option<bool>("--daemon") { Description = "List the daemon's control commands and their fields instead (the control file's 'help')" };
        var command = new Command("help", "Show help for vdmadm or one of its commands") { path, daemon };
        command.SetAction(parse => parse.GetValue(daemon)
            ? runner.Run(parse, (_, context) => Report.Of(CommandsTable(context.Execute("help"))), textOnly: true)
            : run([.. parse.GetValue(path) ?? [], "--help"]));
        return command;
    }

    /// <summary>The daemon's <c>help</c> reply as the table "command".</summary>
    public static ReportTable CommandsTable(ControlReply reply) =>
        new("command",
            [new("COMMAND", "verb"), new("ROOT", "privileged"), new("USAGE", "usage")],
            reply.Records.Where(record => record.Tag == "command").Select(record => (IReadOnlyList<ReportValue>)
            [
                ReportValue.Of(record.Find("verb") ?? "-"),
                ReportValue.Of(record.Find("root") is "yes" or "1" or "true"),
                ReportValue.Of(record.Find("usage") ?? "-"),
            ]).ToArray());
}
