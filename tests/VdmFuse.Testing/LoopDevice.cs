using System.Diagnostics;

namespace VdmFuse.Testing;

/// <summary>A loop block device attached to an image file with losetup (needs root); detached on dispose.</summary>
public sealed class LoopDevice : IDisposable
{
    private LoopDevice(string path)
    {
        Path = path;
    }

    /// <summary>The device path, e.g. /dev/loop3.</summary>
    public string Path { get; }

    /// <summary>Attaches <paramref name="imagePath"/> to the first free loop device.</summary>
    /// <param name="imagePath">The backing image.</param>
    /// <param name="sectorSize">The logical sector size the device reports (512 or 4096).</param>
    public static LoopDevice Attach(string imagePath, int sectorSize = 512)
    {
        var output = Run("losetup", "--find", "--show", "--sector-size", sectorSize.ToString(), imagePath).Trim();
        if (!output.StartsWith("/dev/loop", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"losetup printed '{output}' instead of a loop device path");
        }
        return new LoopDevice(output);
    }

    /// <summary>Detaches the device.</summary>
    public void Dispose() => Run("losetup", "--detach", Path);

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
        return output;
    }
}
