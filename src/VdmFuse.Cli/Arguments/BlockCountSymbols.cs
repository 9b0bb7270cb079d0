using System.CommandLine;
using System.CommandLine.Parsing;

namespace VdmFuse.Cli.Arguments;

/// <summary>Options and arguments that take a <see cref="BlockCount"/> (<c>2048</c>, <c>10000s</c>, <c>512M</c>, <c>1G</c>).</summary>
public static class BlockCountSymbols
{
    /// <summary>The unit rules, for help text.</summary>
    public const string UnitHelp = "512-byte blocks; or bytes with a unit: 10000s, 512M, 1G";

    /// <summary>An option holding a count of blocks, or null when not given.</summary>
    public static Option<long?> Option(string name, string description, bool required = false) => new(name)
    {
        Description = $"{description} ({UnitHelp})",
        HelpName = "SIZE",
        Required = required,
        CustomParser = Parse,
    };

    /// <summary>An argument holding a count of blocks.</summary>
    public static Argument<long?> Argument(string name, string description) => new(name)
    {
        Description = $"{description} ({UnitHelp})",
        CustomParser = Parse,
    };

    private static long? Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (BlockCount.TryParse(text, out var blocks, out var error))
        {
            return blocks;
        }
        result.AddError(error);
        return null;
    }
}
