using System.CommandLine;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;

namespace VdmFuse.Cli.Commands;

/// <summary><c>vdmadm list</c>: every instance, one row each (<c>get-instances key=K</c> until ENOENT).</summary>
internal static class ListCommand
{
    public static Command Build(CommandRunner runner)
    {
        var command = new Command("list", "List the disk instances: name, device number, subdriver, size, children, parents, open files");
        command.Aliases.Add("ls");
        runner.SetAction(command, (_, context) => Report.Of(Table(InstanceDirectory.List(context.Channel))));
        return command;
    }

    /// <summary>The instances as the table "instance".</summary>
    public static ReportTable Table(IReadOnlyList<InstanceSummary> instances) =>
        new("instance",
        [
            new("NAME", "name"),
            new("DEV", "device_number"),
            new("SUBDRIVER", "subdriver"),
            new("SIZE", "size"),
            new("BYTES", null),
            new("CHILDREN", "children"),
            new("PARENTS", "parents"),
            new("EXPORTED", "exported"),
            new("OPEN", "open"),
        ],
        instances.Select(instance => (IReadOnlyList<ReportValue>)
        [
            ReportValue.Of(instance.Name),
            ReportValue.Of(instance.DeviceNumber),
            ReportValue.Of(instance.Subdriver),
            ReportValue.Bytes(instance.SizeBytes),
            ReportValue.Of(instance.SizeBytes),
            ReportValue.Of(instance.ChildCount),
            ReportValue.Of(instance.ParentCount),
            ReportValue.Of(instance.Exported),
            ReportValue.Of(instance.OpenCount),
        ]).ToArray())
        {
            EmptyText = "no instances",
        };
}
