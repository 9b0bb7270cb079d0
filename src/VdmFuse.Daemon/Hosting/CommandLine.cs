namespace VdmFuse.Daemon.Hosting;

/// <summary>
/// The daemon's command line, vold's options:
/// <c>vdmfuse [-d] [-k] [-f] [-r reset] [-x level] [-R file] [-D file] [-c config] [mountpoint]</c>.
/// </summary>
/// <param name="Foreground">-f: stay in the foreground and log to the console.</param>
/// <param name="ConfigPath">-c: the configuration file, or null for the embedded default.</param>
/// <param name="MountPoint">The mount point, or null for the configuration's.</param>
/// <param name="Help">-h: print the usage and exit.</param>
public sealed record CommandLine(bool Foreground, string? ConfigPath, string? MountPoint, bool Help)
{
    /// <summary>The default name of the request control file under the mount.</summary>
    public const string DefaultRequestFile = "vdm";

    /// <summary>The default name of the diagnostic control file under the mount.</summary>
    public const string DefaultDiagnosticFile = "vdmdiag";

    /// <summary>Usage text.</summary>
    public const string Usage = """
        usage: vdmfuse [-d] [-k] [-f] [-r reset] [-x level] [-R file] [-D file] [-c config] [mountpoint]

          -d          start in disabled mode (only diagnostic commands are accepted)
          -k          stop the daemon running for this state directory (SIGTERM, wait up to 30 s), then start
          -f          stay in the foreground and log to the console
          -r reset    reset all configuration (every copy of the database) before starting
          -x level    debug level: 0 (info), 1 (requests, ioctls, database updates), 2 (also record writes)
          -R file     name of the request control file under the mount (default vdm)
          -D file     name of the diagnostic control file under the mount (default vdmdiag)
          -c config   read the configuration from CONFIG (default: the embedded layout,
                      two 1 GiB images in /var/lib/vdmfuse with a partition on each)
          mountpoint  where to mount (default: the configuration's mountpoint, /mnt/vdm)
          -h          this help
        """;

    /// <summary>-d: start in disabled mode.</summary>
    public bool StartDisabled { get; init; }

    /// <summary>-k: stop the running daemon first.</summary>
    public bool KillRunning { get; init; }

    /// <summary>-r reset: reset all configuration before starting.</summary>
    public bool Reset { get; init; }

    /// <summary>-x: the debug level, 0 to 2, or null when not given (the configuration's log-level applies).</summary>
    public int? DebugLevel { get; init; }

    /// <summary>-R: the request control file's name under the mount.</summary>
    public string RequestFile { get; init; } = DefaultRequestFile;

    /// <summary>-D: the diagnostic control file's name under the mount.</summary>
    public string DiagnosticFile { get; init; } = DefaultDiagnosticFile;

    /// <summary>The NLog level of a debug level: 0 info, 1 debug, 2 trace.</summary>
    public static string LogLevelOf(int debugLevel) => debugLevel switch
    {
        0 => "info",
        1 => "debug",
        2 => "trace",
        _ => throw new ArgumentOutOfRangeException(nameof(debugLevel), debugLevel, "debug levels are 0, 1 and 2"),
    };

    /// <summary>Parses arguments; throws <see cref="ArgumentException"/> with a message for bad ones.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var foreground = false;
        var help = false;
        var disabled = false;
        var kill = false;
        var reset = false;
        int? debug = null;
        string requestFile = DefaultRequestFile;
        string diagnosticFile = DefaultDiagnosticFile;
        string? config = null;
        string? mountPoint = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Value(string what) =>
                i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option {a} needs {what}");
            switch (a)
            {
                case "-f":
                case "--foreground":
                    foreground = true;
                    break;
                case "-d":
                    disabled = true;
                    break;
                case "-k":
                    kill = true;
                    break;
                case "-h":
                case "--help":
                    help = true;
                    break;
                case "-r":
                    var word = Value("the argument 'reset'");
                    if (word != "reset")
                    {
                        throw new ArgumentException($"option -r takes only the literal argument 'reset', not '{word}'");
                    }
                    reset = true;
                    break;
                case "-x":
                    var level = Value("a debug level (0, 1 or 2)");
                    debug = level switch
                    {
                        "0" => 0,
                        "1" => 1,
                        "2" => 2,
                        _ => throw new ArgumentException($"debug level '{level}' is not 0, 1 or 2"),
                    };
                    break;
                case "-R":
                    requestFile = ControlFileName(a, Value("a file name"));
                    break;
                case "-D":
                    diagnosticFile = ControlFileName(a, Value("a file name"));
                    break;
                case "-c":
                case "--config":
                    config = Value("a configuration file");
                    break;
                default:
                    if (a.StartsWith('-'))
                    {
                        throw new ArgumentException($"unknown option '{a}'");
                    }
                    if (mountPoint is not null)
                    {
                        throw new ArgumentException($"only one mount point may be given ('{mountPoint}' and '{a}')");
                    }
                    mountPoint = a;
                    break;
            }
        }
        if (requestFile == diagnosticFile)
        {
            throw new ArgumentException($"the request and diagnostic control files must differ (both are '{requestFile}')");
        }
        return new CommandLine(foreground, config, mountPoint, help)
        {
            StartDisabled = disabled,
            KillRunning = kill,
            Reset = reset,
            DebugLevel = debug,
            RequestFile = requestFile,
            DiagnosticFile = diagnosticFile,
        };
    }

    /// <summary>A control file's name: one component under the mount, not a name the tree already uses.</summary>
    private static string ControlFileName(string option, string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or ".." or "dsk" or "rdsk" or "plex")
        {
            throw new ArgumentException($"option {option}: '{name}' is not a file name under the mount (one component, not dsk, rdsk or plex)");
        }
        return name;
    }
}
