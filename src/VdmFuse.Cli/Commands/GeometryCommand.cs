using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm geometry NAME [--set NCYL:NHEAD:NSECT]</c>: the driver's geometry of an instance (dkio(7) DKIOCGGEOM),
/// or set it (DKIOCSGEOM, the disk unchanged) and show the result. Sent in the text form.
/// </summary>
internal static class GeometryCommand
{
    /// <summary>The fields of a geometry with the headings people read, in packet order.</summary>
    private static readonly (string Key, string Heading)[] Fields =
    [
        ("ncyl", "Cylinders"), ("acyl", "Alternate cylinders"), ("bcyl", "Cylinder offset"), ("nhead", "Heads"),
        ("nsect", "Sectors per track"), ("intrlv", "Interleave"), ("apc", "Alternates per cylinder"), ("rpm", "Rpm"),
        ("pcyl", "Physical cylinders"), ("write-reinstruct", "Write reinstruct"), ("read-reinstruct", "Read reinstruct"),
    ];

    public static Command Build(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var set = new Option<string?>("--set")
        {
            Description = "Set the driver's geometry first: cylinders, heads and sectors per track (the disk is unchanged; root)",
            HelpName = "NCYL:NHEAD:NSECT",
        };
        var command = new Command("geometry", "Show an instance's geometry as its driver reports it (DKIOCGGEOM), or set it (DKIOCSGEOM)")
        {
            name, set,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            string? message = null;
            if (parse.GetValue(set) is { } text)
            {
                var (ncyl, nhead, nsect) = ParseSet(text);
                context.Execute(ControlVerbs.DkSetGeom, new ControlField("name", instance),
                    ControlField.From("ncyl", ncyl), ControlField.From("nhead", nhead), ControlField.From("nsect", nsect));
                message = string.Create(CultureInfo.InvariantCulture,
                    $"set the geometry of {instance}: {ncyl} cylinders, {nhead} heads, {nsect} sectors per track");
            }
            var reply = context.Execute(ControlVerbs.DkGetGeom, new ControlField("name", instance));
            return Report.Of(Table("geometry", instance, reply, ControlVerbs.DkGetGeom), message);
        }, textOnly: true);
        return command;
    }

    /// <summary>A geometry reply as a detail table named <paramref name="tableName"/>: the instance, then each field under its heading.</summary>
    /// <exception cref="ControlException">EIO: the reply lacks a field or holds a non-number.</exception>
    public static ReportTable Table(string tableName, string instance, ControlReply reply, string verb)
    {
        var columns = new List<ReportColumn> { new("Name", "name") };
        var row = new List<ReportValue> { ReportValue.Of(instance) };
        foreach (var (key, heading) in Fields)
        {
            columns.Add(new ReportColumn(heading, ChildrenCommand.JsonKey(key)));
            row.Add(ReportValue.Of(DkReplies.Number(reply, verb, key)));
        }
        return new ReportTable(tableName, columns, [row]) { Detail = true };
    }

    /// <summary>A geometry reply in one line: "1009 cylinders (0 alternate), 4 heads, 63 sectors/track, interleave 1, 7200 rpm, 1009 physical cylinders".</summary>
    public static string Summary(ControlReply reply, string verb) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{DkReplies.Number(reply, verb, "ncyl")} cylinders ({DkReplies.Number(reply, verb, "acyl")} alternate), " +
            $"{DkReplies.Number(reply, verb, "nhead")} heads, {DkReplies.Number(reply, verb, "nsect")} sectors/track, " +
            $"interleave {DkReplies.Number(reply, verb, "intrlv")}, {DkReplies.Number(reply, verb, "rpm")} rpm, " +
            $"{DkReplies.Number(reply, verb, "pcyl")} physical cylinders");

    private static (ushort Ncyl, ushort Nhead, ushort Nsect) ParseSet(string text)
    {
        var parts = text.Split(':');
        var numbers = new ushort[3];
        var valid = parts.Length == 3;
        for (var i = 0; valid && i < 3; i++)
        {
            valid = ushort.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]) && numbers[i] > 0;
        }
        if (!valid)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"geometry: --set takes NCYL:NHEAD:NSECT, three numbers 1 to 65535 ('{text}' given)");
        }
        return (numbers[0], numbers[1], numbers[2]);
    }
}
