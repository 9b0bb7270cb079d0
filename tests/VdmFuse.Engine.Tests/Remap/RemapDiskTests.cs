using VdmFuse.Engine.Remap;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Remap;

public sealed class RemapDiskTests
{
    [Fact]
    public void Create_FormattedTables_EmptyTableAndNoSize()
    {
        using var rig = new RemapRig();
        Assert.Empty(rig.Remap.Entries);
        Assert.Equal(0, rig.Remap.Size);
        Assert.Equal(16, rig.Remap.AreaBlocks);
        Assert.Equal(16, rig.Remap.FreeAreaBlocks);
        Assert.Equal(RemapTableFormat.CapacityOf(8), rig.Capacity);
        Assert.Equal(504, rig.Capacity);
        Assert.Equal("remap", rig.Remap.Subdriver);
        Assert.Same(rig.Remap, rig.Data.Remap);
        Assert.Equal(["p0"], rig.Remap.RemappedPartitions.Select(p => p.Name));
    }

    [Fact]
    public void ChildRole_EachChild_ItsRole()
    {
        using var rig = new RemapRig();
        var roles = rig.Remap.ChildSlots.Select(slot => rig.Remap.ChildRole(slot).Single()).ToList();
        Assert.Equal(["primary-table", "secondary-table", "remap-area"], roles.Select(r => r.Value));
        Assert.All(roles, r => Assert.Equal("child-type", r.Key));
    }

    [Fact]
    public void Write_FailingBlock_RemappedAndReadsBack()
    {
        using var rig = new RemapRig();
        var bad = RemapRig.DataStart + 10;
        rig.Break(bad);
        var data = RemapRig.Pattern(8 * 512, 1);

        rig.Write(8, data);

        var entry = Assert.Single(rig.Remap.Entries);
        Assert.Equal(new RemapEntry(bad, 0, RemapEntryState.Mapped), entry);
        Assert.Equal(data, rig.Read(8, 8));
        Assert.Equal(data.AsSpan(2 * 512, 512).ToArray(), rig.OnDisk(RemapRig.AreaStart));
        Assert.Equal(data.AsSpan(0, 512).ToArray(), rig.OnDisk(RemapRig.DataStart + 8));
        Assert.Equal(data.AsSpan(7 * 512, 512).ToArray(), rig.OnDisk(RemapRig.DataStart + 15));
        Assert.Equal(new byte[512], rig.OnDisk(bad));
        Assert.Equal(1, rig.Data.RemappedBlocks);
        Assert.Equal(15, rig.Remap.FreeAreaBlocks);
    }

    [Fact]
    public void Write_RemappedBlockLater_GoesToTheRemapArea()
    {
        using var rig = new RemapRig();
        var bad = RemapRig.DataStart + 3;
        rig.Break(bad);
        rig.Write(3, RemapRig.Pattern(512, 1));
        var second = RemapRig.Pattern(4 * 512, 2);

        rig.Write(1, second);

        Assert.Equal(second, rig.Read(1, 4));
        Assert.Equal(second.AsSpan(2 * 512, 512).ToArray(), rig.OnDisk(RemapRig.AreaStart));
        Assert.Single(rig.Remap.Entries);
    }

    [Fact]
    public void Read_FailingBlock_EioUnmappedAndTheNextWriteHeals()
    {
        using var rig = new RemapRig();
        var bad = RemapRig.DataStart + 20;
        rig.BadReads.Add(bad);

        var error = Assert.Throws<ErrnoException>(() => rig.Read(16, 8));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains($"read of block {bad} of disk 'disk'", error.Message, StringComparison.Ordinal);
        Assert.Contains("entered as Unmapped", error.Message, StringComparison.Ordinal);
        Assert.Equal(new RemapEntry(bad, -1, RemapEntryState.Unmapped), Assert.Single(rig.Remap.Entries));

        rig.BadWrites.Add(bad);
        var data = RemapRig.Pattern(512, 3);
        rig.Write(20, data);

        Assert.Equal(new RemapEntry(bad, 0, RemapEntryState.Mapped), Assert.Single(rig.Remap.Entries));
        Assert.Equal(data, rig.Read(20, 1));
    }

    [Fact]
    public void Read_UnmappedBlockThatReadsAgain_ReturnsItsData()
    {
        using var rig = new RemapRig();
        var data = RemapRig.Pattern(512, 4);
        rig.Write(5, data);
        rig.BadReads.Add(RemapRig.DataStart + 5);
        Assert.Throws<ErrnoException>(() => rig.Read(5, 1));
        rig.BadReads.Clear();

        Assert.Equal(data, rig.Read(5, 1));
        Assert.Equal(RemapEntryState.Unmapped, Assert.Single(rig.Remap.Entries).State);
    }

    [Fact]
    public void ForceRemap_KnownBadBlock_ForcedThenMappedByTheNextWrite()
    {
        using var rig = new RemapRig();
        var block = RemapRig.DataStart + 100;

        rig.Remap.ForceRemap(block);

        Assert.Equal(new RemapEntry(block, -1, RemapEntryState.Forced), Assert.Single(rig.Remap.Entries));
        var data = RemapRig.Pattern(512, 5);
        rig.Write(100, data);
        Assert.Equal(new RemapEntry(block, 0, RemapEntryState.Mapped), Assert.Single(rig.Remap.Entries));
        Assert.Equal(data, rig.OnDisk(RemapRig.AreaStart));
        Assert.Equal(new byte[512], rig.OnDisk(block));
        Assert.Equal(data, rig.Read(100, 1));
    }

    [Theory]
    [InlineData(-1L, "is outside disk 'disk'")]
    [InlineData(5000L, "is outside disk 'disk'")]
    [InlineData(10L, "is not in a partition it remaps")]
    [InlineData(40L, "is not in a partition it remaps")]
    public void ForceRemap_BlockNotRemappable_Einval(long block, string message)
    {
        using var rig = new RemapRig();
        var error = Assert.Throws<ErrnoException>(() => rig.Remap.ForceRemap(block));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Remap.Entries);
    }

    [Fact]
    public void ForceRemap_Twice_EinvalDuplicate()
    {
        using var rig = new RemapRig();
        rig.Remap.ForceRemap(RemapRig.DataStart);
        var error = Assert.Throws<ErrnoException>(() => rig.Remap.ForceRemap(RemapRig.DataStart));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("already has an entry in the bad-block table (Forced)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForceRemap_NoPartitionLinked_Einval()
    {
        using var rig = new RemapRig(link: false);
        var error = Assert.Throws<ErrnoException>(() => rig.Remap.ForceRemap(RemapRig.DataStart));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("no partition is linked to it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recover_MappedBlockThatWorksAgain_DataBackInPlaceAndEntryRemoved()
    {
        using var rig = new RemapRig();
        var bad = RemapRig.DataStart + 7;
        rig.Break(bad);
        var data = RemapRig.Pattern(512, 6);
        rig.Write(7, data);
        rig.Heal(bad);

        rig.Remap.RecoverBadBlock(bad);

        Assert.Empty(rig.Remap.Entries);
        Assert.Equal(data, rig.OnDisk(bad));
        Assert.Equal(data, rig.Read(7, 1));
        Assert.Equal(16, rig.Remap.FreeAreaBlocks);
    }

    [Fact]
    public void Recover_StillBad_EioAndEntryStays()
    {
        using var rig = new RemapRig();
        var bad = RemapRig.DataStart + 7;
        rig.Break(bad);
        rig.Write(7, RemapRig.Pattern(512, 6));

        var error = Assert.Throws<ErrnoException>(() => rig.Remap.RecoverBadBlock(bad));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains($"block {bad} of disk 'disk' is still bad (writing it to the block failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(RemapEntryState.Mapped, Assert.Single(rig.Remap.Entries).State);
    }

    [Fact]
    public void Recover_NoEntry_Enoent()
    {
        using var rig = new RemapRig();
        var error = Assert.Throws<ErrnoException>(() => rig.Remap.RecoverBadBlock(RemapRig.DataStart));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains($"has no entry for block {RemapRig.DataStart}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recover_ForcedBlockThatReads_EntryRemoved()
    {
        using var rig = new RemapRig();
        var data = RemapRig.Pattern(512, 8);
        rig.Write(9, data);
        rig.Remap.ForceRemap(RemapRig.DataStart + 9);

        rig.Remap.RecoverBadBlock(RemapRig.DataStart + 9);

        Assert.Empty(rig.Remap.Entries);
        Assert.Equal(data, rig.Read(9, 1));
    }

    [Fact]
    public void Write_RemapAreaBlockFails_BadRemapMappedToItselfAndDataGoesToTheNext()
    {
        using var rig = new RemapRig();
        var bad = RemapRig.DataStart + 1;
        rig.Break(bad);
        rig.BadWrites.Add(RemapRig.AreaStart);
        var data = RemapRig.Pattern(512, 9);

        rig.Write(1, data);

        Assert.Equal(
            [new RemapEntry(RemapRig.AreaStart, 0, RemapEntryState.BadRemap), new RemapEntry(bad, 1, RemapEntryState.Mapped)],
            rig.Remap.Entries);
        Assert.Equal(data, rig.OnDisk(RemapRig.AreaStart + 1));
        Assert.Equal(data, rig.Read(1, 1));
        Assert.Equal(14, rig.Remap.FreeAreaBlocks);
    }

    [Fact]
    public void Recover_BadRemapThatWorks_AreaBlockFreeAgain()
    {
        using var rig = new RemapRig();
        rig.Break(RemapRig.DataStart + 1);
        rig.BadWrites.Add(RemapRig.AreaStart);
        rig.Write(1, RemapRig.Pattern(512, 9));
        rig.BadWrites.Remove(RemapRig.AreaStart);

        rig.Remap.RecoverBadBlock(RemapRig.AreaStart);

        Assert.Equal(RemapEntryState.Mapped, Assert.Single(rig.Remap.Entries).State);
        Assert.Equal(15, rig.Remap.FreeAreaBlocks);
    }

    [Fact]
    public void Write_RemapAreaFull_EnospcNamingTheAreaAndTheBlockListed()
    {
        using var rig = new RemapRig(areaBlocks: 2);
        for (var i = 0; i < 3; i++)
        {
            rig.Break(RemapRig.DataStart + i);
        }
        rig.Write(0, RemapRig.Pattern(512, 1));
        rig.Write(1, RemapRig.Pattern(512, 2));

        var error = Assert.Throws<ErrnoException>(() => rig.Write(2, RemapRig.Pattern(512, 3)));

        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Contains($"block {RemapRig.DataStart + 2} of disk 'disk' could not be remapped: the remap area 'ra' of remap instance 'R' is full (all 2 blocks used)", error.Message, StringComparison.Ordinal);
        Assert.Equal(new RemapEntry(RemapRig.DataStart + 2, -1, RemapEntryState.Unmapped), rig.Remap.Entries[2]);
        Assert.Equal(RemapRig.Pattern(512, 2), rig.Read(1, 1));
    }

    [Fact]
    public void Read_MappedBlockWhoseAreaBlockFails_EioPseudoThenWriteMapsItElsewhere()
    {
        using var rig = new RemapRig();
        var bad = RemapRig.DataStart + 4;
        rig.Break(bad);
        rig.Write(4, RemapRig.Pattern(512, 1));
        rig.BadReads.Add(RemapRig.AreaStart);

        var error = Assert.Throws<ErrnoException>(() => rig.Read(4, 1));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains("its remap-area block 0 failed a read", error.Message, StringComparison.Ordinal);
        Assert.Equal(
            [new RemapEntry(RemapRig.AreaStart, 0, RemapEntryState.BadRemap), new RemapEntry(bad, -1, RemapEntryState.Pseudo)],
            rig.Remap.Entries);
        var pseudoRead = Assert.Throws<ErrnoException>(() => rig.Read(4, 1));
        Assert.Contains("Pseudo", pseudoRead.Message, StringComparison.Ordinal);
        var recover = Assert.Throws<ErrnoException>(() => rig.Remap.RecoverBadBlock(bad));
        Assert.Equal(Errno.EINVAL, recover.Errno);

        var data = RemapRig.Pattern(512, 2);
        rig.Write(4, data);
        Assert.Equal(new RemapEntry(bad, 1, RemapEntryState.Mapped), rig.Remap.Entries[1]);
        Assert.Equal(data, rig.Read(4, 1));
    }

    [Fact]
    public void ListEntry_WalksSortedByBlockThenEnoent()
    {
        using var rig = new RemapRig();
        rig.Remap.ForceRemap(RemapRig.DataStart + 9);
        rig.Remap.ForceRemap(RemapRig.DataStart + 2);

        var (first, key) = rig.Remap.ListEntry(0);
        var (second, end) = rig.Remap.ListEntry(key);
        var error = Assert.Throws<ErrnoException>(() => rig.Remap.ListEntry(end));

        Assert.Equal(RemapRig.DataStart + 2, first.BadBlock);
        Assert.Equal(RemapRig.DataStart + 9, second.BadBlock);
        Assert.Equal(2u, end);
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("no more entries to list (the bad-block table has 2, key 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reopen_EntriesComeBackFromTheTables()
    {
        using var rig = new RemapRig();
        rig.Break(RemapRig.DataStart + 3);
        var data = RemapRig.Pattern(512, 1);
        rig.Write(3, data);
        rig.Remap.ForceRemap(RemapRig.DataStart + 30);

        var reopened = rig.Reopen();

        Assert.Equal(
            [new RemapEntry(RemapRig.DataStart + 3, 0, RemapEntryState.Mapped), new RemapEntry(RemapRig.DataStart + 30, -1, RemapEntryState.Forced)],
            reopened.Entries);
        Assert.Equal(data, rig.Read(3, 1));
    }

    [Fact]
    public void PrimaryTableFails_CarriesOnWithTheSecondaryAndReloadsFromIt()
    {
        using var rig = new RemapRig();
        rig.BadWrites.Add(16);
        rig.Break(RemapRig.DataStart + 3);
        var data = RemapRig.Pattern(512, 1);

        rig.Write(3, data);

        Assert.NotNull(rig.Remap.Tables.PrimaryFailure);
        Assert.Null(rig.Remap.Tables.SecondaryFailure);
        Assert.Equal("usable (primary table failed)", rig.Remap.State);
        Assert.Contains(rig.Remap.Attributes, a => a is { Key: "primary-table-state", Value: "failed" });
        rig.BadReads.Add(16);
        var reopened = rig.Reopen();
        Assert.Equal(new RemapEntry(RemapRig.DataStart + 3, 0, RemapEntryState.Mapped), Assert.Single(reopened.Entries));
        Assert.Equal(data, rig.Read(3, 1));
    }

    [Fact]
    public void BothTablesFail_WriteFailsWithEio()
    {
        using var rig = new RemapRig();
        rig.BadWrites.Add(16);
        rig.BadWrites.Add(24);
        rig.Break(RemapRig.DataStart + 3);

        var error = Assert.Throws<ErrnoException>(() => rig.Write(3, RemapRig.Pattern(512, 1)));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains("the bad-block tables could not be updated", error.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Remap.Entries);
    }

    [Fact]
    public void DamagedPrimaryTable_LoadUsesTheSecondaryAndRewritesThePrimary()
    {
        using var rig = new RemapRig();
        rig.Remap.ForceRemap(RemapRig.DataStart + 5);
        rig.Data.UnlinkChild(rig.Remap);
        rig.Remap.Dispose();
        rig.Data.Dispose();
        var garbage = RemapRig.Pattern(512, 99);
        RemapRig.Run(() => rig.Primary.WriteAsync(0, garbage));

        using var reopened = new RemapDisk("R2", rig.Primary, rig.Secondary, rig.AreaPartition);

        Assert.Equal(RemapEntryState.Forced, Assert.Single(reopened.Entries).State);
        Assert.Null(reopened.Tables.PrimaryFailure);
        Assert.NotEqual(garbage, rig.OnDisk(16));
        Assert.NotNull(RemapTableFormat.Decode(rig.Disk.Content.AsSpan(16 * 512, 8 * 512), out _, out _));
    }

    [Fact]
    public void CrashBetweenTheTableWrites_EntryKept()
    {
        using var rig = new RemapRig();
        var sequence = rig.Remap.Tables.Sequence;
        RemapTables.CrashPoint = point => throw new InvalidOperationException("crash " + point);
        try
        {
            Assert.Throws<InvalidOperationException>(() => rig.Remap.ForceRemap(RemapRig.DataStart + 5));
        }
        finally
        {
            RemapTables.CrashPoint = null;
        }
        var primary = RemapTableFormat.Decode(rig.Disk.Content.AsSpan(16 * 512, 8 * 512), out _, out _)!.Value;
        var secondary = RemapTableFormat.Decode(rig.Disk.Content.AsSpan(24 * 512, 8 * 512), out _, out _)!.Value;
        Assert.Equal(sequence + 1, primary.Header.Sequence);
        Assert.Equal(sequence, secondary.Header.Sequence);

        var reopened = rig.Reopen();

        Assert.Equal(RemapEntryState.Forced, Assert.Single(reopened.Entries).State);
        var rewritten = RemapTableFormat.Decode(rig.Disk.Content.AsSpan(24 * 512, 8 * 512), out _, out _)!.Value;
        Assert.Equal(sequence + 1, rewritten.Header.Sequence);
        Assert.Single(rewritten.Entries);
    }

    [Fact]
    public void BothTablesUnreadable_CreateFailsWithEio()
    {
        using var rig = new RemapRig(link: false);
        rig.Remap.Dispose();
        rig.BadReads.Add(16);
        rig.BadReads.Add(24);
        var error = Assert.Throws<ErrnoException>(() => new RemapDisk("R2", rig.Primary, rig.Secondary, rig.AreaPartition));
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains("no usable bad-block table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnformattedTables_EinvalAskingForRemapFormat()
    {
        using var disk = new MemoryDisk("d", 2048 * 512);
        using var pt = new PartitionDisk("pt", disk, 16, 8);
        using var st = new PartitionDisk("st", disk, 24, 8);
        using var ra = new PartitionDisk("ra", disk, 32, 16);
        var error = Assert.Throws<ErrnoException>(() => new RemapDisk("R", pt, st, ra));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("format the tables with remap-format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_AreaTooBigForTheTables_EinvalSizesDoNotMatch()
    {
        using var disk = new MemoryDisk("d", 2048 * 512);
        using var pt = new PartitionDisk("pt", disk, 16, 2);
        using var st = new PartitionDisk("st", disk, 24, 2);
        using var ra = new PartitionDisk("ra", disk, 32, 200);
        var error = Assert.Throws<ErrnoException>(() => RemapDisk.Format(pt, st, ra, force: false));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("the sizes of the tables and the remap area do not match: tables of 2 blocks hold 120 entries, remap area 'ra' has 200 blocks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ThePagesExample_TwoBlockTablesAndAHundredBlockArea()
    {
        using var disk = new MemoryDisk("d", 2048 * 512);
        using var pt = new PartitionDisk("pt", disk, 17, 2);
        using var ra = new PartitionDisk("ra", disk, 19, 100);
        using var st = new PartitionDisk("st", disk, 119, 2);
        Assert.Equal(120, RemapDisk.Format(pt, st, ra, force: false));
        using var remap = new RemapDisk("Remap", pt, st, ra);
        Assert.Equal(100, remap.AreaBlocks);
    }

    [Fact]
    public void Format_TablesOfDifferentSizes_Einval()
    {
        using var disk = new MemoryDisk("d", 2048 * 512);
        using var pt = new PartitionDisk("pt", disk, 16, 4);
        using var st = new PartitionDisk("st", disk, 24, 8);
        using var ra = new PartitionDisk("ra", disk, 32, 16);
        var error = Assert.Throws<ErrnoException>(() => RemapDisk.Format(pt, st, ra, force: false));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("the two tables must be the same size; 'pt' is 4 blocks and 'st' is 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_PartitionsOfTwoDisks_Einval()
    {
        using var a = new MemoryDisk("a", 2048 * 512);
        using var b = new MemoryDisk("b", 2048 * 512);
        using var pt = new PartitionDisk("pt", a, 16, 8);
        using var st = new PartitionDisk("st", b, 24, 8);
        using var ra = new PartitionDisk("ra", a, 32, 16);
        var error = Assert.Throws<ErrnoException>(() => RemapDisk.Format(pt, st, ra, force: false));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("the three partitions must be on one disk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_OverlappingPartitions_Einval()
    {
        using var disk = new MemoryDisk("d", 2048 * 512);
        using var pt = new PartitionDisk("pt", disk, 16, 8);
        using var st = new PartitionDisk("st", disk, 20, 8);
        using var ra = new PartitionDisk("ra", disk, 32, 16);
        var error = Assert.Throws<ErrnoException>(() => RemapDisk.Format(pt, st, ra, force: false));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("the primary table 'pt' and the secondary table 'st' overlap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_TablesThatListBadBlocks_EexistUnlessForced()
    {
        using var rig = new RemapRig(link: true);
        rig.Remap.ForceRemap(RemapRig.DataStart);
        rig.Data.UnlinkChild(rig.Remap);
        rig.Remap.Dispose();

        var error = Assert.Throws<ErrnoException>(() => RemapDisk.Format(rig.Primary, rig.Secondary, rig.AreaPartition, force: false));
        Assert.Equal(Errno.EEXIST, error.Errno);
        Assert.Contains("list 1 bad blocks of disk 'disk'", error.Message, StringComparison.Ordinal);

        RemapDisk.Format(rig.Primary, rig.Secondary, rig.AreaPartition, force: true);
        using var fresh = new RemapDisk("R2", rig.Primary, rig.Secondary, rig.AreaPartition);
        Assert.Empty(fresh.Entries);
    }

    [Fact]
    public void Format_PartitionOfALiveRemap_Ebusy()
    {
        using var rig = new RemapRig();
        var error = Assert.Throws<ErrnoException>(() => RemapDisk.Format(rig.Primary, rig.Secondary, rig.AreaPartition, force: true));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Contains("'pt' is already a child of remap instance 'R'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SecondRemapOnTheSameDisk_Ebusy()
    {
        using var rig = new RemapRig();
        using var pt2 = new PartitionDisk("pt2", rig.Disk, 1100, 8);
        using var st2 = new PartitionDisk("st2", rig.Disk, 1108, 8);
        using var ra2 = new PartitionDisk("ra2", rig.Disk, 1116, 16);
        RemapDisk.Format(pt2, st2, ra2, force: false);
        var error = Assert.Throws<ErrnoException>(() => new RemapDisk("R2", pt2, st2, ra2));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Contains("disk 'disk' already has remap instance 'R' (one per disk)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TablesFormattedForAnotherArea_Einval()
    {
        using var rig = new RemapRig(link: false);
        rig.Remap.Dispose();
        using var other = new PartitionDisk("ra2", rig.Disk, 48, 8);
        var error = Assert.Throws<ErrnoException>(() => new RemapDisk("R2", rig.Primary, rig.Secondary, other));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("formatted for a remap area of 16 blocks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Link_RemapOfAnotherDisk_Einval()
    {
        using var rig = new RemapRig("a-");
        using var other = new RemapRig("b-", link: false);
        var error = Assert.Throws<ErrnoException>(() => other.Data.LinkChild(rig.Remap, new Dictionary<string, string>()));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("remap instance 'a-R' remaps disk 'a-disk'; partition 'b-p0' is on 'b-disk'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Link_PartitionOverlappingTheRemapArea_Einval()
    {
        using var rig = new RemapRig(link: false);
        using var overlapping = new PartitionDisk("bad", rig.Disk, 40, 100);
        var error = Assert.Throws<ErrnoException>(() => overlapping.LinkChild(rig.Remap, new Dictionary<string, string>()));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("overlaps 'ra' (blocks 32-47) of remap instance 'R'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Link_OneOfItsOwnPartitions_Einval()
    {
        using var rig = new RemapRig(link: false);
        var error = Assert.Throws<ErrnoException>(() => rig.AreaPartition.LinkChild(rig.Remap, new Dictionary<string, string>()));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("is a child of remap instance 'R' and cannot be remapped by it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unlink_WhileThePartitionIsOpen_Ebusy()
    {
        using var rig = new RemapRig();
        rig.Data.AddOpen();
        var error = Assert.Throws<ErrnoException>(() => rig.Data.UnlinkChild(rig.Remap));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Contains("cannot change the remapping of partition instance 'p0': it is open", error.Message, StringComparison.Ordinal);
        rig.Data.RemoveOpen();
        rig.Data.UnlinkChild(rig.Remap);
        Assert.Null(rig.Data.Remap);
    }

    [Fact]
    public void Unlinked_FailingWrite_ReachesTheCaller()
    {
        using var rig = new RemapRig(link: false);
        rig.Break(RemapRig.DataStart);
        var error = Assert.Throws<ErrnoException>(() => rig.Write(0, RemapRig.Pattern(512, 1)));
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Empty(rig.Remap.Entries);
    }

    [Fact]
    public void UpdateAttributes_Always_Einval()
    {
        using var rig = new RemapRig();
        var error = Assert.Throws<ErrnoException>(() => rig.Remap.UpdateAttributes(new Dictionary<string, string> { ["size"] = "10" }));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("cannot be expanded or shrunk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PartitionWindowMovedOverTheArea_Einval()
    {
        using var rig = new RemapRig();
        var error = Assert.Throws<ErrnoException>(() => rig.Data.UpdateAttributes(new Dictionary<string, string> { ["start"] = "40" }));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("overlaps 'ra'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubdriverCommands_ListForceRecover_ThroughTheFrameworkEntryPoint()
    {
        using var rig = new RemapRig();
        rig.Remap.ExecuteSubdriverCommand(RemapDisk.ForceCommand, new Dictionary<string, string> { ["block"] = "70" });

        var listed = rig.Remap.ExecuteSubdriverCommand(RemapDisk.ListCommand, new Dictionary<string, string> { ["key"] = "0" });

        Assert.Equal(["bad-block=70", "remap-index=-1", "status=forced", "key=1"], listed.Select(f => $"{f.Key}={f.Value}"));
        var error = Assert.Throws<ErrnoException>(() => rig.Remap.ExecuteSubdriverCommand("nope", new Dictionary<string, string>()));
        Assert.Equal(Errno.EINVAL, error.Errno);
        rig.Remap.ExecuteSubdriverCommand(RemapDisk.RecoverCommand, new Dictionary<string, string> { ["block"] = "70" });
        Assert.Empty(rig.Remap.Entries);
    }

    [Fact]
    public async Task ConcurrentWritesOverBadBlocks_EveryBlockReadsBackItsData()
    {
        using var rig = new RemapRig(areaBlocks: 16);
        foreach (var block in new long[] { 3, 77, 150, 400, 401, 999 })
        {
            rig.Break(RemapRig.DataStart + block);
        }
        var writes = Enumerable.Range(0, 64).Select(i => (Block: (long)i * 16, Data: RemapRig.Pattern(16 * 512, i))).ToList();

        await Task.WhenAll(writes.Select(w => Task.Run(async () => await rig.Data.WriteAsync(w.Block * 512, w.Data))));

        foreach (var (block, data) in writes)
        {
            Assert.Equal(data, await rig.ReadAsync(block, 16));
        }
        Assert.Equal(6, rig.Remap.Entries.Count(e => e.State == RemapEntryState.Mapped));
    }
}
