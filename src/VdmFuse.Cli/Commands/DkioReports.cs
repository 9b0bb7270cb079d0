using VdmFuse.Cli.Output;

namespace VdmFuse.Cli.Commands;

/// <summary>Reports of the dkio commands that read differently for people (sentences) than in JSON (numbers and flags).</summary>
internal static class DkioReports
{
    /// <summary>
    /// A report that prints <paramref name="human"/> as a detail listing (after <paramref name="message"/>, when given)
    /// and holds <paramref name="json"/> for <c>--json</c>.
    /// </summary>
    public static Report Of(ReportTable human, IEnumerable<ReportTable> json, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(human);
        ArgumentNullException.ThrowIfNull(json);
        var text = TextReportWriter.FormatDetail(human).TrimEnd('\n');
        return new Report(json.Select(table => table with { ShowHuman = false }).ToArray(), message is null ? text : message + "\n" + text);
    }

    /// <summary>A one-row detail table of text cells, each line a (heading, text) pair; no JSON keys (it is only read by people).</summary>
    public static ReportTable Lines(params (string Heading, string Text)[] lines) =>
        new("text", lines.Select(line => new ReportColumn(line.Heading, null)).ToArray(), [lines.Select(line => ReportValue.Of(line.Text)).ToArray()])
        {
            Detail = true,
        };
}
