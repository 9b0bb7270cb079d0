using System.Text.Json;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>What each command prints, for people and as JSON.</summary>
public sealed class OutputTests
{
    [Fact]
    public void List_Human_AlignedTableWithHumanAndExactSizes()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "list");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            "NAME  DEV  SUBDRIVER   SIZE     BYTES  CHILDREN  PARENTS  EXPORTED  OPEN\n" +
            "a       1  physical   64.0M  67108864         0        1  yes          0\n" +
            "p       2  partition   2.0M   2097152         1        0  yes          0\n",
            run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void List_Json_OneDocumentNumbersAsNumbers()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "list", "--json");
        using var document = JsonDocument.Parse(run.Output);
        var instances = document.RootElement.GetProperty("report")[0].GetProperty("instance");
        Assert.Equal(2, instances.GetArrayLength());
        var a = instances[0];
        Assert.Equal("a", a.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Number, a.GetProperty("device_number").ValueKind);
        Assert.Equal(1, a.GetProperty("device_number").GetInt64());
        Assert.Equal(67108864, a.GetProperty("size").GetInt64());
        Assert.Equal(0, a.GetProperty("children").GetInt64());
        Assert.Equal(1, a.GetProperty("parents").GetInt64());
        Assert.True(a.GetProperty("exported").GetBoolean());
        Assert.False(a.TryGetProperty("BYTES", out _));
        Assert.Equal(["name", "device_number", "subdriver", "size", "children", "parents", "exported", "open"],
            a.EnumerateObject().Select(property => property.Name).ToArray());
    }

    [Fact]
    public void List_NoInstances_SaysSoAndJsonHasEmptyArray()
    {
        var empty = new RecordingChannel(_ => ControlReply.Error(ControlErrno.ENOENT, "get-instances: no instances"));
        Assert.Equal("no instances\n", CliRun.Of(empty, "list").Output);
        using var document = JsonDocument.Parse(CliRun.Of(empty, "list", "--json").Output);
        Assert.Equal(0, document.RootElement.GetProperty("report")[0].GetProperty("instance").GetArrayLength());
    }

    [Fact]
    public void AttributesPartition_Human_DetailWithBlocksAndSizes()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "attributes", "p");
        Assert.Equal(
            "Name:       p\n" +
            "Subdriver:  partition\n" +
            "Child:      a\n" +
            "Start:      2048 blocks (1.0M)\n" +
            "Size:       4096 blocks (2.0M)\n" +
            "Remap:      -\n",
            run.Output);
    }

    [Fact]
    public void AttributesPhysical_Json_SizeInBytesFlagsAsBooleans()
    {
        using var document = JsonDocument.Parse(CliRun.Of(CannedDaemon.Channel(), "attributes", "a", "--json").Output);
        var attributes = document.RootElement.GetProperty("report")[0].GetProperty("attributes")[0];
        Assert.Equal("physical", attributes.GetProperty("subdriver").GetString());
        Assert.Equal(67108864, attributes.GetProperty("size").GetInt64());
        Assert.Equal(512, attributes.GetProperty("sector_size").GetInt64());
        Assert.True(attributes.GetProperty("direct").GetBoolean());
        Assert.False(attributes.GetProperty("block_device").GetBoolean());
    }

    [Fact]
    public void AttributesBinaryReply_ChildDeviceNumber_ShownAsChildName()
    {
        var channel = new RecordingChannel(command => command.Verb == "get-attributes"
            ? ControlReply.Ok(("subdriver", "partition"), ("child-device-number", "1"), ("start", "0"), ("size", "8"), ("remap-device-number", "-"))
            : CannedDaemon.Answer(command));
        var run = CliRun.Of(channel, "attributes", "2");
        Assert.Contains("Child:      a\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("Remap:      -\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Children_Human_TableOfChildren()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "children", "p");
        Assert.Equal("CHILD  DEV  SUBDRIVER  PRESENT\na        1  physical   yes\n", run.Output);
    }

    [Fact]
    public void Children_RoleFieldsAndMissingChild_RoleColumnsAndIds()
    {
        var channel = new RecordingChannel(command => (command.Verb, command.GetOptional("available"), command.GetOptional("key")) switch
        {
            ("get-child-instance", "0", _) => ControlReply.Ok(("count", "2")),
            ("get-child-instance", "1", "0") => ControlReply.Ok(("key", "1"), ("device-number-used", "1"), ("device-number", "1"),
                ("child-subdriver", "1"), ("role", "primary")),
            ("get-child-instance", "1", "1") => ControlReply.Ok(("key", "2"), ("device-number-used", "0"), ("id-generation", "7"),
                ("id-system-id", "42"), ("child-subdriver", "physical"), ("role", "secondary")),
            ("get-child-instance", _, _) => ControlReply.Error(ControlErrno.ENOENT, "no more children"),
            _ => CannedDaemon.Answer(command),
        });
        var run = CliRun.Of(channel, "children", "m");
        Assert.Equal(
            "CHILD    DEV  SUBDRIVER  PRESENT  ROLE\n" +
            "a          1  physical   yes      primary\n" +
            "id 7:42    -  physical   no       secondary\n",
            run.Output);
        using var document = JsonDocument.Parse(CliRun.Of(channel, "children", "m", "--json").Output);
        var missing = document.RootElement.GetProperty("report")[0].GetProperty("child")[1];
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("device_number").ValueKind);
        Assert.False(missing.GetProperty("present").GetBoolean());
        Assert.Equal("secondary", missing.GetProperty("role_role").GetString());
    }

    [Fact]
    public void Info_Human_GeometryAndSize()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "info", "a");
        Assert.Equal(
            "Name:                 a\n" +
            "Total blocks:         131072 blocks (64.0M)\n" +
            "Sector size:          512\n" +
            "Sectors per track:    63\n" +
            "Tracks per cylinder:  255\n" +
            "Cylinders:            8\n" +
            "Size:                 64.0M (67108864 bytes)\n",
            run.Output);
    }

    [Fact]
    public void Usage_Json_CountersAsNumbers()
    {
        using var document = JsonDocument.Parse(CliRun.Of(CannedDaemon.Channel(), "usage", "a", "--json").Output);
        var usage = document.RootElement.GetProperty("report")[0].GetProperty("usage")[0];
        Assert.Equal(10, usage.GetProperty("reads").GetInt64());
        Assert.Equal(32, usage.GetProperty("blocks_written").GetInt64());
        Assert.Equal(1500, usage.GetProperty("read_time_us").GetInt64());
    }

    [Fact]
    public void Address_Human_LevelsDownToPhysicalWithByteOffsets()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "address", "p", "1000");
        Assert.Equal(
            "LEVEL  NAME  DEV  SUBDRIVER  BLOCK  BYTE OFFSET\n" +
            "    0  p       2  partition   1000       512000\n" +
            "    1  a       1  physical    3048      1560576\n",
            run.Output);
    }

    [Fact]
    public void Address_BinaryLevelsWithoutNames_NamesFromListing()
    {
        var channel = new RecordingChannel(command => command.Verb == "dsk-get-address"
            ? ControlReply.Ok(("depth", "1")).AddRecord("level", ("device-number", "1"), ("subdriver", "physical"), ("block", "5"))
            : CannedDaemon.Answer(command));
        var run = CliRun.Of(channel, "address", "1", "5");
        Assert.Equal("LEVEL  NAME  DEV  SUBDRIVER  BLOCK  BYTE OFFSET\n    0  a       1  physical       5         2560\n", run.Output);
    }

    [Fact]
    public void Create_Human_SentenceWithDeviceNumber_JsonHasInstance()
    {
        Assert.Equal("created physical instance b (device number 3)\n", CliRun.Of(CannedDaemon.Channel(), "create", "physical", "b", "/tmp/b.img").Output);
        using var document = JsonDocument.Parse(CliRun.Of(CannedDaemon.Channel(), "create", "physical", "b", "/tmp/b.img", "--json").Output);
        var instance = document.RootElement.GetProperty("report")[0].GetProperty("instance")[0];
        Assert.Equal("b", instance.GetProperty("name").GetString());
        Assert.Equal(3, instance.GetProperty("device_number").GetInt64());
    }

    [Fact]
    public void SubdriverGetInfo_Human_FieldsWithSizeAndFlags()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "subdriver", "a", "get-info");
        Assert.Equal(
            "Name:          a\n" +
            "Subdriver:     physical\n" +
            "Command:       get-info\n" +
            "Path:          /tmp/a.img\n" +
            "Size:          64.0M (67108864 bytes)\n" +
            "Sector size:   512\n" +
            "Direct:        yes\n" +
            "Block device:  no\n",
            run.Output);
    }

    [Fact]
    public void SubdriverFlush_NoFields_SaysDone()
    {
        Assert.Equal("physical flush on a: done\n", CliRun.Of(CannedDaemon.Channel(), "subdriver", "a", "flush").Output);
    }

    [Fact]
    public void Help_NoArguments_PrintsRootHelpWithExamples()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Examples:", run.Output, StringComparison.Ordinal);
        Assert.Contains("vdmadm create partition p1 --child disk0 --start 2048s --size 1G", run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Opened);
    }

    [Fact]
    public void Help_Subcommand_PrintsItsOptions()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "help", "create", "partition");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--child", run.Output, StringComparison.Ordinal);
        Assert.Contains("10000s, 512M, 1G", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void NoArguments_Always_PrintsHelp()
    {
        var run = CliRun.Of(CannedDaemon.Channel());
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Commands:", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1023, "1023B")]
    [InlineData(1024, "1.0K")]
    [InlineData(1536, "1.5K")]
    [InlineData(67108864, "64.0M")]
    [InlineData(1073741824, "1.0G")]
    [InlineData(1048575, "1.0M")]
    [InlineData(5497558138880, "5.0T")]
    public void HumanSize_Bytes_OneDecimalBinaryUnit(long bytes, string expected)
    {
        Assert.Equal(expected, HumanSize.Format(bytes));
    }

    [Fact]
    public void TextReportWriter_MixedColumns_NumbersRightTextLeft()
    {
        var table = new ReportTable("t", [new("N", "n"), new("LONG HEADER", "l")],
            [[ReportValue.Of(5), ReportValue.Of("x")], [ReportValue.Of(12345), ReportValue.Missing]]);
        Assert.Equal("    N  LONG HEADER\n    5  x\n12345  -\n", TextReportWriter.FormatTable(table));
    }
}
