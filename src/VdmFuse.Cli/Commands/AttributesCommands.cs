using System.CommandLine;
using VdmFuse.Cli.Arguments;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary><c>vdmadm attributes NAME</c> (<c>get-attributes</c>) and <c>vdmadm update NAME ...</c> (<c>update-attributes</c>).</summary>
internal static class AttributesCommands
{
    public static Command BuildGet(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var command = new Command("attributes", "Show an instance's subdriver attributes (physical: path, size, sector size; partition: child, start, size; mirror: automatic-sync, sync-in-progress, the open policies, images)") { name };
        command.Aliases.Add("attr");
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var reply = context.Execute("get-attributes", new ControlField("name", instance));
            return Report.Of(Table(context, instance, reply));
        });
        return command;
    }

    public static Command BuildUpdate(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var start = BlockCountSymbols.Option("--start", "New first block of a partition on its child");
        var size = BlockCountSymbols.Option("--size", "New length of a partition");
        var subdriver = new Option<string?>("--subdriver") { Description = "The subdriver the instance must have (checked by the daemon)", HelpName = "SUBDRIVER" };
        var extra = InstanceArguments.Fields("Other attribute fields to change, as the subdriver names them");
        var command = new Command("update", "Change an instance's attributes (a partition's start and size, while it is not open; root or the admin group)")
        {
            name, start, size, subdriver, extra,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var fields = new List<ControlField> { new("name", instance) };
            var subdriverName = parse.GetValue(subdriver);
            var startBlocks = parse.GetValue(start);
            var sizeBlocks = parse.GetValue(size);
            if (startBlocks is null && sizeBlocks is null && (parse.GetValue(extra) ?? []).Length == 0)
            {
                throw new ControlException(ControlErrno.EINVAL, $"update: say what to change for {instance} (--start, --size or FIELD=VALUE)");
            }
            if (subdriverName is null || startBlocks.HasValue != sizeBlocks.HasValue)
            {
                // The packet is the subdriver's, and a partition's carries start and size together:
                // ask for the instance's subdriver and keep what is not given as it is.
                var current = new ControlCommand("get-attributes", context.Execute("get-attributes", new ControlField("name", instance)).Fields);
                subdriverName ??= current.GetOptional("subdriver") is { } known ? Subdrivers.Name(known) : null;
                if (startBlocks.HasValue != sizeBlocks.HasValue && subdriverName == "partition")
                {
                    startBlocks ??= current.GetOptionalInt64("start");
                    sizeBlocks ??= current.GetOptionalInt64("size");
                }
            }
            if (subdriverName is not null)
            {
                fields.Add(new ControlField("subdriver", subdriverName));
            }
            if (startBlocks is { } startValue)
            {
                fields.Add(ControlField.From("start", startValue));
            }
            if (sizeBlocks is { } sizeValue)
            {
                fields.Add(ControlField.From("size", sizeValue));
            }
            fields.AddRange(FieldArguments.Parse(parse.GetValue(extra) ?? []));
            context.Execute("update-attributes", fields);
            return Report.Of(DeleteCommand.NameTable("updated", instance), $"updated instance {instance}");
        });
        return command;
    }

    /// <summary>The attributes as the detail table "attributes".</summary>
    public static ReportTable Table(CliContext context, string instance, ControlReply reply)
    {
        var subdriver = Subdrivers.Name(reply.Find("subdriver") ?? "");
        return FieldTable.Detail("attributes",
            [(new ReportColumn("Name", "name"), ReportValue.Of(instance))],
            reply.Fields.Select(field => field.Key switch
            {
                // The binary reply names the partition's references by their packet fields.
                "child-device-number" => field with { Key = "child" },
                "remap-device-number" => field with { Key = "remap" },
                _ => field,
            }),
            key => (subdriver, key) switch
            {
                ("partition", "start" or "size") => ReportValueKind.Blocks,
                ("mirror", "region-size") => ReportValueKind.Blocks,
                ("mirror", "automatic-sync" or "sync-in-progress") => ReportValueKind.Flag,
                (_, "size") => ReportValueKind.Bytes,
                (_, "direct" or "block-device") => ReportValueKind.Flag,
                _ => null,
            },
            field => field.Key switch
            {
                "subdriver" => ReportValue.Of(subdriver),
                "child" or "remap" => ReportValue.Of(context.DisplayName(field.Value)),
                _ => null,
            });
    }
}
