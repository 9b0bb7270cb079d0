using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Arguments;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary><c>vdmadm create physical|partition|fault|mirror|remap ...</c>: <c>create-instance</c>.</summary>
internal static class CreateCommand
{
    public static Command Build(CommandRunner runner)
    {
        var command = new Command("create", "Create a disk instance (root or the admin group)");
        command.Add(Physical(runner));
        command.Add(Partition(runner));
        command.Add(Fault(runner));
        command.Add(Mirror(runner));
        command.Add(Remap(runner));
        return command;
    }

    private static Command Remap(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The new remap instance's name");
        var primary = RemapCommands.PrimaryOption();
        var secondary = RemapCommands.SecondaryOption();
        var area = RemapCommands.AreaOption();
        var persistent = new Option<bool>("--persistent")
        {
            Description = "Record the instance in the configuration database so that it comes back at every start; its three partitions must be persistent too",
        };
        var command = new Command("remap",
            "Create the remap instance of a disk over three partitions of it formatted with 'vdmadm remap format' (vdmremap(7)); " +
            "link it under a partition of the disk to remap its bad blocks. It has no size and is not exported")
        {
            name, primary, secondary, area, persistent,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var fields = new List<ControlField>
            {
                new("subdriver", "remap"),
                new("name", parse.GetRequiredValue(name)),
                new("primary-table", parse.GetRequiredValue(primary)),
                new("secondary-table", parse.GetRequiredValue(secondary)),
                new("remap-area", parse.GetRequiredValue(area)),
            };
            if (parse.GetValue(persistent))
            {
                fields.Add(ControlField.From("persistent", true));
            }
            return Created(context, fields);
        }, textOnly: true);
        return command;
    }

    private static Command Mirror(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The new mirror's name");
        var images = new Argument<string[]>("IMAGE")
        {
            Description = "The images, 1 to 3 instances by name: one image is usable at once, several are all corrupt until synchronised",
            Arity = new ArgumentArity(1, 3),
        };
        var automaticSync = new Option<bool>("--automatic-sync") { Description = "Sync on its own at start when the images are found inconsistent after a crash" };
        var minimum = new Option<short?>("--minimum")
        {
            Description = "Opens fail with ENXIO while fewer images than this are not corrupt (minimum-images-required-to-use; -1, the default, disables the test)",
            HelpName = "N",
        };
        var maximumMissing = new Option<short?>("--maximum-missing")
        {
            Description = "Opens and automatic syncs fail when more images than this are missing (maximum-images-missing-to-use; -1, the default, disables the test)",
            HelpName = "N",
        };
        var delay = new Option<uint?>("--delay") { Description = "Milliseconds between the I/Os of an automatic sync (milliseconds-between-sync-io, default 0)", HelpName = "MS" };
        var regionSize = BlockCountSymbols.Option("--region-size", "The dirty-region size of the crash journal (default 8192 blocks, 4 MiB)");
        var common = new CommonOptions();
        var command = new Command("mirror", "Create a mirror over up to three images (vdmmirr(7)); sync it with 'vdmadm sync'")
        {
            name, images, automaticSync, minimum, maximumMissing, delay, regionSize,
        };
        common.AddTo(command);
        runner.SetAction(command, (parse, context) =>
        {
            var fields = new List<ControlField>
            {
                new("subdriver", "mirror"),
                new("name", parse.GetRequiredValue(name)),
                new("images", string.Join(',', parse.GetRequiredValue(images))),
            };
            if (parse.GetValue(automaticSync))
            {
                fields.Add(new ControlField("automatic-sync", "1"));
            }
            if (parse.GetValue(minimum) is { } n)
            {
                fields.Add(ControlField.From("minimum-images-required-to-use", n));
            }
            if (parse.GetValue(maximumMissing) is { } missing)
            {
                fields.Add(ControlField.From("maximum-images-missing-to-use", missing));
            }
            if (parse.GetValue(delay) is { } ms)
            {
                fields.Add(ControlField.From(MirrorCommands.DelayField, ms));
            }
            if (parse.GetValue(regionSize) is { } blocks)
            {
                fields.Add(ControlField.From("region-size", blocks));
            }
            common.AppendFields(parse, fields);
            return Created(context, fields);
        }, textOnly: true);
        return command;
    }

    private static Command Fault(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The new instance's name");
        var child = new Option<string>("--child", "-c") { Description = "The instance whose I/O it passes on or fails, by name or device number", HelpName = "INSTANCE", Required = true };
        var notExported = new Option<bool>("--not-exported") { Description = "Do not export the instance as files under dsk/ and rdsk/" };
        var command = new Command("fault", "Create a fault instance over a child: its I/O fails as the rules of 'vdmadm fault add' say (never persistent)") { name, child, notExported };
        runner.SetAction(command, (parse, context) =>
        {
            var fields = new List<ControlField>
            {
                new("subdriver", "fault"),
                new("name", parse.GetRequiredValue(name)),
                new("child", parse.GetRequiredValue(child)),
            };
            if (parse.GetValue(notExported))
            {
                fields.Add(ControlField.From("exported", false));
            }
            return Created(context, fields);
        });
        return command;
    }

    private static Command Physical(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The new instance's name");
        var path = new Argument<string>("PATH") { Description = "The image file or block device that backs it (made absolute here)" };
        var common = new CommonOptions();
        var command = new Command("physical", "Create a physical instance over an image file or a block device (opened with O_DIRECT)") { name, path };
        common.AddTo(command);
        runner.SetAction(command, (parse, context) =>
        {
            var fields = new List<ControlField>
            {
                new("subdriver", "physical"),
                new("name", parse.GetRequiredValue(name)),
                new("path", System.IO.Path.GetFullPath(parse.GetRequiredValue(path))),
            };
            common.AppendFields(parse, fields);
            return Created(context, fields);
        });
        return command;
    }

    private static Command Partition(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The new instance's name");
        var child = new Option<string>("--child", "-c") { Description = "The instance to partition, by name or device number", HelpName = "INSTANCE", Required = true };
        var start = BlockCountSymbols.Option("--start", "First block of the partition on the child", required: true);
        var size = BlockCountSymbols.Option("--size", "Length of the partition", required: true);
        var remap = new Option<string?>("--remap") { Description = "A remap instance linked as a child, for bad-block remapping", HelpName = "INSTANCE" };
        var common = new CommonOptions();
        var command = new Command("partition", "Create a partition: a window of 512-byte blocks on a child instance") { name, child, start, size, remap };
        common.AddTo(command);
        runner.SetAction(command, (parse, context) =>
        {
            var fields = new List<ControlField>
            {
                new("subdriver", "partition"),
                new("name", parse.GetRequiredValue(name)),
                new("child", parse.GetRequiredValue(child)),
                ControlField.From("start", parse.GetValue(start) ?? 0),
                ControlField.From("size", parse.GetValue(size) ?? 0),
            };
            if (parse.GetValue(remap) is { } remapName)
            {
                fields.Add(new ControlField("remap", remapName));
            }
            common.AppendFields(parse, fields);
            return Created(context, fields);
        });
        return command;
    }

    private static Report Created(CliContext context, List<ControlField> fields)
    {
        var reply = context.Execute("create-instance", fields);
        var name = fields.Single(field => field.Key == "name").Value;
        var subdriver = fields[0].Value;
        var deviceNumber = new ControlCommand("create-instance", reply.Fields).GetOptionalInt64("device-number");
        var table = new ReportTable("instance",
            [new("NAME", "name"), new("DEV", "device_number"), new("SUBDRIVER", "subdriver")],
            [[ReportValue.Of(name), deviceNumber is { } number ? ReportValue.Of(number) : ReportValue.Missing, ReportValue.Of(subdriver)]])
        {
            ShowHuman = false,
        };
        var message = deviceNumber is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"created {subdriver} instance {name} (device number {n})")
            : $"created {subdriver} instance {name}";
        return Report.Of(table, message);
    }

    /// <summary>The options every subdriver's create takes.</summary>
    private sealed class CommonOptions
    {
        private readonly Option<bool> _persistent = new("--persistent")
        {
            Description = "Record the instance in the configuration database (every copy) so that it comes back, with the same device number, at every start; the instances it is built on must be persistent too",
        };

        private readonly Option<bool> _notExported = new("--not-exported")
        {
            Description = "Do not export the instance as files under dsk/ and rdsk/ (for an instance only used as a child)",
        };

        public void AddTo(Command command)
        {
            command.Add(_persistent);
            command.Add(_notExported);
        }

        public void AppendFields(ParseResult parse, List<ControlField> fields)
        {
            if (parse.GetValue(_persistent))
            {
                fields.Add(ControlField.From("persistent", true));
            }
            if (parse.GetValue(_notExported))
            {
                fields.Add(ControlField.From("exported", false));
            }
        }
    }
}
