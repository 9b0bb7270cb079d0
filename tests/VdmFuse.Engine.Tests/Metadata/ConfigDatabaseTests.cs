using VdmFuse.Engine.Metadata;
using VdmFuse.Native;
using VdmFuse.Testing;
using static VdmFuse.Engine.Tests.Metadata.MetadataTestKit;

namespace VdmFuse.Engine.Tests.Metadata;

public sealed class ConfigDatabaseTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private RecordLocation[] Files(int count) => [.. Enumerable.Range(0, count).Select(i => new RecordLocation(_scratch[$"config.{i}"]))];

    private static ConfigDatabase OpenWithCommits(RecordLocation[] locations, int commits)
    {
        var database = ConfigDatabase.Open(locations);
        for (var i = 0; i < commits; i++)
        {
            database.Commit(AddDisk);
        }
        return database;
    }

    [Fact]
    public void Load_FirstStart_InitialisesEveryCopyAndEnables()
    {
        var locations = Files(2);
        var database = new ConfigDatabase(locations);
        var report = database.Load();
        Assert.True(report.Initialized);
        Assert.True(report.IsEnabled);
        Assert.Equal("", report.DisabledReason);
        Assert.Equal(2, report.GoodCopies);
        Assert.Equal(1UL, report.Sequence);
        Assert.True(database.IsEnabled);
        Assert.Empty(database.State.Instances);
        Assert.All(locations, l => Assert.Equal(RecordLocation.DefaultFileLength, new FileInfo(l.Path).Length));
        var again = ConfigDatabase.Open(locations);
        Assert.False(again.LastLoad!.Initialized);
        Assert.Equal(database.Id, again.Id);
    }

    [Fact]
    public void Commit_ThenLoad_SameConfigurationAndSequence()
    {
        var locations = Files(3);
        var database = OpenWithCommits(locations, 5);
        var state = database.Commit(s => s.WithInstance(Partition("p1", 77, "d1", 2048, 4096)));
        Assert.Equal(7UL, database.Sequence);
        var loaded = ConfigDatabase.Open(locations);
        Assert.True(loaded.IsEnabled);
        Assert.Equal(3, loaded.GoodCopies);
        Assert.Equal(7UL, loaded.Sequence);
        Assert.True(state.SameAs(loaded.State));
        Assert.Equal(77U, loaded.State.Find("p1")!.DeviceNumber);
        Assert.Equal(["d1"], loaded.State.Find("p1")!.Children);
        Assert.Equal("4096", loaded.State.Find("p1")!.Attributes["size"]);
        Assert.Equal(6U, loaded.State.NextDeviceNumber);
        Assert.Contains("\"nextDeviceNumber\":6", System.Text.Encoding.UTF8.GetString(ConfigSerializer.Serialize(loaded.State)));
    }

    [Fact]
    public void Load_CopyExactlyOneChangeOlder_RolledForward()
    {
        var locations = Files(2);
        var database = OpenWithCommits(locations, 2);
        var stale = File.ReadAllBytes(locations[1].Path);
        var latest = database.Commit(AddDisk);
        File.WriteAllBytes(locations[1].Path, stale); // as if the crash came between the two copies' writes
        var loaded = ConfigDatabase.Open(locations);
        var report = loaded.LastLoad!;
        Assert.Equal(CopyState.Good, report.Copies[0].State);
        Assert.Equal(CopyState.RolledForward, report.Copies[1].State);
        Assert.Equal("rolled-forward", report.Copies[1].StateName);
        Assert.True(report.IsEnabled);
        Assert.True(latest.SameAs(loaded.State));
        var copy1 = DurableRecordStore.Open(locations[1]).ReadNewest()!;
        Assert.Equal(4UL, copy1.Sequence);
    }

    [Fact]
    public void Load_CopyTwoChangesOlder_StaleAndDisabledWithTwoCopies()
    {
        var locations = Files(2);
        var database = OpenWithCommits(locations, 1);
        var stale = File.ReadAllBytes(locations[1].Path);
        database.Commit(AddDisk);
        database.Commit(AddDisk);
        File.WriteAllBytes(locations[1].Path, stale);
        var report = ConfigDatabase.Open(locations).LastLoad!;
        Assert.Equal(CopyState.Stale, report.Copies[1].State);
        Assert.Equal(2UL, report.Copies[1].Sequence);
        Assert.Contains("more than one change older than sequence 4", report.Copies[1].Detail);
        Assert.False(report.IsEnabled);
        Assert.StartsWith("only 1 of 2 configuration copies are usable (at least 2 are needed): ", report.DisabledReason);
        Assert.Contains(locations[1].Path, report.DisabledReason);
        Assert.Equal(4UL, report.Sequence);
    }

    [Fact]
    public void Load_StaleCopyAmongThree_IgnoredAndEnabled()
    {
        var locations = Files(3);
        var database = OpenWithCommits(locations, 1);
        var stale = File.ReadAllBytes(locations[0].Path);
        database.Commit(AddDisk);
        database.Commit(AddDisk);
        File.WriteAllBytes(locations[0].Path, stale);
        var loaded = ConfigDatabase.Open(locations);
        Assert.True(loaded.IsEnabled);
        Assert.Equal(2, loaded.GoodCopies);
        Assert.Equal("stale", loaded.Copies[0].StateName);
        loaded.Commit(AddDisk);
        Assert.Equal(2UL, DurableRecordStore.Open(locations[0]).ReadNewest()!.Sequence); // stale copies are not written
    }

    [Fact]
    public void Load_SameSequenceDifferentContent_ConflictDescribedPrecisely()
    {
        var locations = Files(2);
        var database = OpenWithCommits(locations, 1);
        var id = database.Id;
        var baseState = database.State;
        var left = baseState.WithInstance(Physical("x", 10, "/a.img")).WithInstance(Physical("only-left", 11, "/l.img"));
        var right = baseState.WithInstance(Physical("x", 12, "/b.img")).WithInstance(Physical("only-right", 13, "/r.img"));
        DurableRecordStore.Open(locations[0]).Write(id, 3, ConfigSerializer.Serialize(left));
        DurableRecordStore.Open(locations[1]).Write(id, 3, ConfigSerializer.Serialize(right));

        var loaded = ConfigDatabase.Open(locations);
        var report = loaded.LastLoad!;
        Assert.False(report.IsEnabled);
        Assert.False(loaded.HasState);
        Assert.All(report.Copies, c => Assert.Equal(CopyState.Conflict, c.State));
        var conflict = Assert.Single(report.Conflicts);
        Assert.Equal(3UL, conflict.Sequence);
        Assert.Equal(locations, conflict.Copies);
        var a = $"'{locations[0].Path}'";
        var b = $"'{locations[1].Path}'";
        Assert.Equal(
            [
                $"instance 'x': deviceNumber is 10 in {a} and 12 in {b}",
                $"instance 'x': attribute path is '/a.img' in {a} and '/b.img' in {b}",
                $"instance 'only-left' (physical, device 11) is only in {a}",
                $"instance 'only-right' (physical, device 13) is only in {b}",
            ],
            conflict.Differences);
        Assert.Contains($"configuration copies {a} and {b} both hold sequence 3 of configuration {id} but differ", report.DisabledReason);
        Assert.Contains("db-restore from=PATH", report.DisabledReason);
        Assert.Equal(Errno.EAGAIN, Assert.Throws<ErrnoException>(() => loaded.Commit(AddDisk)).Errno);
        Assert.Equal(Errno.EAGAIN, Assert.Throws<ErrnoException>(() => loaded.AddCopy(new RecordLocation(_scratch["new"]))).Errno);

        var restored = loaded.RestoreFrom(locations[1]);
        Assert.True(restored.IsEnabled);
        Assert.Equal(4UL, restored.Sequence);
        Assert.True(right.SameAs(loaded.State));
        Assert.True(right.SameAs(ConfigDatabase.Open(locations).State));
    }

    [Fact]
    public void Load_CopiesOfDifferentConfigurations_Conflict()
    {
        var locations = Files(2);
        OpenWithCommits(locations, 1);
        var foreign = DurableRecordStore.Open(locations[1]);
        var other = Guid.NewGuid();
        foreign.Initialize(other);
        foreign.Write(other, 1, ConfigSerializer.Serialize(ConfigState.Empty));
        var report = ConfigDatabase.Open(locations).LastLoad!;
        Assert.False(report.IsEnabled);
        Assert.Contains("the copies hold different configurations", report.DisabledReason);
        Assert.Contains(other.ToString(), report.DisabledReason);
    }

    [Fact]
    public void Load_DirectoryInPlaceOfCopy_DisabledNamingEisdir()
    {
        var locations = Files(2);
        OpenWithCommits(locations, 1);
        File.Delete(locations[1].Path);
        Directory.CreateDirectory(locations[1].Path);
        var report = ConfigDatabase.Open(locations).LastLoad!;
        Assert.Equal(CopyState.IoError, report.Copies[1].State);
        Assert.Equal(Errno.EISDIR, report.Copies[1].Errno);
        Assert.False(report.IsEnabled);
        Assert.Contains($"'{locations[1].Path}' io-error (EISDIR)", report.DisabledReason);
        Assert.Equal(1, report.GoodCopies);
        Assert.NotNull(report.State);
    }

    [Fact]
    public void Load_CorruptAndTruncatedCopies_IgnoredAsFormatErrors()
    {
        var locations = Files(4);
        OpenWithCommits(locations, 3);
        FlipByte(locations[0].Path, 0);
        FlipByte(locations[0].Path, RecordLocation.DefaultFileLength / 2);
        using (var stream = new FileStream(locations[1].Path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(100);
        }
        var loaded = ConfigDatabase.Open(locations);
        Assert.Equal("format-error", loaded.Copies[0].StateName);
        Assert.Equal("format-error", loaded.Copies[1].StateName);
        Assert.True(loaded.IsEnabled);
        Assert.Equal(2, loaded.GoodCopies);
        Assert.Equal(4UL, loaded.Sequence);
    }

    [Fact]
    public void Load_NewerFormatVersion_DisabledAndReported()
    {
        var locations = Files(2);
        OpenWithCommits(locations, 1);
        var header = ReadBytes(locations[0].Path, RecordLocation.DefaultFileLength / 2, 64);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 9);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(60), System.IO.Hashing.Crc32.HashToUInt32(header.AsSpan(0, 60)));
        WriteBytes(locations[0].Path, RecordLocation.DefaultFileLength / 2, header);
        var report = ConfigDatabase.Open(locations).LastLoad!;
        Assert.True(report.HasUnsupportedVersion);
        Assert.False(report.IsEnabled);
        Assert.Equal(CopyState.UnsupportedVersion, report.Copies[0].State);
        Assert.Contains("format version 9", report.DisabledReason);
    }

    [Fact]
    public void Commit_CopyBecomesUnwritable_MarkedFailedEventRaisedAndDisabled()
    {
        var locations = Files(3);
        var database = OpenWithCommits(locations, 1);
        var failed = new List<CopyFailedEventArgs>();
        var modes = new List<ConfigModeChangedEventArgs>();
        database.CopyFailed += (_, e) => failed.Add(e);
        database.ModeChanged += (_, e) => modes.Add(e);

        File.Delete(locations[1].Path);
        Directory.CreateDirectory(locations[1].Path);
        database.Commit(AddDisk);
        var copy = Assert.Single(failed).Copy;
        Assert.Equal(CopyState.Failed, copy.State);
        Assert.Equal(Errno.EISDIR, copy.Errno);
        Assert.Equal(2, database.GoodCopies);
        Assert.True(database.IsEnabled);
        Assert.Empty(modes);

        File.Delete(locations[2].Path);
        Directory.CreateDirectory(locations[2].Path);
        var state = database.Commit(AddDisk);
        Assert.Equal(2, failed.Count);
        Assert.Equal(1, database.GoodCopies);
        Assert.False(database.IsEnabled);
        var mode = Assert.Single(modes);
        Assert.False(mode.IsEnabled);
        Assert.StartsWith("only 1 of 3 configuration copies are usable", mode.Reason);
        Assert.Equal(4UL, database.Sequence);
        Assert.True(state.SameAs(DurableRecordStore.Open(locations[0]).ReadNewest() is { } r ? ConfigSerializer.Deserialize(r.Payload) : ConfigState.Empty));
        Assert.Equal(Errno.EAGAIN, Assert.Throws<ErrnoException>(() => database.Commit(AddDisk)).Errno);
    }

    [Fact]
    public void AddCopyAndRemoveCopy_CountFollowsAndEnableReloads()
    {
        var locations = Files(2);
        var database = OpenWithCommits(locations, 2);
        var third = new RecordLocation(_scratch["config.extra"]);
        database.AddCopy(third);
        Assert.Equal(3, database.GoodCopies);
        Assert.Equal(3UL, DurableRecordStore.Open(third).ReadNewest()!.Sequence);
        Assert.Equal(Errno.EEXIST, Assert.Throws<ErrnoException>(() => database.AddCopy(third)).Errno);
        database.Commit(AddDisk);
        Assert.Equal(4UL, DurableRecordStore.Open(third).ReadNewest()!.Sequence);

        database.RemoveCopy(new RecordLocation(locations[0].Path));
        Assert.True(database.IsEnabled);
        database.RemoveCopy(third);
        Assert.False(database.IsEnabled);
        Assert.Equal(1, database.CopyCount);
        Assert.Equal(Errno.ENOENT, Assert.Throws<ErrnoException>(() => database.RemoveCopy(third)).Errno);

        var range = new RecordLocation(_scratch.CreateFile("device", 1024 * 1024), 65536, 65536);
        database.AddCopy(range);
        Assert.False(database.IsEnabled);
        var report = database.Load();
        Assert.True(report.IsEnabled);
        Assert.Equal(2, report.GoodCopies);
        Assert.Equal(4UL, report.Sequence);
    }

    [Fact]
    public void Reinitialize_FailedCopy_GoodAgain()
    {
        var locations = Files(2);
        var database = OpenWithCommits(locations, 1);
        FlipByte(locations[1].Path, 0);
        FlipByte(locations[1].Path, RecordLocation.DefaultFileLength / 2);
        var checks = database.Check();
        Assert.True(checks[0].Verified);
        Assert.False(checks[1].Verified);
        Assert.Equal(CopyState.Failed, checks[1].Status.State);
        Assert.False(database.IsEnabled);

        database.Reinitialize(locations[1]);
        Assert.Equal(2, database.GoodCopies);
        Assert.All(database.Check(), c => Assert.True(c.Verified));
        Assert.True(database.Load().IsEnabled);
    }

    [Fact]
    public void Reset_NewIdAndEmptyConfiguration()
    {
        var locations = Files(2);
        var database = OpenWithCommits(locations, 3);
        var oldId = database.Id;
        var report = database.Reset();
        Assert.True(report.IsEnabled);
        Assert.NotEqual(oldId, database.Id);
        Assert.Empty(database.State.Instances);
        Assert.Equal(1UL, database.Sequence);
        Assert.Equal(database.Id, ConfigDatabase.Open(locations).Id);
    }

    [Fact]
    public void Commit_ConfigurationLargerThanCopy_EnospcAndNothingWritten()
    {
        var device = _scratch.CreateFile("device", 1024 * 1024);
        RecordLocation[] locations = [new(device, 0, 4096), new(device, 4096, 4096)];
        var database = ConfigDatabase.Open(locations);
        var big = Enumerable.Range(0, 100).Aggregate(ConfigState.Empty, (s, _) => AddDisk(s));
        var error = Assert.Throws<ErrnoException>(() => database.Commit(_ => big));
        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Contains("holds at most 1984 bytes; the configuration needs", error.Message);
        Assert.Equal(1UL, database.Sequence);
        Assert.True(database.IsEnabled);
    }

    [Fact]
    public void Commit_ConcurrentCallers_Serialised()
    {
        var locations = Files(2);
        var database = ConfigDatabase.Open(locations);
        Parallel.For(0, 40, _ => database.Commit(AddDisk));
        Assert.Equal(41UL, database.Sequence);
        Assert.Equal(40, database.State.Instances.Count);
        Assert.Equal(40, ConfigDatabase.Open(locations).State.Instances.Count);
    }
}
