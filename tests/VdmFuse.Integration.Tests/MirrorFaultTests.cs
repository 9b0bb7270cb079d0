using System.Globalization;
using VdmFuse.Engine.Mirror;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// vdmmirr(7) against real failures through the real mount: mirror m over fault instances fa, fb (and fc) over
/// physical instances over image files. Writes and reads fail on one image during I/O and during a sync, a disk is
/// pulled, an image is fractured and resynchronised, syncs are terminated and throttled; checksums, fio's crc32c
/// verification and byte-for-byte comparisons of the image files prove that no acknowledged data was lost.
/// </summary>
public sealed partial class MirrorFaultTests
{
    [Fact]
    public async Task Write_WriteRuleOnOneImage_SucceedsMarksItCorruptAndEveryByteReadsBack()
    {
        CreateSyncedMirror("fa", "fb");
        Send("fault-add name=fb op=write start=2100 count=8");
        byte[] data = Random(MiB);
        byte[] oldOnB = ReadFileRange(ImageOf("b"), 2048L * Block, MiB);

        using (var mirror = OpenMirror())
        {
            mirror.WriteExactly(data, 2048L * Block); // blocks 2048-4095: overlaps the rule
        }

        var fb = Roles()["fb"];
        Assert.Equal("1", fb["corrupt"]);
        Assert.Equal("corrupt", fb["state"]);
        Assert.Equal("usable", StateOf("fa"));
        AssertLogLine("mirror 'm': image 'fb' is now corrupt: write of", "failed");
        using (var mirror = OpenMirror())
        {
            AssertBytes.Equal(data, mirror.ReadBytes(2048L * Block, MiB), "the write read back through rdsk/m");
        }
        AssertBytes.Equal(data, ReadFileRange(ImageOf("a"), 2048L * Block, MiB), "a.img holds the acknowledged write");
        AssertBytes.Equal(oldOnB, ReadFileRange(ImageOf("b"), 2048L * Block, MiB), "b.img: the failed write never reached it");

        // More I/O with one image corrupt: fio writes and verifies every block by its crc32c.
        var fio = await CommandRunner.RunAsync("fio",
        [
            "--name=mirror", $"--filename={_workspace.Rdsk("m")}", "--rw=randwrite", "--bs=4k", "--iodepth=16", "--ioengine=libaio",
            "--direct=1", "--offset=16M", "--size=16M", "--verify=crc32c", "--do_verify=1",
        ], TimeSpan.FromSeconds(120));
        Assert.True(fio.Succeeded, fio.ToString());
        Assert.Contains("err= 0", fio.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("verify:", fio.StandardError, StringComparison.Ordinal);

        // Healed and resynchronised, the images are identical again.
        Send("fault-clear name=fb");
        Send("sync-images name=m source=fa destinations=fb");
        WaitForSyncEnd();
        Assert.Equal("usable", StateOf("fb"));
        AssertImagesIdentical("a", "b");
    }

    [Fact]
    public void Read_ReadRuleOnceOnOneImage_ReturnsTheDataAndCorrectsTheImage()
    {
        CreateSyncedMirror("fa", "fb");
        byte[] expected = ReadFileRange(ImageOf("a"), 4096L * Block, 8 * Block);
        Send("fault-add name=fb op=read start=4096 count=8 times=1");

        using (var mirror = OpenMirror())
        {
            // Reads alternate between the usable images: within a few, one reaches fb and fails there.
            for (int i = 0; i < 6 && RuleCount("fb") > 0; i++)
            {
                AssertBytes.Equal(expected, mirror.ReadBytes(4096L * Block, 8 * Block), $"read {i} of blocks 4096-4103");
            }
        }

        Assert.Equal(0, RuleCount("fb")); // the rule was hit, so spent
        Assert.Equal("usable", StateOf("fb"));
        Assert.Equal("0", Roles()["fb"]["corrupt"]);
        AssertLogLine("mirror 'm': read error on image 'fb' at block 4096", "corrected", "rewritten from image 'fa'");
        AssertImagesIdentical("a", "b");
    }

    [Fact]
    public void Read_PersistentReadRuleOnOneImage_ReturnsTheDataAndMarksItCorrupt()
    {
        CreateSyncedMirror("fa", "fb");
        byte[] expected = ReadFileRange(ImageOf("a"), 4096L * Block, 8 * Block);
        Send("fault-add name=fb op=read start=4096 count=8");

        using (var mirror = OpenMirror())
        {
            for (int i = 0; i < 6 && StateOf("fb") == "usable"; i++)
            {
                AssertBytes.Equal(expected, mirror.ReadBytes(4096L * Block, 8 * Block), $"read {i} of blocks 4096-4103");
            }
            Assert.Equal("corrupt", StateOf("fb"));
            for (int i = 0; i < 4; i++)
            {
                AssertBytes.Equal(expected, mirror.ReadBytes(4096L * Block, 8 * Block), $"read {i} after fb became corrupt");
            }
        }

        Assert.Equal("1", Roles()["fb"]["corrupt"]);
        Assert.Equal("usable", StateOf("fa"));
        AssertLogLine("mirror 'm': image 'fb' is now corrupt", "read error at block 4096", "could not be corrected");
    }

    [Fact]
    public void Sync_WriteRuleOnADestination_LeavesItCorruptAndTheOtherUsable()
    {
        CreateMirror("fa,fb,fc");
        Send("fault-add name=fb op=write start=30000 count=8");

        Send("sync-images name=m source=fa destinations=fb,fc");
        WaitForSyncEnd();

        Assert.Equal("usable", StateOf("fa"));
        Assert.Equal("corrupt", StateOf("fb"));
        Assert.Equal("usable", StateOf("fc"));
        AssertLogLine("mirror 'm': image 'fb' is now corrupt", $"sync write at block {ChunkStartBlock(30000)} failed");
        AssertLogLine("mirror 'm': sync from image 'fa' finished", "'fc' usable");
        AssertImagesIdentical("a", "c");
    }

    [Fact]
    public void Sync_ReadRuleOnTheSource_ReadsTheChunkFromAnotherUsableImage()
    {
        CreateMirror("fa,fb,fc");
        Send("sync-images name=m source=fa destinations=fb");
        WaitForSyncEnd();
        Assert.Equal("corrupt", StateOf("fc"));
        Send("fault-add name=fa op=read start=30000 count=8 times=1");

        Send("sync-images name=m source=fa destinations=fc");
        WaitForSyncEnd();

        Assert.Equal(0, RuleCount("fa"));
        Assert.All(new[] { "fa", "fb", "fc" }, image => Assert.Equal("usable", StateOf(image)));
        AssertLogLine($"mirror 'm': read error on image 'fa' at block {ChunkStartBlock(30000)}", "corrected", "rewritten from image 'fb'");
        AssertImagesIdentical("a", "b", "c");
    }

    [Fact]
    public void Sync_SourceTurnsCorruptMidSyncThenAWrite_NoUsableImageHoldsStaleData()
    {
        // fa, fb usable, fc corrupt; a persistent read rule on fa makes the sync's first chunk fail there: the chunk
        // is read from fb, fa cannot be corrected and becomes corrupt. A write arriving after that reaches fb and fc
        // (not fa): whatever the sync does next, no image it leaves usable may hold the data from before the write.
        CreateMirror("fa,fb,fc");
        Send("sync-images name=m source=fa destinations=fb");
        WaitForSyncEnd();
        Send("fault-add name=fa op=read start=100 count=8");
        Send("sync-images name=m source=fa destinations=fc milliseconds-between-sync-io=100");
        WaitUntil(() => StateOf("fa") == "corrupt", "fa is corrupt");
        Assert.True(SyncInProgress(), "the sync ended before the write; the test needs it still running");
        byte[] data = Random(MiB);
        using (var mirror = OpenMirror())
        {
            mirror.WriteExactly(data, 30L * MiB);
        }

        WaitForSyncEnd();

        var roles = Roles();
        Assert.Equal("corrupt", roles["fa"]["state"]);
        Assert.Equal("usable", roles["fb"]["state"]);
        AssertBytes.Equal(data, ReadFileRange(ImageOf("b"), 30L * MiB, MiB), "b.img");
        if (roles["fc"]["state"] == "usable")
        {
            AssertBytes.Equal(data, ReadFileRange(ImageOf("c"), 30L * MiB, MiB), "c.img, left usable by the sync");
        }
        using var reader = OpenMirror();
        for (int i = 0; i < 6; i++)
        {
            AssertBytes.Equal(data, reader.ReadBytes(30L * MiB, MiB), $"read {i} through rdsk/m of the acknowledged write");
        }
    }

    [Fact]
    public void Sync_ReadRuleOnTheOnlyUsableImage_FailsLeavingTheDestinationCorrupt()
    {
        CreateMirror("fa,fb");
        byte[] oldTail = ReadFileRange(ImageOf("b"), ImageBytes - MiB, MiB);
        Send("fault-add name=fa op=read start=30000 count=8");

        Send("sync-images name=m source=fa destinations=fb");
        WaitForSyncEnd();

        Assert.Equal("corrupt", StateOf("fb"));
        Assert.Equal("usable", StateOf("fa"));
        AssertLogLine("mirror 'm': sync from image 'fa' failed at block", "'fb' left corrupt");
        AssertBytes.Equal(oldTail, ReadFileRange(ImageOf("b"), ImageBytes - MiB, MiB), "b.img past the failed chunk was never written");

        Send("fault-clear name=fa");
        Send("sync-images name=m source=fa destinations=fb");
        WaitForSyncEnd();
        Assert.Equal("usable", StateOf("fb"));
        AssertImagesIdentical("a", "b");
    }

    [Fact]
    public void Sync_WritesDuringTheSync_ImagesEndByteIdentical()
    {
        byte[] expected = File.ReadAllBytes(ImageOf("a"));
        CreateMirror("fa,fb");
        var random = new Random(5);
        int writesDuringSync = 0;

        Send("sync-images name=m source=fa destinations=fb milliseconds-between-sync-io=2");
        using (var mirror = OpenMirror())
        {
            for (int i = 0; ; i++)
            {
                if (i % 8 == 0 && !SyncInProgress())
                {
                    break;
                }
                int length = random.Next(1, 33) * 4096;
                long offset = random.NextInt64(0, (ImageBytes - length) / 4096) * 4096;
                byte[] data = Random(length);
                mirror.WriteExactly(data, offset);
                data.CopyTo(expected, offset);
                writesDuringSync++;
            }
        }

        Assert.True(writesDuringSync >= 16, $"only {writesDuringSync} writes landed during the sync");
        Assert.Equal("usable", StateOf("fb"));
        AssertBytes.Equal(expected, File.ReadAllBytes(ImageOf("a")), "a.img against every acknowledged write");
        AssertImagesIdentical("a", "b");
    }

    [Fact]
    public void PulledDisk_OneImageDropped_IoContinuesOnTheOther()
    {
        CreateSyncedMirror("fa", "fb");
        byte[] before = Random(MiB);
        byte[] after = Random(MiB);
        using (var mirror = OpenMirror())
        {
            mirror.WriteExactly(before, 1L * MiB);

            Send("fault-add name=fb op=both all=1");

            mirror.WriteExactly(after, 5L * MiB);
            for (int i = 0; i < 4; i++)
            {
                AssertBytes.Equal(before, mirror.ReadBytes(1L * MiB, MiB), $"read {i} of the data written before the pull");
                AssertBytes.Equal(after, mirror.ReadBytes(5L * MiB, MiB), $"read {i} of the data written after the pull");
            }
            mirror.Fsync();
        }

        Assert.Equal("corrupt", StateOf("fb"));
        Assert.Equal("usable", StateOf("fa"));
        AssertLogLine("mirror 'm': image 'fb' is now corrupt");
        AssertBytes.Equal(after, ReadFileRange(ImageOf("a"), 5L * MiB, MiB), "a.img holds the write made after the pull");

        // The disk is put back: a sync brings it up to date.
        Send("fault-clear name=fb");
        Send("sync-images name=m source=fa destinations=fb");
        WaitForSyncEnd();
        AssertImagesIdentical("a", "b");
    }

    [Fact]
    public void Fracture_Granularity16_ResyncWritesOnlyTheMarkedGranules()
    {
        CreateSyncedMirror("fa", "fb");
        Send("fracture-image name=m image=fb change-granularity=16");
        var fractured = Roles()["fb"];
        Assert.Equal(("fractured", "1", "16", "1"), (fractured["state"], fractured["fractured"], fractured["change-granularity"], fractured["corrupt"]));
        long writtenBefore = BlocksWritten("fb");
        long physicalBefore = BlocksWritten("b");

        // Blocks 0, 100-103, 1000 and 5000-5040: granules 0, 6, 62 and 312-315 of 16 blocks.
        (long Block, int Blocks)[] writes = [(0, 1), (100, 4), (1000, 1), (5000, 41)];
        long[] granules = [0, 6, 62, 312, 313, 314, 315];
        using (var mirror = OpenMirror())
        {
            foreach (var (block, blocks) in writes)
            {
                mirror.WriteExactly(Random(blocks * Block), block * Block);
            }
        }
        Assert.Equal(Invariant($"{granules.Length}"), Roles()["fb"]["changed-granules"]);
        AssertDifferOnlyIn(granules);

        Send("sync-images name=m source=fa destinations=fb");
        WaitForSyncEnd();

        Assert.Equal("usable", StateOf("fb"));
        Assert.Equal(granules.Length * 16, BlocksWritten("fb") - writtenBefore);
        Assert.Equal(granules.Length * 16, BlocksWritten("b") - physicalBefore);
        AssertImagesIdentical("a", "b");
    }

    [Fact]
    public void TerminateSync_OneOfTwoDestinations_LeavesItCorruptAndTheOtherGoing()
    {
        CreateMirror("fa,fb,fc");
        Send("sync-images name=m source=fa destinations=fb,fc milliseconds-between-sync-io=200");
        WaitUntil(() => long.Parse(Roles()["fb"]["sync-block"], CultureInfo.InvariantCulture) > 0, "the sync has copied a chunk");

        Send("terminate-sync name=m destination=fb");

        var roles = Roles();
        Assert.Equal(("corrupt", "1", "0"), (roles["fb"]["state"], roles["fb"]["corrupt"], roles["fb"]["sync-destination"]));
        Assert.Equal(("sync-destination", "1", "fa"), (roles["fc"]["state"], roles["fc"]["sync-destination"], roles["fc"]["source-image"]));
        Assert.True(SyncInProgress());
        AssertLogLine("mirror 'm': sync to image 'fb' terminated");

        Send("throttle-sync name=m destination=fc milliseconds-between-sync-io=0");
        WaitForSyncEnd();
        Assert.Equal("corrupt", StateOf("fb"));
        Assert.Equal("usable", StateOf("fc"));
        AssertImagesIdentical("a", "c");
    }

    [Fact]
    public void ThrottleSync_SlowSyncThrottledToZero_Completes()
    {
        CreateMirror("fa,fb");
        Send("sync-images name=m source=fa destinations=fb milliseconds-between-sync-io=5000");
        Thread.Sleep(2500);

        // The first chunk is copied at once, the next only 5 s later: after 2.5 s one chunk (two at most) is done.
        var slow = Roles()["fb"];
        long chunkBlocks = MirrorDisk.SyncChunkBytes / Block;
        long block = long.Parse(slow["sync-block"], CultureInfo.InvariantCulture);
        Assert.True(block <= 2 * chunkBlocks && block < ImageBlocks,
            $"a sync waiting 5000 ms between {MirrorDisk.SyncChunkBytes} byte copies of a {ImageBytes} byte image is at block {block} after 2.5 s");
        Assert.Equal("sync-destination", slow["state"]);

        Send("throttle-sync name=m destination=fb milliseconds-between-sync-io=0");
        var left = WaitForSyncEnd(TimeSpan.FromSeconds(20));

        Assert.True(left < TimeSpan.FromSeconds(20), $"throttled to 0 the rest took {left.TotalSeconds:F1} s");
        Assert.Equal("usable", StateOf("fb"));
        AssertLogLine("mirror 'm': sync to fb now waits 0 ms between I/Os");
        AssertImagesIdentical("a", "b");
    }

    [Fact]
    public void Vdmadm_SyncWait_ExitsZeroWithProgressAndTheImagesMatch()
    {
        Vdmadm.RunOk(Mountpoint, "create", "mirror", "m", "fa", "fb");

        var sync = Vdmadm.RunOk(Mountpoint, "sync", "m", "--source", "fa", "--to", "fb", "--delay", "20", "--wait");

        Assert.Contains("progress: sync m: ", sync.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("KiB/s)", sync.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("synchronised mirror m from fa: fb usable (65536 blocks", sync.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("usable", StateOf("fb"));
        AssertImagesIdentical("a", "b");
        var status = Vdmadm.RunOk(Mountpoint, "mirror", "status", "m").StandardOutput.Split('\n');
        Assert.StartsWith("fa ", status[1], StringComparison.Ordinal);
        Assert.Contains(" usable ", status[1], StringComparison.Ordinal);
        Assert.Contains(" usable ", status[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Vdmadm_SyncWaitWithAFailingDestination_ExitsWithEioNamingIt()
    {
        Vdmadm.RunOk(Mountpoint, "create", "mirror", "m", "fa", "fb", "fc");
        Send("fault-add name=fc op=write start=20000");

        var sync = Vdmadm.Run(Mountpoint, "sync", "m", "--source", "fa", "--to", "fb,fc", "--wait");

        Assert.Equal(5, sync.ExitCode);
        Assert.Contains("vdmadm: EIO: the sync of mirror m from fa left image fc (corrupt); fb usable", sync.StandardError, StringComparison.Ordinal);
        Assert.Equal("corrupt", StateOf("fc"));
        AssertImagesIdentical("a", "b");
    }

    /// <summary>Asserts a.img and b.img differ in no 16-block granule outside <paramref name="granules"/>.</summary>
    private void AssertDifferOnlyIn(long[] granules)
    {
        byte[] a = File.ReadAllBytes(ImageOf("a"));
        byte[] b = File.ReadAllBytes(ImageOf("b"));
        const int GranuleBytes = 16 * Block;
        for (long g = 0; g < ImageBytes / GranuleBytes; g++)
        {
            bool same = a.AsSpan((int)(g * GranuleBytes), GranuleBytes).SequenceEqual(b.AsSpan((int)(g * GranuleBytes), GranuleBytes));
            Assert.True(same != granules.Contains(g), $"granule {g}: {(same ? "unchanged although written" : "differs although never written")}");
        }
    }

    /// <summary>The first block of the sync chunk holding <paramref name="block"/>: where the sync's log lines place an error.</summary>
    private static long ChunkStartBlock(long block) => block / (MirrorDisk.SyncChunkBytes / Block) * (MirrorDisk.SyncChunkBytes / Block);
}
