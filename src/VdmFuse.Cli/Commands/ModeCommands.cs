using System.CommandLine;
using VdmFuse.Cli.Output;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm mode</c> (<c>get-mode</c>) and <c>vdmadm enable</c> (<c>enable</c>): the daemon's mode and the way back
/// to enabled mode. Diagnostic commands, accepted in both modes; sent in the text form.
/// </summary>
internal static class ModeCommands
{
    public static Command BuildMode(CommandRunner runner)
    {
        var command = new Command("mode", "Show whether the daemon is enabled or disabled, why, and how many database copies are good");
        runner.SetAction(command, (_, context) =>
        {
            var reply = context.Execute("get-mode");
            return Report.Of(FieldTable.Detail("mode", [], reply.Fields, _ => null));
        }, textOnly: true);
        return command;
    }

    public static Command BuildEnable(CommandRunner runner)
    {
        var command = new Command("enable", "Re-run the database load rules and enter enabled mode; fails with the reason when it cannot (root)");
        runner.SetAction(command, (_, context) =>
        {
            var reply = context.Execute("enable");
            var table = FieldTable.Detail("mode", [], reply.Fields, _ => null) with { ShowHuman = false };
            return Report.Of(table, "the daemon is enabled");
        }, textOnly: true);
        return command;
    }
}
