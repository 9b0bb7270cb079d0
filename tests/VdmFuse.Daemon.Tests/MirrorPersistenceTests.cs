using System.Globalization;
using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Daemon.Persistence;
using VdmFuse.Engine;
using VdmFuse.Engine.Metadata;
using VdmFuse.Engine.Mirror;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// Persistent mirrors over a real configuration database and real journals: two physical images in scratch
/// files, a mirror built with the engine and recorded, and "restarts" (a new registry and database over the same
/// copies and journal directory). A crash is modelled by putting back the journal as it was while a write was in
/// flight, after the clean close of the old daemon.
/// </summary>
public sealed class MirrorPersistenceTests : IDisposable
{
    private const long ImageBytes = 16L << 20;
    private const long RegionBlocks = 1024; // 512 KiB regions

    private static readonly ControlCaller Root = new(0, 0, 0);

    private readonly ScratchDirectory _scratch = new();
    private readonly List<InstanceRegistry> _registries = [];
    private readonly string _imageA;
    private readonly string _imageB;
    private Daemon _daemon;

    public MirrorPersistenceTests()
    {
        _imageA = _scratch.CreateFile("a.img", ImageBytes);
        _imageB = _scratch.CreateFile("b.img", ImageBytes);
        _daemon = Start();
    }

    private string JournalDirectory => _scratch["mirrors"];

    private string JournalOf(string mirror) => Path.Combine(JournalDirectory, mirror + ".journal");

    public void Dispose()
    {
        foreach (var registry in _registries)
        {
            registry.Dispose();
        }
        _scratch.Dispose();
    }

    [Fact]
    public async Task PersistentMirror_CleanRestart_BackWithDeviceNumberSettingsAndUsableImages()
    {
        var mirror = await CreateSyncedMirrorAsync(automaticSync: true);
        var number = mirror.DeviceNumber;

        Restart();

        var back = Mirror();
        Assert.Equal(number, back.DeviceNumber);
        Assert.Equal(new MirrorSettings(true, 2, 0, 5), back.Settings);
        Assert.Equal(RegionBlocks, back.RegionBlocks);
        Assert.Equal(["a", "b"], back.Images.Select(i => i.Name));
        Assert.All(back.Images, i => Assert.Equal("usable", i.StateName));
        Assert.False(back.SyncInProgress);
        Assert.Equal(0, back.DirtyRegions);
        Assert.True(_daemon.Mode.IsEnabled, _daemon.Mode.Reason);
    }

    [Fact]
    public async Task PersistentMirror_CrashWithDirtyRegion_AutomaticSyncCopiesOnlyThatRegion()
    {
        var mirror = await CreateSyncedMirrorAsync(automaticSync: true);
        var data = TestData.Random(64 * 1024, seed: 3);
        const long Offset = 5 * RegionBlocks * 512 + 4096;
        var journal = await WriteAndCaptureJournalAsync(mirror, Offset, data);
        // b missed the write when the daemon died: its blocks still hold the old data.

        Restart(beforeStart: () =>
        {
            File.WriteAllBytes(JournalOf("m"), journal);
            OverwriteFile(_imageB, Offset, new byte[data.Length]);
        });

        var back = Mirror();
        var sync = back.Syncs.SingleOrDefault();
        Assert.NotNull(sync);
        Assert.True(sync.Automatic);
        Assert.Equal("a", sync.Source.Name);
        await sync.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RegionBlocks, sync.BlocksCopied);
        Assert.All(back.Images, i => Assert.Equal("usable", i.StateName));
        Assert.Equal(File.ReadAllBytes(_imageA), File.ReadAllBytes(_imageB));
        Assert.Equal(data, ReadFile(_imageB, Offset, data.Length));
    }

    [Fact]
    public async Task PersistentMirror_CrashWithoutAutomaticSync_OutOfDateImageCorruptAndNoSync()
    {
        var mirror = await CreateSyncedMirrorAsync(automaticSync: false);
        var journal = await WriteAndCaptureJournalAsync(mirror, 0, TestData.Random(4096, seed: 4));

        Restart(beforeStart: () => File.WriteAllBytes(JournalOf("m"), journal));

        var back = Mirror();
        Assert.False(back.SyncInProgress);
        Assert.Equal("usable", back.FindImage("a").StateName);
        Assert.Equal("corrupt", back.FindImage("b").StateName);
        Assert.Equal("unusable", back.State); // minimum-images-required-to-use 2
    }

    [Fact]
    public async Task PersistentMirror_ImageFileGone_MirrorBackWithTheImageMissingThenRejoinsOnEnable()
    {
        await CreateSyncedMirrorAsync(automaticSync: false);
        var keep = _scratch["b.keep"];
        File.Move(_imageB, keep);

        Restart();

        var back = Mirror();
        Assert.False(_daemon.Mode.IsEnabled);
        Assert.StartsWith("recorded instance 'b' cannot be re-created: ", _daemon.Mode.Reason);
        Assert.Equal(["a", "b"], back.Images.Select(i => i.Name));
        Assert.Equal("usable", back.FindImage("a").StateName);
        Assert.Equal("missing", back.FindImage("b").StateName);

        File.Move(keep, _imageB);
        Assert.Equal("enabled", Ok("enable").Find("mode"));

        Assert.Equal("corrupt", back.FindImage("b").StateName);
        Assert.Same(_daemon.Registry.Get("b"), back.FindImage("b").Instance);
    }

    [Fact]
    public async Task PersistentMirror_Unlink_RecordedWithoutTheImage()
    {
        await CreateSyncedMirrorAsync(automaticSync: false);
        Ok("unlink-child-instance parent=m child=b");

        Restart();

        Assert.Equal(["a"], Mirror().Images.Select(i => i.Name));
        Assert.Empty(_daemon.Registry.Get("b").Parents);
    }

    [Fact]
    public async Task PersistentMirror_UpdateAttributes_RecordedToo()
    {
        await CreateSyncedMirrorAsync(automaticSync: false);
        Ok("update-attributes name=m automatic-sync=1 milliseconds-between-sync-io=40");

        Restart();

        Assert.True(Mirror().Settings.AutomaticSync);
        Assert.Equal(40u, Mirror().Settings.MillisecondsBetweenSyncIo);
    }

    [Fact]
    public async Task PersistentMirror_Delete_JournalAndRecordGone()
    {
        await CreateSyncedMirrorAsync(automaticSync: false);
        Assert.True(File.Exists(JournalOf("m")));

        Ok("delete-instance name=m");

        Assert.False(File.Exists(JournalOf("m")));
        Restart();
        Assert.False(_daemon.Registry.TryGet("m", out _));
        Assert.Empty(_daemon.Registry.Get("a").Parents);
    }

    [Fact]
    public async Task Reset_PersistentMirror_JournalsRemoved()
    {
        await CreateSyncedMirrorAsync(automaticSync: false);

        Restart(reset: true);

        Assert.Empty(_daemon.Registry.All);
        Assert.Empty(Directory.GetFiles(JournalDirectory));
    }

    [Fact]
    public void Start_JournalWithoutRecordedMirror_Removed()
    {
        Directory.CreateDirectory(JournalDirectory);
        var orphan = _daemon.Persistence.OpenMirrorJournal("gone");
        orphan.Save(new MirrorJournalRecord(2, RegionBlocks, [], [new MirrorJournalImage("a", "usable", 0, null)]));

        Restart();

        Assert.False(File.Exists(JournalOf("gone")));
    }

    /// <summary>Persistent a and b, mirror m over them (minimum 2, maximum missing 0, 5 ms sync delay), synchronised and recorded.</summary>
    private async Task<MirrorDisk> CreateSyncedMirrorAsync(bool automaticSync)
    {
        Ok($"create-instance subdriver=physical name=a path={_imageA} persistent=1");
        Ok($"create-instance subdriver=physical name=b path={_imageB} persistent=1");
        var registry = _daemon.Registry;
        var mirror = new MirrorDisk("m", [registry.Get("a"), registry.Get("b")], new MirrorSettings(automaticSync, 2, 0, 5),
            _daemon.Persistence.OpenMirrorJournal("m"), RegionBlocks);
        registry.Register(mirror);
        _daemon.Persistence.Record(mirror);
        await mirror.StartSync("a", ["b"], 0).Completion.WaitAsync(TimeSpan.FromSeconds(30));
        return mirror;
    }

    /// <summary>Writes through the open mirror and returns the journal's bytes while the region is marked dirty.</summary>
    private static async Task<byte[]> WriteAndCaptureJournalAsync(MirrorDisk mirror, long offset, byte[] data)
    {
        mirror.AddOpen();
        await mirror.WriteAsync(offset, data);
        Assert.True(mirror.DirtyRegions > 0);
        var journal = File.ReadAllBytes(((DurableMirrorJournal)mirror.Journal!).Location.Path);
        mirror.RemoveOpen();
        return journal;
    }

    private MirrorDisk Mirror() => Assert.IsType<MirrorDisk>(_daemon.Registry.Get("m"));

    private static void OverwriteFile(string path, long offset, byte[] data)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(file, data, offset);
    }

    private static byte[] ReadFile(string path, long offset, int length)
    {
        using var file = File.OpenHandle(path);
        var data = new byte[length];
        RandomAccess.Read(file, data, offset);
        return data;
    }

    private sealed record Daemon(InstanceRegistry Registry, DaemonMode Mode, PersistentConfiguration Persistence, ControlDispatcher Dispatcher);

    private Daemon Start(bool reset = false)
    {
        var registry = new InstanceRegistry();
        _registries.Add(registry);
        var mode = new DaemonMode();
        var persistence = new PersistentConfiguration([new RecordLocation(_scratch["config.0"]), new RecordLocation(_scratch["config.1"])], registry, mode)
        {
            MirrorJournalDirectory = JournalDirectory,
        };
        if (reset)
        {
            persistence.Reset();
        }
        persistence.LoadAtStart(startDisabled: false);
        return new Daemon(registry, mode, persistence, new ControlDispatcher(registry, mode: mode, persistence: persistence));
    }

    private void Restart(bool reset = false, Action? beforeStart = null)
    {
        _daemon.Registry.Dispose();
        beforeStart?.Invoke();
        _daemon = Start(reset);
    }

    private ControlReply Ok(string line)
    {
        var reply = TextCodec.ParseReply(_daemon.Dispatcher.ExecuteLine(line, Root).Text);
        Assert.True(reply.IsOk, $"{line}: {reply.ErrnoName} {reply.Message}");
        return reply;
    }
}
