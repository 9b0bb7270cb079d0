using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VdmFuse.Cli.Output;

/// <summary>
/// Prints a <see cref="Report"/> as one JSON document, in the shape of <c>lvs --reportformat json</c>:
/// <c>{"report": [{"TABLE": [{"column": value, ...}, ...]}, ...]}</c>, with numbers and sizes (bytes) as
/// JSON numbers and flags as booleans.
/// </summary>
public static class JsonReportWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/> as one JSON document followed by a newline.</summary>
    public static void Write(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Format(report));
    }

    /// <summary>The report as a JSON document.</summary>
    public static string Format(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteStartArray("report");
            foreach (var table in report.Tables)
            {
                json.WriteStartObject();
                json.WriteStartArray(table.Name);
                foreach (var row in table.Rows)
                {
                    WriteRow(json, table.Columns, row);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteRow(Utf8JsonWriter json, IReadOnlyList<ReportColumn> columns, IReadOnlyList<ReportValue> row)
    {
        json.WriteStartObject();
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].JsonKey is not { } key)
            {
                continue;
            }
            var value = row[i];
            switch (value.Kind)
            {
                case ReportValueKind.Missing:
                    json.WriteNull(key);
                    break;
                case ReportValueKind.Text:
                    json.WriteString(key, value.Text);
                    break;
                case ReportValueKind.Number or ReportValueKind.Bytes or ReportValueKind.Blocks:
                    json.WriteNumber(key, value.Number);
                    break;
                case ReportValueKind.Flag:
                    json.WriteBoolean(key, value.Number != 0);
                    break;
                default:
                    throw new InvalidOperationException($"unknown report value kind {value.Kind}");
            }
        }
        json.WriteEndObject();
    }
}
