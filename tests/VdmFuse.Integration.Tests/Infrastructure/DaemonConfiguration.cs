using System.Globalization;
using System.Text;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>A vdmfuse configuration file under construction: <c>key = value</c> lines, images and start-up commands.</summary>
public sealed class DaemonConfiguration
{
    private readonly List<(string Path, long Size)> _images = [];
    private readonly List<string> _commands = [];
    private readonly List<string> _configCopies = [];

    /// <summary>Creates a configuration for a mountpoint and a state directory.</summary>
    public DaemonConfiguration(string mountpoint, string stateDirectory)
    {
        Mountpoint = mountpoint;
        StateDirectory = stateDirectory;
    }

    public string Mountpoint { get; }

    public string StateDirectory { get; }

    public string LogLevel { get; set; } = "debug";

    public bool AllowOther { get; set; } = true;

    /// <summary>The <c>admin-group</c> setting (a group name or a numeric gid), or null to leave it out.</summary>
    public string? AdminGroup { get; set; }

    /// <summary>Declares an image file the daemon creates (sparse) when missing; <paramref name="size"/> is a multiple of 1 MiB.</summary>
    public DaemonConfiguration AddImage(string path, long size)
    {
        if (size % (1 << 20) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "image sizes are whole MiB");
        }
        _images.Add((path, size));
        return this;
    }

    /// <summary>
    /// Adds a <c>config-copy = PATH [OFFSET LENGTH]</c> line: a copy of the configuration database in a file, or in a
    /// byte range of a file or block device. Without any, the daemon keeps two files in the state directory.
    /// </summary>
    public DaemonConfiguration AddConfigCopy(string path, long? offset = null, long? length = null)
    {
        _configCopies.Add(offset is { } start && length is { } size
            ? string.Create(CultureInfo.InvariantCulture, $"{path} {start} {size}")
            : path);
        return this;
    }

    /// <summary>Adds a control-language line run in order at start.</summary>
    public DaemonConfiguration AddCommand(string command)
    {
        _commands.Add(command);
        return this;
    }

    /// <summary>Adds <c>create-instance subdriver=physical</c> for <paramref name="path"/>.</summary>
    public DaemonConfiguration AddPhysical(string name, string path) =>
        AddCommand($"create-instance subdriver=physical name={name} path={path}");

    /// <summary>Adds <c>create-instance subdriver=partition</c>; start and size in 512-byte blocks.</summary>
    public DaemonConfiguration AddPartition(string name, string child, long startBlock, long sizeBlocks) =>
        AddCommand(string.Create(CultureInfo.InvariantCulture,
            $"create-instance subdriver=partition name={name} child={child} start={startBlock} size={sizeBlocks}"));

    /// <summary>The file's text.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# vdmfuse integration test configuration");
        text.AppendLine(CultureInfo.InvariantCulture, $"mountpoint = {Mountpoint}");
        text.AppendLine(CultureInfo.InvariantCulture, $"state-dir = {StateDirectory}");
        text.AppendLine(CultureInfo.InvariantCulture, $"log-level = {LogLevel}");
        text.AppendLine(CultureInfo.InvariantCulture, $"allow-other = {(AllowOther ? "yes" : "no")}");
        if (AdminGroup is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"admin-group = {AdminGroup}");
        }
        foreach (var copy in _configCopies)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"config-copy = {copy}");
        }
        foreach (var (path, size) in _images)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"image = {path} {size >> 20}M");
        }
        foreach (var command in _commands)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"command = {command}");
        }
        return text.ToString();
    }

    /// <summary>Writes the file.</summary>
    public void WriteTo(string path) => File.WriteAllText(path, Render());
}
