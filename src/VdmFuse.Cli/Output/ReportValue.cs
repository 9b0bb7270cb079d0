using System.Globalization;

namespace VdmFuse.Cli.Output;

/// <summary>What a report cell holds, which decides how it is printed for people and in JSON.</summary>
public enum ReportValueKind
{
    /// <summary>No value: "-" for people, null in JSON.</summary>
    Missing,

    /// <summary>Text, printed as it is.</summary>
    Text,

    /// <summary>An integer, printed in decimal and as a JSON number.</summary>
    Number,

    /// <summary>A size in bytes: <see cref="HumanSize"/> for people, a JSON number of bytes.</summary>
    Bytes,

    /// <summary>A count of 512-byte blocks: the count for people (with its size in a detail listing), a JSON number of blocks.</summary>
    Blocks,

    /// <summary>A yes/no flag: "yes" or "no" for people, a JSON boolean.</summary>
    Flag,
}

/// <summary>One cell of a report.</summary>
/// <param name="Kind">What the cell holds.</param>
/// <param name="Text">The text of a <see cref="ReportValueKind.Text"/> cell.</param>
/// <param name="Number">The number of a Number, Bytes, Blocks or Flag (0/1) cell.</param>
public readonly record struct ReportValue(ReportValueKind Kind, string Text, long Number)
{
    /// <summary>An empty cell.</summary>
    public static ReportValue Missing => new(ReportValueKind.Missing, "", 0);

    /// <summary>A text cell.</summary>
    public static ReportValue Of(string text) => new(ReportValueKind.Text, text, 0);

    /// <summary>A number cell.</summary>
    public static ReportValue Of(long number) => new(ReportValueKind.Number, "", number);

    /// <summary>A flag cell.</summary>
    public static ReportValue Of(bool flag) => new(ReportValueKind.Flag, "", flag ? 1 : 0);

    /// <summary>A size cell, in bytes.</summary>
    public static ReportValue Bytes(long bytes) => new(ReportValueKind.Bytes, "", bytes);

    /// <summary>A cell counting 512-byte blocks.</summary>
    public static ReportValue Blocks(long blocks) => new(ReportValueKind.Blocks, "", blocks);

    /// <summary>Whether the cell is printed right-aligned in a table (numbers and sizes).</summary>
    public bool IsNumeric => Kind is ReportValueKind.Number or ReportValueKind.Bytes or ReportValueKind.Blocks;

    /// <summary>The cell as a table shows it.</summary>
    public string Human => Kind switch
    {
        ReportValueKind.Missing => "-",
        ReportValueKind.Text => Text,
        ReportValueKind.Number or ReportValueKind.Blocks => Number.ToString(CultureInfo.InvariantCulture),
        ReportValueKind.Bytes => HumanSize.Format(Number),
        ReportValueKind.Flag => Number != 0 ? "yes" : "no",
        _ => throw new InvalidOperationException($"unknown report value kind {Kind}"),
    };

    /// <summary>The cell as a detail listing shows it: sizes with their exact byte count beside them.</summary>
    public string HumanDetailed => Kind switch
    {
        ReportValueKind.Bytes => string.Create(CultureInfo.InvariantCulture, $"{HumanSize.Format(Number)} ({Number} bytes)"),
        ReportValueKind.Blocks when Number <= long.MaxValue / 512 =>
            string.Create(CultureInfo.InvariantCulture, $"{Number} blocks ({HumanSize.Format(Number * 512)})"),
        _ => Human,
    };
}
