using System.Text.Json;
using VdmFuse.Cli.Progress;

namespace VdmFuse.Cli.Tests;

/// <summary>
/// <c>vdmadm create mirror</c>, <c>mirror status</c>, <c>sync</c> (with and without --wait, --all), <c>terminate-sync</c>,
/// <c>throttle-sync</c> and <c>fracture</c> against a fake mirror daemon speaking the contract's text forms.
/// </summary>
public sealed class MirrorCommandTests
{
    private static (CliRun Run, FakeMirrorDaemon Daemon) Run(FakeMirrorDaemon daemon, params string[] args) => (CliRun.Of(daemon.Channel, args), daemon);

    /// <summary>Runs with a console whose sleep moves the fake's syncs on and the clock by the poll interval.</summary>
    private static CliRun RunWaiting(FakeMirrorDaemon daemon, bool terminal, params string[] args)
    {
        var time = new FakeTime();
        var console = new ProgressConsole(terminal, time, interval =>
        {
            Assert.True(daemon.Advances < 100, "the wait never ended");
            time.Advance(interval);
            daemon.Advance();
        });
        return CliRun.With(daemon.Channel, console, args);
    }

    [Fact]
    public void CreateMirror_EveryOption_SendsCreateInstanceSubdriverMirrorAsText()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(),
            "create", "mirror", "m", "a", "b", "c", "--automatic-sync", "--minimum", "2", "--maximum-missing", "0", "--delay", "5", "--region-size", "4M", "--persistent");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["create-instance subdriver=mirror name=m images=a,b,c automatic-sync=1 minimum-images-required-to-use=2 " +
            "maximum-images-missing-to-use=0 milliseconds-between-sync-io=5 region-size=8192 persistent=yes"], daemon.Channel.Lines);
        Assert.Contains("created mirror instance m (device number 10)", run.Output, StringComparison.Ordinal);
        Assert.True(run.Opened.Single().Text, "mirror commands use the text form");
    }

    [Fact]
    public void CreateMirror_OneImageNoOptions_SendsOnlyTheImages()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(), "create", "mirror", "m", "a", "--minimum", "-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["create-instance subdriver=mirror name=m images=a minimum-images-required-to-use=-1"], daemon.Channel.Lines);
    }

    [Theory]
    [InlineData("create", "mirror", "m")]
    [InlineData("create", "mirror", "m", "a", "b", "c", "d")]
    [InlineData("create", "mirror", "m", "a", "--minimum", "two")]
    [InlineData("create", "mirror", "m", "a", "--delay", "-3")]
    [InlineData("sync", "m")]
    [InlineData("sync", "m", "--source", "a")]
    [InlineData("sync", "m", "--to", "b")]
    [InlineData("sync", "m", "--all", "--source", "a")]
    [InlineData("sync", "m", "--all", "--to", "b")]
    [InlineData("sync", "m", "--source", "a", "--to", "b", "--delay", "soon")]
    [InlineData("throttle-sync", "m", "b")]
    [InlineData("throttle-sync", "m", "b", "-1")]
    [InlineData("terminate-sync", "m")]
    [InlineData("fracture", "m", "b", "--granularity", "x")]
    [InlineData("mirror", "status")]
    public void MirrorCommands_BadArguments_FailWithEinvalAndSendNothing(params string[] args)
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(), args);

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Contains("vdmadm: EINVAL:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sync_SourceAndTo_SendsSyncImagesAndDoesNotWait()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(), "sync", "m", "--source", "a", "--to", "b,c", "--delay", "3");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["sync-images name=m source=a destinations=b,c milliseconds-between-sync-io=3"], daemon.Channel.Lines);
        Assert.Contains("started the sync of mirror m from a to b, c (131072 blocks)", run.Output, StringComparison.Ordinal);
        Assert.Equal("sync-destination", daemon.StateOf("b"));
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void Sync_ToRepeated_JoinsTheDestinations()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(), "sync", "m", "-s", "a", "-t", "b", "-t", "c");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["sync-images name=m source=a destinations=b,c"], daemon.Channel.Lines);
    }

    [Fact]
    public void SyncWait_NotATerminal_PrintsPercentagesWithTheRateAndExitsZero()
    {
        var daemon = new FakeMirrorDaemon();

        var run = RunWaiting(daemon, terminal: false, "sync", "m", "--source", "a", "--to", "b", "--wait");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            "progress: sync m: 0% (20480 KiB/s)\n" +
            "progress: sync m: 25% (20480 KiB/s)\n" +
            "progress: sync m: 50% (20480 KiB/s)\n" +
            "progress: sync m: 75% (20480 KiB/s)\n" +
            "progress: sync m: 100%\n" +
            "synchronised mirror m from a: b usable (131072 blocks, 2.0 s)\n",
            run.Output);
        Assert.Equal("usable", daemon.StateOf("b"));
        Assert.Equal(4, daemon.Advances);
        Assert.Equal("sync-images name=m source=a destinations=b", daemon.Channel.Lines[0]);
        Assert.All(daemon.Channel.Lines.Skip(1), line => Assert.StartsWith("get-child-instance parent=m available=", line, StringComparison.Ordinal));
    }

    [Fact]
    public void SyncWait_Terminal_DrawsABarThatEndsFull()
    {
        var daemon = new FakeMirrorDaemon();

        var run = RunWaiting(daemon, terminal: true, "sync", "m", "--source", "a", "--to", "b", "--wait");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("\rsync m  [..............................]   0%  ETA --:--  20480 KiB/s", run.Output, StringComparison.Ordinal);
        Assert.Contains("\rsync m  [#######.......................]  25%  ETA 0:02  20480 KiB/s", run.Output, StringComparison.Ordinal);
        Assert.Contains("\rsync m  [##############################] 100%  ETA 0:00", run.Output, StringComparison.Ordinal);
        Assert.EndsWith("\nsynchronised mirror m from a: b usable (131072 blocks, 2.0 s)\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncWait_TwoDestinations_ProgressCountsBoth()
    {
        var daemon = new FakeMirrorDaemon();

        var run = RunWaiting(daemon, terminal: false, "sync", "m", "--source", "a", "--to", "b,c", "--wait");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("progress: sync m: 50% (20480 KiB/s)\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("synchronised mirror m from a: b, c usable", run.Output, StringComparison.Ordinal);
        Assert.Equal("usable", daemon.StateOf("c"));
    }

    [Fact]
    public void SyncWait_ADestinationLeftCorrupt_ExitsWithEioNamingTheImage()
    {
        var daemon = new FakeMirrorDaemon();
        daemon.FailingDestinations.Add("c");

        var run = RunWaiting(daemon, terminal: false, "sync", "m", "--source", "a", "--to", "b,c", "--wait");

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("vdmadm: EIO: the sync of mirror m from a left image c (corrupt); b usable (see the daemon's log)", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("100%", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("synchronised", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncWait_DestinationRefusedByTheDaemon_ExitsWithItsErrnoWithoutPolling()
    {
        var daemon = new FakeMirrorDaemon(bState: "usable");

        var run = RunWaiting(daemon, terminal: false, "sync", "m", "--source", "a", "--to", "b", "--wait");

        Assert.Equal(22, run.ExitCode);
        Assert.Contains("vdmadm: EINVAL: sync-images: image 'b' of mirror 'm' is usable; only corrupt images can be sync destinations", run.Error, StringComparison.Ordinal);
        Assert.Single(daemon.Channel.Lines);
    }

    [Fact]
    public void SyncWait_Json_OneDocumentWithoutProgressLines()
    {
        var daemon = new FakeMirrorDaemon();

        var run = RunWaiting(daemon, terminal: true, "sync", "m", "--source", "a", "--to", "b", "--wait", "--json");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Output);
        var sync = document.RootElement.GetProperty("report")[0].GetProperty("sync")[0];
        Assert.Equal("b", sync.GetProperty("destination").GetString());
        Assert.Equal(131072, sync.GetProperty("total_blocks").GetInt64());
        Assert.True(sync.GetProperty("usable").GetBoolean());
    }

    [Fact]
    public void SyncAll_UsableAndCorruptImages_SyncsEveryCorruptImageFromAUsableOne()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(bState: "fractured"), "sync", "m", "--all", "--delay", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("sync-images name=m source=a destinations=b,c milliseconds-between-sync-io=0", daemon.Channel.Lines[^1]);
    }

    [Fact]
    public void SyncAll_Wait_EndsWithEveryImageUsable()
    {
        var daemon = new FakeMirrorDaemon(aState: "corrupt", bState: "usable");

        var run = RunWaiting(daemon, terminal: false, "sync", "m", "--all", "--wait");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("sync-images name=m source=b destinations=a,c", daemon.Channel.Lines);
        Assert.Contains("synchronised mirror m from b: a, c usable", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncAll_NoCorruptImage_SendsNoSync()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(bState: "usable", cState: "usable"), "sync", "m", "--all");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("mirror m has no corrupt image: nothing to sync", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(daemon.Channel.Lines, line => line.StartsWith("sync-images", StringComparison.Ordinal));
    }

    [Fact]
    public void SyncAll_EveryImageCorrupt_FailsWithEinvalAskingForASource()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(aState: "corrupt"), "sync", "m", "--all");

        Assert.Equal(22, run.ExitCode);
        Assert.Contains("vdmadm: EINVAL: mirror m has no usable image to sync from (every image is corrupt or syncing): name one with --source", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(daemon.Channel.Lines, line => line.StartsWith("sync-images", StringComparison.Ordinal));
    }

    [Fact]
    public void SyncAll_NotAMirror_FailsWithEinvalNamingIt()
    {
        var (run, _) = Run(new FakeMirrorDaemon(), "sync", "a", "--all");

        Assert.Equal(22, run.ExitCode);
        Assert.Contains("vdmadm: EINVAL: a is a physical instance, not a mirror", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MirrorStatus_DuringASync_OneRowPerImageAndTheAttributes()
    {
        var daemon = new FakeMirrorDaemon(cState: "fractured");
        daemon.Channel.Send(new VdmFuse.Control.ControlCommand("sync-images",
            new("name", "m"), new("source", "a"), new("destinations", "b")));
        daemon.Advance();

        var (run, _) = Run(daemon, "mirror", "status", "m");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n');
        Assert.Equal(["IMAGE", "DEV", "STATE", "SYNC", "FROM", "DONE%", "KIB/S", "BLOCK", "GRANULARITY", "CHANGED"], Words(lines[0]));
        Assert.Equal(["a", "11", "usable", "source", "-", "-", "-", "-", "-", "-"], Words(lines[1]));
        Assert.Equal(["b", "12", "sync-destination", "destination", "a", "25", "20480", "32768", "-", "-"], Words(lines[2]));
        Assert.Equal(["c", "13", "fractured", "-", "-", "-", "-", "-", "0", "7"], Words(lines[3]));
        Assert.Contains("Sync in progress:                yes\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("Region size:                     8192 blocks (4.0M)\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("Images:                          a,b,c\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void MirrorStatus_Json_ImagesAndAttributesWithNumbersAndFlags()
    {
        var daemon = new FakeMirrorDaemon();
        daemon.Channel.Send(new VdmFuse.Control.ControlCommand("sync-images",
            new("name", "m"), new("source", "a"), new("destinations", "b,c")));
        daemon.Advance();
        daemon.Advance();

        var (run, _) = Run(daemon, "mirror", "status", "m", "--json");

        using var document = JsonDocument.Parse(run.Output);
        var report = document.RootElement.GetProperty("report");
        var images = report[0].GetProperty("image");
        Assert.Equal(3, images.GetArrayLength());
        Assert.Equal("destination", images[1].GetProperty("sync").GetString());
        Assert.Equal(50, images[1].GetProperty("sync_percent").GetInt64());
        Assert.Equal(20480, images[2].GetProperty("sync_rate_kib").GetInt64());
        Assert.Equal(JsonValueKind.Null, images[0].GetProperty("sync_percent").ValueKind);
        var attributes = report[1].GetProperty("attributes")[0];
        Assert.True(attributes.GetProperty("automatic_sync").GetBoolean());
        Assert.True(attributes.GetProperty("sync_in_progress").GetBoolean());
        Assert.Equal(2, attributes.GetProperty("minimum_images_required_to_use").GetInt64());
        Assert.Equal(8192, attributes.GetProperty("region_size").GetInt64());
    }

    [Fact]
    public void MirrorStatus_NotAMirror_FailsWithEinval()
    {
        var (run, _) = Run(new FakeMirrorDaemon(), "mirror", "status", "a");

        Assert.Equal(22, run.ExitCode);
        Assert.Contains("vdmadm: EINVAL: a is a physical instance, not a mirror", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MirrorStatus_UnknownMirror_FailsWithEnoent()
    {
        var (run, _) = Run(new FakeMirrorDaemon(), "mirror", "status", "nosuch");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("vdmadm: ENOENT: get-attributes: no instance named 'nosuch'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TerminateSync_SendsTerminateSyncWithTheDestination()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(), "terminate-sync", "m", "b");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["terminate-sync name=m destination=b"], daemon.Channel.Lines);
        Assert.Contains("terminated the sync to image b of mirror m; b is left corrupt", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrottleSync_SendsTheNewDelay()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(), "throttle-sync", "m", "b", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["throttle-sync name=m destination=b milliseconds-between-sync-io=0"], daemon.Channel.Lines);
        Assert.Contains("the sync of mirror m to b now waits 0 ms between I/Os", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fracture_WithAndWithoutGranularity_SendsFractureImage()
    {
        var (tracked, trackedDaemon) = Run(new FakeMirrorDaemon(bState: "usable"), "fracture", "m", "b", "--granularity", "16");
        var (plain, plainDaemon) = Run(new FakeMirrorDaemon(bState: "usable"), "fracture", "m", "b");

        Assert.Equal(["fracture-image name=m image=b change-granularity=16"], trackedDaemon.Channel.Lines);
        Assert.Contains("fractured image b of mirror m (changes tracked in granules of 16 blocks)", tracked.Output, StringComparison.Ordinal);
        Assert.Equal(["fracture-image name=m image=b"], plainDaemon.Channel.Lines);
        Assert.Contains("(no change tracking: its next sync copies everything)", plain.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TerminateSync_UnknownMirror_ExitsWithTheDaemonsEnoent()
    {
        var (run, _) = Run(new FakeMirrorDaemon(), "terminate-sync", "nosuch", "b");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("vdmadm: ENOENT: terminate-sync: no instance named 'nosuch'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GlobalWait_BeforeTheSubcommand_StillTakesSeconds()
    {
        var (run, daemon) = Run(new FakeMirrorDaemon(), "--wait", "2", "sync", "m", "--source", "a", "--to", "b");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(2), run.Opened.Single().Wait);
        Assert.Equal(["sync-images name=m source=a destinations=b"], daemon.Channel.Lines);
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
