using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// The EXAMPLES of vdmremap(7) as a C program (c/remap_example.c, compiled by gcc against
/// packaging/include/vdmfuse/vdm.h) through ioctl(2) on the control file: force a bad block, get the children with
/// their child_type, and list the bad blocks from key 0 until ENOENT, printing the page's table.
/// </summary>
public sealed class RemapExampleTests : IDisposable
{
    private readonly RemapRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void CProgram_ThePagesExamplesThroughIoctl_ForcesListsAndGetsTheChildren()
    {
        string program = _rig.Workspace.PathOf("remap_example");
        CommandRunner.Run("gcc", "-Wall", "-Werror", "-I", RepositoryLayout.IncludeDirectory, "-o", program,
            Path.Combine(RepositoryLayout.CSources, "remap_example.c")).EnsureSuccess();
        _rig.CreateRemap();
        RemapControlTests.CreateOneEntryOfEachState(_rig);
        var devices = ControlFile.GetInstances(_rig.Mountpoint);

        var run = CommandRunner.Run(program, _rig.Mountpoint, "R", "4500");

        Assert.True(run.ExitCode == 0, $"remap_example failed\n{run}\n--- daemon ---\n{_rig.DaemonLog}");
        string output = run.StandardOutput;
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        Assert.Contains("ok constants: max table blocks 2048, entries per block 64, max blocks remappable 131064; states 1 2 3 4 5; children 1 2 3\n",
            output, StringComparison.Ordinal);
        Assert.Contains($"ok remap instance R is device number {devices["R"]["device-number"]}\n", output, StringComparison.Ordinal);
        Assert.Contains("ok force-remap block 4500\nok force-remap block 4500 again fails with EINVAL\n", output, StringComparison.Ordinal);
        Assert.Contains("Number of children = 3\n", output, StringComparison.Ordinal);
        foreach (var (index, type, child) in new[] { (0, "Primary table", "pt"), (1, "Secondary table", "st"), (2, "Remap area", "ra") })
        {
            string block = $"Child {index}\n{type}\nChild device number = {devices[child]["device-number"]}\n  Child subdriver 2\n";
            Assert.True(output.Contains(block, StringComparison.Ordinal), $"no lines\n{block}in\n{output}");
        }
        Assert.DoesNotContain("Child 3\n", output, StringComparison.Ordinal);
        string table = string.Join('\n',
            "",
            " Bad block   Remapped to    Status",
            "----------   -----------   --------",
            "      2065             1   Bad remap (5)",
            "      4100             0   Mapped (2)",
            "      4200            -1   Unmapped (1)",
            "      4300            -1   Forced (3)",
            "      4400             2   Mapped (2)",
            "      4500            -1   Forced (3)",
            "",
            "Number of blocks listed = 6",
            "");
        Assert.True(output.EndsWith(table, StringComparison.Ordinal), $"the listing is not the page's table:\n{output}\nexpected it to end with\n{table}");
        _rig.AssertTable(
            (RemapRig.AreaStart + 1, 1, "bad-remap"), (4100, 0, "mapped"), (4200, -1, "unmapped"), (4300, -1, "forced"), (4400, 2, "mapped"),
            (4500, -1, "forced"));
    }
}
