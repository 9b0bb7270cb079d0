namespace VdmFuse.Cli.Output;

/// <summary>One column of a report table.</summary>
/// <param name="Header">The heading people read ("NAME", or "Device number" in a detail listing).</param>
/// <param name="JsonKey">The key in JSON (snake_case, as <c>lvs --reportformat json</c> uses), or null for a column only people see.</param>
public sealed record ReportColumn(string Header, string? JsonKey);

/// <summary>
/// A table of a report: named rows of cells. Printed as aligned columns, or as a detail listing
/// (one "Heading  value" line per column) for a single record; in JSON an array of objects under <see cref="Name"/>.
/// </summary>
/// <param name="Name">The key of the table in JSON ("instance", "child", ...).</param>
/// <param name="Columns">The columns.</param>
/// <param name="Rows">The rows, each one cell per column.</param>
public sealed record ReportTable(string Name, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<IReadOnlyList<ReportValue>> Rows)
{
    /// <summary>Print each row as a detail listing rather than as a table row.</summary>
    public bool Detail { get; init; }

    /// <summary>Whether people see the table (a command that prints a sentence instead keeps its table for JSON).</summary>
    public bool ShowHuman { get; init; } = true;

    /// <summary>What people read when the table has no rows, or null to print nothing.</summary>
    public string? EmptyText { get; init; }
}

/// <summary>What a command prints: a sentence for people and zero or more tables.</summary>
/// <param name="Tables">The tables, in order.</param>
/// <param name="Message">A sentence printed for people before the tables ("created instance a, device number 1"), or null.</param>
public sealed record Report(IReadOnlyList<ReportTable> Tables, string? Message = null)
{
    /// <summary>A report of one table.</summary>
    public static Report Of(ReportTable table, string? message = null) => new([table], message);
}
