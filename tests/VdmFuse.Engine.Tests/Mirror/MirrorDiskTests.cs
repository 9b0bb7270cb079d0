using VdmFuse.Engine.Mirror;
using VdmFuse.Native;
using VdmFuse.Testing;
using static VdmFuse.Engine.Tests.Mirror.MirrorTestKit;

namespace VdmFuse.Engine.Tests.Mirror;

public sealed class MirrorDiskTests
{
    [Fact]
    public void Create_OneImage_ImageIsUsableAndMirrorOpens()
    {
        using var a = Image("a");
        using var mirror = new MirrorDisk("m", [a], MirrorSettings.Default);

        Assert.Equal(ImageState.Usable, mirror.Images[0].State);
        mirror.AddOpen();
        Assert.True(mirror.IsUsable);
        Assert.Equal(ImageSize, mirror.Size);
        mirror.RemoveOpen();
    }

    [Fact]
    public void Create_TwoImages_AllCorruptOpenFailsWithEnxioAndGeometryWithEinval()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = new MirrorDisk("m", [a, b], MirrorSettings.Default);

        Assert.All(mirror.Images, i => Assert.Equal(ImageState.Corrupt, i.State));
        var open = Assert.Throws<ErrnoException>(mirror.AddOpen);
        Assert.Equal(Errno.ENXIO, open.Errno);
        Assert.Contains("mirror 'm'", open.Message);
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => mirror.GetGeometry()).Errno);
        Assert.Equal("unusable", mirror.State);
    }

    [Fact]
    public void Create_FourImages_Einval()
    {
        var images = Enumerable.Range(0, 4).Select(i => (DiskInstance)Image($"i{i}")).ToArray();
        var e = Assert.Throws<ErrnoException>(() => new MirrorDisk("m", images, MirrorSettings.Default));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("1 to 3 images", e.Message);
    }

    [Fact]
    public void Create_DifferentSizes_SizeIsTheSmallest()
    {
        using var a = Image("a", ImageSize);
        using var b = Image("b", ImageSize / 2);
        using var mirror = new MirrorDisk("m", [a, b], MirrorSettings.Default);
        Assert.Equal(ImageSize / 2, mirror.Size);
    }

    [Fact]
    public async Task Sync_FromSource_DestinationEqualsSourceAndBothUsable()
    {
        using var a = Image("a");
        using var b = Image("b");
        var data = Pattern(ImageSize, 1);
        await a.WriteAsync(0, data);
        using var mirror = new MirrorDisk("m", [a, b], MirrorSettings.Default);

        var sync = mirror.StartSync("a", ["b"], 0);
        Assert.Equal(ImageState.SyncDestination, mirror.FindImage("b").State);
        Assert.True(mirror.FindImage("a").IsSyncSource);
        await sync.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(data, b.Content);
        Assert.All(mirror.Images, i => Assert.Equal(ImageState.Usable, i.State));
        Assert.False(mirror.FindImage("a").IsSyncSource);
        Assert.Equal(100, sync.Percent);
        Assert.Equal(ImageSize / 512, sync.BlocksCopied);
        Assert.Equal("usable", mirror.State);
    }

    [Fact]
    public async Task Sync_OneSourceTwoDestinations_SourceReadOnce()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var c = Image("c");
        await a.WriteAsync(0, Pattern(ImageSize, 2));
        using var mirror = new MirrorDisk("m", [a, b, c], MirrorSettings.Default);
        var before = a.Statistics.BytesRead;

        await mirror.StartSync("a", ["b", "c"], 0).Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ImageSize, a.Statistics.BytesRead - before);
        Assert.Equal(a.Content, b.Content);
        Assert.Equal(a.Content, c.Content);
    }

    [Fact]
    public async Task Write_SyncedMirror_ReachesEveryImage()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        var data = Pattern(8192, 3);

        await mirror.WriteAsync(4096, data);

        Assert.Equal(data, a.Content.AsSpan(4096, 8192).ToArray());
        Assert.Equal(data, b.Content.AsSpan(4096, 8192).ToArray());
    }

    [Fact]
    public async Task Read_SyncedMirror_SpreadOverBothImages()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        var readsA = a.Statistics.Reads;
        var readsB = b.Statistics.Reads;

        for (var i = 0; i < 20; i++)
        {
            await ReadAsync(mirror, i * 4096L, 4096);
        }

        Assert.Equal(10, a.Statistics.Reads - readsA);
        Assert.Equal(10, b.Statistics.Reads - readsB);
    }

    [Fact]
    public async Task Write_FailsOnOneImage_ImageCorruptWriteSucceedsOthersHoldData()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        b.FailWrite = (_, _) => true;
        var data = Pattern(4096, 4);

        await mirror.WriteAsync(0, data);

        Assert.Equal(ImageState.Corrupt, mirror.FindImage("b").State);
        Assert.Equal(ImageState.Usable, mirror.FindImage("a").State);
        Assert.Equal(data, await ReadAsync(mirror, 0, 4096));
        Assert.Equal("degraded", mirror.State);
    }

    [Fact]
    public async Task Write_FailsOnEveryUsableImage_Eio()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        a.FailWrite = (_, _) => true;
        b.FailWrite = (_, _) => true;

        var e = await Assert.ThrowsAsync<ErrnoException>(async () => await mirror.WriteAsync(0, new byte[512]));

        Assert.Equal(Errno.EIO, e.Errno);
        Assert.Contains("failed on every usable image", e.Message);
    }

    [Fact]
    public async Task Read_TransientErrorOnOneImage_RetriedAndCorrectedImageStaysUsable()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        var data = Pattern(4096, 5);
        await mirror.WriteAsync(0, data);
        var failures = 0;
        a.FailRead = (_, _) => Interlocked.Increment(ref failures) == 1;
        b.FailRead = (_, _) => Interlocked.Increment(ref failures) == 1;

        Assert.Equal(data, await ReadAsync(mirror, 0, 4096));

        Assert.All(mirror.Images, i => Assert.Equal(ImageState.Usable, i.State));
        Assert.Equal(data, a.Content.AsSpan(0, 4096).ToArray());
        Assert.Equal(data, b.Content.AsSpan(0, 4096).ToArray());
    }

    [Fact]
    public async Task Read_PersistentErrorOnOneImage_DataFromOtherImageFailedImageCorrupt()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        var data = Pattern(4096, 6);
        await mirror.WriteAsync(0, data);
        a.FailRead = (_, _) => true;

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(data, await ReadAsync(mirror, 0, 4096));
        }

        Assert.Equal(ImageState.Corrupt, mirror.FindImage("a").State);
        Assert.Equal(ImageState.Usable, mirror.FindImage("b").State);
    }

    [Fact]
    public async Task Read_EveryImageFails_Eio()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        a.FailRead = (_, _) => true;
        b.FailRead = (_, _) => true;

        var e = await Assert.ThrowsAsync<ErrnoException>(async () => await ReadAsync(mirror, 0, 512));
        Assert.Equal(Errno.EIO, e.Errno);
    }

    [Fact]
    public async Task Open_FewerNonCorruptThanMinimum_Enxio()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorTestKit.Settings(minimum: 2), null, a, b);
        mirror.AddOpen();
        mirror.RemoveOpen();
        b.FailWrite = (_, _) => true;
        await mirror.WriteAsync(0, new byte[512]);

        var e = Assert.Throws<ErrnoException>(mirror.AddOpen);

        Assert.Equal(Errno.ENXIO, e.Errno);
        Assert.Contains("fewer than minimum-images-required-to-use 2", e.Message);
        Assert.False(mirror.IsUsable);
    }

    [Fact]
    public async Task Open_SyncDestinationCountsAsNonCorrupt()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = new MirrorDisk("m", [a, b], MirrorTestKit.Settings(minimum: 2, delay: 50));
        var sync = mirror.StartSync("a", ["b"], 50);

        mirror.AddOpen();
        mirror.RemoveOpen();
        mirror.TerminateSync("b");
        await sync.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Errno.ENXIO, Assert.Throws<ErrnoException>(mirror.AddOpen).Errno);
    }

    [Fact]
    public void Open_MinimumMinusOne_TestNotApplied()
    {
        using var a = Image("a");
        using var mirror = new MirrorDisk("m", [a], MirrorTestKit.Settings(minimum: -1));
        mirror.AddOpen();
        mirror.RemoveOpen();
        mirror.UpdateAttributes(new Dictionary<string, string> { ["minimum-images-required-to-use"] = "2" });
        Assert.Equal(Errno.ENXIO, Assert.Throws<ErrnoException>(mirror.AddOpen).Errno);
    }

    [Fact]
    public void Link_AddsCorruptImage_FourthRefused_SmallerRefused()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var c = Image("c");
        using var d = Image("d");
        using var small = Image("small", ImageSize / 2);
        using var registry = new InstanceRegistry();
        registry.Register(a);
        registry.Register(b);
        registry.Register(c);
        registry.Register(d);
        registry.Register(small);
        registry.Register(new MirrorDisk("m", [a], MirrorSettings.Default));

        registry.LinkChild("m", "b");
        var mirror = (MirrorDisk)registry.Get("m");
        Assert.Equal(ImageState.Corrupt, mirror.FindImage("b").State);
        var tooSmall = Assert.Throws<ErrnoException>(() => registry.LinkChild("m", "small"));
        Assert.Equal(Errno.EINVAL, tooSmall.Errno);
        Assert.Contains("smaller than mirror 'm'", tooSmall.Message);
        registry.LinkChild("m", "c");
        var fourth = Assert.Throws<ErrnoException>(() => registry.LinkChild("m", "d"));
        Assert.Equal(Errno.EINVAL, fourth.Errno);
        Assert.Contains("already has 3 images", fourth.Message);
    }

    [Fact]
    public async Task Unlink_LastChildEinval_LastUsableOfOpenMirrorEbusy_OtherwiseAllowed()
    {
        using var registry = new InstanceRegistry();
        var a = (MemoryDisk)registry.Register(Image("a"));
        var b = (MemoryDisk)registry.Register(Image("b"));
        var mirror = (MirrorDisk)registry.Register(new MirrorDisk("m", [a, b], MirrorSettings.Default));
        await mirror.StartSync("a", ["b"], 0).Completion.WaitAsync(TimeSpan.FromSeconds(30));
        b.FailWrite = (_, _) => true;
        await mirror.WriteAsync(0, new byte[512]);
        mirror.AddOpen();

        var lastUsable = Assert.Throws<ErrnoException>(() => registry.UnlinkChild("m", "a"));
        Assert.Equal(Errno.EBUSY, lastUsable.Errno);
        Assert.Contains("last usable image", lastUsable.Message);
        registry.UnlinkChild("m", "b");
        mirror.RemoveOpen();
        var last = Assert.Throws<ErrnoException>(() => registry.UnlinkChild("m", "a"));
        Assert.Equal(Errno.EINVAL, last.Errno);
        Assert.Contains("last image", last.Message);
    }

    [Fact]
    public async Task Delete_WhileSyncRuns_Ebusy()
    {
        using var registry = new InstanceRegistry();
        var a = registry.Register(Image("a"));
        var b = registry.Register(Image("b"));
        var mirror = (MirrorDisk)registry.Register(new MirrorDisk("m", [a, b], MirrorSettings.Default));
        var sync = mirror.StartSync("a", ["b"], 200);

        var e = Assert.Throws<ErrnoException>(() => registry.Delete("m"));

        Assert.Equal(Errno.EBUSY, e.Errno);
        Assert.Contains("sync is running", e.Message);
        mirror.TerminateSync("b");
        await sync.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        registry.Delete("m");
    }

    [Fact]
    public async Task SyncRules_CorruptSourceWhileUsableExists_NonCorruptDestination_DifferentSource_Einval()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var c = Image("c");
        using var mirror = new MirrorDisk("m", [a, b, c], MirrorSettings.Default);
        var first = mirror.StartSync("a", ["b"], 100);

        Assert.Contains("only a usable image can be the source",
            Assert.Throws<ErrnoException>(() => mirror.StartSync("c", ["b"], 0)).Message);
        var notCorrupt = Assert.Throws<ErrnoException>(() => mirror.StartSync("a", ["b"], 0));
        Assert.Equal(Errno.EINVAL, notCorrupt.Errno);
        Assert.Contains("only corrupt images can be sync destinations", notCorrupt.Message);
        Assert.Equal(Errno.ENOENT, Assert.Throws<ErrnoException>(() => mirror.StartSync("a", ["zz"], 0)).Errno);
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => mirror.StartSync("a", ["a"], 0)).Errno);
        var second = mirror.StartSync("a", ["c"], 0);
        mirror.ThrottleSync("b", 0);
        await Task.WhenAll(first.Completion, second.Completion).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(mirror.Images, i => Assert.Equal(ImageState.Usable, i.State));
    }

    [Fact]
    public async Task TerminateSync_OneDestination_LeftCorruptOtherFinishes()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var c = Image("c");
        await a.WriteAsync(0, Pattern(ImageSize, 7));
        using var mirror = new MirrorDisk("m", [a, b, c], MirrorSettings.Default);
        var sync = mirror.StartSync("a", ["b", "c"], 20);

        mirror.TerminateSync("b");
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => mirror.TerminateSync("b")).Errno);
        mirror.ThrottleSync("c", 0);
        await sync.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ImageState.Corrupt, mirror.FindImage("b").State);
        Assert.Equal(ImageState.Usable, mirror.FindImage("c").State);
        Assert.Equal(a.Content, c.Content);
    }

    [Fact]
    public async Task Sync_WritesDuringSync_DestinationEqualsSourceAtTheEnd()
    {
        using var a = Image("a");
        using var b = Image("b");
        await a.WriteAsync(0, Pattern(ImageSize, 8));
        using var mirror = new MirrorDisk("m", [a, b], MirrorSettings.Default);
        var sync = mirror.StartSync("a", ["b"], 1);
        var random = new Random(9);

        while (!sync.Completion.IsCompleted)
        {
            var block = random.Next(0, ImageSize / 4096);
            await mirror.WriteAsync(block * 4096L, Pattern(4096, block));
        }
        await sync.Completion;

        Assert.Equal(a.Content, b.Content);
    }

    [Fact]
    public async Task Sync_SourceReadFails_ChunkReadFromAnotherUsableImage()
    {
        using var registry = new InstanceRegistry();
        var a = (MemoryDisk)registry.Register(Image("a"));
        registry.Register(Image("b"));
        var c = (MemoryDisk)registry.Register(Image("c"));
        var mirror = (MirrorDisk)registry.Register(new MirrorDisk("m", [a], MirrorSettings.Default));
        var data = Pattern(ImageSize, 10);
        await mirror.WriteAsync(0, data);
        registry.LinkChild("m", "b");
        await mirror.StartSync("a", ["b"], 0).Completion.WaitAsync(TimeSpan.FromSeconds(30));
        registry.LinkChild("m", "c");
        a.FailRead = (offset, _) => offset < 1024 * 1024;

        await mirror.StartSync("a", ["c"], 0).Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(data, c.Content);
        Assert.Equal(ImageState.Usable, mirror.FindImage("c").State);
        Assert.Equal(ImageState.Corrupt, mirror.FindImage("a").State);
    }
}
