using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.PartitionedDiskFixture;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// I/O through rdsk/ (raw, 512-aligned) and dsk/ (buffered, any alignment) of a partition, checked against every
/// view and against the backing image. Each test uses its own region of p0 so that the tests share one daemon.
/// </summary>
public sealed class RawIoTests : IClassFixture<PartitionedDiskFixture>
{
    private readonly PartitionedDiskFixture _fixture;

    public RawIoTests(PartitionedDiskFixture fixture) => _fixture = fixture;

    private DaemonWorkspace Workspace => _fixture.Workspace;

    [Fact]
    public void RawPartition_DirectDdOfRandomData_ReadsBackIdenticalThroughEveryView()
    {
        const int regionMiB = 16, lengthMiB = 8;
        string source = Workspace.PathOf("direct-dd-source.bin");
        SystemTools.Dd("if=/dev/urandom", $"of={source}", "bs=1M", $"count={lengthMiB}", "iflag=fullblock");
        SystemTools.Dd($"if={source}", $"of={Workspace.Rdsk("p0")}", "bs=1M", $"seek={regionMiB}", "oflag=direct", "conv=notrunc");
        byte[] expected = File.ReadAllBytes(source);

        string rawCopy = Workspace.PathOf("direct-dd-raw.bin");
        SystemTools.Dd($"if={Workspace.Rdsk("p0")}", $"of={rawCopy}", "bs=1M", $"skip={regionMiB}", $"count={lengthMiB}", "iflag=direct");
        AssertBytes.Equal(expected, File.ReadAllBytes(rawCopy), "rdsk/p0 read back with iflag=direct");

        string bufferedCopy = Workspace.PathOf("direct-dd-buffered.bin");
        SystemTools.Dd($"if={Workspace.Dsk("p0")}", $"of={bufferedCopy}", "bs=1M", $"skip={regionMiB}", $"count={lengthMiB}");
        AssertBytes.Equal(expected, File.ReadAllBytes(bufferedCopy), "dsk/p0 read back through the page cache");

        byte[] image = ReadFileRange(_fixture.Disk0Image, PartitionOffset + (long)regionMiB * MiB, lengthMiB * MiB);
        AssertBytes.Equal(expected, image, $"disk0.img at the partition's offset {PartitionOffset} + {regionMiB} MiB");
    }

    [Theory]
    [InlineData(100, 512)]
    [InlineData(0, 100)]
    [InlineData(512, 1000)]
    public void RawView_UnalignedRead_FailsWithEinval(long offsetInRegion, int length)
    {
        long region = 32L * MiB;
        using var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDONLY);
        int errno = raw.TryPread(new byte[length], region + offsetInRegion, out int count);
        Assert.True(errno == LinuxErrno.EINVAL,
            $"pread(rdsk/p0, {length} bytes at {region + offsetInRegion}) returned {count} bytes with errno {errno}; expected EINVAL");
    }

    [Theory]
    [InlineData(100, 512)]
    [InlineData(0, 100)]
    [InlineData(512, 1000)]
    public void RawView_UnalignedWrite_FailsWithEinvalAndChangesNothing(long offsetInRegion, int length)
    {
        long region = 33L * MiB;
        byte[] background = Random(8192);
        using var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR);
        raw.WriteExactly(background, region);

        int errno = raw.TryPwrite(Random(length), region + offsetInRegion, out int count);

        Assert.True(errno == LinuxErrno.EINVAL,
            $"pwrite(rdsk/p0, {length} bytes at {region + offsetInRegion}) wrote {count} bytes with errno {errno}; expected EINVAL");
        AssertBytes.Equal(background, raw.ReadBytes(region, background.Length), "rdsk/p0 after the refused unaligned write");
    }

    [Fact]
    public void BufferedView_UnalignedWrite_LandsWhereRawViewReadsIt()
    {
        long region = 36L * MiB;
        byte[] background = Random(8192);
        byte[] patch = Random(1000);
        using var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR);
        raw.WriteExactly(background, region);

        using (var buffered = PosixFile.Open(Workspace.Dsk("p0"), Libc.O_RDWR))
        {
            buffered.WriteExactly(patch, region + 100);
            buffered.Fsync();
        }

        byte[] expected = (byte[])background.Clone();
        patch.CopyTo(expected, 100);
        AssertBytes.Equal(expected, raw.ReadBytes(region, expected.Length), "rdsk/p0 after 1000 bytes written at +100 through dsk/p0");
        byte[] image = ReadFileRange(_fixture.Disk0Image, PartitionOffset + region, expected.Length);
        AssertBytes.Equal(expected, image, "disk0.img after the unaligned write through dsk/p0");
    }

    [Fact]
    public void BufferedView_UnalignedRead_ReturnsTheBytesAtThatOffset()
    {
        long region = 40L * MiB;
        byte[] data = Random(16384);
        using (var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR))
        {
            raw.WriteExactly(data, region);
        }

        using var buffered = PosixFile.Open(Workspace.Dsk("p0"), Libc.O_RDONLY);
        AssertBytes.Equal(data.AsSpan(3, 777), buffered.ReadBytes(region + 3, 777), "dsk/p0: 777 bytes at +3");
        AssertBytes.Equal(data.AsSpan(4095, 5000), buffered.ReadBytes(region + 4095, 5000), "dsk/p0: 5000 bytes across pages at +4095");
    }

    [Fact]
    public void RawView_DdWithoutNotrunc_KeepsDataBeyondWrittenRangeAndSize()
    {
        // seek=0 without conv=notrunc: dd opens with O_TRUNC, which must not cut the disk.
        byte[] before = Random(2 * MiB);
        using (var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR))
        {
            raw.WriteExactly(before, 0);
        }
        string source = Workspace.PathOf("otrunc-source.bin");
        File.WriteAllBytes(source, Random(MiB));

        SystemTools.Dd($"if={source}", $"of={Workspace.Rdsk("p0")}", "bs=1M", "count=1", "oflag=direct");

        Assert.Equal(PartitionSize, new FileInfo(Workspace.Rdsk("p0")).Length);
        Assert.Equal(PartitionSize, new FileInfo(Workspace.Dsk("p0")).Length);
        using var check = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDONLY);
        AssertBytes.Equal(File.ReadAllBytes(source), check.ReadBytes(0, MiB), "the first MiB written by dd");
        AssertBytes.Equal(before.AsSpan(MiB), check.ReadBytes(MiB, MiB), "the MiB after dd's range (O_TRUNC must not cut it)");
        AssertBytes.Equal(before.AsSpan(MiB), ReadFileRange(_fixture.Disk0Image, PartitionOffset + MiB, MiB), "disk0.img after dd's range");
    }

    [Fact]
    public void RawView_DdWithSeekWithoutNotrunc_KeepsDataBeyondWrittenRange()
    {
        // seek>0 without conv=notrunc: dd calls ftruncate(seek * bs), which must not cut the disk either.
        long region = 44L * MiB;
        byte[] before = Random(2 * MiB);
        using (var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR))
        {
            raw.WriteExactly(before, region);
        }
        string source = Workspace.PathOf("ftruncate-source.bin");
        File.WriteAllBytes(source, Random(MiB));

        SystemTools.Dd($"if={source}", $"of={Workspace.Rdsk("p0")}", "bs=1M", "seek=44", "count=1", "oflag=direct");

        Assert.Equal(PartitionSize, new FileInfo(Workspace.Rdsk("p0")).Length);
        using var check = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDONLY);
        AssertBytes.Equal(File.ReadAllBytes(source), check.ReadBytes(region, MiB), "the MiB written by dd at seek=44");
        AssertBytes.Equal(before.AsSpan(MiB), check.ReadBytes(region + MiB, MiB), "the MiB after dd's range (ftruncate must not cut it)");
    }

    [Theory]
    [InlineData("dsk")]
    [InlineData("rdsk")]
    public void ExportedFile_TruncateToZero_KeepsSizeAndData(string view)
    {
        long region = view == "dsk" ? 48L * MiB : 50L * MiB;
        byte[] data = Random(MiB);
        using (var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR))
        {
            raw.WriteExactly(data, region);
        }
        string path = Path.Combine(Workspace.Mountpoint, view, "p0");

        // Whether truncate reports success or an error, a disk keeps its size and its data (as a block device does).
        CommandRunner.Run("truncate", "-s", "0", path);
        using (var file = PosixFile.Open(path, Libc.O_RDWR))
        {
            Libc.Ftruncate(file.Descriptor, 4096);
        }

        Assert.Equal(PartitionSize, new FileInfo(path).Length);
        using var check = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDONLY);
        AssertBytes.Equal(data, check.ReadBytes(region, MiB), $"rdsk/p0 after truncating {view}/p0");
        using var buffered = PosixFile.Open(Workspace.Dsk("p0"), Libc.O_RDONLY);
        AssertBytes.Equal(data, buffered.ReadBytes(region, MiB), $"dsk/p0 after truncating {view}/p0");
    }
}
