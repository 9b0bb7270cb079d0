namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// A fresh directory under /tmp, readable by other users (a non-root caller must reach the mountpoint),
/// removed on dispose after anything still mounted below it has been detached.
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    /// <summary>Creates the directory.</summary>
    public ScratchDirectory()
    {
        var info = Directory.CreateTempSubdirectory("vdmfuse-integ-");
        File.SetUnixFileMode(info.FullName, (UnixFileMode)0b111_101_101);
        Root = info.FullName;
    }

    /// <summary>The directory's absolute path.</summary>
    public string Root { get; }

    /// <summary>A path below the directory.</summary>
    public string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Creates a subdirectory (mode 0755) and returns its path.</summary>
    public string CreateDirectory(string relative)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        MountTable.DetachEverythingUnder(Root);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a cleanup failure must not hide the test's own result.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
