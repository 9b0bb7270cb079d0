using System.Buffers.Binary;
using System.IO.Hashing;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Metadata;

public sealed class DurableRecordStoreTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private DurableRecordStore NewStore(string name, out string path)
    {
        path = _scratch[name];
        var store = DurableRecordStore.Open(new RecordLocation(path));
        store.Initialize(Guid.NewGuid());
        return store;
    }

    [Fact]
    public void Write_ThenReadNewest_ReturnsPayloadAlternatingSlots()
    {
        var store = NewStore("c", out _);
        var id = Guid.NewGuid();
        store.Initialize(id);
        Assert.Equal(0UL, store.ReadNewest()!.Sequence);
        for (ulong sequence = 1; sequence <= 5; sequence++)
        {
            var payload = TestData.Random(1000 + (int)sequence * 700, (int)sequence);
            store.Write(id, sequence, payload);
            var read = store.ReadNewest()!;
            Assert.Equal(id, read.Id);
            Assert.Equal(sequence, read.Sequence);
            Assert.Equal(payload, read.Payload);
            Assert.Equal(sequence % 2 == 1 ? 'B' : 'A', read.Slot);
        }
        var health = store.Check();
        Assert.Equal(RecordCondition.Valid, health.Condition);
        Assert.Equal(SlotState.Valid, health.SlotA!.State);
        Assert.Equal(4UL, health.SlotA.Sequence);
        Assert.Equal(5UL, health.SlotB!.Sequence);
    }

    [Fact]
    public void ReadNewest_BlankRegion_ReturnsNull()
    {
        var path = _scratch.CreateFile("blank", RecordLocation.DefaultFileLength);
        var store = DurableRecordStore.Open(new RecordLocation(path));
        Assert.Null(store.ReadNewest());
        Assert.Equal(RecordCondition.Empty, store.Check().Condition);
    }

    [Fact]
    public void Write_TornBeforePayloadEnd_PreviousVersionRemains()
    {
        var store = NewStore("c", out _);
        var id = Guid.NewGuid();
        store.Initialize(id);
        var old = TestData.Random(3000, 1);
        store.Write(id, 1, old);
        var end = SlotFormat.HeaderSize + 3100;
        for (var bytes = 1; bytes < end; bytes += 97)
        {
            Assert.Throws<SimulatedCrashException>(() => store.Write(id, 2, TestData.Random(3100, bytes), bytes));
            var read = store.ReadNewest()!;
            Assert.Equal(1UL, read.Sequence);
            Assert.Equal(old, read.Payload);
        }
        // Once the header and the whole payload are down, the padding does not matter: the slot is wholly new.
        Assert.Throws<SimulatedCrashException>(() => store.Write(id, 2, TestData.Random(3100, 7), end));
        Assert.Equal(TestData.Random(3100, 7), store.ReadNewest()!.Payload);
    }

    [Fact]
    public void Check_FlippedHeaderByte_SlotCorruptAndOtherSlotUsed()
    {
        var store = NewStore("c", out var path);
        var id = Guid.NewGuid();
        store.Initialize(id);
        store.Write(id, 1, TestData.Filled(100, 1));
        store.Write(id, 2, TestData.Filled(100, 2));
        var slotA = 0L;
        MetadataTestKit.FlipByte(path, slotA + 33); // inside the sequence field of slot A (sequence 2)
        var health = store.Check();
        Assert.Equal(SlotState.Corrupt, health.SlotA!.State);
        Assert.Contains("header checksum", health.SlotA.Detail);
        Assert.Equal(1UL, health.Newest!.Sequence);
        Assert.Equal(TestData.Filled(100, 1), health.Newest.Payload);
    }

    [Fact]
    public void Check_FlippedPayloadByte_SlotCorruptAndOtherSlotUsed()
    {
        var store = NewStore("c", out var path);
        var id = Guid.NewGuid();
        store.Initialize(id);
        store.Write(id, 1, TestData.Filled(100, 1));
        store.Write(id, 2, TestData.Filled(100, 2));
        MetadataTestKit.FlipByte(path, 64 + 50);
        var health = store.Check();
        Assert.Equal(SlotState.Corrupt, health.SlotA!.State);
        Assert.Contains("payload checksum", health.SlotA.Detail);
        Assert.Equal(1UL, store.ReadNewest()!.Sequence);
    }

    [Fact]
    public void Check_BothSlotsCorrupt_FormatErrorAndReadNewestThrowsEio()
    {
        var store = NewStore("c", out var path);
        var id = Guid.NewGuid();
        store.Initialize(id);
        store.Write(id, 1, TestData.Filled(100, 1));
        MetadataTestKit.FlipByte(path, 3);
        MetadataTestKit.FlipByte(path, RecordLocation.DefaultFileLength / 2 + 3);
        Assert.Equal(RecordCondition.Corrupt, store.Check().Condition);
        var error = Assert.Throws<ErrnoException>(() => store.ReadNewest());
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Check_FileTruncatedInsideSlotB_SlotBCorruptSlotAUsed()
    {
        var store = NewStore("c", out var path);
        var id = Guid.NewGuid();
        store.Initialize(id);
        store.Write(id, 1, TestData.Random(5000, 1));
        store.Write(id, 2, TestData.Random(5000, 2));
        store.Write(id, 3, TestData.Random(5000, 3)); // slot B
        File.SetAttributes(path, FileAttributes.Normal);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(RecordLocation.DefaultFileLength / 2 + 2000);
        }
        var health = store.Check();
        Assert.Equal(SlotState.Corrupt, health.SlotB!.State);
        Assert.Contains("truncated", health.SlotB.Detail);
        Assert.Equal(2UL, health.Newest!.Sequence);
        Assert.Equal(TestData.Random(5000, 2), health.Newest.Payload);
        store.Write(id, 4, TestData.Random(5000, 4));
        Assert.Equal(4UL, store.ReadNewest()!.Sequence);
    }

    [Fact]
    public void Check_DirectoryInPlaceOfCopy_IoErrorEisdir()
    {
        var path = _scratch["dir"];
        Directory.CreateDirectory(path);
        var store = DurableRecordStore.Open(new RecordLocation(path));
        var health = store.Check();
        Assert.Equal(RecordCondition.IoError, health.Condition);
        Assert.Equal(Errno.EISDIR, health.Errno);
        Assert.Contains(path, health.Detail);
        Assert.Equal(Errno.EISDIR, Assert.Throws<ErrnoException>(() => store.ReadNewest()).Errno);
    }

    [Fact]
    public void Write_PayloadLargerThanSlot_EnospcNamingCopy()
    {
        var path = _scratch.CreateFile("r", 8192);
        var store = DurableRecordStore.Open(new RecordLocation(path, 0, 4096));
        store.Initialize(Guid.NewGuid());
        var error = Assert.Throws<ErrnoException>(() => store.Write(Guid.NewGuid(), 1, new byte[3000]));
        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Equal($"configuration copy '{path}' [0+4096] holds at most {2048 - 64} bytes; the configuration needs 3000", error.Message);
    }

    [Fact]
    public void Write_OlderSequenceThanOtherSlot_Einval()
    {
        var store = NewStore("c", out _);
        var id = Guid.NewGuid();
        store.Initialize(id);
        store.Write(id, 5, TestData.Filled(10, 5));
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => store.Write(id, 5, TestData.Filled(10, 6))).Errno);
    }

    [Fact]
    public void ReadNewest_NewerFormatVersion_ThrowsFormatVersionException()
    {
        var store = NewStore("c", out var path);
        var id = Guid.NewGuid();
        store.Initialize(id);
        store.Write(id, 1, TestData.Filled(10, 1));
        var header = MetadataTestKit.ReadBytes(path, 0, 64);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(60), Crc32.HashToUInt32(header.AsSpan(0, 60)));
        MetadataTestKit.WriteBytes(path, 0, header);
        var health = store.Check();
        Assert.True(health.IsUnsupportedVersion);
        Assert.Equal(2U, health.FormatVersion);
        var error = Assert.Throws<FormatVersionException>(() => store.ReadNewest());
        Assert.Equal(Errno.ENOTSUP, error.Errno);
        Assert.Equal(2U, error.Version);
        Assert.Throws<FormatVersionException>(() => store.Write(id, 2, TestData.Filled(10, 2)));
    }

    [Fact]
    public void Write_RangeOfFile_TouchesOnlyTheRange()
    {
        var path = _scratch.CreateFile("dev", TestData.Filled(64 * 1024, 0xEE));
        var store = DurableRecordStore.Open(new RecordLocation(path, 8192, 16384));
        store.Initialize(Guid.NewGuid());
        var id = Guid.NewGuid();
        store.Write(id, 1, TestData.Random(3000, 1));
        store.Write(id, 2, TestData.Random(3000, 2));
        Assert.Equal(TestData.Random(3000, 2), store.ReadNewest()!.Payload);
        var bytes = File.ReadAllBytes(path);
        Assert.All(bytes[..8192], b => Assert.Equal(0xEE, b));
        Assert.All(bytes[(8192 + 16384)..], b => Assert.Equal(0xEE, b));
        Assert.Equal("VDMCFG01"u8.ToArray(), bytes[8192..8200]);
        Assert.Equal("VDMCFG01"u8.ToArray(), bytes[(8192 + 8192)..(8192 + 8200)]);
    }

    [Fact]
    public void Write_RangeOfLoopDevice_RoundTripsAndStaysInRange()
    {
        var image = _scratch.CreateFile("loop.img", TestData.Filled(4 * 1024 * 1024, 0x11));
        using var loop = LoopDevice.Attach(image);
        var store = DurableRecordStore.Open(new RecordLocation(loop.Path, 1024 * 1024, 64 * 1024));
        store.Initialize(Guid.NewGuid());
        var id = Guid.NewGuid();
        for (ulong sequence = 1; sequence <= 3; sequence++)
        {
            store.Write(id, sequence, TestData.Random(10000, (int)sequence));
        }
        Assert.Equal(TestData.Random(10000, 3), store.ReadNewest()!.Payload);
        var beyond = DurableRecordStore.Open(new RecordLocation(loop.Path, 4 * 1024 * 1024 - 32768, 65536));
        Assert.Equal(Errno.ENOSPC, beyond.Check().Errno);
        var wholeDevice = DurableRecordStore.Open(new RecordLocation(loop.Path));
        Assert.Equal(Errno.EINVAL, wholeDevice.Check().Errno);
        using var stream = new FileStream(image, FileMode.Open, FileAccess.Read);
        var bytes = new byte[4 * 1024 * 1024];
        stream.ReadExactly(bytes);
        Assert.All(bytes[..(1024 * 1024)], b => Assert.Equal(0x11, b));
        Assert.All(bytes[(1024 * 1024 + 65536)..], b => Assert.Equal(0x11, b));
    }

    [Fact]
    public void Open_MisalignedRegion_Einval()
    {
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => DurableRecordStore.Open(new RecordLocation("/x", 100, 4096))).Errno);
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => DurableRecordStore.Open(new RecordLocation("/x", 0, 1024))).Errno);
        Assert.Equal(new RecordLocation("/x", 512, 4096), RecordLocation.Parse("/x 512 4096"));
        Assert.Equal(new RecordLocation("/x"), RecordLocation.Parse("/x"));
    }
}
