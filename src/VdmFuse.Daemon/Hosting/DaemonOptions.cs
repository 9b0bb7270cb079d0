using VdmFuse.Daemon.Tree;

namespace VdmFuse.Daemon.Hosting;

/// <summary>The start-up choices of the command line that the host acts on.</summary>
public sealed record DaemonOptions
{
    /// <summary>-d: enter disabled mode whatever the configuration copies say.</summary>
    public bool StartDisabled { get; init; }

    /// <summary>-r reset: reset every configuration copy (an empty configuration with a new id) before loading.</summary>
    public bool Reset { get; init; }

    /// <summary>-R and -D: the control files' names.</summary>
    public ControlFileNames ControlFiles { get; init; } = new();
}
