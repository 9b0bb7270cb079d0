using System.Buffers.Binary;
using System.Diagnostics;
using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine.Mirror;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// The mirror subdriver through the dispatcher: create-instance subdriver=mirror, its attributes and role fields,
/// sync-images, terminate-sync, throttle-sync, fracture-image (as verbs, as ioctl-subdriver commands and as packets),
/// and every error of vdmmirr(7) with its errno and sentence.
/// </summary>
public sealed class MirrorCommandTests : DispatcherFixture
{
    private const int Block = 512;
    private const int ImageBlocks = 10000;
    private static readonly ControlCaller Root = new(0, 0, 0);

    /// <summary>
    /// Physical 'a' (device 1) and 'b' (2), partitions 'image0' (3, a 0+10000), 'image1' (4, b 0+10000) and
    /// 'image2' (5, a 20000+10000).
    /// </summary>
    public MirrorCommandTests()
    {
        var second = Scratch.CreateFile("b.img", ImageSize);
        Ok($"create-instance subdriver=physical name=a path={Image}");
        Ok($"create-instance subdriver=physical name=b path={second}");
        Ok($"create-instance subdriver=partition name=image0 child=a start=0 size={ImageBlocks}");
        Ok($"create-instance subdriver=partition name=image1 child=b start=0 size={ImageBlocks}");
        Ok($"create-instance subdriver=partition name=image2 child=a start=20000 size={ImageBlocks}");
    }

    private MirrorDisk Mirror(string name = "c") => (MirrorDisk)Registry.Get(name);

    /// <summary>The role fields of the image at <paramref name="key"/> (0-based) of mirror c, as get-child-instance gives them.</summary>
    private Dictionary<string, string> Role(int key) =>
        Run($"get-child-instance parent=c parent-subdriver=mirror available=1 key={key}", Unprivileged).Fields.ToDictionary(f => f.Key, f => f.Value);

    /// <summary>Waits as the page's example does: until no image of mirror c has sync-destination=1.</summary>
    private void WaitForSync()
    {
        var clock = Stopwatch.StartNew();
        while (Enumerable.Range(0, Mirror().Images.Count).Any(key => Role(key)["sync-destination"] == "1"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the sync did not end within 60 s");
            Thread.Sleep(20);
        }
        Assert.Equal("0", Ok("get-attributes name=c").Find("sync-in-progress"));
    }

    /// <summary>Fills blocks [start, start + count) of an instance with a pattern that differs per block.</summary>
    private async Task FillAsync(string instance, long start, int count, byte seed)
    {
        var data = new byte[count * Block];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(seed + i / Block * 7 + i % 251);
        }
        await Registry.Get(instance).WriteAsync(start * Block, data);
    }

    private async Task<byte[]> ReadAsync(string instance, long start, int count)
    {
        var data = new byte[count * Block];
        await Registry.Get(instance).ReadAsync(start * Block, data);
        return data;
    }

    private async Task AssertImagesEqualAsync(string first, string second)
    {
        Assert.Equal(await ReadAsync(first, 0, ImageBlocks), await ReadAsync(second, 0, ImageBlocks));
    }

    // ---- create-instance ------------------------------------------------------------------------------------

    [Fact]
    public void CreateInstance_TwoImages_AreCorruptWithTheDefaultSettings()
    {
        Assert.Equal("6", Ok("create-instance subdriver=mirror name=c images=image0,image1").Find("device-number"));

        Assert.Equal(
            "ok subdriver=mirror automatic-sync=0 sync-in-progress=0 minimum-images-required-to-use=-1 maximum-images-missing-to-use=-1 " +
            "milliseconds-between-sync-io=0 images=image0,image1 image-count=2 region-size=0 dirty-regions=0\n",
            TextCodec.Format(Run("get-attributes name=c", Unprivileged)));
        Assert.Equal("2", Ok("get-child-instance parent=c available=0").Find("count"));
        var role = Role(0);
        Assert.Equal("3", role["device-number"]);
        Assert.Equal("image0", role["child"]);
        Assert.Equal(("1", "0", "0", "0"), (role["corrupt"], role["sync-source"], role["sync-destination"], role["fractured"]));
        Assert.Equal(("-", "-", "corrupt", "0"), (role["source-image"], role["source-device-number"], role["state"], role["sync-block"]));
        Assert.Equal("image1", Role(1)["child"]);
        Assert.True(Mirror().Exported);
        Assert.Equal("unusable", Mirror().State);
    }

    [Fact]
    public void CreateInstance_ImagesByDeviceNumberWithSettings_SetsEveryAttribute()
    {
        Ok("create-instance subdriver=mirror name=c images=3,4,5 automatic-sync=1 minimum-images-required-to-use=2 " +
           "maximum-images-missing-to-use=0 milliseconds-between-sync-io=7 region-size=4096 exported=0");

        var attributes = Ok("get-attributes name=c");
        Assert.Equal(["1", "2", "0", "7", "image0,image1,image2", "3"],
            new[] { "automatic-sync", "minimum-images-required-to-use", "maximum-images-missing-to-use", "milliseconds-between-sync-io", "images", "image-count" }
                .Select(key => attributes.Find(key)));
        Assert.False(Mirror().Exported);
        Assert.Equal(ImageBlocks * Block, Mirror().Size);
        Assert.Equal(new MirrorSettings(true, 2, 0, 7), Mirror().Settings);
        Assert.Equal(Mirror(), Assert.Single(Registry.Get("image2").Parents));
    }

    [Fact]
    public void CreateInstance_OneImage_IsUsableAndOpens()
    {
        Ok("create-instance subdriver=mirror name=c images=image0");

        Assert.Equal("0", Role(0)["corrupt"]);
        Assert.Equal("usable", Role(0)["state"]);
        Mirror().AddOpen();
        Mirror().RemoveOpen();
        Assert.Equal(ImageBlocks.ToString(System.Globalization.CultureInfo.InvariantCulture), Ok("dsk-get name=c").Find("total-blocks"));
    }

    [Fact]
    public void MirrorSettingsFrom_CreateFields_TakesTheFourSettingsAndIgnoresTheRest()
    {
        Assert.Equal(MirrorSettings.Default, ControlDispatcher.MirrorSettingsFrom("m", [new("images", "a,b"), new("region-size", "8")]));
        Assert.Equal(new MirrorSettings(true, -1, 1, 20), ControlDispatcher.MirrorSettingsFrom("m",
            [new("automatic-sync", "yes"), new("maximum-images-missing-to-use", "1"), new("milliseconds-between-sync-io", "20")]));
        var error = Assert.Throws<ErrnoException>(() => ControlDispatcher.MirrorSettingsFrom("m", [new("minimum-images-required-to-use", "-2")]));
        Assert.Equal(Errno.EINVAL, error.Errno);
    }

    [Theory]
    [InlineData("create-instance subdriver=mirror name=c", Errno.EINVAL, "create-instance: missing field 'images' (required when subdriver=mirror)")]
    [InlineData("create-instance subdriver=mirror name=c images=image0,nosuch", Errno.ENOENT, "create-instance: there is no instance named or numbered 'nosuch'")]
    [InlineData("create-instance subdriver=mirror name=c images=image0,99", Errno.ENOENT, "create-instance: there is no instance named or numbered '99'")]
    [InlineData("create-instance subdriver=mirror name=c images=image0,,image1", Errno.EINVAL, "create-instance: images of mirror 'c' must be a comma list of 1 to 3 instance names or device numbers, not 'image0,,image1'")]
    [InlineData("create-instance subdriver=mirror name=c images=image0,image1,image2,a", Errno.EINVAL, "create-instance: mirror 'c' needs 1 to 3 images, not 4")]
    [InlineData("create-instance subdriver=mirror name=c images=image0,3", Errno.EINVAL, "create-instance: mirror 'c' names the same image twice")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 path=/x", Errno.EINVAL, "create-instance: field 'path' does not apply to subdriver mirror (mirror 'c')")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 child=a", Errno.EINVAL, "create-instance: field 'child' does not apply to subdriver mirror (mirror 'c')")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 minimum-images-required-to-use=4", Errno.EINVAL, "create-instance: 'minimum-images-required-to-use' of mirror 'c' must be -1 (no test) or 0 to 3, not '4'")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 maximum-images-missing-to-use=-2", Errno.EINVAL, "create-instance: 'maximum-images-missing-to-use' of mirror 'c' must be -1 (no test) or 0 to 3, not '-2'")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 milliseconds-between-sync-io=3600001", Errno.EINVAL, "create-instance: 'milliseconds-between-sync-io' of mirror 'c' must be a number of milliseconds from 0 to 3600000, not '3600001'")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 milliseconds-between-sync-io=-1", Errno.EINVAL, "create-instance: 'milliseconds-between-sync-io' of mirror 'c' must be a number of milliseconds from 0 to 3600000, not '-1'")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 automatic-sync=2", Errno.EINVAL, "create-instance: field 'automatic-sync' is not a boolean: '2'; write yes or no")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 region-size=0", Errno.EINVAL, "create-instance: region-size of mirror 'c' must be 1 to 4294967295 blocks, not 0")]
    [InlineData("create-instance subdriver=mirror name=image1 images=image0", Errno.EEXIST, "create-instance: an instance named 'image1' already exists (partition, device 4)")]
    [InlineData("create-instance subdriver=mirror name=c images=image0 persistent=1", Errno.ENOTSUP, "create-instance: this daemon runs without a configuration database; persistent instances cannot be recorded")]
    [InlineData("create-instance subdriver=physical name=x path=/tmp/x images=image0", Errno.EINVAL, "create-instance: field 'images' does not apply to subdriver physical (only to mirror; instance 'x')")]
    [InlineData("create-instance subdriver=partition name=x child=a start=0 size=8 automatic-sync=1", Errno.EINVAL, "create-instance: field 'automatic-sync' does not apply to subdriver partition (only to mirror; instance 'x')")]
    public void CreateInstance_MirrorBadInput_FailsWithErrnoAndSentence(string line, int errno, string message)
    {
        AssertError(Run(line), errno, message);
        Assert.False(Registry.TryGet("c", out _));
        Assert.Empty(Registry.Get("image0").Parents);
    }

    // ---- the page's example: create, refused open, sync, wait, compare --------------------------------------

    [Fact]
    public async Task SyncImages_ThePagesExample_MakesTheImagesIdenticalAndTheMirrorUsable()
    {
        await FillAsync("image0", 0, ImageBlocks, 0x21);
        await FillAsync("image1", 0, 64, 0x99);
        Ok("create-instance subdriver=mirror name=c images=image0,image1 automatic-sync=1 minimum-images-required-to-use=2 maximum-images-missing-to-use=0");

        var refused = Assert.Throws<ErrnoException>(() => Mirror().AddOpen());
        Assert.Equal(Errno.ENXIO, refused.Errno);
        Assert.Equal("cannot open mirror 'c': it has 0 non-corrupt images, fewer than minimum-images-required-to-use 2", refused.Message);
        AssertError(Run("dsk-get name=c"), Errno.EINVAL, "dsk-get: mirror 'c' is not usable (state unusable)");

        Assert.Equal("10000", Ok("sync-images name=c source=image0 destinations=image1").Find("total-blocks"));
        WaitForSync();

        Assert.All(Enumerable.Range(0, 2).Select(Role), role => Assert.Equal(("0", "0", "usable"), (role["corrupt"], role["sync-source"], role["state"])));
        await AssertImagesEqualAsync("image0", "image1");
        Mirror().AddOpen();
        Mirror().RemoveOpen();
        Assert.Equal("usable", Mirror().State);
        Assert.Equal("10000", Ok("dsk-get name=c").Find("total-blocks"));
    }

    [Fact]
    public async Task SyncImages_WhileRunning_ShowsProgressThenThrottleAndTerminateAct()
    {
        await FillAsync("image0", 0, ImageBlocks, 0x42);
        Ok("create-instance subdriver=mirror name=c images=image0,image1,image2");

        Ok("sync-images name=c source=image0 destinations=image1,image2 milliseconds-between-sync-io=400");

        var source = Role(0);
        Assert.Equal(("1", "0", "usable"), (source["sync-source"], source["corrupt"], source["state"]));
        var destination = Role(1);
        Assert.Equal(("0", "1", "sync-destination"), (destination["corrupt"], destination["sync-destination"], destination["state"]));
        Assert.Equal(("image0", "3", "10000"), (destination["source-image"], destination["source-device-number"], destination["sync-total-blocks"]));
        Assert.Equal("1", Ok("get-attributes name=c").Find("sync-in-progress"));
        Assert.Equal("syncing", Mirror().State);
        AssertError(Run("delete-instance name=c"), Errno.EBUSY, "delete-instance: cannot delete mirror 'c': a sync is running (terminate it first)");
        AssertError(Run("unlink-child-instance parent=c child=image1"), Errno.EBUSY,
            "unlink-child-instance: image 'image1' of mirror 'c' is the destination of a running sync; terminate the sync first");
        AssertError(Run("unlink-child-instance parent=c child=image0"), Errno.EBUSY,
            "unlink-child-instance: image 'image0' of mirror 'c' is the source of a running sync; terminate the sync first");

        Ok("terminate-sync name=c destination=image2");
        Assert.Equal(("1", "0", "corrupt"), (Role(2)["corrupt"], Role(2)["sync-destination"], Role(2)["state"]));
        Ok("throttle-sync name=c destination=4 milliseconds-between-sync-io=0");
        Assert.Equal(0u, Assert.Single(Mirror().Syncs).DelayMilliseconds);
        WaitForSync();

        Assert.Equal("usable", Role(1)["state"]);
        Assert.Equal("corrupt", Role(2)["state"]);
        await AssertImagesEqualAsync("image0", "image1");
        AssertError(Run("throttle-sync name=c destination=image1 milliseconds-between-sync-io=5"), Errno.EINVAL,
            "throttle-sync: image 'image1' of mirror 'c' is not the destination of a running sync");
        AssertError(Run("terminate-sync name=c destination=image2"), Errno.EINVAL,
            "terminate-sync: image 'image2' of mirror 'c' is not the destination of a running sync");
        Ok("delete-instance name=c");
    }

    [Fact]
    public async Task FractureImage_ThenWrites_MarksGranulesAndASyncCopiesOnlyThose()
    {
        Ok("create-instance subdriver=mirror name=c images=image0");
        Ok("link-child-instance parent=c child=image1");
        Assert.Equal("corrupt", Role(1)["state"]);
        Ok("sync-images name=c source=image0 destinations=image1");
        WaitForSync();

        Ok("fracture-image name=c image=image1 change-granularity=16");

        var role = Role(1);
        Assert.Equal(("1", "1", "16", "fractured", "0"), (role["corrupt"], role["fractured"], role["change-granularity"], role["state"], role["changed-granules"]));
        Mirror().AddOpen();
        await FillAsync("c", 0, 2, 0x10);
        await FillAsync("c", 100, 1, 0x20);
        Mirror().RemoveOpen();
        Assert.Equal("2", Role(1)["changed-granules"]);
        var copiedBefore = Registry.Get("image1").Statistics.BytesWritten;

        Ok("sync-images name=c source=image0 destinations=image1");
        WaitForSync();

        Assert.Equal(2 * 16 * Block, Registry.Get("image1").Statistics.BytesWritten - copiedBefore);
        Assert.Equal(("0", "0", "usable"), (Role(1)["corrupt"], Role(1)["fractured"], Role(1)["state"]));
        await AssertImagesEqualAsync("image0", "image1");
    }

    [Fact]
    public async Task UnlinkChild_FracturedImage_EndsTrackingSoItRejoinsCorruptForAFullSync()
    {
        Ok("create-instance subdriver=mirror name=c images=image0");
        Ok("link-child-instance parent=c child=image1");
        Ok("sync-images name=c source=image0 destinations=image1");
        WaitForSync();
        Ok("fracture-image name=c image=image1 change-granularity=16");
        await FillAsync("c", 0, 1, 0x30);
        Assert.Equal("1", Role(1)["changed-granules"]);

        Ok("unlink-child-instance parent=c child=image1");
        Ok("link-child-instance parent=c child=image1");

        var role = Role(1);
        Assert.Equal(("1", "0", "0", "corrupt"), (role["corrupt"], role["fractured"], role["changed-granules"], role["state"]));
        var before = Registry.Get("image1").Statistics.BytesWritten;
        Ok("sync-images name=c source=image0 destinations=image1");
        WaitForSync();
        Assert.Equal(ImageBlocks * Block, Registry.Get("image1").Statistics.BytesWritten - before);
        await AssertImagesEqualAsync("image0", "image1");
    }

    [Fact]
    public void DskGetAddress_ThroughAMirror_FollowsAUsableImageDownToThePhysicalDisk()
    {
        Ok("create-instance subdriver=mirror name=c images=image2");

        var reply = Ok("dsk-get-address name=c block=7");

        var levels = reply.Records.Select(r => r.Fields.ToDictionary(f => f.Key, f => f.Value)).ToList();
        Assert.Equal(["c", "image2", "a"], levels.Select(l => Registry.Get(l["device-number"]).Name));
        Assert.Equal(["7", "7", "20007"], levels.Select(l => l["block"]));
    }

    // ---- the page's rules, with their errnos --------------------------------------------------------------------

    /// <summary>Mirror c over image0 (usable, synced with image1) and image2 (corrupt).</summary>
    private void CreateSyncedMirrorWithACorruptImage()
    {
        Ok("create-instance subdriver=mirror name=c images=image0");
        Ok("link-child-instance parent=c child=image1");
        Ok("sync-images name=c source=image0 destinations=image1");
        WaitForSync();
        Ok("link-child-instance parent=c child=image2");
    }

    [Theory]
    [InlineData("sync-images name=c source=zz destinations=image2", Errno.ENOENT, "sync-images: 'zz' is not an image of mirror 'c'")]
    [InlineData("sync-images name=c source=image0 destinations=a", Errno.ENOENT, "sync-images: 'a' is not an image of mirror 'c'")]
    [InlineData("sync-images name=nosuch source=image0 destinations=image2", Errno.ENOENT, "sync-images: there is no instance named or numbered 'nosuch'")]
    [InlineData("sync-images name=image0 source=image0 destinations=image2", Errno.EINVAL, "sync-images: partition instance 'image0' is not a mirror instance (sync-images works on instances of subdriver mirror)")]
    [InlineData("sync-images name=c source=image0 destinations=image0", Errno.EINVAL, "sync-images: image 'image0' of mirror 'c' cannot be both the source and a destination of a sync")]
    [InlineData("sync-images name=c source=image0 destinations=image2,5", Errno.EINVAL, "sync-images: a sync of mirror 'c' names a destination twice")]
    [InlineData("sync-images name=c source=image0 destinations=image1", Errno.EINVAL, "sync-images: image 'image1' of mirror 'c' is usable; only corrupt images can be sync destinations")]
    [InlineData("sync-images name=c source=image2 destinations=image1", Errno.EINVAL, "sync-images: image 'image2' of mirror 'c' is corrupt; only a usable image can be the source while one exists")]
    [InlineData("sync-images name=c source=image0 destinations=image2 milliseconds-between-sync-io=3600001", Errno.EINVAL, "sync-images: 'milliseconds-between-sync-io' of mirror 'c' must be a number of milliseconds from 0 to 3600000, not '3600001'")]
    [InlineData("sync-images name=c source=image0", Errno.EINVAL, "sync-images: missing field 'destinations'")]
    [InlineData("terminate-sync name=c destination=image2", Errno.EINVAL, "terminate-sync: image 'image2' of mirror 'c' is not the destination of a running sync")]
    [InlineData("terminate-sync name=c destination=nosuch", Errno.ENOENT, "terminate-sync: 'nosuch' is not an image of mirror 'c'")]
    [InlineData("terminate-sync name=a destination=image2", Errno.EINVAL, "terminate-sync: physical instance 'a' is not a mirror instance (terminate-sync works on instances of subdriver mirror)")]
    [InlineData("throttle-sync name=c destination=image2", Errno.EINVAL, "throttle-sync: missing field 'milliseconds-between-sync-io'")]
    [InlineData("throttle-sync name=c destination=image2 milliseconds-between-sync-io=10", Errno.EINVAL, "throttle-sync: image 'image2' of mirror 'c' is not the destination of a running sync")]
    [InlineData("throttle-sync name=b destination=image2 milliseconds-between-sync-io=10", Errno.EINVAL, "throttle-sync: physical instance 'b' is not a mirror instance (throttle-sync works on instances of subdriver mirror)")]
    [InlineData("fracture-image name=c image=image2", Errno.EINVAL, "fracture-image: image 'image2' of mirror 'c' is corrupt; only a usable image can be fractured")]
    [InlineData("fracture-image name=c image=image1 change-granularity=-1", Errno.EINVAL, "fracture-image: 'change-granularity' of mirror instance 'c' must be a non-negative whole number, not '-1'")]
    [InlineData("fracture-image name=c image=image1 change-granularity=10001", Errno.EINVAL, "fracture-image: change-granularity 10001 of mirror 'c' must be 0 (no tracking) to 10000 blocks")]
    [InlineData("fracture-image name=c image=zz", Errno.ENOENT, "fracture-image: 'zz' is not an image of mirror 'c'")]
    [InlineData("fracture-image name=image1 image=image1", Errno.EINVAL, "fracture-image: partition instance 'image1' is not a mirror instance (fracture-image works on instances of subdriver mirror)")]
    [InlineData("link-child-instance parent=c child=a", Errno.EINVAL, "link-child-instance: mirror 'c' already has 3 images, the most a mirror holds")]
    [InlineData("update-attributes name=c minimum-images-required-to-use=4", Errno.EINVAL, "update-attributes: 'minimum-images-required-to-use' of mirror 'c' must be -1 (no test) or 0 to 3, not '4'")]
    [InlineData("update-attributes name=c automatic-sync=2", Errno.EINVAL, "update-attributes: field 'automatic-sync' is not a boolean: '2'; write yes or no")]
    [InlineData("update-attributes name=c start=5", Errno.EINVAL, "update-attributes: attribute 'start' of mirror instance 'c' cannot be updated (only automatic-sync, minimum-images-required-to-use, maximum-images-missing-to-use, milliseconds-between-sync-io can)")]
    [InlineData("update-attributes name=c subdriver=partition minimum-images-required-to-use=1", Errno.EINVAL, "update-attributes: instance 'c' is a mirror instance, not partition")]
    public void MirrorCommands_AgainstThePagesRules_FailWithErrnoAndSentence(string line, int errno, string message)
    {
        CreateSyncedMirrorWithACorruptImage();

        AssertError(Run(line), errno, message);

        Assert.Equal(["usable", "usable", "corrupt"], Mirror().Images.Select(i => i.StateName));
        Assert.Empty(Mirror().Syncs);
        Assert.Equal(MirrorSettings.Default, Mirror().Settings);
    }

    [Fact]
    public void SyncImages_SecondSyncFromAnotherSource_IsRefusedWhileTheFirstRuns()
    {
        Ok("create-instance subdriver=mirror name=c images=image0,image1,image2");
        Ok("sync-images name=c source=image0 destinations=image1 milliseconds-between-sync-io=1000");

        AssertError(Run("sync-images name=c source=image1 destinations=image2"), Errno.EINVAL,
            "sync-images: image 'image1' of mirror 'c' is sync-destination; only a usable image can be the source while one exists");
        Ok("sync-images name=c source=image0 destinations=image2 milliseconds-between-sync-io=1000");
        Assert.Equal(2, Mirror().Syncs.Count);
        AssertError(Run("fracture-image name=c image=image0"), Errno.EINVAL,
            "fracture-image: image 'image0' of mirror 'c' is the source of a running sync; only a usable image can be fractured");

        Ok("terminate-sync name=c destination=image1");
        Ok("terminate-sync name=c destination=image2");
        Assert.True(SpinWait.SpinUntil(() => Mirror().Syncs.Count == 0, TimeSpan.FromSeconds(10)));
        Ok("delete-instance name=c");
    }

    [Fact]
    public void FractureImage_LastUsableImage_IsRefused()
    {
        Ok("create-instance subdriver=mirror name=c images=image0");
        Ok("link-child-instance parent=c child=image1");

        AssertError(Run("fracture-image name=c image=image0"), Errno.EINVAL,
            "fracture-image: image 'image0' is the last usable image of mirror 'c' and cannot be fractured");
    }

    [Fact]
    public void UpdateAttributes_MinusOneAndOtherSettings_AreAppliedEvenWhileOpen()
    {
        Ok("create-instance subdriver=mirror name=c images=image0 minimum-images-required-to-use=1 maximum-images-missing-to-use=1");
        Mirror().AddOpen();

        Ok("update-attributes name=c subdriver=mirror minimum-images-required-to-use=-1 maximum-images-missing-to-use=-1 automatic-sync=yes milliseconds-between-sync-io=25");

        Mirror().RemoveOpen();
        Assert.Equal(new MirrorSettings(true, -1, -1, 25), Mirror().Settings);
        var attributes = Ok("get-attributes name=c");
        Assert.Equal(("1", "-1", "-1", "25"), (attributes.Find("automatic-sync"), attributes.Find("minimum-images-required-to-use"),
            attributes.Find("maximum-images-missing-to-use"), attributes.Find("milliseconds-between-sync-io")));
    }

    [Fact]
    public void Open_BelowTheMinimumOrWithoutAUsableImage_FailsWithEnxio()
    {
        Ok("create-instance subdriver=mirror name=c images=image0 minimum-images-required-to-use=2");
        var belowMinimum = Assert.Throws<ErrnoException>(() => Mirror().AddOpen());
        Assert.Equal(Errno.ENXIO, belowMinimum.Errno);
        Assert.Equal("cannot open mirror 'c': it has 1 non-corrupt image, fewer than minimum-images-required-to-use 2", belowMinimum.Message);
        AssertError(Run("dsk-get name=c"), Errno.EINVAL, "dsk-get: mirror 'c' is not usable (state unusable)");

        Ok("create-instance subdriver=mirror name=d images=image1,image2");
        var noneUsable = Assert.Throws<ErrnoException>(() => Mirror("d").AddOpen());
        Assert.Equal(Errno.ENXIO, noneUsable.Errno);
        Assert.Equal("cannot open mirror 'd': no image is usable (synchronise it first)", noneUsable.Message);
        AssertError(Run("dsk-get name=d"), Errno.EINVAL, "dsk-get: mirror 'd' is not usable (state unusable)");

        Ok("update-attributes name=c minimum-images-required-to-use=1");
        Mirror().AddOpen();
        Mirror().RemoveOpen();
    }

    [Fact]
    public void UnlinkChild_LastChildOrLastUsableImageOfAnOpenMirror_IsRefused()
    {
        Ok("create-instance subdriver=mirror name=c images=image0");
        AssertError(Run("unlink-child-instance parent=c child=image0"), Errno.EINVAL,
            "unlink-child-instance: 'image0' is the last image of mirror 'c'; a mirror must have one (delete the mirror instead)");
        Ok("link-child-instance parent=c child=image1");
        Mirror().AddOpen();

        AssertError(Run("unlink-child-instance parent=c child=image0"), Errno.EBUSY,
            "unlink-child-instance: image 'image0' is the last usable image of mirror 'c', which is open");
        AssertError(Run("delete-instance name=c"), Errno.EBUSY, "delete-instance: cannot delete mirror 'c': it is open (1 open)");
        Ok("unlink-child-instance parent=c child=image1");

        Mirror().RemoveOpen();
        Ok("link-child-instance parent=c child=image1");
        Ok("unlink-child-instance parent=c child=image0"); // not open: any image may go
        Assert.Equal(["image1"], Mirror().Images.Select(i => i.Name));
    }

    [Theory]
    [InlineData("sync-images name=c source=image0 destinations=image1")]
    [InlineData("terminate-sync name=c destination=image1")]
    [InlineData("throttle-sync name=c destination=image1 milliseconds-between-sync-io=1")]
    [InlineData("fracture-image name=c image=image0")]
    [InlineData("ioctl-subdriver subdriver=mirror name=c command=sync-images source=image0 destinations=image1")]
    [InlineData("ioctl-subdriver subdriver=mirror name=c command=fracture-image image=image0")]
    [InlineData("update-attributes name=c automatic-sync=1")]
    [InlineData("create-instance subdriver=mirror name=m images=image2")]
    public void MirrorCommands_FromAnOrdinaryUser_AreRefusedWithEperm(string line)
    {
        Ok("create-instance subdriver=mirror name=c images=image0,image1");
        var verb = line[..line.IndexOf(' ', StringComparison.Ordinal)];

        AssertError(Run(line, Unprivileged), Errno.EPERM, $"{verb}: only root may run this command (caller uid 1000)");

        Assert.Empty(Mirror().Syncs);
        Assert.Equal(MirrorSettings.Default, Mirror().Settings);
        Assert.True(Run("get-attributes name=c", Unprivileged).IsOk);
        Assert.True(Run("get-child-instance parent=c available=1", Unprivileged).IsOk);
    }

    // ---- the second form: ioctl-subdriver --------------------------------------------------------------------

    [Fact]
    public async Task IoctlSubdriver_MirrorCommands_RunLikeTheVerbs()
    {
        await FillAsync("image0", 0, ImageBlocks, 0x5c);
        Ok("create-instance subdriver=mirror name=c images=image0,image1,image2");

        Assert.Equal("10000", Ok("ioctl-subdriver subdriver=mirror name=c command=sync-images source=image0 destinations=4,5 milliseconds-between-sync-io=300").Find("total-blocks"));
        Ok("ioctl-subdriver subdriver=mirror name=6 command=throttle-sync destination=image1 milliseconds-between-sync-io=0");
        Ok("ioctl-subdriver subdriver=mirror name=c command=terminate-sync destination=image2");
        WaitForSync();
        Ok("ioctl-subdriver subdriver=mirror name=c command=fracture-image image=image1 change-granularity=8");

        Assert.Equal(["usable", "fractured", "corrupt"], Mirror().Images.Select(i => i.StateName));
        Assert.Equal(8, Mirror().FindImage("image1").ChangeGranularity);
        await AssertImagesEqualAsync("image0", "image1");
        AssertError(Run("ioctl-subdriver subdriver=mirror name=a command=fracture-image image=image1"), Errno.EINVAL,
            "ioctl-subdriver: instance 'a' is a physical instance, not mirror");
        AssertError(Run("ioctl-subdriver subdriver=mirror name=c command=sync-images source=image0"), Errno.EINVAL,
            "ioctl-subdriver: missing field 'destinations' (required by mirror command sync-images)");
        AssertError(Run("ioctl-subdriver subdriver=mirror name=c command=terminate-sync destination=image2 image=image1"), Errno.EINVAL,
            "ioctl-subdriver: unknown field 'image'");
        AssertError(Run("ioctl-subdriver subdriver=mirror name=c command=flush"), Errno.EINVAL,
            "ioctl-subdriver: subdriver mirror has no command 'flush'");
        AssertError(Run("ioctl-subdriver subdriver=mirror name=c command=sync-images source=image1 destinations=image2"), Errno.EINVAL,
            "ioctl-subdriver: image 'image1' of mirror 'c' is fractured; only a usable image can be the source while one exists");
    }

    // ---- the binary front doors --------------------------------------------------------------------------------

    [Fact]
    public void Packets_CreateSyncAndRole_TravelThroughTheControlFileAndTheMirrorsOwnFile()
    {
        var door = new PacketDoor(Dispatcher);
        var create = PacketBytes(ControlVerbs.CreateInstance, 1144, packet =>
        {
            packet.U32(4, VdmAbi.SubdriverMirror).Name(8, "c");
            packet.I32(96, -1).I32(100, -1).U32(108, 2).U32(112, 3).U32(116, 4);
        });
        var created = door.ExecuteRequest(create, Root);
        Assert.Equal(0, created.Errno);
        Assert.Equal(6u, BinaryPrimitives.ReadUInt32LittleEndian(created.Reply.AsSpan(PacketCodec.ReplyHeaderSize + 80)));
        Assert.Equal(MirrorSettings.Default, Mirror().Settings);

        // sync-images through ioctl(2) on dsk/c: the mirror is implied. Open refuses an unusable mirror, so the
        // daemon's door is driven directly with the file's instance.
        var sync = new byte[40];
        BinaryPrimitives.WriteUInt32LittleEndian(sync.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(sync.AsSpan(16), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(sync.AsSpan(20), 4);
        var synced = door.ExecuteIoctl(VdmAbi.CmdSyncImages, 40, 40, 40, sync, Mirror(), "dsk/c", Root);
        Assert.Equal(0, synced.Errno);
        Assert.Equal(10000ul, BinaryPrimitives.ReadUInt64LittleEndian(synced.Reply.AsSpan(32)));
        var refused = door.ExecuteIoctl(VdmAbi.CmdSyncImages, 40, 40, 40, sync, Mirror(), "dsk/c", Unprivileged);
        Assert.Equal(Errno.EPERM, refused.Errno);
        WaitForSync();

        var child = new byte[112];
        BinaryPrimitives.WriteUInt32LittleEndian(child.AsSpan(4), VdmAbi.SubdriverMirror);
        BinaryPrimitives.WriteUInt32LittleEndian(child.AsSpan(12), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(child.AsSpan(16), 1);
        var role = door.ExecuteIoctl(VdmAbi.CmdGetChildInstance, 112, 112, 112, child, Mirror(), "dsk/c", Unprivileged);
        Assert.Equal(0, role.Errno);
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(role.Reply.AsSpan(28))); // image1
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(role.Reply.AsSpan(52))); // no flag: usable
        Assert.Equal(VdmAbi.NoDevice, BinaryPrimitives.ReadUInt32LittleEndian(role.Reply.AsSpan(68)));

        // fracture-image as ioctl-subdriver on the control file, then the role shows it.
        var fracture = new byte[1040];
        BinaryPrimitives.WriteUInt32LittleEndian(fracture.AsSpan(4), VdmAbi.SubdriverMirror);
        BinaryPrimitives.WriteUInt32LittleEndian(fracture.AsSpan(8), 6);
        BinaryPrimitives.WriteUInt32LittleEndian(fracture.AsSpan(12), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(fracture.AsSpan(16 + 8), 32);
        BinaryPrimitives.WriteUInt32LittleEndian(fracture.AsSpan(16 + 12), 4);
        Assert.Equal(0, door.ExecuteIoctl(VdmAbi.CmdIoctlSubdriver, 1040, 1040, 1040, fracture, null, "vdm", Root).Errno);
        BinaryPrimitives.WriteUInt32LittleEndian(child.AsSpan(8), 6); // on the control file the packet names the mirror
        role = door.ExecuteIoctl(VdmAbi.CmdGetChildInstance, 112, 112, 112, child, null, "vdm", Unprivileged);
        Assert.Equal(0, role.Errno);
        Assert.Equal(VdmAbi.MirrorCorrupt | VdmAbi.MirrorFractured, BinaryPrimitives.ReadUInt32LittleEndian(role.Reply.AsSpan(52)));
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(role.Reply.AsSpan(64)));

        // update-attributes with -1 and get-attributes of the flags and signed limits.
        var update = PacketBytes(ControlVerbs.UpdateAttributes, 1072, packet =>
            packet.U32(4, 6).U32(8, VdmAbi.SubdriverMirror).U32(20, 1).I32(24, -1).I32(28, 2).U32(32, 9));
        Assert.Equal(0, door.ExecuteRequest(update, Root).Errno);
        var get = PacketBytes(ControlVerbs.GetAttributes, 1072, packet => packet.U32(4, 6));
        var reply = PacketCodec.DecodeReply(door.ExecuteRequest(get, Unprivileged).Reply);
        Assert.Equal(("mirror", "1", "0", "-1", "2", "9", "2"), (reply.Find("subdriver"), reply.Find("automatic-sync"), reply.Find("sync-in-progress"),
            reply.Find("minimum-images-required-to-use"), reply.Find("maximum-images-missing-to-use"), reply.Find("milliseconds-between-sync-io"), reply.Find("image-count")));
    }

    [Fact]
    public void Ioctl_OnAnotherInstancesFile_NamingTheMirror_IsRefused()
    {
        Ok("create-instance subdriver=mirror name=c images=image0,image1");
        var door = new PacketDoor(Dispatcher);
        var terminate = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(terminate.AsSpan(4), 6);
        BinaryPrimitives.WriteUInt32LittleEndian(terminate.AsSpan(8), 4);

        var outcome = door.ExecuteIoctl(VdmAbi.CmdTerminateSync, 16, 16, 16, terminate, Registry.Get("image0"), "dsk/image0", Root);

        Assert.Equal(Errno.EINVAL, outcome.Errno);
        Assert.Equal("terminate-sync: field 'device-number' names instance 6, but the ioctl was issued on the file of instance 3", outcome.Message);
        BinaryPrimitives.WriteUInt32LittleEndian(terminate.AsSpan(4), 0);
        outcome = door.ExecuteIoctl(VdmAbi.CmdTerminateSync, 16, 16, 16, terminate, Registry.Get("image0"), "dsk/image0", Root);
        Assert.Equal(Errno.EINVAL, outcome.Errno);
        Assert.Equal("terminate-sync: partition instance 'image0' is not a mirror instance (terminate-sync works on instances of subdriver mirror)", outcome.Message);
    }

    /// <summary>A request (header and packet) of <paramref name="verb"/>, the packet filled by <paramref name="fill"/>.</summary>
    private static byte[] PacketBytes(string verb, int size, Action<PacketWriter> fill)
    {
        var data = new byte[PacketCodec.RequestHeaderSize + size];
        BinaryPrimitives.WriteUInt32LittleEndian(data, VdmAbi.RequestMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), PacketCodec.CommandNumber(verb));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)size);
        fill(new PacketWriter(data, PacketCodec.RequestHeaderSize));
        return data;
    }

    /// <summary>Writes little-endian fields at packet offsets.</summary>
    private sealed class PacketWriter(byte[] data, int start)
    {
        public PacketWriter U32(int offset, uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(start + offset), value);
            return this;
        }

        public PacketWriter I32(int offset, int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(start + offset), value);
            return this;
        }

        public PacketWriter Name(int offset, string name)
        {
            System.Text.Encoding.UTF8.GetBytes(name).CopyTo(data, start + offset);
            return this;
        }
    }
}
