using VdmFuse.Engine.Metadata;
using VdmFuse.Engine.Mirror;
using VdmFuse.Testing;
using static VdmFuse.Engine.Tests.Mirror.MirrorTestKit;

namespace VdmFuse.Engine.Tests.Mirror;

public sealed class MirrorRecoveryTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private DurableMirrorJournal Journal() => new(new RecordLocation(_scratch["m.journal"]));

    [Fact]
    public async Task Fracture_WritesMarkGranules_SyncCopiesOnlyMarkedGranules()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        mirror.FractureImage("b", 16);
        var image = mirror.FindImage("b");
        Assert.Equal(ImageState.Fractured, image.State);
        Assert.True(image.IsCorrupt);
        var writesBefore = b.Statistics.Writes;

        // Three writes: blocks 0-7 (granule 0), 100-101 (granule 6), 4000-4031 (granules 250 and 251).
        await mirror.WriteAsync(0, Pattern(4096, 1));
        await mirror.WriteAsync(100 * 512, Pattern(1024, 2));
        await mirror.WriteAsync(4000 * 512, Pattern(16384, 3));
        Assert.Equal(writesBefore, b.Statistics.Writes);
        Assert.Equal(4, image.Changes!.MarkedCount);
        var written = b.Statistics.BytesWritten;

        await mirror.StartSync("a", ["b"], 0).Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4 * 16 * 512, b.Statistics.BytesWritten - written);
        Assert.Equal(a.Content, b.Content);
        Assert.Equal(ImageState.Usable, image.State);
    }

    [Fact]
    public async Task Fracture_GranularityZero_FullSync()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        mirror.FractureImage("b", 0);
        Assert.Null(mirror.FindImage("b").Changes);
        await mirror.WriteAsync(0, Pattern(4096, 1));
        var written = b.Statistics.BytesWritten;

        await mirror.StartSync("a", ["b"], 0).Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ImageSize, b.Statistics.BytesWritten - written);
    }

    [Fact]
    public async Task Fracture_LastUsableImage_Einval()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        mirror.FractureImage("b", 8);
        var e = Assert.Throws<VdmFuse.Native.ErrnoException>(() => mirror.FractureImage("a", 8));
        Assert.Equal(VdmFuse.Native.Errno.EINVAL, e.Errno);
        Assert.Contains("last usable image", e.Message);
    }

    [Fact]
    public async Task Journal_CleanClose_NoDirtyRegionsAtReopen()
    {
        using var a = Image("a");
        using var b = Image("b");
        using (var mirror = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b))
        {
            mirror.AddOpen();
            await mirror.WriteAsync(0, Pattern(4096, 1));
            Assert.Equal(1, mirror.DirtyRegions);
            mirror.RemoveOpen();
            await WaitUntilAsync(() => mirror.DirtyRegions == 0);
        }

        using var reopened = new MirrorDisk("m", [a, b], MirrorSettings.Default, Journal());
        Assert.All(reopened.Images, i => Assert.Equal("usable", i.StateName + (i.Changes is null ? "" : "+map")));
        Assert.Null(reopened.StartAutomaticSyncIfNeeded());
    }

    [Fact]
    public async Task Journal_CrashWithDirtyRegions_AutomaticSyncCopiesOnlyDirtyRegions()
    {
        using var a = Image("a", 64 * 1024 * 1024);
        using var b = Image("b", 64 * 1024 * 1024);
        var crashed = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b);
        crashed.AddOpen();
        // Two writes in two 4 MiB regions; b misses the second one, as if the daemon died between the images' writes.
        await crashed.WriteAsync(0, Pattern(4096, 1));
        b.FailWrite = (offset, _) => offset == 40L * 1024 * 1024;
        a.FailWrite = null;
        await crashed.WriteAsync(40L * 1024 * 1024, Pattern(4096, 2));
        // That marked b corrupt: undo it in the journal to model the crash (b never learnt it missed the write).
        b.FailWrite = null;
        Assert.Equal(2, crashed.DirtyRegions);
        var journal = Journal();
        var record = journal.Load()!;
        journal.Save(record with { Images = [.. record.Images.Select(i => i with { State = "usable" })] });
        // The daemon is killed: the mirror is never closed or disposed.

        using var restarted = new MirrorDisk("m", [a, b], MirrorTestKit.Settings(automatic: true), Journal());
        Assert.Equal(ImageState.Usable, restarted.FindImage("a").State);
        Assert.Equal(ImageState.Corrupt, restarted.FindImage("b").State);
        var written = b.Statistics.BytesWritten;
        var sync = restarted.StartAutomaticSyncIfNeeded();

        Assert.NotNull(sync);
        Assert.True(sync.Automatic);
        await sync.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2 * MirrorDisk.DefaultRegionBlocks * 512, b.Statistics.BytesWritten - written);
        Assert.Equal(a.Content, b.Content);
        Assert.Equal(ImageState.Usable, restarted.FindImage("b").State);
    }

    [Fact]
    public async Task Journal_CrashWithoutAutomaticSync_MirrorNeedsSync()
    {
        using var a = Image("a");
        using var b = Image("b");
        var crashed = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b);
        await crashed.WriteAsync(0, Pattern(4096, 1));

        using var restarted = new MirrorDisk("m", [a, b], MirrorTestKit.Settings(automatic: false, minimum: 2), Journal());

        Assert.Null(restarted.StartAutomaticSyncIfNeeded());
        Assert.Equal(ImageState.Corrupt, restarted.FindImage("b").State);
        Assert.Equal(VdmFuse.Native.Errno.ENXIO, Assert.Throws<VdmFuse.Native.ErrnoException>(restarted.AddOpen).Errno);
    }

    [Fact]
    public async Task Journal_ImageMissingAtRestart_MissingAndCorruptOpenPolicyApplies()
    {
        using var a = Image("a");
        using var b = Image("b");
        using (var mirror = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b))
        {
        }

        using var restarted = new MirrorDisk("m", [a], MirrorTestKit.Settings(maximumMissing: 0), Journal());

        Assert.False(restarted.FindImage("b").IsPresent);
        Assert.Equal("missing", restarted.FindImage("b").StateName);
        Assert.Equal(2, restarted.ChildSlots.Count);
        Assert.False(restarted.ChildSlots[1].IsPresent);
        var e = Assert.Throws<VdmFuse.Native.ErrnoException>(restarted.AddOpen);
        Assert.Equal(VdmFuse.Native.Errno.ENXIO, e.Errno);
        Assert.Contains("maximum-images-missing-to-use 0", e.Message);
        restarted.UpdateAttributes(new Dictionary<string, string> { ["maximum-images-missing-to-use"] = "1" });
        restarted.AddOpen();
        restarted.RemoveOpen();
    }

    [Fact]
    public async Task Journal_FracturedMapSurvivesCrash_DirtyRegionsAddedToIt()
    {
        using var a = Image("a");
        using var b = Image("b");
        var crashed = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b);
        crashed.FractureImage("b", 8);
        await crashed.WriteAsync(8192, Pattern(4096, 1));

        using var restarted = new MirrorDisk("m", [a, b], MirrorSettings.Default, Journal());
        var image = restarted.FindImage("b");

        Assert.Equal(ImageState.Fractured, image.State);
        Assert.NotNull(image.Changes);
        Assert.True(image.Changes.IsMarked(2));
        var written = b.Statistics.BytesWritten;
        await restarted.StartSync("a", ["b"], 0).Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(b.Statistics.BytesWritten - written <= MirrorDisk.DefaultRegionBlocks * 512);
        Assert.Equal(a.Content, b.Content);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }
}
