using System.CommandLine;
using VdmFuse.Cli.Arguments;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary><c>vdmadm subdriver NAME COMMAND [FIELD=VALUE ...]</c>: <c>ioctl-subdriver</c>, addressed to the instance's own subdriver.</summary>
internal static class SubdriverCommand
{
    public static Command Build(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var subcommand = new Argument<string>("COMMAND") { Description = "The subdriver's command (physical: get-info, flush)" };
        var fields = InstanceArguments.Fields("The command's fields");
        var subdriver = new Option<string?>("--subdriver")
        {
            Description = "The subdriver to address [default: the instance's own, asked with get-attributes]",
            HelpName = "SUBDRIVER",
        };
        var command = new Command("subdriver", "Run a subdriver command on an instance (mutating commands need root or the admin group)")
        {
            name, subcommand, fields, subdriver,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var commandName = parse.GetRequiredValue(subcommand);
            var subdriverName = parse.GetValue(subdriver) ??
                context.Execute("get-attributes", new ControlField("name", instance)).Find("subdriver") ??
                throw new ControlException(ControlErrno.EINVAL, $"get-attributes: the daemon did not say which subdriver {instance} has");
            subdriverName = Subdrivers.Name(subdriverName);
            var request = new List<ControlField>
            {
                new("subdriver", subdriverName),
                new("name", instance),
                new("command", commandName),
            };
            request.AddRange(FieldArguments.Parse(parse.GetValue(fields) ?? []));
            var reply = context.Execute("ioctl-subdriver", request);
            var table = FieldTable.Detail("result",
                [
                    (new ReportColumn("Name", "name"), ReportValue.Of(instance)),
                    (new ReportColumn("Subdriver", "subdriver"), ReportValue.Of(subdriverName)),
                    (new ReportColumn("Command", "command"), ReportValue.Of(commandName)),
                ],
                reply.Fields.Where(field => field.Key is not ("subdriver" or "name" or "command")),
                key => key switch
                {
                    "size" => ReportValueKind.Bytes,
                    "direct" or "block-device" => ReportValueKind.Flag,
                    _ => null,
                });
            return reply.Fields.Count == 0
                ? Report.Of(table with { ShowHuman = false }, $"{subdriverName} {commandName} on {instance}: done")
                : Report.Of(table);
        });
        return command;
    }
}
