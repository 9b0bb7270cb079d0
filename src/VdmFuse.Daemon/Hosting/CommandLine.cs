namespace VdmFuse.Daemon.Hosting;

/// <summary>The daemon's command line: <c>vdmfuse [-f] [-c CONFIG] [MOUNTPOINT]</c>.</summary>
public sealed record CommandLine(bool Foreground, string? ConfigPath, string? MountPoint, bool Help)
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        usage: vdmfuse [-f] [-c CONFIG] [MOUNTPOINT]

          -f          stay in the foreground and log to the console
          -c CONFIG   read the configuration from CONFIG (default: the embedded layout,
                      two 1 GiB images in /var/lib/vdmfuse with a partition on each)
          MOUNTPOINT  where to mount (default: the configuration's mountpoint, /mnt/vdm)
          -h          this help
        """;

    /// <summary>Parses arguments; throws <see cref="ArgumentException"/> with a message for bad ones.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var foreground = false;
        var help = false;
        string? config = null;
        string? mountPoint = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "-f":
                case "--foreground":
                    foreground = true;
                    break;
                case "-h":
                case "--help":
                    help = true;
                    break;
                case "-c":
                case "--config":
                    if (i + 1 >= args.Count)
                    {
                        throw new ArgumentException($"option {a} needs a configuration file");
                    }
                    config = args[++i];
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
        return new CommandLine(foreground, config, mountPoint, help);
    }
}
