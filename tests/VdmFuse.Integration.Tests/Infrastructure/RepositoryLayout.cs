namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>Where the repository's files are: found by walking up from the test assembly to the directory with vdmfuse.sln.</summary>
public static class RepositoryLayout
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>packaging/include, the directory that holds vdmfuse/vdm.h.</summary>
    public static string IncludeDirectory => Path.Combine(Root, "packaging", "include");

    /// <summary>The C sources of this test project.</summary>
    public static string CSources => Path.Combine(Root, "tests", "VdmFuse.Integration.Tests", "c");

    private static string FindRoot()
    {
        // Built outside the tree (--artifacts-path), the assembly is not below the repository: then the sources are
        // where this file was compiled from.
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(ThisSourceFile()) ?? "/" })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "vdmfuse.sln")))
                {
                    return directory.FullName;
                }
            }
        }
        throw new DirectoryNotFoundException($"no directory above {AppContext.BaseDirectory} or {ThisSourceFile()} holds vdmfuse.sln");
    }

    private static string ThisSourceFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
