using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.PartitionedDiskFixture;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// dsk/ goes through the page cache and rdsk/ does not: a write through one must be seen by the next read through
/// the other, even when dsk/ already holds the old data in its cache and the file stays open.
/// </summary>
public sealed class ViewCoherenceTests : IClassFixture<PartitionedDiskFixture>
{
    private readonly PartitionedDiskFixture _fixture;

    public ViewCoherenceTests(PartitionedDiskFixture fixture) => _fixture = fixture;

    private DaemonWorkspace Workspace => _fixture.Workspace;

    [Fact]
    public void BufferedView_CachedBeforeRawWrite_ReadsNewDataOnNextRead()
    {
        long offset = MiB;
        byte[] first = Random(64 * 1024), second = Random(64 * 1024);
        using var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR);
        raw.WriteExactly(first, offset);
        using var buffered = PosixFile.Open(Workspace.Dsk("p0"), Libc.O_RDONLY);
        AssertBytes.Equal(first, buffered.ReadBytes(offset, first.Length), "dsk/p0 before the raw write (now cached)");

        raw.WriteExactly(second, offset);

        AssertBytes.Equal(second, buffered.ReadBytes(offset, second.Length), "dsk/p0, same open file, after a write through rdsk/p0");
        using var reopened = PosixFile.Open(Workspace.Dsk("p0"), Libc.O_RDONLY);
        AssertBytes.Equal(second, reopened.ReadBytes(offset, second.Length), "dsk/p0, opened again, after a write through rdsk/p0");
    }

    [Fact]
    public void RawView_AfterBufferedWriteAndFsync_ReadsNewData()
    {
        long offset = 4L * MiB;
        byte[] first = Random(64 * 1024), second = Random(64 * 1024);
        using var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR);
        raw.WriteExactly(first, offset);
        AssertBytes.Equal(first, raw.ReadBytes(offset, first.Length), "rdsk/p0 before the buffered write");

        using (var buffered = PosixFile.Open(Workspace.Dsk("p0"), Libc.O_RDWR))
        {
            AssertBytes.Equal(first, buffered.ReadBytes(offset, first.Length), "dsk/p0 before its own write");
            buffered.WriteExactly(second, offset);
            buffered.Fsync();
        }

        AssertBytes.Equal(second, raw.ReadBytes(offset, second.Length), "rdsk/p0 after a write and fsync through dsk/p0");
        AssertBytes.Equal(second, ReadFileRange(_fixture.Disk0Image, PartitionOffset + offset, second.Length), "disk0.img after the dsk/p0 write");
    }

    [Fact]
    public void BufferedDiskView_CachedBeforeRawPartitionWrite_ReadsNewData()
    {
        // The partition is a window on d0: a raw write to p0 changes what dsk/d0 shows at the partition's offset.
        long offsetInPartition = 8L * MiB;
        byte[] first = Random(32 * 1024), second = Random(32 * 1024);
        using var rawPartition = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDWR);
        rawPartition.WriteExactly(first, offsetInPartition);
        using var bufferedDisk = PosixFile.Open(Workspace.Dsk("d0"), Libc.O_RDONLY);
        AssertBytes.Equal(first, bufferedDisk.ReadBytes(PartitionOffset + offsetInPartition, first.Length), "dsk/d0 before the write through rdsk/p0");

        rawPartition.WriteExactly(second, offsetInPartition);

        AssertBytes.Equal(second, bufferedDisk.ReadBytes(PartitionOffset + offsetInPartition, second.Length), "dsk/d0 after a write through rdsk/p0");
    }

    [Fact]
    public void BufferedView_WriteWithoutFsync_VisibleToRawReadAfterClose()
    {
        long offset = 12L * MiB;
        byte[] data = Random(8192 + 300);
        using (var buffered = PosixFile.Open(Workspace.Dsk("p0"), Libc.O_RDWR))
        {
            buffered.WriteExactly(data, offset);
        }

        using var raw = PosixFile.Open(Workspace.Rdsk("p0"), Libc.O_RDONLY);
        byte[] aligned = raw.ReadBytes(offset, 8704);
        AssertBytes.Equal(data, aligned.AsSpan(0, data.Length), "rdsk/p0 after a dsk/p0 write and close");
    }
}
