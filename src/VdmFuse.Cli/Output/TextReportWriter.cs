using System.Text;

namespace VdmFuse.Cli.Output;

/// <summary>Prints a <see cref="Report"/> for people: tables with columns sized to their content, numbers right-aligned.</summary>
public static class TextReportWriter
{
    private const string Gap = "  ";

    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/>.</summary>
    public static void Write(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        if (report.Message is not null)
        {
            output.WriteLine(report.Message);
        }
        foreach (var table in report.Tables.Where(table => table.ShowHuman))
        {
            if (table.Rows.Count == 0)
            {
                if (table.EmptyText is not null)
                {
                    output.WriteLine(table.EmptyText);
                }
                continue;
            }
            output.Write(table.Detail ? FormatDetail(table) : FormatTable(table));
        }
    }

    /// <summary>The table as aligned columns under a heading line, each line ending in a newline.</summary>
    public static string FormatTable(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var cells = table.Rows.Select(row => row.Select(value => value.Human).ToArray()).ToArray();
        var widths = table.Columns.Select((column, i) => Math.Max(column.Header.Length, cells.Length == 0 ? 0 : cells.Max(row => row[i].Length))).ToArray();
        var numeric = table.Columns.Select((_, i) => table.Rows.Count > 0 && table.Rows.All(row => row[i].IsNumeric || row[i].Kind == ReportValueKind.Missing)).ToArray();
        var text = new StringBuilder();
        AppendLine(text, table.Columns.Select(column => column.Header).ToArray(), widths, numeric);
        foreach (var row in cells)
        {
            AppendLine(text, row, widths, numeric);
        }
        return text.ToString();
    }

    /// <summary>Each row as "Heading:  value" lines, headings padded to one width; rows separated by a blank line.</summary>
    public static string FormatDetail(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var width = table.Columns.Max(column => column.Header.Length) + 1;
        var text = new StringBuilder();
        for (var r = 0; r < table.Rows.Count; r++)
        {
            if (r > 0)
            {
                text.Append('\n');
            }
            for (var c = 0; c < table.Columns.Count; c++)
            {
                text.Append((table.Columns[c].Header + ":").PadRight(width)).Append(Gap).Append(table.Rows[r][c].HumanDetailed).Append('\n');
            }
        }
        return text.ToString();
    }

    private static void AppendLine(StringBuilder text, string[] cells, int[] widths, bool[] numeric)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append(Gap);
            }
            line.Append(numeric[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
        }
        text.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
