using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using VdmFuse.Cli.Commands;
using VdmFuse.Cli.Progress;
using VdmFuse.Cli.Transport;
using VdmFuse.Control;

namespace VdmFuse.Cli;

/// <summary>
/// The vdmadm tool: its command tree, and the one place where failures become an exit status and a
/// <c>vdmadm: ERRNAME: message</c> line on standard error.
/// </summary>
public sealed class VdmAdm
{
    /// <summary>The root command's description: what the tool does, with examples.</summary>
    public const string Description = """
        vdmadm - administer the vdmfuse virtual disk manager.

        Talks to the vdmfuse daemon through its control file (MOUNT/vdm) with binary packets.
        Instances are named by name or device number. Sizes: plain numbers are 512-byte blocks;
        10000s is sectors; 512M, 1G are bytes with a binary unit.

        Examples:
          vdmadm create physical disk0 /srv/images/disk0.img
          vdmadm create partition p1 --child disk0 --start 2048s --size 1G
          vdmadm list
          vdmadm children disk0
          vdmadm attributes p1
          vdmadm update p1 --size 2G
          vdmadm info p1
          vdmadm usage p1 --json
          vdmadm address p1 1000
          vdmadm subdriver disk0 get-info
          vdmadm delete p1
          vdmadm mode                           (enabled or disabled, and why)
          vdmadm db list --json                 (the configuration database's copies)
          vdmadm db restore /var/lib/vdmfuse/config.0
          vdmadm enable
          vdmadm dev format /srv/dev0.img --quota 64M
          vdmadm dev mount /srv/dev0.img
          vdmadm volume create /srv/dev0.img web --quota 16M
          vdmadm dev volumes /srv/dev0.img      (dev list, dev quota, dev dismount, volume destroy)
          vdmadm create fault f0 --child disk0  (fault injection over disk0)
          vdmadm fault add f0 --op write --start 100 --count 8 --times 2
          vdmadm fault add f0 --op both --all  (pull the disk; fault clear f0 puts it back)
          vdmadm fault list f0
          vdmadm create mirror m0 a b --automatic-sync --minimum 2
          vdmadm sync m0 --source a --to b --wait   (a progress bar on a terminal)
          vdmadm sync m0 --all                  (every corrupt image from a usable one)
          vdmadm mirror status m0               (images, states, sync progress, rate)
          vdmadm throttle-sync m0 b 10          (terminate-sync m0 b, fracture m0 b)
          vdmadm remap format --primary pt --secondary st --area ra
          vdmadm create remap r0 --primary pt --secondary st --area ra --persistent
          vdmadm link p0 r0                     (bad-block remapping for partition p0)
          vdmadm remap list r0                  (remap force r0 BLOCK, remap recover r0 BLOCK)
          vdmadm remap status r0
          vdmadm disk-info disk0                (what the disk ioctls of dkio(7) say)
          vdmadm vtoc set disk0 --volume vol1 --slice 0:root:wm:2048:40960 --slice 2:backup:wu:0:204800
          vdmadm vtoc show disk0                (as prtvtoc(1M); slices are instances disk0sN)
          vdmadm geometry disk0 --set 1000:16:63
          vdmadm volcap m0 --dmr on             (then: vdmadm dmr m0 --offset 0 --length 4096)
          vdmadm mboot disk0 mbr.bin            (vdmadm addbad p0: re-read the bad-block tables)
          vdmadm --mount /mnt/other list        (or VDMFUSE_MOUNT=/mnt/other)

        Exit status: 0 on success; otherwise the errno of the failure (EINVAL = 22 for bad
        arguments), with "vdmadm: ERRNAME: message" on standard error.
        """;

    private const int EINVAL = 22;
    private readonly TextWriter _output;
    private readonly TextWriter _error;

    /// <summary>Creates the tool.</summary>
    /// <param name="channelFactory">Opens the channel to the daemon for the chosen options (<see cref="ControlChannels.Open"/> in the tool; a test double in tests).</param>
    /// <param name="output">Standard output: reports and help.</param>
    /// <param name="error">Standard error: failures.</param>
    /// <param name="environment">Reads an environment variable.</param>
    public VdmAdm(Func<ChannelOptions, IControlChannel> channelFactory, TextWriter output, TextWriter error, Func<string, string?> environment)
        : this(channelFactory, output, error, environment, ProgressConsole.Redirected())
    {
    }

    /// <summary>Creates the tool, showing progress of waiting commands as <paramref name="progress"/> says.</summary>
    /// <param name="channelFactory">Opens the channel to the daemon for the chosen options (<see cref="ControlChannels.Open"/> in the tool; a test double in tests).</param>
    /// <param name="output">Standard output: reports and help.</param>
    /// <param name="error">Standard error: failures.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="progress">Whether standard output is a terminal, the clock, and the sleep between polls (<c>vdmadm sync --wait</c>).</param>
    public VdmAdm(Func<ChannelOptions, IControlChannel> channelFactory, TextWriter output, TextWriter error, Func<string, string?> environment,
        ProgressConsole progress)
    {
        ArgumentNullException.ThrowIfNull(channelFactory);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(environment);
        _output = output;
        _error = error;
        var options = new GlobalOptions();
        var runner = new CommandRunner(options, channelFactory, output, environment, progress);
        Root = new RootCommand(Description);
        foreach (var option in options.All)
        {
            Root.Add(option);
        }
        Root.Add(ListCommand.Build(runner));
        Root.Add(CreateCommand.Build(runner));
        Root.Add(DeleteCommand.Build(runner));
        Root.Add(LinkCommands.BuildLink(runner));
        Root.Add(LinkCommands.BuildUnlink(runner));
        Root.Add(ChildrenCommand.Build(runner));
        Root.Add(AttributesCommands.BuildGet(runner));
        Root.Add(AttributesCommands.BuildUpdate(runner));
        Root.Add(DiskCommands.BuildInfo(runner));
        Root.Add(DiskCommands.BuildUsage(runner));
        Root.Add(DiskCommands.BuildAddress(runner));
        Root.Add(SubdriverCommand.Build(runner));
        Root.Add(ModeCommands.BuildMode(runner));
        Root.Add(ModeCommands.BuildEnable(runner));
        Root.Add(DatabaseCommands.Build(runner));
        Root.Add(DeviceCommands.BuildDevice(runner));
        Root.Add(DeviceCommands.BuildVolume(runner));
        Root.Add(FaultCommands.Build(runner));
        Root.Add(MirrorCommands.BuildMirror(runner));
        Root.Add(SyncCommand.Build(runner));
        Root.Add(MirrorCommands.BuildTerminateSync(runner));
        Root.Add(MirrorCommands.BuildThrottleSync(runner));
        Root.Add(MirrorCommands.BuildFracture(runner));
        Root.Add(RemapCommands.Build(runner));
        Root.Add(DiskInfoCommand.Build(runner));
        Root.Add(VtocCommands.Build(runner));
        Root.Add(GeometryCommand.Build(runner));
        Root.Add(VolumeCapabilitiesCommand.Build(runner));
        Root.Add(MbootCommand.Build(runner));
        Root.Add(DirectedReadCommand.Build(runner));
        Root.Add(AddBadCommand.Build(runner));
        Root.Add(HelpCommand.Build(runner, Run));
        Root.SetAction(_ => Run(["--help"]));
    }

    /// <summary>The command tree.</summary>
    public RootCommand Root { get; }

    /// <summary>Parses <paramref name="args"/>, runs the command, and returns the exit status.</summary>
    public int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parseResult = Root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var error in parseResult.Errors)
            {
                _error.WriteLine($"vdmadm: {ControlErrno.Name(EINVAL)}: {error.Message}");
            }
            var commandPath = string.Join(' ', CommandPath(parseResult));
            _error.WriteLine($"Try '{commandPath} --help'.");
            return EINVAL;
        }
        var configuration = new InvocationConfiguration
        {
            Output = _output,
            Error = _error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return parseResult.Invoke(configuration);
        }
        catch (ControlException e)
        {
            return Fail(e.Errno, e.Message);
        }
        catch (ControlTransportException e)
        {
            return Fail(e.Errno, e.Message);
        }
    }

    /// <summary>The exit status for a positive errno: the errno itself, within 1..125 (126 and up mean other things to a shell).</summary>
    public static int ExitStatus(int errno) => Math.Clamp(errno, 1, 125);

    private int Fail(int errno, string message)
    {
        _error.WriteLine($"vdmadm: {ControlErrno.Name(errno)}: {message}");
        return ExitStatus(errno);
    }

    /// <summary>The words that name the command being parsed, "vdmadm create partition".</summary>
    private static IEnumerable<string> CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            names.Add(result == parseResult.RootCommandResult ? "vdmadm" : result.Command.Name);
        }
        names.Reverse();
        return names;
    }
}
