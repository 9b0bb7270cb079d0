using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using VdmFuse.Fuse.Abi;

namespace VdmFuse.Fuse.Tests.Abi;

/// <summary>
/// Compiles a C program against &lt;linux/fuse.h&gt; that prints sizeof and offsetof of every field of every
/// struct in VdmFuse.Fuse.Abi, and the value of every constant and enum member, then compares with the C# side.
/// </summary>
public sealed class AbiLayoutTests
{
    private static readonly Type[] Structs = typeof(fuse_in_header).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(fuse_in_header).Namespace && t.IsValueType && !t.IsEnum && t.Name.StartsWith("fuse_", StringComparison.Ordinal))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    private static readonly Lazy<Dictionary<string, ulong>> CValues = new(CompileAndRun);

    public static TheoryData<string> StructNames => new(Structs.Select(t => t.Name));

    [Fact]
    public void Abi_AllBriefStructs_AreDefined()
    {
        string[] required =
        [
            "fuse_in_header", "fuse_out_header", "fuse_init_in", "fuse_init_out", "fuse_entry_out", "fuse_attr_out", "fuse_attr",
            "fuse_open_in", "fuse_open_out", "fuse_read_in", "fuse_write_in", "fuse_write_out", "fuse_release_in", "fuse_flush_in",
            "fuse_fsync_in", "fuse_setattr_in", "fuse_getxattr_in", "fuse_getxattr_out", "fuse_ioctl_in", "fuse_ioctl_out",
            "fuse_lseek_in", "fuse_lseek_out", "fuse_kstatfs", "fuse_statfs_out", "fuse_forget_in", "fuse_batch_forget_in",
            "fuse_forget_one", "fuse_dirent", "fuse_direntplus", "fuse_interrupt_in", "fuse_access_in", "fuse_notify_inval_inode_out",
            "fuse_getattr_in",
        ];
        Assert.Empty(required.Except(Structs.Select(t => t.Name)));
    }

    [Theory]
    [MemberData(nameof(StructNames))]
    public void Struct_SizeAndEveryFieldOffset_MatchTheKernelHeader(string name)
    {
        var type = Structs.Single(t => t.Name == name);
        var c = CValues.Value;
        Assert.Equal(c[$"S {name}"], (ulong)Marshal.SizeOf(type));
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.NotEmpty(fields);
        foreach (var field in fields)
        {
            Assert.True(c.ContainsKey($"F {name}.{field.Name}"), $"{name}.{field.Name} is not in the C program's output");
            Assert.Equal(c[$"F {name}.{field.Name}"], (ulong)Marshal.OffsetOf(type, field.Name));
            Assert.Equal(c[$"Z {name}.{field.Name}"], (ulong)FieldSize(field));
        }
        Assert.Equal(c[$"N {name}"], (ulong)fields.Length);
    }

    [Fact]
    public void Constants_EveryInitFlagFopenAndOpcode_MatchTheKernelHeader()
    {
        var c = CValues.Value;
        var constants = Constants().ToList();
        Assert.Contains(constants, k => k.Name == "FUSE_INIT_EXT");
        Assert.Contains(constants, k => k.Name == "FOPEN_PARALLEL_DIRECT_WRITES");
        Assert.Contains(constants, k => k.Name == "FUSE_READDIRPLUS");
        foreach (var (name, value) in constants)
        {
            Assert.True(c.TryGetValue($"C {name}", out ulong expected), $"{name} is not in the C program's output");
            Assert.True(expected == value, $"{name}: C says {expected}, C# says {value}");
        }
    }

    private static int FieldSize(FieldInfo field)
    {
        var fixedBuffer = field.GetCustomAttribute<System.Runtime.CompilerServices.FixedBufferAttribute>();
        return fixedBuffer is not null
            ? fixedBuffer.Length * Marshal.SizeOf(fixedBuffer.ElementType)
            : Marshal.SizeOf(field.FieldType);
    }

    private static IEnumerable<(string Name, ulong Value)> Constants()
    {
        foreach (var field in typeof(FuseAbi).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
        {
            yield return (field.Name, Convert.ToUInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture));
        }
        foreach (var value in Enum.GetValues<fuse_opcode>())
        {
            yield return (value.ToString(), (ulong)value);
        }
        foreach (var value in Enum.GetValues<fuse_notify_code>())
        {
            yield return (value.ToString(), (ulong)value);
        }
    }

    private static string GenerateProgram()
    {
        var c = new StringBuilder();
        c.AppendLine("#include <stdio.h>\n#include <stddef.h>\n#include <linux/fuse.h>\nint main(void) {");
        foreach (var type in Structs)
        {
            var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            c.AppendLine($"  printf(\"S {type.Name} %zu\\n\", sizeof(struct {type.Name}));");
            c.AppendLine($"  printf(\"N {type.Name} %d\\n\", {CountCFields(type)});");
            foreach (var field in fields)
            {
                c.AppendLine($"  printf(\"F {type.Name}.{field.Name} %zu\\n\", offsetof(struct {type.Name}, {field.Name}));");
                c.AppendLine($"  printf(\"Z {type.Name}.{field.Name} %zu\\n\", sizeof(((struct {type.Name} *)0)->{field.Name}));");
            }
        }
        foreach (var (name, value) in Constants())
        {
            // Flags below bit 32 are C ints ((1 << 31) is negative): read them as the 32-bit fields they go into.
            string cast = value <= uint.MaxValue ? "(unsigned long long)(uint32_t)" : "(unsigned long long)";
            c.AppendLine($"  printf(\"C {name} %llu\\n\", {cast}({name}));");
        }
        c.AppendLine("  return 0;\n}");
        return c.ToString();
    }

    /// <summary>The number of named members of the C struct, read from the header itself (flexible name[] excluded).</summary>
    private static int CountCFields(Type type)
    {
        string header = File.ReadAllText("/usr/include/linux/fuse.h");
        int start = header.IndexOf($"struct {type.Name} {{", StringComparison.Ordinal);
        Assert.True(start >= 0, $"struct {type.Name} is not in <linux/fuse.h>");
        int end = header.IndexOf("};", start, StringComparison.Ordinal);
        string body = header[(header.IndexOf('{', start) + 1)..end];
        body = System.Text.RegularExpressions.Regex.Replace(body, @"/\*.*?\*/", "", System.Text.RegularExpressions.RegexOptions.Singleline);
        return body.Split(';').Count(member => member.Trim().Length > 0 && !member.Contains("[]", StringComparison.Ordinal));
    }

    private static Dictionary<string, ulong> CompileAndRun()
    {
        var directory = Directory.CreateTempSubdirectory("vdmfuse-abi-");
        try
        {
            string source = Path.Combine(directory.FullName, "abi.c");
            string binary = Path.Combine(directory.FullName, "abi");
            File.WriteAllText(source, GenerateProgram());
            Run("gcc", "-Wall", "-Werror", "-o", binary, source);
            var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var line in Run(binary).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int space = line.LastIndexOf(' ');
                values[line[..space]] = ulong.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }
            return values;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
        return output;
    }
}
