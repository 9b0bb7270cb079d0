using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm dev format|mount|dismount|dismount-all|list|volumes|quota</c> and <c>vdmadm volume create|destroy</c>:
/// Shore's device management (<c>format-dev</c>, <c>mount-dev</c>, <c>dismount-dev</c>, <c>dismount-all</c>,
/// <c>list-devices</c>, <c>list-volumes</c>, <c>get-device-quota</c>, <c>create-volume</c>, <c>destroy-volume</c>).
/// Sent in the text form; device paths are made absolute here and quotas are sent in KB.
/// </summary>
internal static class DeviceCommands
{
    public static Command BuildDevice(CommandRunner runner)
    {
        var command = new Command("dev", "Format, mount, dismount and list the devices that hold volumes");
        command.Add(BuildFormat(runner));
        command.Add(BuildMount(runner));
        command.Add(BuildDismount(runner));
        command.Add(BuildDismountAll(runner));
        command.Add(BuildList(runner));
        command.Add(BuildVolumes(runner));
        command.Add(BuildQuota(runner));
        return command;
    }

    public static Command BuildVolume(CommandRunner runner)
    {
        var command = new Command("volume", "Create and destroy volumes on a mounted device");
        command.Add(BuildCreateVolume(runner));
        command.Add(BuildDestroyVolume(runner));
        return command;
    }

    /// <summary>
    /// A quota in KB: a plain number is KB; a K, M, G or T suffix (optionally followed by B or iB) is a binary unit.
    /// </summary>
    /// <exception cref="ControlException">EINVAL when <paramref name="text"/> is not a positive size.</exception>
    public static long ParseQuotaKb(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        foreach (var suffix in new[] { "iB", "B" })
        {
            if (trimmed.Length > suffix.Length + 1 && trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && char.IsLetter(trimmed[^(suffix.Length + 1)]))
            {
                trimmed = trimmed[..^suffix.Length];
                break;
            }
        }
        long multiplier = 1;
        if (trimmed.Length > 0 && char.IsLetter(trimmed[^1]))
        {
            multiplier = char.ToUpperInvariant(trimmed[^1]) switch
            {
                'K' => 1,
                'M' => 1024,
                'G' => 1024 * 1024,
                'T' => 1024L * 1024 * 1024,
                _ => 0,
            };
            trimmed = trimmed[..^1];
        }
        if (multiplier == 0 || !long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0
            || number > long.MaxValue / multiplier)
        {
            throw new ControlException(ControlErrno.EINVAL, $"'{text}' is not a quota: give a positive number of KB or a size such as 64M or 1G");
        }
        return number * multiplier;
    }

    private static Command BuildFormat(CommandRunner runner)
    {
        var path = DeviceArgument("The block device or file to format (a file is created if missing)");
        var quota = QuotaOption("The space the device offers to its volumes: 64M, 1G, or KB");
        var force = new Option<bool>("--force") { Description = "Format even if the device already carries a label" };
        var command = new Command("format", "Write a new label with a unique device id and the quota (root)") { path, quota, force };
        runner.SetAction(command, (parse, context) =>
        {
            var device = Path.GetFullPath(parse.GetRequiredValue(path));
            var kb = ParseQuotaKb(parse.GetRequiredValue(quota));
            var reply = context.Execute("format-dev", new("device", device), ControlField.From("quota", kb),
                new ControlField("force", parse.GetValue(force) ? "1" : "0"));
            return Report.Of(Hidden("formatted", device, reply.Fields), $"formatted {device} with a quota of {kb} KB");
        }, textOnly: true);
        return command;
    }

    private static Command BuildMount(CommandRunner runner)
    {
        var path = DeviceArgument("The formatted device to mount");
        var command = new Command("mount", "Make every volume on the device available as an instance (root)") { path };
        runner.SetAction(command, (parse, context) =>
        {
            var device = Path.GetFullPath(parse.GetRequiredValue(path));
            var reply = context.Execute("mount-dev", new ControlField("device", device));
            return Report.Of(Hidden("mounted", device, reply.Fields),
                $"mounted {device}: device id {reply.Find("device-id") ?? "?"}, {reply.Find("volumes") ?? "?"} volumes");
        }, textOnly: true);
        return command;
    }

    private static Command BuildDismount(CommandRunner runner)
    {
        var path = DeviceArgument("The mounted device");
        var force = new Option<bool>("--force") { Description = "Dismount even while a volume is open" };
        var command = new Command("dismount", "Flush the device and make its volumes unavailable; refused while a volume is open (root)") { path, force };
        runner.SetAction(command, (parse, context) =>
        {
            var device = Path.GetFullPath(parse.GetRequiredValue(path));
            var fields = new List<ControlField> { new("device", device) };
            if (parse.GetValue(force))
            {
                fields.Add(new ControlField("force", "1"));
            }
            var reply = context.Execute("dismount-dev", fields);
            return Report.Of(Hidden("dismounted", device, reply.Fields), $"dismounted {device}");
        }, textOnly: true);
        return command;
    }

    private static Command BuildDismountAll(CommandRunner runner)
    {
        var command = new Command("dismount-all", "Dismount every mounted device (root)");
        runner.SetAction(command, (_, context) =>
        {
            var reply = context.Execute("dismount-all");
            var table = FieldTable.Detail("dismounted", [], reply.Fields, _ => null) with { ShowHuman = false };
            return Report.Of(table, "dismounted every device");
        }, textOnly: true);
        return command;
    }

    private static Command BuildList(CommandRunner runner)
    {
        var command = new Command("list", "List the mounted devices: path, device id, quota, space used and number of volumes");
        command.Aliases.Add("ls");
        runner.SetAction(command, (_, context) =>
            Report.Of(RecordTable("device", context.Execute("list-devices").Records, ["path", "device-id", "quota-kb", "used-kb", "volumes"], "no devices")),
            textOnly: true);
        return command;
    }

    private static Command BuildVolumes(CommandRunner runner)
    {
        var path = DeviceArgument("The mounted device");
        var command = new Command("volumes", "List the volumes of a mounted device: logical volume id, name, quota and device number") { path };
        runner.SetAction(command, (parse, context) =>
        {
            var device = Path.GetFullPath(parse.GetRequiredValue(path));
            var reply = context.Execute("list-volumes", new ControlField("device", device));
            return Report.Of(RecordTable("volume", reply.Records, ["lvid", "name", "quota-kb", "device-number"], "no volumes"));
        }, textOnly: true);
        return command;
    }

    private static Command BuildQuota(CommandRunner runner)
    {
        var path = DeviceArgument("The mounted device");
        var command = new Command("quota", "Show the device's quota and the KB its volumes use") { path };
        runner.SetAction(command, (parse, context) =>
        {
            var device = Path.GetFullPath(parse.GetRequiredValue(path));
            var reply = context.Execute("get-device-quota", new ControlField("device", device));
            return Report.Of(FieldTable.Detail("quota", [(new ReportColumn("Device", "device"), ReportValue.Of(device))], reply.Fields, _ => null));
        }, textOnly: true);
        return command;
    }

    private static Command BuildCreateVolume(CommandRunner runner)
    {
        var path = DeviceArgument("The mounted device to hold the volume");
        var name = new Argument<string>("NAME") { Description = "The volume's name (exported as dsk/NAME and rdsk/NAME)" };
        var quota = QuotaOption("The volume's quota: 16M, 1G, or KB");
        var command = new Command("create", "Create a volume; the volumes' quotas may not exceed the device's (root)") { path, name, quota };
        runner.SetAction(command, (parse, context) =>
        {
            var device = Path.GetFullPath(parse.GetRequiredValue(path));
            var volume = parse.GetRequiredValue(name);
            var reply = context.Execute("create-volume", new("device", device), new("name", volume),
                ControlField.From("quota", ParseQuotaKb(parse.GetRequiredValue(quota))));
            var table = FieldTable.Detail("volume", [(new ReportColumn("Name", "name"), ReportValue.Of(volume))], reply.Fields, _ => null) with { ShowHuman = false };
            return Report.Of(table, $"created volume {volume} on {device}: lvid {reply.Find("lvid") ?? "?"}, device number {reply.Find("device-number") ?? "?"}");
        }, textOnly: true);
        return command;
    }

    private static Command BuildDestroyVolume(CommandRunner runner)
    {
        var path = DeviceArgument("The mounted device that holds the volume");
        var lvid = new Argument<string>("LVID") { Description = "The logical volume id, as dev volumes shows it" };
        var command = new Command("destroy", "Destroy a volume and give its quota back to the device; refused while it is open (root)") { path, lvid };
        runner.SetAction(command, (parse, context) =>
        {
            var device = Path.GetFullPath(parse.GetRequiredValue(path));
            var id = parse.GetRequiredValue(lvid);
            var reply = context.Execute("destroy-volume", new("device", device), new("lvid", id));
            var table = FieldTable.Detail("destroyed", [(new ReportColumn("Lvid", "lvid"), ReportValue.Of(id))], reply.Fields, _ => null) with { ShowHuman = false };
            return Report.Of(table, $"destroyed volume {id} on {device}");
        }, textOnly: true);
        return command;
    }

    private static Argument<string> DeviceArgument(string description) => new("PATH") { Description = description };

    private static Option<string> QuotaOption(string description) =>
        new("--quota") { Description = description, HelpName = "SIZE", Required = true };

    /// <summary>A detail table for JSON only, with the device first and then the reply's fields.</summary>
    private static ReportTable Hidden(string name, string device, IEnumerable<ControlField> fields) =>
        FieldTable.Detail(name, [(new ReportColumn("Device", "device"), ReportValue.Of(device))], fields, _ => null) with { ShowHuman = false };

    /// <summary>The records of one tag as a table: the leading keys first, in order, then any others as they come.</summary>
    private static ReportTable RecordTable(string tag, IEnumerable<ControlRecord> records, string[] leadingKeys, string emptyText)
    {
        var rows = records.Where(record => record.Tag == tag).ToArray();
        var keys = leadingKeys.Where(key => rows.Any(row => row.Find(key) is not null))
            .Concat(rows.SelectMany(row => row.Fields.Select(field => field.Key)).Where(key => !leadingKeys.Contains(key)).Distinct())
            .ToArray();
        return new ReportTable(tag,
            keys.Select(key => new ReportColumn(key.ToUpperInvariant(), ChildrenCommand.JsonKey(key))).ToArray(),
            rows.Select(row => (IReadOnlyList<ReportValue>)keys
                .Select(key => row.Find(key) is { } value ? ChildrenCommand.Inferred(value) : ReportValue.Missing)
                .ToArray()).ToArray())
        {
            EmptyText = emptyText,
        };
    }
}
