using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>The C header of the packets, and a C program compiled against it with gcc.</summary>
internal static partial class CHeader
{
    /// <summary>
    /// The physical subdriver's command numbers and the layout of get-info's argument, used when the
    /// header does not (yet) declare them; when it does, the header's own declarations are checked.
    /// </summary>
    public const string PhysicalInfoFallback = """
        #ifndef VDM_PHYS_CMD_GET_INFO
        #define VDM_PHYS_CMD_FLUSH     1u
        #define VDM_PHYS_CMD_GET_INFO  2u
        struct vdm_physical_info {
            uint32_t version;
            uint32_t flags;
            uint64_t size;
            uint32_t sector_size;
            uint32_t reserved;
            uint64_t backing_device;
            uint64_t backing_inode;
            char     path[VDM_PATH_SIZE - 40];
        };
        #endif
        """;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string IncludeDirectory => Path.Combine(RepositoryRoot, "packaging", "include");

    public static string HeaderPath => Path.Combine(IncludeDirectory, "vdmfuse", "vdm.h");

    /// <summary>Every <c>#define VDM_*</c> of the header (not the include guard).</summary>
    public static IReadOnlyList<string> DefinedConstants() =>
        DefineRegex().Matches(File.ReadAllText(HeaderPath)).Select(match => match.Groups[1].Value)
            .Where(name => name != "VDMFUSE_VDM_H").Distinct().ToList();

    /// <summary>Every <c>struct vdm_*</c> and <c>union vdm_*</c> the header defines, as "struct name" or "union name".</summary>
    public static IReadOnlyList<string> DefinedAggregates() =>
        AggregateRegex().Matches(File.ReadAllText(HeaderPath)).Select(match => $"{match.Groups[1].Value} {match.Groups[2].Value}").Distinct().ToList();

    /// <summary>Compiles <paramref name="body"/> (statements of main, after the header) with gcc -Wall -Werror and returns its output lines.</summary>
    public static IReadOnlyList<string> Run(string body)
    {
        var directory = Directory.CreateTempSubdirectory("vdm-layout-");
        try
        {
            var source = Path.Combine(directory.FullName, "layout.c");
            var binary = Path.Combine(directory.FullName, "layout");
            File.WriteAllText(source, $$"""
                #include <stddef.h>
                #include <stdio.h>
                #include <vdmfuse/vdm.h>
                {{PhysicalInfoFallback}}
                int main(void)
                {
                {{body}}
                    return 0;
                }
                """);
            RunProcess("gcc", ["-Wall", "-Werror", "-std=gnu11", "-I", IncludeDirectory, "-o", binary, source]);
            return RunProcess(binary, []).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string RunProcess(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {stderr.Result}");
        }
        return stdout;
    }

    /// <summary>
    /// The directory holding vdmfuse.sln, above the test binaries, or (when they are built into an
    /// artifacts path outside the tree) above this source file.
    /// </summary>
    private static string FindRepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var directory = start.Length == 0 ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "vdmfuse.sln")))
                {
                    return directory.FullName;
                }
            }
        }
        throw new InvalidOperationException($"no vdmfuse.sln above {AppContext.BaseDirectory} or {sourceFile}");
    }

    [GeneratedRegex(@"^\s*#\s*define\s+(VDM\w*)", RegexOptions.Multiline)]
    private static partial Regex DefineRegex();

    [GeneratedRegex(@"^\s*(struct|union)\s+(vdm_\w+)\s*\{", RegexOptions.Multiline)]
    private static partial Regex AggregateRegex();
}
