namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>A loop device attached to a file with losetup (direct I/O when accepted); detached on dispose.</summary>
public sealed class LoopDevice : IDisposable
{
    private LoopDevice(string device, bool directIo)
    {
        Device = device;
        DirectIo = directIo;
    }

    /// <summary>/dev/loopN.</summary>
    public string Device { get; }

    /// <summary>True when losetup accepted --direct-io=on.</summary>
    public bool DirectIo { get; }

    /// <summary>Attaches <paramref name="file"/>, trying --direct-io=on first.</summary>
    public static LoopDevice Attach(string file)
    {
        var direct = CommandRunner.Run("losetup", "--find", "--show", "--direct-io=on", file);
        if (direct.Succeeded)
        {
            return new LoopDevice(direct.StandardOutput.Trim(), directIo: true);
        }
        var buffered = CommandRunner.Run("losetup", "--find", "--show", file).EnsureSuccess();
        return new LoopDevice(buffered.StandardOutput.Trim(), directIo: false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        CommandRunner.Run("losetup", "-d", Device);
        // The loop driver lets go of its backing file asynchronously; wait so that the daemon is not stopped under it.
        string backingFile = $"/sys/block/{Path.GetFileName(Device)}/loop/backing_file";
        for (int attempt = 0; attempt < 100 && File.Exists(backingFile); attempt++)
        {
            Thread.Sleep(50);
        }
    }
}
