using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Daemon.Hosting;
using VdmFuse.Daemon.Persistence;
using VdmFuse.Daemon.Tree;
using VdmFuse.Engine;
using VdmFuse.Engine.Metadata;
using VdmFuse.Engine.Remap;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// Persistent remap instances over a real image file and a real configuration database: physical "d" with the
/// table partitions "pt" (blocks 2048+8), "st" (2056+8), the remap area "ra" (2064+64) and the data partition "p0"
/// (4096+2048), all persistent; the remap instance "r" built with the engine, recorded, and linked under p0. A
/// "restart" is a new registry and database over the same copies.
/// </summary>
public sealed class RemapPersistenceTests : IDisposable
{
    private const long ImageBytes = 8L << 20;
    private const long P0Start = 4096;
    private const long BadBlock = P0Start + 64; // a block of p0, the first of a sector for any sector size up to 4 KiB

    private static readonly ControlCaller Root = new(0, 0, 0);

    private readonly ScratchDirectory _scratch = new();
    private readonly List<InstanceRegistry> _registries = [];
    private readonly string _image;
    private RemapDaemon _daemon;

    public RemapPersistenceTests()
    {
        _image = _scratch.CreateFile("d.img", ImageBytes);
        _daemon = RemapDaemon.Start(_scratch, _registries);
    }

    public void Dispose()
    {
        foreach (var registry in _registries)
        {
            registry.Dispose();
        }
        _scratch.Dispose();
    }

    [Fact]
    public async Task PersistentRemap_CleanRestart_EntriesReadBackFromTheTablesAndPartitionStillRedirected()
    {
        var remap = CreateRemapRig();
        var data = TestData.Random(remap.UnitSize, seed: 6);
        remap.ForceRemap(BadBlock);
        await Partition().WriteAsync((BadBlock - P0Start) * 512, data);
        var entry = Assert.Single(remap.Entries);
        Assert.Equal(new RemapEntry(BadBlock, 0, RemapEntryState.Mapped), entry);
        var number = remap.DeviceNumber;
        var sequence = remap.Tables.Sequence;

        Restart();

        var back = Remap();
        Assert.NotSame(remap, back);
        Assert.Equal(number, back.DeviceNumber);
        Assert.False(back.Exported);
        Assert.Equal(["pt", "st", "ra"], new[] { back.PrimaryTable.Name, back.SecondaryTable.Name, back.Area.Name });
        Assert.Equal([new RemapEntry(BadBlock, 0, RemapEntryState.Mapped)], back.Entries);
        Assert.Equal(sequence, back.Tables.Sequence);
        Assert.Same(back, Partition().Remap);
        Assert.Equal(1, Partition().RemappedBlocks);
        Assert.True(_daemon.Mode.IsEnabled, _daemon.Mode.Reason);
        // The data is in the remap area, not at the bad block's place, and p0 still reads it from there.
        Assert.NotEqual(data, ReadImage(BadBlock * 512, data.Length));
        Assert.Equal(data, ReadImage((2064 + 0) * 512, data.Length));
        var read = new byte[data.Length];
        await Partition().ReadAsync((BadBlock - P0Start) * 512, read);
        Assert.Equal(data, read);
        // The files of p0 show it: user.vdm.remapped-blocks and user.vdm.remap-table.
        Assert.Equal("1", VdmFileSystem.XattrValue(Partition(), "user.vdm.remapped-blocks"));
        Assert.Equal($"{BadBlock} 0 mapped\n", VdmFileSystem.XattrValue(Partition(), "user.vdm.remap-table"));
    }

    [Fact]
    public void Xattrs_PartitionWithAndWithoutARemap_RemapAttributesOnlyWhereLinked()
    {
        var remap = CreateRemapRig();
        Ok("create-instance subdriver=partition name=p1 child=d start=8192 size=1024");
        var p1 = _daemon.Registry.Get("p1");

        Assert.Equal("0", VdmFileSystem.XattrValue(Partition(), "user.vdm.remapped-blocks"));
        Assert.Equal("", VdmFileSystem.XattrValue(Partition(), "user.vdm.remap-table"));
        Assert.Null(VdmFileSystem.XattrValue(p1, "user.vdm.remapped-blocks"));
        Assert.Null(VdmFileSystem.XattrValue(p1, "user.vdm.remap-table"));
        Assert.Null(VdmFileSystem.XattrValue(_daemon.Registry.Get("d"), "user.vdm.remap-table"));

        remap.ForceRemap(BadBlock);
        remap.ForceRemap(BadBlock + 8);

        Assert.Equal($"{BadBlock} -1 forced\n{BadBlock + 8} -1 forced\n", VdmFileSystem.XattrValue(Partition(), "user.vdm.remap-table"));
        Assert.Equal("0", VdmFileSystem.XattrValue(Partition(), "user.vdm.remapped-blocks"));
        Assert.Null(VdmFileSystem.XattrValue(remap, "user.vdm.remapped-blocks"));
    }

    [Fact]
    public void PersistentRemap_CreatedAndLinkedThroughTheControlFile_BackAfterRestartWithItsEntries()
    {
        Ok($"create-instance subdriver=physical name=d path={_image} persistent=1");
        Ok("create-instance subdriver=partition name=pt child=d start=2048 size=8 persistent=1");
        Ok("create-instance subdriver=partition name=st child=d start=2056 size=8 persistent=1");
        Ok("create-instance subdriver=partition name=ra child=d start=2064 size=64 persistent=1");
        Ok($"create-instance subdriver=partition name=p0 child=d start={P0Start} size=2048 persistent=1");
        Ok("remap-format primary=pt secondary=st area=ra");
        var number = Ok("create-instance subdriver=remap name=r primary-table=pt secondary-table=st remap-area=ra persistent=1").Find("device-number");
        Ok("link-child-instance parent=p0 child=r");
        Ok($"force-remap name=r block={BadBlock}");

        Restart();

        Assert.Equal(number, Remap().DeviceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Same(Remap(), Partition().Remap);
        var entry = Ok("list-remap-table name=p0 key=0");
        Assert.Equal(BadBlock.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Find("bad-block"));
        Assert.Equal("forced", entry.Find("status"));
        Assert.True(_daemon.Mode.IsEnabled, _daemon.Mode.Reason);
    }

    [Fact]
    public void PersistentRemap_RecordedAfterThePartitionItIsLinkedUnder_StillRecreatedFirstAndLinked()
    {
        var remap = CreateRemapRig();
        remap.ForceRemap(BadBlock);
        _daemon.Persistence.Record(remap); // now listed after p0 in the configuration
        var order = _daemon.Persistence.Database.State.Instances.Select(i => i.Name).ToList();
        Assert.True(order.IndexOf("p0") < order.IndexOf("r"), string.Join(",", order));

        Restart();

        Assert.Same(Remap(), Partition().Remap);
        Assert.Equal([new RemapEntry(BadBlock, -1, RemapEntryState.Forced)], Remap().Entries);
        Assert.True(_daemon.Mode.IsEnabled, _daemon.Mode.Reason);
    }

    [Fact]
    public void PersistentRemap_Record_ChildrenByRoleAndNotExported()
    {
        var remap = CreateRemapRig();

        var record = InstanceRecords.ToRecord(remap);

        Assert.Equal("remap", record.Subdriver);
        Assert.Equal(["pt", "st", "ra"], record.Children);
        Assert.False(record.Exported);
        Assert.Empty(record.Attributes);
        Assert.Equal(["d", "r"], InstanceRecords.ToRecord(Partition()).Children);
        Assert.Contains("remap", InstanceRecords.Recordable);
    }

    [Fact]
    public void PersistentRemap_TablesUnreadable_SkippedLoggedAndTheRestOfTheConfigurationLoads()
    {
        CreateRemapRig();
        Ok($"create-instance subdriver=physical name=e path={_scratch.CreateFile("e.img", 1 << 20)} persistent=1");
        var tables = ReadImage(2048 * 512, 16 * 512);

        Restart(beforeStart: () => OverwriteImage(2048 * 512, TestData.Random(16 * 512, seed: 9)));

        var registry = _daemon.Registry;
        Assert.False(registry.TryGet("r", out _));
        Assert.All(new[] { "d", "pt", "st", "ra", "p0", "e" }, name => Assert.True(registry.TryGet(name, out _), name));
        Assert.Null(Partition().Remap);
        Assert.Empty(registry.Get("pt").Parents);
        Assert.False(_daemon.Mode.IsEnabled);
        Assert.StartsWith("recorded instance 'r' cannot be re-created: ", _daemon.Mode.Reason, StringComparison.Ordinal);
        // The record stays: with the tables back, enable re-creates the remap instance and links it under p0 again.
        Assert.True(_daemon.Persistence.IsRecorded("r"));

        OverwriteImage(2048 * 512, tables);
        Assert.Equal("enabled", Ok("enable").Find("mode"));

        Assert.Same(Remap(), Partition().Remap);
        Assert.True(_daemon.Mode.IsEnabled, _daemon.Mode.Reason);
    }

    [Fact]
    public void PersistentRemap_TablesUnreadableAtEnable_EnableRefusedNamingThePartition()
    {
        CreateRemapRig();
        OverwriteImage(2048 * 512, TestData.Random(16 * 512, seed: 10));
        Restart();
        Assert.False(_daemon.Mode.IsEnabled);

        var reply = TextCodec.ParseReply(_daemon.Dispatcher.ExecuteLine("enable", Root).Text);

        Assert.False(reply.IsOk);
        Assert.Contains("recorded instance 'r' cannot be re-created", reply.Message, StringComparison.Ordinal);
        Assert.Null(Partition().Remap);
    }

    /// <summary>Persistent d, pt, st, ra and p0; tables formatted; r created with the engine, recorded, and linked under p0 (re-recorded).</summary>
    private RemapDisk CreateRemapRig()
    {
        Ok($"create-instance subdriver=physical name=d path={_image} persistent=1");
        Ok("create-instance subdriver=partition name=pt child=d start=2048 size=8 persistent=1");
        Ok("create-instance subdriver=partition name=st child=d start=2056 size=8 persistent=1");
        Ok("create-instance subdriver=partition name=ra child=d start=2064 size=64 persistent=1");
        Ok($"create-instance subdriver=partition name=p0 child=d start={P0Start} size=2048 persistent=1");
        var registry = _daemon.Registry;
        RemapDisk.Format(registry.Get("pt"), registry.Get("st"), registry.Get("ra"), force: false);
        var remap = new RemapDisk("r", registry.Get("pt"), registry.Get("st"), registry.Get("ra"));
        registry.Register(remap, exported: false);
        _daemon.Persistence.Record(remap);
        registry.LinkChild("p0", "r");
        _daemon.Persistence.Record(registry.Get("p0"));
        return remap;
    }

    private RemapDisk Remap() => Assert.IsType<RemapDisk>(_daemon.Registry.Get("r"));

    private PartitionDisk Partition() => Assert.IsType<PartitionDisk>(_daemon.Registry.Get("p0"));

    private void OverwriteImage(long offset, byte[] data)
    {
        using var file = File.OpenHandle(_image, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(file, data, offset);
    }

    private byte[] ReadImage(long offset, int length)
    {
        using var file = File.OpenHandle(_image);
        var data = new byte[length];
        RandomAccess.Read(file, data, offset);
        return data;
    }

    private void Restart(Action? beforeStart = null)
    {
        _daemon.Registry.Dispose();
        beforeStart?.Invoke();
        _daemon = RemapDaemon.Start(_scratch, _registries);
    }

    private ControlReply Ok(string line)
    {
        var reply = TextCodec.ParseReply(_daemon.Dispatcher.ExecuteLine(line, Root).Text);
        Assert.True(reply.IsOk, $"{line}: {reply.ErrnoName} {reply.Message}");
        return reply;
    }
}

/// <summary>A daemon's pieces over the configuration copies of a scratch directory, as the persistence tests restart them.</summary>
internal sealed record RemapDaemon(InstanceRegistry Registry, DaemonMode Mode, PersistentConfiguration Persistence, ControlDispatcher Dispatcher)
{
    public static RemapDaemon Start(ScratchDirectory scratch, List<InstanceRegistry> registries)
    {
        var registry = new InstanceRegistry();
        registries.Add(registry);
        var mode = new DaemonMode();
        var persistence = new PersistentConfiguration([new RecordLocation(scratch["config.0"]), new RecordLocation(scratch["config.1"])], registry, mode)
        {
            MirrorJournalDirectory = scratch["mirrors"],
        };
        persistence.LoadAtStart(startDisabled: false);
        return new RemapDaemon(registry, mode, persistence, new ControlDispatcher(registry, mode: mode, persistence: persistence));
    }
}

/// <summary>The crash hooks change a static of the engine, so these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RemapCrashPointCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "remap crash point";
}

/// <summary>
/// VDMFUSE_CRASH_POINT=remap-between-tables (<see cref="CrashPoints"/>): the hook fires between the two tables of
/// an update, and what the "crash" leaves on disk (the primary table updated, the secondary not) is recovered at the
/// next start. The crash is an exception thrown on the test's own thread instead of SIGKILL.
/// </summary>
[Collection(RemapCrashPointCollection.Name)]
public sealed class RemapCrashPointTests : IDisposable
{
    [ThreadStatic]
    private static bool t_armed;

    private readonly ScratchDirectory _scratch = new();
    private readonly List<InstanceRegistry> _registries = [];

    public void Dispose()
    {
        CrashPoints.Uninstall();
        foreach (var registry in _registries)
        {
            registry.Dispose();
        }
        _scratch.Dispose();
    }

    [Fact]
    public void Install_RemapBetweenTables_CrashBetweenThePrimaryAndTheSecondaryAndTheNextStartHasTheEntry()
    {
        var image = _scratch.CreateFile("d.img", 8L << 20);
        var daemon = RemapDaemon.Start(_scratch, _registries);
        var registry = daemon.Registry;
        Ok(daemon, $"create-instance subdriver=physical name=d path={image} persistent=1");
        Ok(daemon, "create-instance subdriver=partition name=pt child=d start=2048 size=8 persistent=1");
        Ok(daemon, "create-instance subdriver=partition name=st child=d start=2056 size=8 persistent=1");
        Ok(daemon, "create-instance subdriver=partition name=ra child=d start=2064 size=64 persistent=1");
        Ok(daemon, "create-instance subdriver=partition name=p0 child=d start=4096 size=2048 persistent=1");
        RemapDisk.Format(registry.Get("pt"), registry.Get("st"), registry.Get("ra"), force: false);
        var remap = new RemapDisk("r", registry.Get("pt"), registry.Get("st"), registry.Get("ra"));
        registry.Register(remap, exported: false);
        daemon.Persistence.Record(remap);
        registry.LinkChild("p0", "r");
        daemon.Persistence.Record(registry.Get("p0"));
        var secondaryBefore = ReadFile(image, 2056 * 512, 8 * 512);

        Assert.True(CrashPoints.Install(name => name == CrashPoints.Variable ? CrashPoints.RemapBetweenTables : null, Crash));
        t_armed = true;
        try
        {
            Assert.Throws<SimulatedCrashException>(() => remap.ForceRemap(4160));
        }
        finally
        {
            t_armed = false;
            CrashPoints.Uninstall();
        }
        Assert.Equal(secondaryBefore, ReadFile(image, 2056 * 512, 8 * 512));
        Assert.NotEqual(secondaryBefore, ReadFile(image, 2048 * 512, 8 * 512));

        registry.Dispose();
        var next = RemapDaemon.Start(_scratch, _registries);

        var back = Assert.IsType<RemapDisk>(next.Registry.Get("r"));
        Assert.Equal([new RemapEntry(4160, -1, RemapEntryState.Forced)], back.Entries);
        Assert.Null(back.Tables.PrimaryFailure);
        Assert.Null(back.Tables.SecondaryFailure);
        Assert.Same(back, Assert.IsType<PartitionDisk>(next.Registry.Get("p0")).Remap);
        Assert.True(next.Mode.IsEnabled, next.Mode.Reason);
        // The older secondary was rewritten from the primary at start: it alone now brings the entry back.
        Assert.NotEqual(secondaryBefore, ReadFile(image, 2056 * 512, 8 * 512));
        next.Registry.Dispose();
        WriteFile(image, 2048 * 512, new byte[8 * 512]);
        var third = RemapDaemon.Start(_scratch, _registries);
        Assert.Equal([new RemapEntry(4160, -1, RemapEntryState.Forced)], Assert.IsType<RemapDisk>(third.Registry.Get("r")).Entries);
    }

    [Fact]
    public void Install_VariableUnsetOrEmpty_InstallsNothing()
    {
        Assert.False(CrashPoints.Install(_ => null, Crash));
        Assert.False(CrashPoints.Install(_ => "", Crash));
        Assert.Null(RemapTables.CrashPoint);
    }

    [Fact]
    public void Install_UnknownPoint_FailsTheStartWithExitCode1NamingIt()
    {
        var error = Assert.Throws<DaemonStartException>(() => CrashPoints.Install(_ => "remap-somewhere", Crash));

        Assert.Equal(ExitCodes.BadOption, error.ExitCode);
        Assert.Equal("VDMFUSE_CRASH_POINT=remap-somewhere names no crash point (known: remap-between-tables); it is a test hook, unset it for normal use", error.Message);
        Assert.Null(RemapTables.CrashPoint);
    }

    private static void Crash()
    {
        if (t_armed)
        {
            throw new SimulatedCrashException();
        }
    }

    private static byte[] ReadFile(string path, long offset, int length)
    {
        using var file = File.OpenHandle(path);
        var data = new byte[length];
        RandomAccess.Read(file, data, offset);
        return data;
    }

    private static void WriteFile(string path, long offset, byte[] data)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(file, data, offset);
    }

    private static void Ok(RemapDaemon daemon, string line)
    {
        var reply = TextCodec.ParseReply(daemon.Dispatcher.ExecuteLine(line, new ControlCaller(0, 0, 0)).Text);
        Assert.True(reply.IsOk, $"{line}: {reply.ErrnoName} {reply.Message}");
    }

    private sealed class SimulatedCrashException : Exception
    {
        public SimulatedCrashException() : base("simulated crash between the remap tables")
        {
        }
    }
}
