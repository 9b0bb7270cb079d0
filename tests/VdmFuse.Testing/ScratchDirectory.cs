namespace VdmFuse.Testing;

/// <summary>A fresh directory under /tmp for a test's files, deleted with everything in it on dispose.</summary>
public sealed class ScratchDirectory : IDisposable
{
    /// <summary>Creates a new directory /tmp/vdmfuse-test-XXXXXX.</summary>
    public ScratchDirectory()
    {
        Path = Directory.CreateTempSubdirectory("vdmfuse-test-").FullName;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>The full path of <paramref name="name"/> inside the directory.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Creates a sparse file of <paramref name="size"/> zero bytes and returns its path.</summary>
    public string CreateFile(string name, long size)
    {
        var path = this[name];
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
        stream.SetLength(size);
        return path;
    }

    /// <summary>Creates a file holding <paramref name="content"/> and returns its path.</summary>
    public string CreateFile(string name, ReadOnlySpan<byte> content)
    {
        var path = this[name];
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
        stream.Write(content);
        return path;
    }

    /// <summary>Deletes the directory and its contents.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
