using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// vdmremap(7)'s MAPPING BAD BLOCKS and BAD BLOCK REMAP STATES through the real mount, with media errors injected
/// by the fault instance under the partitions (<see cref="RemapRig"/>): writes that fail are remapped and succeed,
/// reads that fail lose the block and return EIO until the next write, forced blocks, recovery, bad blocks in the
/// remap area, a full remap area, and a primary table that goes bad. The image file is read directly to show where
/// every block's data went.
/// </summary>
public sealed class RemapIoTests : IDisposable
{
    private const int Block = RemapRig.Block;
    private const int ENOSPC = 28;

    private RemapRig? _rigInstance;

    /// <summary>The rig, started on first use (with a 64-block remap area unless a test started another).</summary>
    private RemapRig Rig => _rigInstance ??= new RemapRig();

    public void Dispose() => _rigInstance?.Dispose();

    [Fact]
    public async Task Write_FailingBlocksThroughRdskAndDsk_SucceedsRemapsThemAndEveryByteReadsBack()
    {
        Rig.CreateRemap();
        Rig.Fault("write", 4100);
        Rig.Fault("write", 4109);
        byte[] oldAt4100 = Rig.ImageAt(4100, Block);
        byte[] oldAt4109 = Rig.ImageAt(4109, Block);

        // rdsk/p0: one O_DIRECT write of blocks 4096-4103, block 4100 bad.
        byte[] first = Random(8 * Block);
        Rig.WriteRaw(4096, first);

        // dsk/p0: a buffered write of blocks 4104-4111, block 4109 bad, written back by fsync.
        byte[] second = Random(8 * Block);
        using (var buffered = new FileStream(Rig.Workspace.Dsk("p0"), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1))
        {
            buffered.Position = (4104 - RemapRig.DataStart) * Block;
            buffered.Write(second);
            buffered.Flush(flushToDisk: true);
        }

        Rig.AssertTable((4100, 0, "mapped"), (4109, 1, "mapped"));
        Rig.AssertLogLine("remap instance 'R': bad block 4100 on disk 'f' remapped to block 0 of remap area 'ra'");
        Rig.AssertLogLine("remap instance 'R': bad block 4109 on disk 'f' remapped to block 1 of remap area 'ra'");
        var attributes = Rig.Attributes();
        Assert.Equal(("2", "2", "62"), (attributes["entries"], attributes["mapped"], attributes["free-area-blocks"]));
        Assert.Equal("2", Rig.Send("dsk-usage name=p0").Fields["remapped-blocks"]);

        byte[] expected = [.. first, .. second];
        AssertBytes.Equal(expected, Rig.ReadRaw(4096, 16 * Block), "blocks 4096-4111 read back through rdsk/p0");
        // The good blocks of each I/O are at their places in the image; the bad ones kept their old bytes and their
        // data is in the remap area, in order of failure.
        AssertBytes.Equal(first.AsSpan(0, 4 * Block), Rig.ImageAt(4096, 4 * Block), "image blocks 4096-4099");
        AssertBytes.Equal(first.AsSpan(5 * Block, 3 * Block), Rig.ImageAt(4101, 3 * Block), "image blocks 4101-4103");
        AssertBytes.Equal(second.AsSpan(0, 5 * Block), Rig.ImageAt(4104, 5 * Block), "image blocks 4104-4108");
        AssertBytes.Equal(second.AsSpan(6 * Block, 2 * Block), Rig.ImageAt(4110, 2 * Block), "image blocks 4110-4111");
        AssertBytes.Equal(oldAt4100, Rig.ImageAt(4100, Block), "image block 4100 (the failed write never reached it)");
        AssertBytes.Equal(oldAt4109, Rig.ImageAt(4109, Block), "image block 4109 (the failed write never reached it)");
        AssertBytes.Equal(first.AsSpan(4 * Block, Block), Rig.AreaBlockInImage(0), "remap-area block 0 holds block 4100's data");
        AssertBytes.Equal(second.AsSpan(5 * Block, Block), Rig.AreaBlockInImage(1), "remap-area block 1 holds block 4109's data");

        // Later writes and reads of the bad blocks go to the remap area; fio checks every block of a range holding both.
        var fio = await CommandRunner.RunAsync("fio",
        [
            "--name=remap", $"--filename={Rig.Workspace.Rdsk("p0")}", "--rw=randwrite", "--bs=4k", "--iodepth=8", "--ioengine=libaio",
            "--direct=1", "--offset=0", "--size=1M", "--verify=crc32c", "--do_verify=1",
        ], TimeSpan.FromSeconds(60));
        Assert.True(fio.Succeeded, fio.ToString());
        Assert.Contains("err= 0", fio.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("verify:", fio.StandardError, StringComparison.Ordinal);
        Rig.AssertTable((4100, 0, "mapped"), (4109, 1, "mapped"));
        AssertBytes.Equal(oldAt4100, Rig.ImageAt(4100, Block), "image block 4100 after fio");
        AssertBytes.Equal(Rig.ReadRaw(4100, Block), Rig.AreaBlockInImage(0), "block 4100 as read is remap-area block 0");
    }

    [Fact]
    public void Read_FailingBlock_ReturnsEioListsItUnmappedAndTheNextWriteHealsIt()
    {
        Rig.CreateRemap();
        Rig.Fault("read", 4200);

        var dd = Rig.Dd(write: false, 4200);
        Assert.True(dd.ExitCode != 0, $"dd should have failed: {dd}");
        Assert.Contains("Input/output error", dd.StandardError, StringComparison.Ordinal);
        Assert.Equal(LinuxErrno.EIO, Rig.TryReadRaw(4200, Block));
        Assert.Equal(LinuxErrno.EIO, Rig.TryReadRaw(4196, 8 * Block)); // any read that holds the lost block
        AssertBytes.Equal(Rig.ImageAt(4201, Block), Rig.ReadRaw(4201, Block), "block 4201, next to the bad one");
        Rig.AssertTable((4200, -1, "unmapped"));
        Rig.AssertLogLine("remap instance 'R': read of block 4200 of disk 'f' failed", "entered as Unmapped");
        Assert.Equal("0", Rig.Send("dsk-usage name=p0").Fields["remapped-blocks"]);

        // The next write remaps it; the read rule stays on the original block, but reads now go to the remap area.
        string source = Rig.Workspace.PathOf("heal.bin");
        byte[] data = Random(Block);
        File.WriteAllBytes(source, data);
        Rig.Dd(write: true, 4200, source).EnsureSuccess();

        Rig.AssertTable((4200, 0, "mapped"));
        AssertBytes.Equal(data, Rig.ReadRaw(4200, Block), "block 4200 after the healing write");
        AssertBytes.Equal(data, Rig.AreaBlockInImage(0), "remap-area block 0 in the image");
        Rig.AssertLogLine("bad block 4200 on disk 'f' remapped to block 0 of remap area 'ra' (it was Unmapped)");
    }

    [Fact]
    public void ForceRemapThenRecover_KnownBadBlock_ForcedMappedByTheNextWriteAndRecoveredToItsPlace()
    {
        Rig.CreateRemap();
        byte[] before = Rig.ImageAt(4300, Block);

        Rig.Send("force-remap name=R block=4300");

        Rig.AssertTable((4300, -1, "forced"));
        Rig.AssertLogLine("block 4300 of disk 'f' listed as bad by the operator (Forced)");
        AssertBytes.Equal(before, Rig.ReadRaw(4300, Block), "a Forced block is read from its place until written");
        byte[] data = Random(Block);
        Rig.WriteRaw(4300, data);
        Rig.AssertTable((4300, 0, "mapped"));
        AssertBytes.Equal(before, Rig.ImageAt(4300, Block), "image block 4300 after the write (the data went to the remap area)");
        AssertBytes.Equal(data, Rig.AreaBlockInImage(0), "remap-area block 0");
        AssertBytes.Equal(data, Rig.ReadRaw(4300, Block), "block 4300 read back");

        // recover-bad-block: the data goes back to the block and the entry is gone.
        Rig.Send("recover-bad-block name=R block=4300");
        Rig.AssertTable();
        AssertBytes.Equal(data, Rig.ImageAt(4300, Block), "image block 4300 after the recovery");
        AssertBytes.Equal(data, Rig.ReadRaw(4300, Block), "block 4300 after the recovery");
        Rig.AssertLogLine("block 4300 of disk 'f' recovered");
        Assert.Equal("64", Rig.Attributes()["free-area-blocks"]);

        // A block that is still bad is not recovered: EIO with a sentence, the entry stays; after fault-clear it is.
        Rig.Fault("write", 4400);
        byte[] other = Random(Block);
        Rig.WriteRaw(4400, other);
        Rig.AssertTable((4400, 0, "mapped"));
        Rig.SendExpectingError("recover-bad-block name=R block=4400", LinuxErrno.EIO, "EIO", "block 4400", "still bad");
        Rig.AssertTable((4400, 0, "mapped"));
        AssertBytes.Equal(other, Rig.ReadRaw(4400, Block), "block 4400 after the failed recovery");
        Rig.Send("fault-clear name=f");
        Rig.Send("recover-bad-block name=R block=4400");
        Rig.AssertTable();
        AssertBytes.Equal(other, Rig.ImageAt(4400, Block), "image block 4400 after fault-clear and recovery");
    }

    [Fact]
    public void Write_BadBlockInTheRemapArea_MapsItToItselfAndTheDataToTheNextAreaBlock()
    {
        Rig.CreateRemap();
        Rig.Fault("write", RemapRig.AreaStart); // remap-area block 0
        Rig.Fault("write", 4500);
        byte[] data = Random(Block);

        Rig.WriteRaw(4500, data);

        Rig.AssertTable((RemapRig.AreaStart, 0, "bad-remap"), (4500, 1, "mapped"));
        Rig.AssertLogLine("remap-area block 0 of 'ra' failed a write", "listed as a bad remap");
        AssertBytes.Equal(data, Rig.AreaBlockInImage(1), "remap-area block 1 holds the data");
        AssertBytes.Equal(data, Rig.ReadRaw(4500, Block), "block 4500 read back");
        var attributes = Rig.Attributes();
        Assert.Equal(("1", "1", "62"), (attributes["bad-remap"], attributes["mapped"], attributes["free-area-blocks"]));

        // The bad remap-area block is never used again: the next bad block goes to block 2.
        Rig.Fault("write", 4501);
        Rig.WriteRaw(4501, data);
        Rig.AssertTable((RemapRig.AreaStart, 0, "bad-remap"), (4500, 1, "mapped"), (4501, 2, "mapped"));
    }

    [Fact]
    public void Read_RemapAreaBlockFails_BlockBecomesPseudoAndTheNextWriteMapsItElsewhere()
    {
        Rig.CreateRemap();
        Rig.Fault("write", 4600);
        Rig.WriteRaw(4600, Random(Block));
        Rig.AssertTable((4600, 0, "mapped"));
        Rig.Fault("read", RemapRig.AreaStart);

        Assert.Equal(LinuxErrno.EIO, Rig.TryReadRaw(4600, Block));
        Rig.AssertTable((RemapRig.AreaStart, 0, "bad-remap"), (4600, -1, "pseudo"));
        Assert.Equal(LinuxErrno.EIO, Rig.TryReadRaw(4600, Block)); // treated as unmapped: undetermined until written
        Rig.SendExpectingError("recover-bad-block name=R block=4600", LinuxErrno.EINVAL, "EINVAL", "Pseudo");

        byte[] data = Random(Block);
        Rig.WriteRaw(4600, data);
        Rig.AssertTable((RemapRig.AreaStart, 0, "bad-remap"), (4600, 1, "mapped"));
        AssertBytes.Equal(data, Rig.ReadRaw(4600, Block), "block 4600 after the write");
    }

    [Fact]
    public void Write_RemapAreaFull_FailsWithEnospcAndAClearMessage()
    {
        var small = _rigInstance = new RemapRig(areaBlocks: 2);
        small.CreateRemap();
        foreach (var block in new long[] { 4700, 4701, 4702 })
        {
            small.Fault("write", block);
        }
        byte[] a = Random(Block), b = Random(Block);
        small.WriteRaw(4700, a);
        small.WriteRaw(4701, b);

        Assert.Equal(ENOSPC, small.TryWriteRaw(4702, Random(Block)));
        var dd = small.Dd(write: true, 4702);
        Assert.True(dd.ExitCode != 0, dd.ToString());
        Assert.Contains("No space left on device", dd.StandardError, StringComparison.Ordinal);

        small.AssertLogLine("block 4702 of disk 'f' could not be remapped: the remap area 'ra' of remap instance 'R' is full (all 2 blocks used)");
        small.AssertTable((4700, 0, "mapped"), (4701, 1, "mapped"), (4702, -1, "unmapped"));
        Assert.Equal("0", small.Attributes()["free-area-blocks"]);
        AssertBytes.Equal([.. a, .. b], small.ReadRaw(4700, 2 * Block), "the two remapped blocks still read back");
    }

    [Fact]
    public void Write_PrimaryTableGoesBad_CarriesOnWithTheSecondaryAndSaysSo()
    {
        Rig.CreateRemap();
        Rig.Fault("both", RemapRig.PrimaryStart, RemapRig.TableBlocks);
        Rig.Fault("write", 4800);
        byte[] data = Random(Block);

        Rig.WriteRaw(4800, data);

        var attributes = Rig.Attributes();
        Assert.Equal(("failed", "in-use"), (attributes["primary-table-state"], attributes["secondary-table-state"]));
        Rig.AssertLogLine("primary table 'pt' failed", "carrying on with the other table");
        Rig.AssertTable((4800, 0, "mapped"));
        AssertBytes.Equal(data, Rig.ReadRaw(4800, Block), "block 4800");

        // Updates go on through the secondary table.
        Rig.Fault("write", 4801);
        Rig.WriteRaw(4801, data);
        Rig.AssertTable((4800, 0, "mapped"), (4801, 1, "mapped"));
    }
}
