using System.CommandLine;
using VdmFuse.Cli.Arguments;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary><c>vdmadm link PARENT CHILD [ROLE=VALUE ...]</c> and <c>vdmadm unlink PARENT CHILD</c>.</summary>
internal static class LinkCommands
{
    public static Command BuildLink(CommandRunner runner)
    {
        var parent = InstanceArguments.Instance("PARENT", "The parent instance, by name or device number");
        var child = InstanceArguments.Instance("CHILD", "The instance to link under it");
        var role = InstanceArguments.Fields("The child's role fields, where the parent's subdriver has a role packet (none for physical and partition)");
        var command = new Command("link", "Link an instance as a child of another (root or the admin group)") { parent, child, role };
        runner.SetAction(command, (parse, context) =>
        {
            var fields = new List<ControlField>
            {
                new("parent", parse.GetRequiredValue(parent)),
                new("child", parse.GetRequiredValue(child)),
            };
            fields.AddRange(FieldArguments.Parse(parse.GetValue(role) ?? []));
            context.Execute("link-child-instance", fields);
            return Report.Of(PairTable("linked", fields[0].Value, fields[1].Value), $"linked {fields[1].Value} under {fields[0].Value}");
        });
        return command;
    }

    public static Command BuildUnlink(CommandRunner runner)
    {
        var parent = InstanceArguments.Instance("PARENT", "The parent instance, by name or device number");
        var child = InstanceArguments.Instance("CHILD", "The child to unlink from it");
        var command = new Command("unlink", "Unlink a child from its parent (root or the admin group)") { parent, child };
        runner.SetAction(command, (parse, context) =>
        {
            var parentName = parse.GetRequiredValue(parent);
            var childName = parse.GetRequiredValue(child);
            context.Execute("unlink-child-instance", new ControlField("parent", parentName), new ControlField("child", childName));
            return Report.Of(PairTable("unlinked", parentName, childName), $"unlinked {childName} from {parentName}");
        });
        return command;
    }

    private static ReportTable PairTable(string name, string parent, string child) =>
        new(name, [new("PARENT", "parent"), new("CHILD", "child")], [[ReportValue.Of(parent), ReportValue.Of(child)]]) { ShowHuman = false };
}
