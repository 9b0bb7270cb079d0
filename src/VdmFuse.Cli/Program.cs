using VdmFuse.Cli.Progress;
using VdmFuse.Cli.Transport;

namespace VdmFuse.Cli;

/// <summary>The vdmadm executable.</summary>
public static class Program
{
    /// <summary>Runs vdmadm with the command-line arguments and returns its exit status.</summary>
    public static int Main(string[] args) =>
        new VdmAdm(ControlChannels.Open, Console.Out, Console.Error, Environment.GetEnvironmentVariable, ProgressConsole.ForConsole()).Run(args);
}
