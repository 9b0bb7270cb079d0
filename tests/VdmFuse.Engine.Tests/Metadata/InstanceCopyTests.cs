using System.Buffers.Binary;
using VdmFuse.Engine.Fault;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;
using VdmFuse.Testing;
using static VdmFuse.Engine.Tests.Metadata.MetadataTestKit;

namespace VdmFuse.Engine.Tests.Metadata;

/// <summary>
/// Configuration copies on a partition instance (<c>instance:p0</c>) over a real image file opened O_DIRECT: the slots
/// are read and written through the instance, torn and damaged slots leave the other slot in charge, a failing
/// instance fails its copy as a failing file does, and the instance cannot be deleted or changed while it holds a copy.
/// </summary>
public sealed class InstanceCopyTests : IDisposable
{
    private const int MiB = 1 << 20;
    private const long PartitionStartBlock = 2048;
    private const long PartitionBlocks = 2048;

    private readonly ScratchDirectory _scratch = new();
    private readonly InstanceRegistry _registry = new();
    private readonly string _image;

    public InstanceCopyTests()
    {
        _image = _scratch.CreateFile("disk.img", 4 * MiB);
        _registry.CreatePhysical("disk", _image);
        _registry.CreatePartition("p0", "disk", PartitionStartBlock, PartitionBlocks);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
    }

    private static RecordLocation P0 => RecordLocation.OfInstance("p0");

    private DiskInstance Partition => _registry.Get("p0");

    [Fact]
    public void Store_OnPartition_WritesSlotsThroughTheInstanceAtItsOffsetInTheImage()
    {
        var store = DurableRecordStore.Open(P0, _registry);
        var id = Guid.NewGuid();
        store.Initialize(id);
        var (writes, flushes) = (Partition.Statistics.Writes, Partition.Statistics.Flushes);
        for (ulong sequence = 1; sequence <= 4; sequence++)
        {
            var payload = TestData.Random(3000 + (int)sequence * 500, (int)sequence);
            store.Write(id, sequence, payload);
            var read = store.ReadNewest()!;
            Assert.Equal(sequence, read.Sequence);
            Assert.Equal(payload, read.Payload);
            Assert.Equal(sequence % 2 == 1 ? 'B' : 'A', read.Slot);
        }
        Assert.True(Partition.Statistics.Writes > writes);
        Assert.True(Partition.Statistics.Flushes > flushes);

        // Slot A at the partition's first byte, slot B half-way: the image file holds both at the partition's offset.
        var partitionOffset = PartitionStartBlock * 512;
        var slotLength = PartitionBlocks * 512 / 2;
        Assert.Equal("VDMCFG01"u8.ToArray(), ReadBytes(_image, partitionOffset, 8));
        Assert.Equal("VDMCFG01"u8.ToArray(), ReadBytes(_image, partitionOffset + slotLength, 8));
        Assert.Equal(4UL, BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(_image, partitionOffset, 40).AsSpan(32)));
        Assert.Equal(new RecordLocation("instance:p0", 0, PartitionBlocks * 512), store.Location);
    }

    [Fact]
    public void Store_OnPartition_TornWriteLeavesThePreviousRecord()
    {
        var store = DurableRecordStore.Open(P0, _registry);
        var id = Guid.NewGuid();
        store.Initialize(id);
        var old = TestData.Random(2500, 1);
        store.Write(id, 1, old);
        var end = SlotFormat.HeaderSize + 2600;
        for (var bytes = 1; bytes < end; bytes += 211)
        {
            Assert.Throws<SimulatedCrashException>(() => store.Write(id, 2, TestData.Random(2600, bytes), bytes));
            var read = store.ReadNewest()!;
            Assert.Equal(1UL, read.Sequence);
            Assert.Equal(old, read.Payload);
        }
    }

    [Fact]
    public async Task Store_OnPartition_NewestSlotDamagedThroughTheInstance_OtherSlotSurvives()
    {
        var store = DurableRecordStore.Open(P0, _registry);
        var id = Guid.NewGuid();
        store.Initialize(id);
        store.Write(id, 1, TestData.Random(1000, 1));
        var second = TestData.Random(1000, 2);
        store.Write(id, 2, second);
        store.Write(id, 3, TestData.Random(1000, 3));   // slot B holds 3, slot A holds 2

        var garbage = TestData.Random(512, 99);
        await Partition.WriteAsync(PartitionBlocks * 512 / 2, garbage);

        var health = store.Check();
        Assert.Equal(RecordCondition.Valid, health.Condition);
        Assert.Equal(SlotState.Corrupt, health.SlotB!.State);
        Assert.Equal(2UL, health.Newest!.Sequence);
        Assert.Equal(second, health.Newest.Payload);
    }

    [Fact]
    public void Database_InstanceAndFileCopies_ReloadsTheCommittedStateWithTheRegionLength()
    {
        RecordLocation[] locations = [P0, new RecordLocation(_scratch["config.1"])];
        var database = ConfigDatabase.Open(locations, _registry);
        Assert.True(database.IsEnabled);
        database.Commit(AddDisk);
        var state = database.Commit(AddDisk);

        var again = ConfigDatabase.Open(locations, _registry);
        Assert.True(again.IsEnabled);
        Assert.Equal(2, again.GoodCopies);
        Assert.True(state.SameAs(again.State));
        var copy = again.Copies[0];
        Assert.Equal("instance:p0", copy.Location.Path);
        Assert.Equal(0, copy.Location.Offset);
        Assert.Equal(PartitionBlocks * 512, copy.Location.Length);
    }

    [Fact]
    public void Database_CopyOnPartition_DeleteAndUpdateRefusedUntilTheCopyIsRemoved()
    {
        RecordLocation[] locations = [new RecordLocation(_scratch["config.0"]), P0, new RecordLocation(_scratch["config.2"])];
        var database = ConfigDatabase.Open(locations, _registry);

        var delete = Assert.Throws<ErrnoException>(() => _registry.Delete("p0"));
        Assert.Equal(Errno.EBUSY, delete.Errno);
        Assert.Contains("partition instance 'p0'", delete.Message, StringComparison.Ordinal);
        Assert.Contains("configuration copy 2 of 3", delete.Message, StringComparison.Ordinal);
        var update = Assert.Throws<ErrnoException>(() => _registry.UpdateAttributes("p0", new Dictionary<string, string> { ["size"] = "4096" }));
        Assert.Equal(Errno.EBUSY, update.Errno);
        Assert.Contains("configuration copy 2 of 3", update.Message, StringComparison.Ordinal);

        database.RemoveCopy(new RecordLocation(_scratch["config.0"]));
        Assert.Contains("configuration copy 1 of 2", Partition.HeldBy, StringComparison.Ordinal);
        database.RemoveCopy(P0);
        Assert.Null(Partition.HeldBy);
        _registry.Delete("p0");
        Assert.False(_registry.TryGet("p0", out _));
    }

    [Fact]
    public void Database_CopyOnAFailingInstance_FailsLikeAFailingFile()
    {
        var fault = (FaultDisk)_registry.Register(new FaultDisk("f0", _registry.Get("disk")));
        _registry.CreatePartition("p1", "f0", 0, 2048);
        RecordLocation[] locations = [new RecordLocation(_scratch["config.0"]), RecordLocation.OfInstance("p1"), new RecordLocation(_scratch["config.2"])];
        var database = ConfigDatabase.Open(locations, _registry);
        Assert.Equal(3, database.GoodCopies);

        fault.AddRule(FaultOperation.Both, 0, null, Errno.EIO, 0);
        var failed = new List<CopyFailedEventArgs>();
        database.CopyFailed += (_, e) => failed.Add(e);
        database.Commit(AddDisk);

        Assert.True(database.IsEnabled);
        Assert.Equal(2, database.GoodCopies);
        var copy = Assert.Single(failed).Copy;
        Assert.Equal("instance:p1", copy.Location.Path);
        Assert.Equal(CopyState.Failed, copy.State);
        Assert.Equal(Errno.EIO, copy.Errno);

        var reloaded = ConfigDatabase.Open(locations, _registry);
        Assert.Equal(CopyState.IoError, reloaded.Copies[1].State);
        Assert.True(reloaded.IsEnabled);
        Assert.Equal(2, reloaded.GoodCopies);
    }

    [Fact]
    public void Database_CopyOnAMissingInstance_IsAnIoErrorNamingIt()
    {
        RecordLocation[] files = [new RecordLocation(_scratch["config.1"]), new RecordLocation(_scratch["config.2"])];
        ConfigDatabase.Open(files).Commit(AddDisk);
        var database = ConfigDatabase.Open([RecordLocation.OfInstance("nowhere"), .. files], _registry);

        Assert.True(database.IsEnabled);
        var copy = database.Copies[0];
        Assert.Equal(CopyState.IoError, copy.State);
        Assert.Equal(Errno.ENOENT, copy.Errno);
        Assert.Contains("no instance named 'nowhere'", copy.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_OnAPartitionOfA4096ByteSectorDisk_ReadsAndWritesWholeSectors()
    {
        var image = _scratch.CreateFile("disk4k.img", 4 * MiB);
        using var loop = LoopDevice.Attach(image, 4096);
        _registry.CreatePhysical("disk4k", loop.Path);
        _registry.CreatePartition("q0", "disk4k", 8, 24);   // 12 KiB: slots of 6 KiB would split a sector; the region is 8 KiB
        try
        {
            var store = DurableRecordStore.Open(RecordLocation.OfInstance("q0"), _registry);
            Assert.Equal(8192, store.Location.Length);
            var id = Guid.NewGuid();
            store.Initialize(id);
            var payload = TestData.Random(1500, 4);
            store.Write(id, 1, payload);
            Assert.Throws<SimulatedCrashException>(() => store.Write(id, 2, TestData.Random(1500, 5), 700));
            var read = store.ReadNewest()!;
            Assert.Equal(1UL, read.Sequence);
            Assert.Equal(payload, read.Payload);
        }
        finally
        {
            _registry.Delete("q0");
            _registry.Delete("disk4k");
        }
    }

    [Theory]
    [InlineData("instance:")]
    [InlineData("instance:-bad")]
    [InlineData("instance:p0 0 4096")]
    public void Parse_BadInstanceCopy_IsEinval(string value)
    {
        var error = Assert.Throws<ErrnoException>(() => RecordLocation.Parse(value));
        Assert.Equal(Errno.EINVAL, error.Errno);
    }
}
