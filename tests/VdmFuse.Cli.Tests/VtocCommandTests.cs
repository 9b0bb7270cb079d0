using System.Text.Json;

namespace VdmFuse.Cli.Tests;

/// <summary><c>vdmadm vtoc show|set</c> against a fake daemon: prtvtoc(1M)'s listing to the character, and fmthard(1M)'s dk-set-extvtoc line.</summary>
public sealed class VtocCommandTests
{
    private const string Legend =
        "* Flags:\n" +
        "*   wm: writable, mountable\n" +
        "*   wu: unmountable\n" +
        "*   rm: read-only\n" +
        "*   ru: read-only, unmountable\n" +
        "*\n" +
        "*                                  First        Sector          Last\n" +
        "* Slice  Tag         Flags        Sector         Count        Sector\n";

    /// <summary>The dk-set-extvtoc fields of the slices 3 to 15 left empty.</summary>
    private static string EmptySlicesFrom(int first) =>
        string.Concat(Enumerable.Range(first, 16 - first).Select(i => $" p{i}-tag=0 p{i}-flag=0 p{i}-start=0 p{i}-size=0"));

    [Fact]
    public void VtocShow_DiskWithVtoc_PrintsPrtvtocsListing()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "show", "d0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["dk-get-extvtoc name=d0"], daemon.Channel.Lines);
        Assert.Equal(
            "* d0 partition map\n" +
            "*\n" +
            "* Volume name:  vol1\n" +
            "* ASCII label:  vdmfuse test disk\n" +
            "* Dimensions:\n" +
            "*     512 bytes/sector\n" +
            "*      16 slices\n" +
            "*\n" +
            Legend +
            "      0  root        wm             2048         40960         43007\n" +
            "      1  swap        wu            43008          8192         51199\n" +
            "      2  backup      wu                0        204800        204799\n",
            run.Output);
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void VtocShow_EveryTagAndFlag_NamedAsFormatNamesThem()
    {
        var daemon = new FakeDkioDaemon();
        daemon.Vtocs["d0"] = new FakeDkioDaemon.FakeVtoc("", "", new()
        {
            [0] = (0, 0x10, 0, 1), [1] = (1, 0x11, 1, 1), [2] = (6, 0, 2, 1), [3] = (4, 0, 3, 1), [4] = (7, 0, 4, 1), [5] = (8, 0, 5, 1),
            [6] = (9, 0, 6, 1), [7] = (11, 0, 7, 1), [8] = (12, 0, 8, 1), [9] = (10, 0x22, 9, 1),
        });

        var run = CliRun.Of(daemon.Channel, "vtoc", "show", "d0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            "* d0 partition map\n" +
            "*\n" +
            "* Volume name:  (none)\n" +
            "* Dimensions:\n" +
            "*     512 bytes/sector\n" +
            "*      16 slices\n" +
            "*\n" +
            Legend +
            "      0  unassigned  rm                0             1             0\n" +
            "      1  boot        ru                1             1             1\n" +
            "      2  stand       wm                2             1             2\n" +
            "      3  usr         wm                3             1             3\n" +
            "      4  var         wm                4             1             4\n" +
            "      5  home        wm                5             1             5\n" +
            "      6  alternates  wm                6             1             6\n" +
            "      7  reserved    wm                7             1             7\n" +
            "      8  system      wm                8             1             8\n" +
            "      9  10          0x22              9             1             9\n",
            run.Output);
    }

    [Fact]
    public void VtocShow_NoVtoc_PrintsTheDaemonsErrorAndExitsEinval()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "show", "big");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: dk-get-extvtoc: physical 'big' has no VTOC label (write one with DKIOCSEXTVTOC)\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void VtocShow_Json_VtocAndSliceTables()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "show", "d0", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        var report = document.RootElement.GetProperty("report");
        var vtoc = report[0].GetProperty("vtoc")[0];
        Assert.Equal("d0", vtoc.GetProperty("name").GetString());
        Assert.Equal("vol1", vtoc.GetProperty("volume").GetString());
        Assert.Equal("vdmfuse test disk", vtoc.GetProperty("ascii_label").GetString());
        Assert.Equal(0x600DDEEE, vtoc.GetProperty("sanity").GetInt64());
        Assert.Equal(512, vtoc.GetProperty("sector_size").GetInt64());
        var slices = report[1].GetProperty("slice");
        Assert.Equal(3, slices.GetArrayLength());
        Assert.Equal(1, slices[1].GetProperty("slice").GetInt64());
        Assert.Equal(3, slices[1].GetProperty("tag").GetInt64());
        Assert.Equal("swap", slices[1].GetProperty("tag_name").GetString());
        Assert.Equal(1, slices[1].GetProperty("flag").GetInt64());
        Assert.Equal("wu", slices[1].GetProperty("flags").GetString());
        Assert.Equal(43008, slices[1].GetProperty("first_sector").GetInt64());
        Assert.Equal(8192, slices[1].GetProperty("sector_count").GetInt64());
        Assert.Equal(51199, slices[1].GetProperty("last_sector").GetInt64());
    }

    [Fact]
    public void VtocSet_SlicesByName_SendsAllSixteenSlicesOfASaneVtoc()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "big", "--volume", "data", "--slice", "0:root:wm:2048:40960",
            "--slice", "2:backup:wu:0:33554432", "--ascii", "big disk");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            [
                "dk-set-extvtoc name=big sanity=1611521774 vtoc-version=1 volume=data sector-size=512 nparts=16 ascii-label=\"big disk\"" +
                " p0-tag=2 p0-flag=0 p0-start=2048 p0-size=40960 p1-tag=0 p1-flag=0 p1-start=0 p1-size=0" +
                " p2-tag=5 p2-flag=1 p2-start=0 p2-size=33554432" + EmptySlicesFrom(3),
            ],
            daemon.Channel.Lines);
        Assert.Equal("wrote the VTOC of big (volume data): slices bigs0, bigs2\n", run.Output);
        Assert.True(run.Opened.Single().Text);
        Assert.Equal("data", daemon.Vtocs["big"].Volume);
        Assert.Equal("big disk", daemon.Vtocs["big"].AsciiLabel);
    }

    [Fact]
    public void VtocSet_TagsAndFlagsByNumber_SendsTheNumbers()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "v", "--slice", "1:0x0c:0x10:8:16", "--slice", "0:7:17:0:8",
            "--slice", "3:SWAP:RU:24:8");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            [
                "dk-set-extvtoc name=d0 sanity=1611521774 vtoc-version=1 volume=v sector-size=512 nparts=16" +
                " p0-tag=7 p0-flag=17 p0-start=0 p0-size=8 p1-tag=12 p1-flag=16 p1-start=8 p1-size=16" +
                " p2-tag=0 p2-flag=0 p2-start=0 p2-size=0 p3-tag=3 p3-flag=17 p3-start=24 p3-size=8" + EmptySlicesFrom(4),
            ],
            daemon.Channel.Lines);
        Assert.Equal("wrote the VTOC of d0 (volume v): slices d0s0, d0s1, d0s3\n", run.Output);
    }

    [Fact]
    public void VtocSet_NoSlices_WritesAnEmptyVtoc()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "blank");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["dk-set-extvtoc name=d0 sanity=1611521774 vtoc-version=1 volume=blank sector-size=512 nparts=16" + EmptySlicesFrom(0)],
            daemon.Channel.Lines);
        Assert.Equal("wrote the VTOC of d0 (volume blank): no slices\n", run.Output);
    }

    [Fact]
    public void VtocSet_ThenShow_ListsWhatWasWritten()
    {
        var daemon = new FakeDkioDaemon();

        Assert.Equal(0, CliRun.Of(daemon.Channel, "vtoc", "set", "big", "--volume", "data", "--slice", "4:home:rm:100:50").ExitCode);
        var run = CliRun.Of(daemon.Channel, "vtoc", "show", "big");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.EndsWith("* Slice  Tag         Flags        Sector         Count        Sector\n" +
            "      4  home        rm              100            50           149\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void VtocSet_Json_NameVolumeAndSlices()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "v", "--slice", "0:root:wm:0:8", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        var vtoc = document.RootElement.GetProperty("report")[0].GetProperty("vtoc")[0];
        Assert.Equal("d0", vtoc.GetProperty("name").GetString());
        Assert.Equal("v", vtoc.GetProperty("volume").GetString());
        Assert.Equal("d0s0", vtoc.GetProperty("slices").GetString());
    }

    [Fact]
    public void VtocSet_DaemonRefuses_PrintsItsErrorAndExitsEinval()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "v", "--slice", "5:usr:wm:204000:1000");

        Assert.Equal(22, run.ExitCode);
        Assert.Single(daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: dk-set-extvtoc: slice 5 of physical 'd0' ends at sector 205000, past its 204800 sectors\n", run.Error);
        Assert.Equal("", run.Output);
        Assert.Equal("vol1", daemon.Vtocs["d0"].Volume);
    }

    [Theory]
    [InlineData("0:root:wm:0", "vtoc set: --slice '0:root:wm:0': write N:TAG:FLAGS:START:SIZE (five fields separated by ':')")]
    [InlineData("16:root:wm:0:8", "vtoc set: --slice '16:root:wm:0:8': the slice number '16' is not 0 to 15")]
    [InlineData("-1:root:wm:0:8", "vtoc set: --slice '-1:root:wm:0:8': the slice number '-1' is not 0 to 15")]
    [InlineData("0:rooot:wm:0:8",
        "vtoc set: --slice '0:rooot:wm:0:8': the tag 'rooot' is neither a tag name (unassigned, boot, root, swap, usr, backup, stand, var, home, alternates, reserved, system) nor a number 0 to 65535")]
    [InlineData("0:65536:wm:0:8",
        "vtoc set: --slice '0:65536:wm:0:8': the tag '65536' is neither a tag name (unassigned, boot, root, swap, usr, backup, stand, var, home, alternates, reserved, system) nor a number 0 to 65535")]
    [InlineData("0:root:rw:0:8", "vtoc set: --slice '0:root:rw:0:8': the flags 'rw' are neither wm, wu, rm, ru nor a number 0 to 65535")]
    [InlineData("0:root:0xg:0:8", "vtoc set: --slice '0:root:0xg:0:8': the flags '0xg' are neither wm, wu, rm, ru nor a number 0 to 65535")]
    [InlineData("0:root:wm:-5:8", "vtoc set: --slice '0:root:wm:-5:8': the first sector '-5' is not a number of sectors")]
    [InlineData("0:root:wm:0:1G", "vtoc set: --slice '0:root:wm:0:1G': the sector count '1G' is not a number of sectors")]
    public void VtocSet_BadSlice_ExitsEinvalAndSendsNothing(string slice, string message)
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "v", "--slice", slice);

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal($"vdmadm: EINVAL: {message}\n", run.Error);
    }

    [Fact]
    public void VtocSet_SliceGivenTwice_ExitsEinval()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "v", "--slice", "1:root:wm:0:8", "--slice", "1:swap:wu:8:8");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: vtoc set: slice 1 is given more than once\n", run.Error);
    }

    [Fact]
    public void VtocSet_VolumeOverEightBytes_ExitsEinval()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "volume12");
        var longer = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "volume123");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(22, longer.ExitCode);
        Assert.Single(daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: vtoc set: --volume 'volume123' is 9 bytes; it holds at most 8\n", longer.Error);
    }

    [Fact]
    public void VtocSet_AsciiLabelOver128Bytes_ExitsEinval()
    {
        var daemon = new FakeDkioDaemon();
        var label = new string('x', 129);

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--volume", "v", "--ascii", label);

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal($"vdmadm: EINVAL: vtoc set: --ascii '{label}' is 129 bytes; it holds at most 128\n", run.Error);
    }

    [Fact]
    public void VtocSet_NoVolume_ExitsEinvalBeforeSending()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "vtoc", "set", "d0", "--slice", "0:root:wm:0:8");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: Option '--volume' is required.\nTry 'vdmadm vtoc set --help'.\n", run.Error);
    }
}
