using VdmFuse.Engine.Remap;
using VdmFuse.Native;

namespace VdmFuse.Engine.Tests.Remap;

public sealed class RemapReloadTests
{
    [Fact]
    public void ReloadTables_EntriesWrittenByAnotherInstance_PickedUpAndUsedByWrites()
    {
        using var rig = new RemapRig();
        var stale = rig.Remap;
        var bad = RemapRig.DataStart + 5;
        // Another remap instance over the same partitions lists a block; this one steps aside meanwhile (one
        // remap instance per partition is allowed at a time) and keeps its old table in memory.
        rig.Data.UnlinkChild(stale);
        DetachFromChildren(stale);
        using (var other = new RemapDisk("R2", rig.Primary, rig.Secondary, rig.AreaPartition))
        {
            rig.Data.LinkChild(other, new Dictionary<string, string>());
            other.ForceRemap(bad);
            rig.Data.UnlinkChild(other);
        }
        AttachToChildren(stale);
        rig.Link();
        Assert.Empty(stale.Entries);

        var count = stale.ReloadTables();

        Assert.Equal(1, count);
        Assert.Equal(new RemapEntry(bad, RemapEntry.NoIndex, RemapEntryState.Forced), Assert.Single(stale.Entries));
        // The data path uses the reloaded table: the next write to the block maps it.
        var data = RemapRig.Pattern(512, 1);
        rig.Write(5, data);
        Assert.Equal(new RemapEntry(bad, 0, RemapEntryState.Mapped), Assert.Single(stale.Entries));
        Assert.Equal(data, rig.OnDisk(RemapRig.AreaStart));
        Assert.Equal(data, rig.Read(5, 1));
    }

    [Fact]
    public void ReloadTables_TablesFormattedAgainByAnotherWriter_EntriesGone()
    {
        using var rig = new RemapRig();
        rig.Remap.ForceRemap(RemapRig.DataStart + 1);
        rig.Remap.ForceRemap(RemapRig.DataStart + 2);
        var sequence = rig.Remap.Tables.Sequence;
        Assert.True(sequence > 1);
        // format -f by another program: empty tables, sequence 1, a new set.
        RemapTables.Format("test", rig.Primary, rig.Secondary, 8, 16, 512, RemapRig.DiskBlocks);

        Assert.Equal(0, rig.Remap.ReloadTables());

        Assert.Empty(rig.Remap.Entries);
        Assert.Equal(1ul, rig.Remap.Tables.Sequence);
        rig.Remap.ForceRemap(RemapRig.DataStart + 3);
        Assert.Single(RemapTables.Load("check", rig.Primary, rig.Secondary).Entries);
    }

    [Fact]
    public void ReloadTables_EntriesSavedByAnotherTableWriter_PickedUp()
    {
        using var rig = new RemapRig();
        var (tables, entries) = RemapTables.Load("other", rig.Primary, rig.Secondary);
        tables.Save([.. entries, new RemapEntry(RemapRig.DataStart + 7, RemapEntry.NoIndex, RemapEntryState.Unmapped)]);

        Assert.Equal(1, rig.Remap.ReloadTables());

        Assert.Equal(RemapEntryState.Unmapped, Assert.Single(rig.Remap.Entries).State);
        Assert.Equal(tables.Sequence, rig.Remap.Tables.Sequence);
    }

    [Fact]
    public void ReloadTables_BothTablesUnreadable_EioAndTableInUseKept()
    {
        using var rig = new RemapRig();
        rig.Remap.ForceRemap(RemapRig.DataStart + 1);
        rig.BadReads.Add(16);
        rig.BadReads.Add(24);

        var e = Assert.Throws<ErrnoException>(() => rig.Remap.ReloadTables());

        Assert.Equal(Errno.EIO, e.Errno);
        Assert.Contains("remap instance 'R'", e.Message);
        Assert.Single(rig.Remap.Entries);
    }

    [Fact]
    public void ReloadTables_NeitherTableValid_EinvalAndTableInUseKept()
    {
        using var rig = new RemapRig();
        rig.Remap.ForceRemap(RemapRig.DataStart + 1);
        RemapRig.Run(() => rig.Disk.WriteAsync(16 * 512, new byte[16 * 512]));

        var e = Assert.Throws<ErrnoException>(() => rig.Remap.ReloadTables());

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("remap instance 'R'", e.Message);
        Assert.Single(rig.Remap.Entries);
    }

    [Fact]
    public void ReloadTables_PrimaryUnreadable_SecondaryReadAndPrimaryRewritten()
    {
        using var rig = new RemapRig();
        var (tables, entries) = RemapTables.Load("other", rig.Primary, rig.Secondary);
        tables.Save([.. entries, new RemapEntry(RemapRig.DataStart + 9, RemapEntry.NoIndex, RemapEntryState.Forced)]);
        rig.BadReads.Add(16);

        Assert.Equal(1, rig.Remap.ReloadTables());

        Assert.Null(rig.Remap.Tables.PrimaryFailure);
        rig.BadReads.Clear();
        Assert.Single(RemapTables.Load("check", rig.Primary, rig.Secondary).Entries);
    }

    private static void DetachFromChildren(RemapDisk remap)
    {
        remap.PrimaryTable.DetachParent(remap);
        remap.SecondaryTable.DetachParent(remap);
        remap.Area.DetachParent(remap);
    }

    private static void AttachToChildren(RemapDisk remap)
    {
        remap.PrimaryTable.AttachParent(remap);
        remap.SecondaryTable.AttachParent(remap);
        remap.Area.AttachParent(remap);
    }
}
