using System.CommandLine;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary><c>vdmadm delete NAME</c>: <c>delete-instance</c>.</summary>
internal static class DeleteCommand
{
    public static Command Build(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var command = new Command("delete", "Delete a disk instance; refused while it is open or has a parent (root or the admin group)") { name };
        command.Aliases.Add("rm");
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            context.Execute("delete-instance", new ControlField("name", instance));
            return Report.Of(NameTable("deleted", instance), $"deleted instance {instance}");
        });
        return command;
    }

    /// <summary>A one-row table holding the instance a command acted on (for JSON).</summary>
    public static ReportTable NameTable(string tableName, string instance) =>
        new(tableName, [new("NAME", "name")], [[ReportValue.Of(instance)]]) { ShowHuman = false };
}
