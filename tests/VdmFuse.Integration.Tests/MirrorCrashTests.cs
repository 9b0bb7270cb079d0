using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text.RegularExpressions;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// A persistent mirror and SIGKILL of the daemon while it is written: vdmmirr(7)'s "slightly out of date" marking,
/// the dirty-region map that lets the recovery sync copy only the regions being written, and the mirror that comes
/// back needing a sync when automatic-sync is off. The EXAMPLE's layout: physical a and b, partitions image0 and
/// image1 on them, mirror c over the partitions.
/// </summary>
public sealed class MirrorCrashTests : IDisposable
{
    private const int BlockBytes = 4096;
    private const long RegionBlocks = 1024; // 512 KiB regions
    private const long PartitionBlocks = 32768; // 16 MiB
    private const long StartA = 2048;
    private const long StartB = 6144;

    /// <summary>The regions the writer writes in (of the 32): a whole-image sync would copy eight times as much.</summary>
    private static readonly int[] WrittenRegions = [1, 7, 18, 30];

    private readonly DaemonWorkspace _workspace = new();
    private readonly string _imageA;
    private readonly string _imageB;

    public MirrorCrashTests()
    {
        _workspace.Configuration.LogLevel = "info";
        _imageA = CreateImage("a.img");
        _imageB = CreateImage("b.img");
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Sigkill_DuringWrites_AutomaticSyncCopiesOnlyDirtyRegionsAndNoAcknowledgedWriteIsLost()
    {
        CreateSyncedMirror(automaticSync: true);
        var writer = WriteUntilKilled();

        var daemon = _workspace.StartDaemon();

        var log = daemon.Output;
        Assert.Contains("mirror 'c' was not closed cleanly: starting an automatic sync from 'image0' to 'image1'", log);
        var dirty = Regex.Match(log, @"mirror 'c' was not closed cleanly: (\d+) dirty regions of (\d+) blocks");
        Assert.True(dirty.Success, log);
        var dirtyRegions = long.Parse(dirty.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(RegionBlocks.ToString(CultureInfo.InvariantCulture), dirty.Groups[2].Value);
        Assert.InRange(dirtyRegions, 1, WrittenRegions.Length);
        WaitUntilSynchronised();

        // The recovery sync wrote the dirty regions to image1 and nothing else.
        var usage = ControlFile.SendOk(_workspace.Mountpoint, "dsk-usage name=image1").Fields;
        Assert.Equal(dirtyRegions * RegionBlocks, long.Parse(usage["blocks-written"], CultureInfo.InvariantCulture));
        Assert.Contains($"mirror 'c': sync from image 'image0' finished", _workspace.Daemon!.Output);
        writer.AssertReadsBack(_workspace.Dsk("c"));
        AssertImagesIdentical();
        Assert.Equal(0, _workspace.StopDaemon());
    }

    [Fact]
    public void Sigkill_AfterWritesWithoutAutomaticSync_OutOfDateImageCorruptUntilSynchronised()
    {
        CreateSyncedMirror(automaticSync: false);
        var writer = WriteUntilKilled();

        var daemon = _workspace.StartDaemon();

        Assert.Contains("mirror 'c' was not closed cleanly: 'image1' is out of date and need a sync (automatic-sync is off)", daemon.Output);
        var role = ControlFile.SendOk(_workspace.Mountpoint, "get-child-instance parent=c available=1 key=1").Fields;
        Assert.Equal("image1", role["child"]);
        Assert.Equal("1", role["corrupt"]);
        Assert.Equal("corrupt", role["state"]);
        Assert.Equal("0", role["sync-destination"]);
        Assert.Equal("0", ControlFile.SendOk(_workspace.Mountpoint, "get-attributes name=c").Fields["sync-in-progress"]);
        // minimum-images-required-to-use 2: the mirror cannot be used until the sync.
        ControlFile.SendExpectingError(_workspace.Mountpoint, "dsk-get name=c", LinuxErrno.EINVAL, "EINVAL");
        Assert.Equal(6, PosixFile.TryOpen(_workspace.Rdsk("c"), Libc.O_RDONLY, out _)); // ENXIO

        ControlFile.SendOk(_workspace.Mountpoint, "sync-images name=c source=image0 destinations=image1");
        WaitUntilSynchronised();

        ControlFile.SendOk(_workspace.Mountpoint, "dsk-get name=c");
        writer.AssertReadsBack(_workspace.Dsk("c"));
        AssertImagesIdentical();
        Assert.Equal(0, _workspace.StopDaemon());
    }

    [Fact]
    public void CleanStop_AfterWrites_BackSynchronisedWithoutSyncAndDeleteRemovesTheJournal()
    {
        CreateSyncedMirror(automaticSync: true);
        var number = ControlFile.GetInstances(_workspace.Mountpoint)["c"]["device-number"];
        var data = Random(256 * 1024);
        using (var file = PosixFile.Open(_workspace.Rdsk("c"), Libc.O_RDWR))
        {
            file.WriteExactly(data, 3 * MiB);
        }
        Assert.Equal(0, _workspace.StopDaemon());

        var daemon = _workspace.StartDaemon();

        Assert.DoesNotContain("not closed cleanly", daemon.Output);
        Assert.Equal(number, ControlFile.GetInstances(_workspace.Mountpoint)["c"]["device-number"]);
        var attributes = ControlFile.SendOk(_workspace.Mountpoint, "get-attributes name=c").Fields;
        Assert.Equal(("1", "0", "1024"), (attributes["automatic-sync"], attributes["sync-in-progress"], attributes["region-size"]));
        Assert.Equal("0", ControlFile.SendOk(_workspace.Mountpoint, "get-child-instance parent=c available=1 key=1").Fields["corrupt"]);
        using (var file = PosixFile.Open(_workspace.Rdsk("c"), Libc.O_RDONLY))
        {
            AssertBytes.Equal(data, file.ReadBytes(3 * MiB, data.Length), "rdsk/c after a clean restart");
        }
        var journal = Path.Combine(_workspace.StateDirectory, "mirrors", "c.journal");
        Assert.True(File.Exists(journal));
        ControlFile.SendOk(_workspace.Mountpoint, "delete-instance name=c");
        Assert.False(File.Exists(journal));
        Assert.Equal(0, _workspace.StopDaemon());
        _workspace.StartDaemon();
        Assert.False(ControlFile.GetInstances(_workspace.Mountpoint).ContainsKey("c"));
    }

    private string CreateImage(string name)
    {
        var path = _workspace.PathOf(name);
        using var file = File.Create(path);
        file.SetLength(32L * MiB);
        return path;
    }

    /// <summary>Persistent a, b, image0, image1 and mirror c (minimum 2 images, 512 KiB regions), synchronised.</summary>
    private void CreateSyncedMirror(bool automaticSync)
    {
        _workspace.StartDaemon();
        foreach (var command in new[]
        {
            $"create-instance subdriver=physical name=a path={_imageA} persistent=1",
            $"create-instance subdriver=physical name=b path={_imageB} persistent=1",
            $"create-instance subdriver=partition name=image0 child=a start={StartA} size={PartitionBlocks} persistent=1",
            $"create-instance subdriver=partition name=image1 child=b start={StartB} size={PartitionBlocks} persistent=1",
            $"create-instance subdriver=mirror name=c images=image0,image1 automatic-sync={(automaticSync ? 1 : 0)} " +
                $"minimum-images-required-to-use=2 maximum-images-missing-to-use=0 region-size={RegionBlocks} persistent=1",
            "sync-images name=c source=image0 destinations=image1",
        })
        {
            ControlFile.SendOk(_workspace.Mountpoint, command);
        }
        WaitUntilSynchronised();
    }

    /// <summary>Writes checksummed blocks to rdsk/c from another thread and SIGKILLs the daemon in the middle.</summary>
    private ChecksummedWriter WriteUntilKilled()
    {
        var writer = new ChecksummedWriter(_workspace.Rdsk("c"), WrittenRegions);
        var running = Task.Run(writer.Run);
        Assert.True(writer.WaitForWrites(200, TimeSpan.FromSeconds(20)), "the writer acknowledged fewer than 200 writes in 20 s");
        _workspace.KillDaemon();
        Assert.True(running.Wait(TimeSpan.FromSeconds(20)), "the writer did not stop after SIGKILL");
        Assert.True(writer.Acknowledged > 0);
        return writer;
    }

    /// <summary>Polls get-child-instance until image1 is neither a sync destination nor corrupt (30 s at most).</summary>
    private void WaitUntilSynchronised()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var role = ControlFile.SendOk(_workspace.Mountpoint, "get-child-instance parent=c available=1 key=1").Fields;
            if (role["sync-destination"] == "0" && role["corrupt"] == "0")
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"image1 of c is still {role["state"]} after 30 s\n{_workspace.Daemon?.Output}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The partitions' ranges of the two image files are byte for byte the same.</summary>
    private void AssertImagesIdentical()
    {
        const int Chunk = 1 << 20;
        for (long offset = 0; offset < PartitionBlocks * 512; offset += Chunk)
        {
            AssertBytes.Equal(
                ReadFileRange(_imageA, StartA * 512 + offset, Chunk),
                ReadFileRange(_imageB, StartB * 512 + offset, Chunk),
                $"image1 against image0 at byte {offset} of the partitions");
        }
    }

    /// <summary>
    /// Writes 4 KiB blocks in a few regions of a disk, in a loop: each block carries its block number, a generation and
    /// a CRC-32 of the rest, so a read shows which write it holds. Remembers the last acknowledged generation of every
    /// block and the write in flight when a write fails (the daemon was killed).
    /// </summary>
    private sealed class ChecksummedWriter(string path, int[] regions)
    {
        private readonly Dictionary<long, long> _acknowledged = [];
        private long _generation;
        private long _count;
        private (long Block, long Generation)? _inFlight;

        public long Acknowledged => Interlocked.Read(ref _count);

        public void Run()
        {
            using var file = PosixFile.Open(path, Libc.O_RDWR);
            var random = new Random(5);
            const long BlocksPerRegion = RegionBlocks * 512 / BlockBytes;
            while (true)
            {
                var block = regions[random.Next(regions.Length)] * BlocksPerRegion + random.Next((int)BlocksPerRegion);
                var generation = ++_generation;
                _inFlight = (block, generation);
                if (file.TryPwrite(Content(block, generation), block * BlockBytes, out var written) != 0 || written != BlockBytes)
                {
                    return;
                }
                lock (_acknowledged)
                {
                    _acknowledged[block] = generation;
                }
                _inFlight = null;
                Interlocked.Increment(ref _count);
            }
        }

        public bool WaitForWrites(long count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Acknowledged < count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    return false;
                }
                Thread.Sleep(10);
            }
            return true;
        }

        /// <summary>Every acknowledged block reads back with its last generation (or the one in flight at the kill).</summary>
        public void AssertReadsBack(string disk)
        {
            using var file = new FileStream(disk, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            var data = new byte[BlockBytes];
            foreach (var (block, generation) in _acknowledged)
            {
                file.Position = block * BlockBytes;
                file.ReadExactly(data);
                var held = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8));
                Assert.True(Crc32.HashToUInt32(data.AsSpan(4)) == BinaryPrimitives.ReadUInt32LittleEndian(data),
                    $"block {block} fails its checksum (torn or lost)");
                Assert.Equal(block, BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(16)));
                var inFlight = _inFlight is { } pending && pending.Block == block ? pending.Generation : -1;
                Assert.True(held == generation || held == inFlight,
                    $"block {block} holds generation {held}; the last acknowledged write was {generation}");
            }
        }

        private static byte[] Content(long block, long generation)
        {
            var data = new byte[BlockBytes];
            new Random((int)(block * 7919 + generation)).NextBytes(data.AsSpan(24));
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), generation);
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(16), block);
            BinaryPrimitives.WriteUInt32LittleEndian(data, Crc32.HashToUInt32(data.AsSpan(4)));
            return data;
        }
    }
}
