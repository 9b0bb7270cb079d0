using System.CommandLine;

namespace VdmFuse.Cli.Commands;

/// <summary>Arguments shared by several subcommands.</summary>
internal static class InstanceArguments
{
    /// <summary>An instance named by name or device number.</summary>
    public static Argument<string> Instance(string name = "NAME", string description = "The instance, by name or device number") =>
        new(name) { Description = description };

    /// <summary>Extra <c>key=value</c> fields passed to the daemon as they are.</summary>
    public static Argument<string[]> Fields(string description) =>
        new("FIELD=VALUE") { Description = description, Arity = ArgumentArity.ZeroOrMore };
}
