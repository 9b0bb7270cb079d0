using System.Globalization;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;

namespace VdmFuse.Daemon.Configuration;

/// <summary>An image file the daemon creates (sparse) at start when it is missing.</summary>
/// <param name="Path">Absolute path of the image.</param>
/// <param name="Size">Size in bytes, a multiple of 512.</param>
public sealed record ImageSpec(string Path, long Size);

/// <summary>
/// The daemon's configuration: <c>key = value</c> lines, <c>#</c> comments. Instances are declared with
/// <c>command = </c> lines in the control language and run in order at start, so the configuration file
/// and the control file speak one language.
/// </summary>
public sealed class DaemonConfig
{
    /// <summary>The default mount point.</summary>
    public const string DefaultMountPoint = "/mnt/vdm";

    /// <summary>The default state directory.</summary>
    public const string DefaultStateDirectory = "/var/lib/vdmfuse";

    /// <summary>Where the file system is mounted.</summary>
    public string MountPoint { get; set; } = DefaultMountPoint;

    /// <summary>Where the log file and default images live.</summary>
    public string StateDirectory { get; set; } = DefaultStateDirectory;

    /// <summary>trace, debug, info, warn or error.</summary>
    public string LogLevel { get; set; } = "info";

    /// <summary>The log file; by default <c>vdmfuse.log</c> in the state directory.</summary>
    public string? LogFile { get; set; }

    /// <summary>Mount with allow_other so that every user sees the tree (permissions still apply).</summary>
    public bool AllowOther { get; set; } = true;

    /// <summary>How backing I/O is issued: hybrid (default), inline or aio — the alternatives exist for measurement.</summary>
    public IoMode IoMode { get; set; } = IoMode.Hybrid;

    /// <summary>
    /// The group whose members may run privileged control commands besides root and the daemon's own user
    /// (<c>admin-group = NAME|GID</c>); null for none.
    /// </summary>
    public AdminGroup? AdminGroup { get; set; }

    /// <summary>Images to create when missing.</summary>
    public List<ImageSpec> Images { get; } = new();

    /// <summary>
    /// The copies of the configuration database (<c>config-copy = PATH [OFFSET LENGTH]</c> or <c>config-copy = instance:NAME</c>
    /// lines, the instance created by a <c>command</c> line); empty for the
    /// default, two files in the state directory (see <see cref="EffectiveConfigCopies"/>).
    /// </summary>
    public List<RecordLocation> ConfigCopies { get; } = new();

    /// <summary>The copies the daemon uses: those configured, or <c>STATE/config.0</c> and <c>STATE/config.1</c>.</summary>
    public IReadOnlyList<RecordLocation> EffectiveConfigCopies => ConfigCopies.Count > 0
        ? ConfigCopies
        : [new RecordLocation(System.IO.Path.Combine(StateDirectory, "config.0")), new RecordLocation(System.IO.Path.Combine(StateDirectory, "config.1"))];

    /// <summary>Control-language commands run in order at start.</summary>
    public List<string> Commands { get; } = new();

    /// <summary>Where the configuration came from ("embedded default" or a path), for messages.</summary>
    public string Source { get; private set; } = "embedded default";

    /// <summary>The effective log file path.</summary>
    public string EffectiveLogFile => LogFile ?? System.IO.Path.Combine(StateDirectory, "vdmfuse.log");

    /// <summary>Reads a configuration file. Errors name the file and line.</summary>
    public static DaemonConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new ErrnoException(Errno.ENOENT, $"configuration file '{path}' does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            throw new ErrnoException(Errno.ENOENT, $"configuration file '{path}' does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ErrnoException(Errno.EACCES, $"configuration file '{path}' cannot be read: permission denied");
        }
        return Parse(text, path);
    }

    /// <summary>Parses configuration text; <paramref name="source"/> names it in error messages.</summary>
    public static DaemonConfig Parse(string text, string source)
    {
        var config = new DaemonConfig { Source = source };
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                throw Error(source, lineNumber, $"expected 'key = value', found '{line}'");
            }
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            switch (key)
            {
                case "mountpoint":
                    config.MountPoint = RequirePath(source, lineNumber, key, value);
                    break;
                case "state-dir":
                    config.StateDirectory = RequirePath(source, lineNumber, key, value);
                    break;
                case "log-level":
                    if (value is not ("trace" or "debug" or "info" or "warn" or "error"))
                    {
                        throw Error(source, lineNumber, $"log-level must be trace, debug, info, warn or error, not '{value}'");
                    }
                    config.LogLevel = value;
                    break;
                case "log-file":
                    config.LogFile = RequirePath(source, lineNumber, key, value);
                    break;
                case "allow-other":
                    config.AllowOther = ParseBool(source, lineNumber, key, value);
                    break;
                case "io-mode":
                    config.IoMode = value switch
                    {
                        "hybrid" => IoMode.Hybrid,
                        "inline" => IoMode.Inline,
                        "aio" => IoMode.Queued,
                        _ => throw Error(source, lineNumber, $"io-mode must be hybrid, inline or aio, not '{value}'"),
                    };
                    break;
                case "admin-group":
                    config.AdminGroup = GroupDatabase.Resolve(value) ??
                        throw Error(source, lineNumber, value.Length == 0
                            ? "admin-group needs a group name or a numeric gid"
                            : $"admin-group '{value}' is not a group of this system (give a group name or a numeric gid)");
                    break;
                case "image":
                    config.Images.Add(ParseImage(source, lineNumber, value));
                    break;
                case "config-copy":
                    RecordLocation copy;
                    try
                    {
                        copy = RecordLocation.Parse(value);
                    }
                    catch (ErrnoException e)
                    {
                        throw Error(source, lineNumber, e.Message);
                    }
                    if (!copy.IsInstance)
                    {
                        RequirePath(source, lineNumber, key, copy.Path);
                    }
                    config.ConfigCopies.Add(copy);
                    break;
                case "command":
                    if (value.Length == 0)
                    {
                        throw Error(source, lineNumber, "command is empty");
                    }
                    config.Commands.Add(value);
                    break;
                default:
                    throw Error(source, lineNumber, $"unknown setting '{key}'");
            }
        }
        return config;
    }

    /// <summary>Parses a size: a byte count, or a number with K, M, G or T (binary) or s (512-byte sectors).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        if (text.Length == 0)
        {
            return false;
        }
        long multiplier = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            'T' => 1L << 40,
            'S' => 512,
            _ => 1,
        };
        var digits = multiplier == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        try
        {
            bytes = checked(n * multiplier);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static ImageSpec ParseImage(string source, int line, string value)
    {
        var parts = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            throw Error(source, line, $"image needs a path and a size ('image = /var/lib/vdmfuse/disk0.img 1G'), found '{value}'");
        }
        var path = RequirePath(source, line, "image", parts[0]);
        if (!TryParseSize(parts[1], out var size) || size <= 0 || size % 512 != 0)
        {
            throw Error(source, line, $"image size '{parts[1]}' is not a positive multiple of 512 bytes");
        }
        return new ImageSpec(path, size);
    }

    private static string RequirePath(string source, int line, string key, string value)
    {
        if (value.Length == 0 || value[0] != '/')
        {
            throw Error(source, line, $"{key} must be an absolute path, not '{value}'");
        }
        return value;
    }

    private static bool ParseBool(string source, int line, string key, string value) => value switch
    {
        "yes" or "true" or "1" or "on" => true,
        "no" or "false" or "0" or "off" => false,
        _ => throw Error(source, line, $"{key} must be yes or no, not '{value}'"),
    };

    private static ErrnoException Error(string source, int line, string message) =>
        new(Errno.EINVAL, $"{source}:{line}: {message}");
}
