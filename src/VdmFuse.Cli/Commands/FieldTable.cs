using System.Globalization;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>Turns the fields of a reply into a one-row detail table, each field a column.</summary>
internal static class FieldTable
{
    /// <summary>
    /// A detail table named <paramref name="name"/> with <paramref name="leading"/> cells first, then one
    /// column per reply field: a known size field as bytes or blocks, a number as a number, other text as it is.
    /// </summary>
    /// <param name="name">The table's JSON key.</param>
    /// <param name="leading">Cells to show before the fields (such as the instance's name).</param>
    /// <param name="fields">The reply's fields.</param>
    /// <param name="kindOf">The kind of a numeric field that is a size (Bytes, Blocks) or a flag, or null for a plain number.</param>
    /// <param name="display">Rewrites a field's value for display (device numbers to names), or null to leave it.</param>
    public static ReportTable Detail(
        string name,
        IEnumerable<(ReportColumn Column, ReportValue Value)> leading,
        IEnumerable<ControlField> fields,
        Func<string, ReportValueKind?> kindOf,
        Func<ControlField, ReportValue?>? display = null)
    {
        var cells = leading.ToList();
        foreach (var field in fields)
        {
            var column = new ReportColumn(Heading(field.Key), ChildrenCommand.JsonKey(field.Key));
            var value = display?.Invoke(field) ?? Value(field.Value, kindOf(field.Key));
            cells.Add((column, value));
        }
        return new ReportTable(name, cells.Select(cell => cell.Column).ToArray(), [cells.Select(cell => cell.Value).ToArray()])
        {
            Detail = true,
        };
    }

    /// <summary>A field name as a heading: "sector-size" becomes "Sector size", "read-time-us" becomes "Read time (us)".</summary>
    public static string Heading(string key)
    {
        if (key.Length == 0)
        {
            return key;
        }
        var words = key.Replace('-', ' ');
        if (words.EndsWith(" us", StringComparison.Ordinal))
        {
            words = words[..^3] + " (us)";
        }
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    private static ReportValue Value(string text, ReportValueKind? kind)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return text is "yes" or "no" ? ReportValue.Of(text == "yes") : ReportValue.Of(text);
        }
        return kind switch
        {
            ReportValueKind.Bytes => ReportValue.Bytes(number),
            ReportValueKind.Blocks => ReportValue.Blocks(number),
            ReportValueKind.Flag => ReportValue.Of(number != 0),
            _ => ReportValue.Of(number),
        };
    }
}
