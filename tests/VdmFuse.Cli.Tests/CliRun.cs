using VdmFuse.Cli.Progress;
using VdmFuse.Cli.Transport;

namespace VdmFuse.Cli.Tests;

/// <summary>Runs vdmadm in-process over a test channel and captures what it prints.</summary>
internal sealed class CliRun
{
    private CliRun(int exitCode, string output, string error, IReadOnlyList<ChannelOptions> opened)
    {
        ExitCode = exitCode;
        Output = output;
        Error = error;
        Opened = opened;
    }

    public int ExitCode { get; }

    public string Output { get; }

    public string Error { get; }

    /// <summary>The channel options of each channel the tool opened.</summary>
    public IReadOnlyList<ChannelOptions> Opened { get; }

    public static CliRun Of(IControlChannel channel, params string[] args) => Of(channel, new Dictionary<string, string>(), args);

    public static CliRun Of(IControlChannel channel, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Execute(channel, environment, ProgressConsole.Redirected(), args);

    /// <summary>Runs vdmadm with <paramref name="progress"/> as its console (terminal or not, clock, sleep between polls).</summary>
    public static CliRun With(IControlChannel channel, ProgressConsole progress, params string[] args) =>
        Execute(channel, new Dictionary<string, string>(), progress, args);

    private static CliRun Execute(IControlChannel channel, IReadOnlyDictionary<string, string> environment, ProgressConsole progress, string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var opened = new List<ChannelOptions>();
        var tool = new VdmAdm(options => { opened.Add(options); return channel; }, output, error, name => environment.GetValueOrDefault(name), progress);
        var exitCode = tool.Run(args);
        return new CliRun(exitCode, output.ToString(), error.ToString(), opened);
    }
}
