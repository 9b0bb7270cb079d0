using System.CommandLine;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm addbad NAME</c>: makes the bad-block remap instance of an instance's disk re-read its tables (dkio(7)
/// DKIOCADDBAD, <c>dk-addbad</c>), after they were changed other than through vdmadm remap. Sent in the text form.
/// </summary>
internal static class AddBadCommand
{
    public static Command Build(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "An instance on a disk with a remap instance (the disk, a partition, or the remap instance)");
        var command = new Command("addbad", "Make the remap instance of an instance's disk re-read its bad-block tables (DKIOCADDBAD; root)") { name };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            context.Execute(ControlVerbs.DkAddbad, new ControlField("name", instance));
            var table = new ReportTable("addbad", [new("NAME", "name")], [[ReportValue.Of(instance)]]) { ShowHuman = false };
            return Report.Of(table, $"re-read the bad-block tables of the remap instance of {instance}'s disk");
        }, textOnly: true);
        return command;
    }
}
