namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>A file system mounted with mount(8) on a directory; unmounted on dispose (lazily if it is busy).</summary>
public sealed class ExternalMount : IDisposable
{
    private bool _mounted;

    private ExternalMount(string device, string directory)
    {
        Device = device;
        Directory = directory;
        _mounted = true;
    }

    public string Device { get; }

    public string Directory { get; }

    /// <summary>Mounts <paramref name="device"/> on <paramref name="directory"/>.</summary>
    public static ExternalMount Mount(string device, string directory)
    {
        CommandRunner.Run("mount", device, directory).EnsureSuccess();
        return new ExternalMount(device, directory);
    }

    /// <summary>Unmounts now and throws if umount fails.</summary>
    public void Unmount()
    {
        if (_mounted)
        {
            _mounted = false;
            CommandRunner.Run("umount", Directory).EnsureSuccess();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_mounted)
        {
            _mounted = false;
            if (!CommandRunner.Run("umount", Directory).Succeeded)
            {
                CommandRunner.Run("umount", "-l", Directory);
            }
        }
    }
}
