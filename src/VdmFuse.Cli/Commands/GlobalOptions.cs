using System.CommandLine;
using System.Globalization;

namespace VdmFuse.Cli.Commands;

/// <summary>The options every subcommand takes: where the daemon is, how to talk to it, and how to print.</summary>
public sealed class GlobalOptions
{
    /// <summary>The mount point used when neither --mount nor VDMFUSE_MOUNT says otherwise.</summary>
    public const string DefaultMount = "/mnt/vdm";

    /// <summary>The environment variable naming the mount point.</summary>
    public const string MountVariable = "VDMFUSE_MOUNT";

    /// <summary>Seconds to wait for a daemon that does not answer, unless --wait says otherwise.</summary>
    public const double DefaultWaitSeconds = 10;

    /// <summary>--mount DIR.</summary>
    public Option<string?> Mount { get; } = new("--mount", "-m")
    {
        Description = $"The vdmfuse mount point whose control file (DIR/vdm) to use [default: ${MountVariable}, else {DefaultMount}]",
        HelpName = "DIR",
        Recursive = true,
    };

    /// <summary>--json.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON document on standard output instead of tables (numbers as numbers, sizes in bytes)",
        Recursive = true,
    };

    /// <summary>--wait SECONDS.</summary>
    public Option<double> Wait { get; } = new("--wait")
    {
        Description = "Keep retrying for this many seconds while no daemon answers (a daemon restarting); 0 tries once",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => DefaultWaitSeconds,
        Recursive = true,
    };

    /// <summary>--text.</summary>
    public Option<bool> Text { get; } = new("--text")
    {
        Description = "Talk to the daemon in text lines instead of binary packets (a fallback for debugging)",
        Recursive = true,
    };

    /// <summary>Creates the options, with --wait checked to be a non-negative number of seconds.</summary>
    public GlobalOptions()
    {
        Wait.Validators.Add(result =>
        {
            var seconds = result.GetValueOrDefault<double>();
            if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                result.AddError($"--wait must be a number of seconds, 0 or more (got {seconds.ToString(CultureInfo.InvariantCulture)})");
            }
        });
    }

    /// <summary>All of them, to add to the root command.</summary>
    public IEnumerable<Option> All => [Mount, Json, Wait, Text];
}
