using System.Globalization;
using System.Text.Json;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.ControlPlaneFixture;

namespace VdmFuse.Integration.Tests;

/// <summary>vdmadm end to end against a real mount: tables, <c>--json</c>, every subcommand, errors and the retry.</summary>
public sealed class VdmadmTests : IClassFixture<ControlPlaneFixture>
{
    private readonly ControlPlaneFixture _fixture;

    public VdmadmTests(ControlPlaneFixture fixture) => _fixture = fixture;

    private string Mountpoint => _fixture.Mountpoint;

    [Fact]
    public void List_Table_ShowsEveryInstanceUnderAHeader()
    {
        var lines = Vdmadm.RunOk(Mountpoint, "list").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        foreach (var (name, subdriver) in new[] { ("d0", "physical"), ("p0", "partition"), ("d1", "physical") })
        {
            var row = lines.Single(line => line.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(subdriver, row);
            Assert.Contains(ControlDoors.DeviceNumberOf(Mountpoint, name).ToString(CultureInfo.InvariantCulture), row);
        }
    }

    [Fact]
    public void List_Json_IsOneDocumentWithEveryInstance()
    {
        var result = Vdmadm.RunOk(Mountpoint, "--json", "list");

        using var document = JsonDocument.Parse(result.StandardOutput);
        var instances = Table(document, "instance");
        var byName = instances.ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.Equal(["d0", "d1", "p0"], byName.Keys.Order());
        Assert.Equal(DiskSize, byName["d0"].GetProperty("size").GetInt64());
        Assert.Equal(PartitionSizeBlocks * 512, byName["p0"].GetProperty("size").GetInt64());
        Assert.Equal("partition", byName["p0"].GetProperty("subdriver").GetString());
        Assert.Equal(ControlDoors.DeviceNumberOf(Mountpoint, "p0"), byName["p0"].GetProperty("device_number").GetUInt32());
        Assert.True(byName["d1"].GetProperty("exported").GetBoolean());
    }

    [Fact]
    public void CreateInspectDelete_PhysicalAndPartition_EachSubcommandAnswers()
    {
        string image = _fixture.NewImage("vadm.img", DiskSize);

        Assert.Contains("vx0", Vdmadm.RunOk(Mountpoint, "create", "physical", "vx0", image).StandardOutput, StringComparison.Ordinal);
        Vdmadm.RunOk(Mountpoint, "create", "partition", "vx1", "--child", "vx0", "--start", "2048s", "--size", "32M");
        uint vx0 = ControlDoors.DeviceNumberOf(Mountpoint, "vx0"), vx1 = ControlDoors.DeviceNumberOf(Mountpoint, "vx1");
        Assert.Equal(32L << 20, new FileInfo(_fixture.Workspace.Dsk("vx1")).Length);

        using (var children = JsonDocument.Parse(Vdmadm.RunOk(Mountpoint, "--json", "children", "vx1").StandardOutput))
        {
            var child = Assert.Single(Table(children, "child"));
            Assert.Equal("vx0", child.GetProperty("name").GetString());
            Assert.Equal(vx0, child.GetProperty("device_number").GetUInt32());
            Assert.True(child.GetProperty("present").GetBoolean());
        }
        Assert.Matches(@"Start:\s+2048 blocks", Vdmadm.RunOk(Mountpoint, "attributes", "vx1").StandardOutput);
        Assert.Matches(@"Size:\s+65536 blocks", Vdmadm.RunOk(Mountpoint, "attributes", "vx1").StandardOutput);
        Assert.Matches($@"Path:\s+{System.Text.RegularExpressions.Regex.Escape(image)}", Vdmadm.RunOk(Mountpoint, "attributes", "vx0").StandardOutput);
        using (var info = JsonDocument.Parse(Vdmadm.RunOk(Mountpoint, "--json", "info", "vx1").StandardOutput))
        {
            var geometry = Assert.Single(Table(info, "geometry"));
            Assert.Equal(65536, geometry.GetProperty("total_blocks").GetInt64());
            Assert.Equal(65536 / (255 * 63), geometry.GetProperty("cylinders").GetInt64());
        }
        using (var usage = JsonDocument.Parse(Vdmadm.RunOk(Mountpoint, "--json", "usage", "vx1").StandardOutput))
        {
            Assert.Equal(0, Assert.Single(usage.RootElement.GetProperty("report").EnumerateArray()
                .SelectMany(t => t.EnumerateObject()).SelectMany(p => p.Value.EnumerateArray())).GetProperty("errors").GetInt64());
        }
        using (var address = JsonDocument.Parse(Vdmadm.RunOk(Mountpoint, "--json", "address", "vx1", "100").StandardOutput))
        {
            var levels = Table(address, "level");
            Assert.Equal(2, levels.Count);
            Assert.Equal(vx1, levels[0].GetProperty("device_number").GetUInt32());
            Assert.Equal(100, levels[0].GetProperty("block").GetInt64());
            Assert.Equal(vx0, levels[1].GetProperty("device_number").GetUInt32());
            Assert.Equal(2148, levels[1].GetProperty("block").GetInt64());
        }

        var refused = Vdmadm.Run(Mountpoint, "delete", "vx0");
        Assert.True(refused.ExitCode == LinuxErrno.EBUSY, refused.ToString());
        Assert.StartsWith("vdmadm: EBUSY: ", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("vx0", refused.StandardError, StringComparison.Ordinal);

        Vdmadm.RunOk(Mountpoint, "delete", "vx1");
        Vdmadm.RunOk(Mountpoint, "delete", "vx0");
        Assert.False(ControlFile.GetInstances(Mountpoint).ContainsKey("vx0"), "vx0 is still listed after vdmadm delete");
    }

    [Fact]
    public void Delete_UnknownInstance_ExitsNonZeroWithErrnoNameAndMessage()
    {
        var result = Vdmadm.Run(Mountpoint, "delete", "nosuch3");

        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("vdmadm: ENOENT: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("nosuch3", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public void Run_NoDaemonMounted_RetriesForTheWaitThenFails()
    {
        string empty = _fixture.Workspace.CreateDirectory("no-daemon");

        var (result, elapsed) = Vdmadm.RunTimed("--mount", empty, "--wait", "1", "list");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal($"vdmadm: ENOENT: no vdmfuse daemon answers at {empty}/vdm (ENOENT) after 1 s", result.StandardError.Trim());
        Assert.True(elapsed >= TimeSpan.FromSeconds(1) && elapsed < TimeSpan.FromSeconds(6), $"took {elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void Help_Root_ListsTheSubcommandsWithExamples()
    {
        var help = Vdmadm.RunTimed("--help").Result.EnsureSuccess().StandardOutput;

        foreach (var word in new[] { "create", "delete", "list", "children", "attributes", "info", "usage", "address", "--json", "Examples" })
        {
            Assert.Contains(word, help, StringComparison.Ordinal);
        }
    }

    private static List<JsonElement> Table(JsonDocument document, string name) =>
        document.RootElement.GetProperty("report").EnumerateArray()
            .Where(table => table.TryGetProperty(name, out _))
            .SelectMany(table => table.GetProperty(name).EnumerateArray())
            .ToList();
}
