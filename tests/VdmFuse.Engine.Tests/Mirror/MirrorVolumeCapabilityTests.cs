using VdmFuse.Engine.Dkio;
using VdmFuse.Engine.Metadata;
using VdmFuse.Engine.Mirror;
using VdmFuse.Native;
using VdmFuse.Testing;
using static VdmFuse.Engine.Tests.Mirror.MirrorTestKit;

namespace VdmFuse.Engine.Tests.Mirror;

public sealed class MirrorVolumeCapabilityTests : IDisposable
{
    private const uint Abr = DkVolumeCapabilities.ApplicationBasedRecovery;
    private const uint Dmr = DkVolumeCapabilities.DirectedRead;

    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private DurableMirrorJournal Journal() => new(new RecordLocation(_scratch["m.journal"]));

    [Fact]
    public async Task VolumeCapabilityInfo_WithoutJournal_DirectedReadOnlyAndNothingSet()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);

        Assert.Equal(Dmr, mirror.VolumeCapabilityInfo);
        Assert.Equal(0u, mirror.VolumeCapabilitySet);
    }

    [Fact]
    public async Task VolumeCapabilityInfo_WithJournal_BothCapabilities()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b);

        Assert.Equal(Abr | Dmr, mirror.VolumeCapabilityInfo);
        Assert.Equal(0u, mirror.VolumeCapabilitySet);
    }

    [Fact]
    public async Task SetVolumeCapabilities_AbrWithoutJournal_EnotsupAndNothingChanged()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);

        var e = Assert.Throws<ErrnoException>(() => mirror.SetVolumeCapabilities(true, true));

        Assert.Equal(Errno.ENOTSUP, e.Errno);
        Assert.Contains("mirror 'm'", e.Message);
        Assert.Contains("no journal", e.Message);
        Assert.Equal(0u, mirror.VolumeCapabilitySet);
    }

    [Fact]
    public async Task SetVolumeCapabilities_DmrWithoutJournal_Set()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);

        mirror.SetVolumeCapabilities(false, true);

        Assert.Equal(Dmr, mirror.VolumeCapabilitySet);
        Assert.True(mirror.DirectedReadsEnabled);
        Assert.False(mirror.ApplicationBasedRecovery);
    }

    [Fact]
    public async Task SetVolumeCapabilities_SetThenClearEach_SetFollows()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b);

        mirror.SetVolumeCapabilities(true, true);
        Assert.Equal(Abr | Dmr, mirror.VolumeCapabilitySet);
        mirror.SetVolumeCapabilities(true, false);
        Assert.Equal(Abr, mirror.VolumeCapabilitySet);
        mirror.SetVolumeCapabilities(false, true);
        Assert.Equal(Dmr, mirror.VolumeCapabilitySet);
        mirror.SetVolumeCapabilities(false, false);
        Assert.Equal(0u, mirror.VolumeCapabilitySet);
    }

    [Fact]
    public async Task Abr_Set_DirtyRegionsClearedAndWritesMarkNone()
    {
        using var a = Image("a", 16 * 1024 * 1024);
        using var b = Image("b", 16 * 1024 * 1024);
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b);
        mirror.AddOpen();
        await mirror.WriteAsync(0, Pattern(4096, 1));
        Assert.Equal(1, mirror.DirtyRegions);

        mirror.SetVolumeCapabilities(true, false);

        Assert.True(Journal().Load()!.ApplicationBasedRecovery);
        // The regions are cleared in the background, after the images are flushed; the journal follows.
        await WaitUntilAsync(() => mirror.DirtyRegions == 0 && JournalDirtyRegions(mirror) == 0);
        await mirror.WriteAsync(0, Pattern(4096, 2));
        await mirror.WriteAsync(8L * 1024 * 1024, Pattern(8192, 3));
        Assert.Equal(0, mirror.DirtyRegions);
        Assert.True(Journal().Load()!.ApplicationBasedRecovery);
        Assert.Equal(0, JournalDirtyRegions(mirror));
        Assert.Equal(a.Content, b.Content);
        mirror.RemoveOpen();
    }

    [Fact]
    public async Task Abr_Cleared_DirtyRegionLoggingResumes()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b);
        mirror.AddOpen();
        mirror.SetVolumeCapabilities(true, false);
        await mirror.WriteAsync(0, Pattern(4096, 1));
        Assert.Equal(0, mirror.DirtyRegions);

        mirror.SetVolumeCapabilities(false, false);
        await mirror.WriteAsync(0, Pattern(4096, 2));

        Assert.Equal(1, mirror.DirtyRegions);
        Assert.False(Journal().Load()!.ApplicationBasedRecovery);
        Assert.Equal(1, JournalDirtyRegions(mirror));
        mirror.RemoveOpen();
    }

    [Fact]
    public async Task Abr_ReopenedFromJournal_StillSetAndDirectedReadsOff()
    {
        using var a = Image("a");
        using var b = Image("b");
        using (var mirror = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b))
        {
            mirror.SetVolumeCapabilities(true, true);
        }

        using var reopened = new MirrorDisk("m", [a, b], MirrorSettings.Default, Journal());

        Assert.True(reopened.ApplicationBasedRecovery);
        Assert.False(reopened.DirectedReadsEnabled);
        Assert.Equal(Abr, reopened.VolumeCapabilitySet);
        await reopened.WriteAsync(0, Pattern(4096, 1));
        Assert.Equal(0, reopened.DirtyRegions);
    }

    [Fact]
    public async Task Abr_CrashWhileSet_RestartStartsNoRecoverySync()
    {
        using var a = Image("a");
        using var b = Image("b");
        var crashed = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b);
        crashed.SetVolumeCapabilities(true, false);
        crashed.AddOpen();
        await crashed.WriteAsync(0, Pattern(4096, 1));
        await crashed.WriteAsync(1024 * 1024, Pattern(4096, 2));
        // The daemon is killed: the mirror is never closed.

        using var restarted = new MirrorDisk("m", [a, b], MirrorTestKit.Settings(automatic: true, minimum: 2), Journal());

        Assert.True(restarted.ApplicationBasedRecovery);
        Assert.All(restarted.Images, i => Assert.Equal(ImageState.Usable, i.State));
        Assert.Null(restarted.StartAutomaticSyncIfNeeded());
        Assert.Empty(restarted.Syncs);
        restarted.AddOpen();
        restarted.RemoveOpen();
        crashed.Dispose();
    }

    [Fact]
    public async Task Abr_JournalWithDirtyRegionsAtRestart_ImagesNotMarkedCorrupt()
    {
        using var a = Image("a");
        using var b = Image("b");
        long size;
        long regionBlocks;
        using (var first = await SyncedAsync("m", MirrorSettings.Default, Journal(), a, b))
        {
            first.SetVolumeCapabilities(true, false);
            size = first.Size;
            regionBlocks = first.RegionBlocks;
        }
        // A crash before the dirty regions were cleared: the journal still shows one, with the flag set.
        var journal = Journal();
        var record = journal.Load()!;
        Assert.True(record.ApplicationBasedRecovery);
        var dirty = new GranuleMap(size, regionBlocks);
        dirty.Mark(0, 4096);
        journal.Save(record with { DirtyRegions = dirty.ToBytes() });
        var withoutAbr = record with { DirtyRegions = dirty.ToBytes(), ApplicationBasedRecovery = false };

        using (var restarted = new MirrorDisk("m", [a, b], MirrorTestKit.Settings(automatic: true), Journal()))
        {
            Assert.All(restarted.Images, i => Assert.Equal(ImageState.Usable, i.State));
            Assert.Null(restarted.StartAutomaticSyncIfNeeded());
        }

        // The same journal without the flag: the usual recovery (the second image is corrupt for the dirty region).
        Journal().Save(withoutAbr);
        using var recovering = new MirrorDisk("m", [a, b], MirrorTestKit.Settings(automatic: false), Journal());
        Assert.Equal(ImageState.Corrupt, recovering.FindImage("b").State);
        Assert.False(recovering.ApplicationBasedRecovery);
    }

    private long JournalDirtyRegions(MirrorDisk mirror) =>
        GranuleMap.FromBytes(mirror.Size, mirror.RegionBlocks, Journal().Load()!.DirtyRegions).MarkedCount;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }
}
