using System.Text.Json;

namespace VdmFuse.Cli.Tests;

/// <summary>
/// <c>vdmadm remap format|list|force|recover|status</c> and <c>vdmadm create remap</c> against a fake remap daemon
/// speaking the contract's text forms: the lines sent, and the output (vdmremap(7)'s listing to the character).
/// </summary>
public sealed class RemapCommandTests
{
    private const string Heading = "\n Bad block   Remapped to    Status\n----------   -----------   --------\n";

    private static FakeRemapDaemon ThreeEntries() => new((100, 0, "mapped"), (2100, -1, "unmapped"), (4160, 1, "bad-remap"));

    [Fact]
    public void RemapFormat_Force_SendsRemapFormatAsTextAndPrintsTheCapacity()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "format", "--primary", "pt", "--secondary", "st", "--area", "ra", "--force");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["remap-format primary=pt secondary=st area=ra force=1"], daemon.Channel.Lines);
        Assert.Equal("formatted bad-block tables pt and st for remap area ra (64 blocks): 504 entries each\n", run.Output);
        Assert.True(run.Opened.Single().Text, "remap commands use the text form");
        Assert.Empty(daemon.Entries);
    }

    [Fact]
    public void RemapFormat_TablesListBadBlocksWithoutForce_PrintsTheDaemonsErrorAndExitsEexist()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "format", "--primary", "pt", "--secondary", "st", "--area", "ra");

        Assert.Equal(17, run.ExitCode);
        Assert.Equal(["remap-format primary=pt secondary=st area=ra"], daemon.Channel.Lines);
        Assert.Equal("vdmadm: EEXIST: remap-format: tables 'pt' and 'st' list 3 bad blocks of disk 'f'; formatting would lose them (give force=1 to format anyway)\n",
            run.Error);
        Assert.Equal("", run.Output);
        Assert.Equal(3, daemon.Entries.Count);
    }

    [Fact]
    public void RemapFormat_Json_OneDocumentWithTheRolesAndTheCapacity()
    {
        var daemon = new FakeRemapDaemon();

        var run = CliRun.Of(daemon.Channel, "remap", "format", "--primary", "pt", "--secondary", "st", "--area", "ra", "--json");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Output);
        var formatted = document.RootElement.GetProperty("report")[0].GetProperty("formatted")[0];
        Assert.Equal("pt", formatted.GetProperty("primary_table").GetString());
        Assert.Equal("ra", formatted.GetProperty("remap_area").GetString());
        Assert.Equal(504, formatted.GetProperty("table_capacity").GetInt64());
        Assert.Equal(64, formatted.GetProperty("area_blocks").GetInt64());
    }

    [Fact]
    public void CreateRemap_Persistent_SendsCreateInstanceSubdriverRemapWithTheRoles()
    {
        var daemon = new FakeRemapDaemon();

        var run = CliRun.Of(daemon.Channel, "create", "remap", "r", "--primary", "pt", "--secondary", "st", "--area", "ra", "--persistent");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["create-instance subdriver=remap name=r primary-table=pt secondary-table=st remap-area=ra persistent=yes"], daemon.Channel.Lines);
        Assert.Equal("created remap instance r (device number 20)\n", run.Output);
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void CreateRemap_NotPersistent_SendsNoPersistentField()
    {
        var daemon = new FakeRemapDaemon();

        var run = CliRun.Of(daemon.Channel, "create", "remap", "r", "--primary", "pt", "--secondary", "st", "--area", "ra");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["create-instance subdriver=remap name=r primary-table=pt secondary-table=st remap-area=ra"], daemon.Channel.Lines);
    }

    [Fact]
    public void RemapList_ThreeEntries_PrintsThePagesListingExactly()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "list", "r");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            Heading +
            "       100             0   Mapped (2)\n" +
            "      2100            -1   Unmapped (1)\n" +
            "      4160             1   Bad remap (5)\n" +
            "\n" +
            "Number of blocks listed = 3\n",
            run.Output);
        Assert.Equal(
            ["get-attributes name=r", "list-remap-table name=r key=0", "list-remap-table name=r key=1", "list-remap-table name=r key=2", "list-remap-table name=r key=3"],
            daemon.Channel.Lines);
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void RemapList_EveryState_RowsNameEachStateWithItsNumber()
    {
        var daemon = new FakeRemapDaemon((8, -1, "unmapped"), (16, 3, "mapped"), (24, -1, "forced"), (32, -1, "pseudo"), (40, 2, "bad-remap"));

        var run = CliRun.Of(daemon.Channel, "remap", "ls", "r");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            Heading +
            "         8            -1   Unmapped (1)\n" +
            "        16             3   Mapped (2)\n" +
            "        24            -1   Forced (3)\n" +
            "        32            -1   Pseudo (4)\n" +
            "        40             2   Bad remap (5)\n" +
            "\nNumber of blocks listed = 5\n",
            run.Output);
    }

    [Fact]
    public void RemapList_EmptyTable_PrintsTheHeadingAndZero()
    {
        var daemon = new FakeRemapDaemon();

        var run = CliRun.Of(daemon.Channel, "remap", "list", "r");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Heading + "\nNumber of blocks listed = 0\n", run.Output);
        Assert.Equal(["get-attributes name=r", "list-remap-table name=r key=0"], daemon.Channel.Lines);
    }

    [Fact]
    public void RemapList_PartitionWithARemap_ListsItsRemapsTable()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "list", "p0");

        Assert.Equal(0, run.ExitCode);
        Assert.EndsWith("\nNumber of blocks listed = 3\n", run.Output, StringComparison.Ordinal);
        Assert.Equal("list-remap-table name=p0 key=0", daemon.Channel.Lines[1]);
    }

    [Fact]
    public void RemapList_Json_EveryEntryWithItsKeywordAndState()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "list", "r", "--json");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Output);
        var entries = document.RootElement.GetProperty("report")[0].GetProperty("bad_block");
        Assert.Equal(3, entries.GetArrayLength());
        Assert.Equal(2100, entries[1].GetProperty("bad_block").GetInt64());
        Assert.Equal(-1, entries[1].GetProperty("remap_index").GetInt64());
        Assert.Equal("unmapped", entries[1].GetProperty("status").GetString());
        Assert.Equal(1, entries[1].GetProperty("state").GetInt32());
        Assert.Equal("bad-remap", entries[2].GetProperty("status").GetString());
        Assert.Equal(5, entries[2].GetProperty("state").GetInt32());
    }

    [Fact]
    public void RemapList_UnknownInstance_PrintsEnoentAndListsNothing()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "list", "zz");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("vdmadm: ENOENT: get-attributes: no instance named 'zz'\n", run.Error);
        Assert.Equal(["get-attributes name=zz"], daemon.Channel.Lines);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void RemapList_PartitionWithoutARemap_PrintsTheDaemonsEinval()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "list", "p1");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: list-remap-table: partition 'p1' has no remap instance linked\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void RemapList_PhysicalInstance_FailsWithEinvalAfterGetAttributes()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "list", "d");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: d is a physical instance; list the table of a remap instance or of a partition with one linked\n", run.Error);
        Assert.Equal(["get-attributes name=d"], daemon.Channel.Lines);
    }

    [Fact]
    public void RemapForce_NewBlock_SendsForceRemapAndTheListingShowsItForced()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "force", "r", "3000");
        var list = CliRun.Of(daemon.Channel, "remap", "list", "r");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("force-remap name=r block=3000", daemon.Channel.Lines[0]);
        Assert.Equal("listed block 3000 as Forced in remap instance r: its next write maps it to the remap area\n", run.Output);
        Assert.Contains("      2100            -1   Unmapped (1)\n      3000            -1   Forced (3)\n      4160", list.Output, StringComparison.Ordinal);
        Assert.EndsWith("Number of blocks listed = 4\n", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void RemapForce_BlockAlreadyListed_PrintsTheDaemonsMessageAndExitsEinval()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "force", "r", "100");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: force-remap: remap instance 'r' already has an entry for block 100\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void RemapRecover_ListedBlock_SendsRecoverBadBlockAndTheEntryIsGone()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "recover", "r", "100");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["recover-bad-block name=r block=100"], daemon.Channel.Lines);
        Assert.Equal("recovered block 100 of remap instance r: its data is back in place and its entry is removed\n", run.Output);
        Assert.DoesNotContain(daemon.Entries, e => e.BadBlock == 100);
    }

    [Fact]
    public void RemapRecover_BlockNotListed_PrintsTheDaemonsEnoent()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "recover", "r", "7");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("vdmadm: ENOENT: recover-bad-block: remap instance 'r' has no entry for block 7\n", run.Error);
    }

    [Fact]
    public void RemapStatus_RemapInstance_PrintsASummaryAndTheAttributes()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "status", "r");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["get-attributes name=r"], daemon.Channel.Lines);
        var lines = run.Output.Split('\n');
        Assert.Equal("remap instance r on disk f: 3 of 504 table entries in use (1 mapped), 62 of 64 remap-area blocks free; " +
            "primary table pt in-use, secondary table st in-use", lines[0]);
        Assert.Matches(@"^Name: +r$", lines[1]);
        Assert.Contains(lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^Primary table: +pt$"));
        Assert.Contains(lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^Remap area: +ra$"));
        Assert.Contains(lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^Bad remap: +1$"));
        Assert.Contains(lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^Partitions: +p0$"));
        Assert.DoesNotContain("device-number", run.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Device number", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void RemapStatus_PartitionWithARemap_ShowsItsRemap()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "status", "p0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["get-attributes name=p0", "get-attributes name=r"], daemon.Channel.Lines);
        Assert.StartsWith("remap instance r on disk f: ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void RemapStatus_PartitionWithoutARemap_FailsWithEinval()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "status", "p1");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: partition p1 has no remap instance linked: its I/O is not remapped\n", run.Error);
    }

    [Theory]
    [InlineData("remap", "format", "--primary", "pt", "--secondary", "st")]
    [InlineData("remap", "format", "--primary", "pt", "--area", "ra")]
    [InlineData("create", "remap", "r", "--primary", "pt", "--secondary", "st")]
    [InlineData("create", "remap", "--primary", "pt", "--secondary", "st", "--area", "ra")]
    [InlineData("remap", "list")]
    [InlineData("remap", "force", "r")]
    [InlineData("remap", "force", "r", "x")]
    [InlineData("remap", "recover", "r", "1.5")]
    [InlineData("remap", "status")]
    public void RemapCommands_BadArguments_FailWithEinvalAndSendNothing(params string[] args)
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, args);

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Contains("vdmadm: EINVAL:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RemapForce_NegativeBlock_FailsWithEinvalAndSendsNothing()
    {
        var daemon = ThreeEntries();

        var run = CliRun.Of(daemon.Channel, "remap", "force", "r", "--", "-8");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: remap force: BLOCK must be 0 or more, not -8\n", run.Error);
    }
}
