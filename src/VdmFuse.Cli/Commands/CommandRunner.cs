using System.CommandLine;
using VdmFuse.Cli.Output;
using VdmFuse.Cli.Progress;
using VdmFuse.Cli.Transport;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// Gives each subcommand its action: open the channel the global options describe, run the
/// subcommand's body, and print its report as tables or JSON. Errors are left to <see cref="VdmAdm.Run"/>.
/// </summary>
public sealed class CommandRunner
{
    private readonly Func<ChannelOptions, IControlChannel> _channelFactory;
    private readonly Func<string, string?> _environment;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The global options.</param>
    /// <param name="channelFactory">Opens a channel for the chosen control file and front door.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="environment">Reads an environment variable (for VDMFUSE_MOUNT).</param>
    public CommandRunner(GlobalOptions options, Func<ChannelOptions, IControlChannel> channelFactory, TextWriter output, Func<string, string?> environment)
        : this(options, channelFactory, output, environment, ProgressConsole.Redirected())
    {
    }

    /// <summary>Creates a runner that shows progress as <paramref name="progress"/> says.</summary>
    /// <param name="options">The global options.</param>
    /// <param name="channelFactory">Opens a channel for the chosen control file and front door.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="environment">Reads an environment variable (for VDMFUSE_MOUNT).</param>
    /// <param name="progress">Whether output is a terminal, the clock, and the sleep between polls of a waiting command.</param>
    public CommandRunner(GlobalOptions options, Func<ChannelOptions, IControlChannel> channelFactory, TextWriter output, Func<string, string?> environment,
        ProgressConsole progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(channelFactory);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        Options = options;
        _channelFactory = channelFactory;
        Output = output;
        _environment = environment;
        Progress = progress;
    }

    /// <summary>The global options.</summary>
    public GlobalOptions Options { get; }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Whether standard output is a terminal, the clock, and the sleep between polls of a waiting command.</summary>
    public ProgressConsole Progress { get; }

    /// <summary>Whether the command line asked for JSON (progress is then not printed: standard output holds one document).</summary>
    public bool WantsJson(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetValue(Options.Json);
    }

    /// <summary>Makes <paramref name="body"/> the action of <paramref name="command"/>.</summary>
    /// <param name="command">The subcommand.</param>
    /// <param name="body">Reads the parsed arguments, talks to the daemon, and returns what to print.</param>
    /// <param name="textOnly">The command exists only in the text form (no packet), so use the text front door.</param>
    public void SetAction(Command command, Func<ParseResult, CliContext, Report> body, bool textOnly = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(body);
        command.SetAction(parseResult => Run(parseResult, body, textOnly));
    }

    /// <summary>Runs <paramref name="body"/> for a parsed command line and prints its report; returns the exit status 0.</summary>
    /// <param name="parseResult">The parsed command line.</param>
    /// <param name="body">Reads the parsed arguments, talks to the daemon, and returns what to print.</param>
    /// <param name="textOnly">The command exists only in the text form (no packet), so use the text front door.</param>
    public int Run(ParseResult parseResult, Func<ParseResult, CliContext, Report> body, bool textOnly = false)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(body);
        var context = new CliContext(_channelFactory(ChannelOptionsFor(parseResult, textOnly)));
        Print(parseResult, body(parseResult, context));
        return 0;
    }

    /// <summary>The channel options the global options and the environment give.</summary>
    public ChannelOptions ChannelOptionsFor(ParseResult parseResult, bool textOnly = false)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var mount = parseResult.GetValue(Options.Mount);
        if (string.IsNullOrEmpty(mount))
        {
            mount = _environment(GlobalOptions.MountVariable);
        }
        if (string.IsNullOrEmpty(mount))
        {
            mount = GlobalOptions.DefaultMount;
        }
        return new ChannelOptions(
            Path.Combine(mount, "vdm"),
            textOnly || parseResult.GetValue(Options.Text),
            TimeSpan.FromSeconds(parseResult.GetValue(Options.Wait)));
    }

    private void Print(ParseResult parseResult, Report report)
    {
        if (parseResult.GetValue(Options.Json))
        {
            JsonReportWriter.Write(report, Output);
        }
        else
        {
            TextReportWriter.Write(report, Output);
        }
    }
}
