using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary><c>vdmadm children NAME</c>: <c>get-child-instance available=1 key=K</c> until ENOENT, as a table with the children's roles.</summary>
internal static class ChildrenCommand
{
    private const int ENOENT = 2;
    private const int EIO = 5;
    private const int MaxChildren = 100_000;

    /// <summary>Reply fields that describe the child itself; every other field is part of its role.</summary>
    private static readonly HashSet<string> ChildFields = new(StringComparer.Ordinal)
    {
        "key", "device-number-used", "device-number", "child-subdriver", "child", "id-generation", "id-system-id",
        "parent", "parent-subdriver", "available", "count",
    };

    public static Command Build(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The parent instance, by name or device number");
        var command = new Command("children", "List an instance's children with their subdrivers and roles") { name };
        runner.SetAction(command, (parse, context) => Report.Of(Table(context, List(context, parse.GetRequiredValue(name)))));
        return command;
    }

    /// <summary>
    /// The replies for each child of <paramref name="parent"/>: first <c>available=0</c>, which checks that the
    /// parent exists (ENOENT otherwise), then one keyed <c>available=1</c> call per child until ENOENT.
    /// </summary>
    public static IReadOnlyList<ControlReply> List(CliContext context, string parent)
    {
        context.Execute("get-child-instance", new ControlField("parent", parent), new ControlField("available", "0"));
        var children = new List<ControlReply>();
        var key = "0";
        while (children.Count < MaxChildren)
        {
            var reply = context.Channel.Send(new ControlCommand("get-child-instance",
                new ControlField("parent", parent), new ControlField("available", "1"), new ControlField("key", key)));
            if (reply.Errno == ENOENT)
            {
                return children;
            }
            CliReplies.ThrowIfError(reply);
            children.Add(reply);
            var next = reply.Find("key") ?? throw new ControlException(EIO, "get-child-instance: the daemon's reply has no 'key' to continue");
            if (next == key)
            {
                throw new ControlException(EIO, $"get-child-instance: the daemon's listing does not advance past key {key}");
            }
            key = next;
        }
        throw new ControlException(EIO, $"get-child-instance: {parent} has more than {MaxChildren} children");
    }

    /// <summary>The children as the table "child": one column per role field any child has.</summary>
    public static ReportTable Table(CliContext context, IReadOnlyList<ControlReply> children)
    {
        var roleKeys = children.SelectMany(child => child.Fields).Select(field => field.Key)
            .Where(key => !ChildFields.Contains(key)).Distinct(StringComparer.Ordinal).ToArray();
        var columns = new List<ReportColumn>
        {
            new("CHILD", "name"), new("DEV", "device_number"), new("SUBDRIVER", "subdriver"), new("PRESENT", "present"),
        };
        columns.AddRange(roleKeys.Select(key => new ReportColumn(key.ToUpperInvariant(), "role_" + JsonKey(key))));
        var rows = children.Select(child =>
        {
            var present = child.Find("device-number-used") is not ("0" or "no" or "false");
            var row = new List<ReportValue>();
            if (present)
            {
                var number = child.Find("device-number") ?? "";
                row.Add(ReportValue.Of(context.DisplayName(child.Find("child") ?? number)));
                row.Add(Number(number));
            }
            else
            {
                row.Add(ReportValue.Of($"id {child.Find("id-generation") ?? "?"}:{child.Find("id-system-id") ?? "?"}"));
                row.Add(ReportValue.Missing);
            }
            row.Add(child.Find("child-subdriver") is { } subdriver ? ReportValue.Of(Subdrivers.Name(subdriver)) : ReportValue.Missing);
            row.Add(ReportValue.Of(present));
            row.AddRange(roleKeys.Select(key => child.Find(key) is { } value ? Inferred(value) : ReportValue.Missing));
            return (IReadOnlyList<ReportValue>)row;
        }).ToArray();
        return new ReportTable("child", columns, rows) { EmptyText = "no children" };
    }

    /// <summary>A JSON key for a kebab-case field name.</summary>
    public static string JsonKey(string key) => key.Replace('-', '_');

    /// <summary>A field value as a number when it is one, else as text.</summary>
    public static ReportValue Inferred(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? ReportValue.Of(number) : ReportValue.Of(value);

    private static ReportValue Number(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? ReportValue.Of(number) : ReportValue.Missing;
}
