using System.Text.Json;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary><c>vdmadm disk-info</c> against a fake daemon answering the dk-* verbs: the lines sent and the report, to the character.</summary>
public sealed class DiskInfoCommandTests
{
    private static readonly string[] Verbs =
    [
        "dk-info", "dk-get-geom", "dk-get-virtgeom", "dk-media-info", "dk-removable", "dk-hotpluggable", "dk-extpartinfo",
    ];

    private static string[] LinesFor(string name) =>
        [.. Verbs.Select(verb => $"{verb} name={name}"), $"dk-state name={name} state=0", $"dk-get-extvtoc name={name}", $"dk-get-volcap name={name}"];

    [Fact]
    public void DiskInfo_DiskWithVtoc_SendsEveryReadOnlyVerbAndPrintsTheReport()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "disk-info", "d0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(LinesFor("d0"), daemon.Channel.Lines);
        Assert.Equal(
            "Name:              d0\n" +
            "Controller:        vdmfuse, type 16 (meta-disk), number 0, flags 0x0\n" +
            "Drive:             physical, unit 1, whole disk, max transfer 2048 blocks (1.0M)\n" +
            "Geometry:          12 cylinders (0 alternate), 255 heads, 63 sectors/track, interleave 1, 7200 rpm, 12 physical cylinders\n" +
            "Virtual geometry:  12 cylinders (0 alternate), 255 heads, 63 sectors/track, interleave 1, 7200 rpm, 12 physical cylinders\n" +
            "Media:             fixed disk (0x10001), capacity 204800 blocks of 512 bytes (100.0M)\n" +
            "Removable:         no\n" +
            "Hotpluggable:      no\n" +
            "Partition:         start 0, length 204800 blocks (100.0M)\n" +
            "Media state:       inserted (2)\n" +
            "VTOC:              volume vol1, 512-byte sectors, 3 slices: 0 root wm, 1 swap wu, 2 backup wu\n",
            run.Output);
        Assert.True(run.Opened.Single().Text, "dkio commands use the text form");
    }

    [Fact]
    public void DiskInfo_Over8GiBWithoutVtoc_SaysNotApplicableAndNoVtoc()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "disk-info", "big");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(LinesFor("big"), daemon.Channel.Lines);
        Assert.Equal(
            "Name:              big\n" +
            "Controller:        vdmfuse, type 16 (meta-disk), number 0, flags 0x0\n" +
            "Drive:             physical, unit 2, whole disk, max transfer 2048 blocks (1.0M)\n" +
            "Geometry:          2088 cylinders (0 alternate), 255 heads, 63 sectors/track, interleave 1, 7200 rpm, 2088 physical cylinders\n" +
            "Virtual geometry:  n/a (over 8 GiB)\n" +
            "Media:             fixed disk (0x10001), capacity 33554432 blocks of 512 bytes (16.0G)\n" +
            "Removable:         no\n" +
            "Hotpluggable:      no\n" +
            "Partition:         start 0, length 33554432 blocks (16.0G)\n" +
            "Media state:       inserted (2)\n" +
            "VTOC:              no VTOC\n",
            run.Output);
    }

    [Fact]
    public void DiskInfo_Slice_NamesTheSliceAndItsWindow()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "disk-info", "d0s0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Drive:             slice, unit 3, slice 0, max transfer 2048 blocks (1.0M)\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("Partition:         start 2048, length 40960 blocks (20.0M)\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("VTOC:              no VTOC\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DiskInfo_Mirror_AddsTheVolumeCapabilities()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "disk-info", "m0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(LinesFor("m0"), daemon.Channel.Lines);
        Assert.Equal(
            "Name:                 m0\n" +
            "Controller:           vdmfuse, type 16 (meta-disk), number 0, flags 0x0\n" +
            "Drive:                mirror, unit 4, whole disk, max transfer 2048 blocks (1.0M)\n" +
            "Geometry:             12 cylinders (0 alternate), 255 heads, 63 sectors/track, interleave 1, 7200 rpm, 12 physical cylinders\n" +
            "Virtual geometry:     12 cylinders (0 alternate), 255 heads, 63 sectors/track, interleave 1, 7200 rpm, 12 physical cylinders\n" +
            "Media:                fixed disk (0x10001), capacity 204800 blocks of 512 bytes (100.0M)\n" +
            "Removable:            no\n" +
            "Hotpluggable:         no\n" +
            "Partition:            start 0, length 204800 blocks (100.0M)\n" +
            "Media state:          inserted (2)\n" +
            "VTOC:                 no VTOC\n" +
            "Volume capabilities:  ABR capable, off; DMR capable, on\n",
            run.Output);
    }

    [Fact]
    public void DiskInfo_Json_OneDocumentWithEveryAnswer()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "disk-info", "d0", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        var report = document.RootElement.GetProperty("report");
        JsonElement Table(string name) => report.EnumerateArray().Single(t => t.TryGetProperty(name, out _)).GetProperty(name);
        Assert.Equal("vdmfuse", Table("controller")[0].GetProperty("cname").GetString());
        Assert.Equal(16, Table("controller")[0].GetProperty("ctype").GetInt64());
        Assert.Equal(65535, Table("controller")[0].GetProperty("partition").GetInt64());
        Assert.Equal(255, Table("geometry")[0].GetProperty("nhead").GetInt64());
        Assert.Equal(0, Table("geometry")[0].GetProperty("write_reinstruct").GetInt64());
        Assert.Equal(12, Table("virtual_geometry")[0].GetProperty("ncyl").GetInt64());
        Assert.Equal(0x10001, Table("media")[0].GetProperty("media_type").GetInt64());
        Assert.Equal(204800, Table("media")[0].GetProperty("capacity").GetInt64());
        Assert.False(Table("media")[0].GetProperty("removable").GetBoolean());
        Assert.Equal(2, Table("media")[0].GetProperty("state").GetInt64());
        Assert.Equal(204800, Table("partition")[0].GetProperty("length").GetInt64());
        Assert.Equal("vol1", Table("vtoc")[0].GetProperty("volume").GetString());
        Assert.Equal(3, Table("slice").GetArrayLength());
        Assert.Equal("swap", Table("slice")[1].GetProperty("tag_name").GetString());
        Assert.Equal(0, Table("volume_capabilities").GetArrayLength());
    }

    [Fact]
    public void DiskInfo_JsonOfAMirrorOver8GiBless_HasCapabilitiesAndNoVtoc()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "disk-info", "m0", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        var report = document.RootElement.GetProperty("report");
        JsonElement Table(string name) => report.EnumerateArray().Single(t => t.TryGetProperty(name, out _)).GetProperty(name);
        Assert.Equal(0, Table("vtoc").GetArrayLength());
        Assert.Equal(0, Table("slice").GetArrayLength());
        var capabilities = Table("volume_capabilities")[0];
        Assert.Equal(3, capabilities.GetProperty("info").GetInt64());
        Assert.Equal(2, capabilities.GetProperty("set").GetInt64());
        Assert.True(capabilities.GetProperty("abr_capable").GetBoolean());
        Assert.False(capabilities.GetProperty("abr_set").GetBoolean());
        Assert.True(capabilities.GetProperty("dmr_set").GetBoolean());
    }

    [Fact]
    public void DiskInfo_NoSuchInstance_PrintsTheDaemonsErrorAfterTheFirstVerb()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "disk-info", "x");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["dk-info name=x"], daemon.Channel.Lines);
        Assert.Equal("vdmadm: ENOENT: dk-info: no instance named 'x'\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void DiskInfo_AnotherErrorOfAnOptionalAnswer_Fails()
    {
        var channel = new RecordingChannel(command => command.Verb == "dk-get-extvtoc"
            ? ControlReply.Error(ControlErrno.EIO, "dk-get-extvtoc: physical 'd0': reading the label failed")
            : new FakeDkioDaemon().Channel.Send(command));

        var run = CliRun.Of(channel, "disk-info", "d0");

        Assert.Equal(5, run.ExitCode);
        Assert.Equal("vdmadm: EIO: dk-get-extvtoc: physical 'd0': reading the label failed\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void DiskInfo_ReplyWithoutAField_FailsWithEio()
    {
        var channel = new RecordingChannel(command => command.Verb == "dk-media-info"
            ? ControlReply.Ok(("media-type", "65537"), ("lbsize", "512"))
            : new FakeDkioDaemon().Channel.Send(command));

        var run = CliRun.Of(channel, "disk-info", "d0");

        Assert.Equal(5, run.ExitCode);
        Assert.Equal("vdmadm: EIO: dk-media-info: the daemon's reply has no 'capacity'\n", run.Error);
    }

    [Fact]
    public void DiskInfo_NoName_ExitsEinvalAndSendsNothing()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "disk-info");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: Required argument 'NAME' missing for command: 'disk-info'.\nTry 'vdmadm disk-info --help'.\n", run.Error);
    }
}
