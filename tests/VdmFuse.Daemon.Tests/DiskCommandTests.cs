using VdmFuse.Control;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>dsk-get, dsk-usage and dsk-get-address: open to every user, on every instance.</summary>
public sealed class DiskCommandTests : DispatcherFixture
{
    public DiskCommandTests() => CreateDiskAndPartitions();

    [Fact]
    public void DskGet_Physical_SizeAndGeometry()
    {
        var reply = Run("dsk-get name=a", Unprivileged);
        Assert.Equal(
            [new("total-blocks", "131072"), new("sector-size", "512"), new("sectors-per-track", "63"),
             new("tracks-per-cylinder", "255"), new("cylinders", "8")],
            reply.Fields);
    }

    [Fact]
    public void DskGet_PartitionByNumber_ItsOwnBlocks()
    {
        var reply = Ok("dsk-get name=2");
        Assert.Equal("4096", reply.Find("total-blocks"));
        Assert.Equal("0", reply.Find("cylinders"));
        AssertError(Run("dsk-get name=x"), Errno.ENOENT, "dsk-get: there is no instance named or numbered 'x'");
    }

    [Fact]
    public async Task DskUsage_AfterIo_CountsReadsWritesAndBlocks()
    {
        // Counted from here: registering an instance reads its label sectors (dkio(7)), which counts too.
        var p = Registry.Get("p");
        var before = Run("dsk-usage name=p", Unprivileged);
        var diskBefore = Ok("dsk-usage name=a");
        await p.WriteAsync(0, new byte[8192]);
        await p.ReadAsync(4096, new byte[4096]);
        await p.ReadAsync(0, new byte[512]);
        await Assert.ThrowsAsync<ErrnoException>(async () => await p.ReadAsync(1, new byte[512]));
        var reply = Run("dsk-usage name=p", Unprivileged);
        long Delta(ControlReply after, ControlReply start, string key) => long.Parse(after.Find(key)!) - long.Parse(start.Find(key)!);
        Assert.Equal(2, Delta(reply, before, "reads"));
        Assert.Equal(1, Delta(reply, before, "writes"));
        Assert.Equal(9, Delta(reply, before, "blocks-read"));
        Assert.Equal(16, Delta(reply, before, "blocks-written"));
        Assert.Equal(1, Delta(reply, before, "errors"));
        Assert.True(long.Parse(reply.Find("read-time-us")!) >= 0);
        Assert.True(long.Parse(reply.Find("write-time-us")!) >= 0);
        Assert.Equal("0", reply.Find("remapped-blocks"));
        Assert.Equal(2, Delta(Ok("dsk-usage name=a"), diskBefore, "reads"));
        Assert.Equal(8, reply.Fields.Count);
    }

    [Fact]
    public void DskGetAddress_Partition_ChainDownToThePhysicalDisk()
    {
        var reply = Run("dsk-get-address name=p block=10", Unprivileged);
        Assert.Equal("2", reply.Find("depth"));
        Assert.Equal(2, reply.Records.Count);
        Assert.Equal("level", reply.Records[0].Tag);
        Assert.Equal([new("device-number", "2"), new("name", "p"), new("subdriver", "partition"), new("block", "10")], reply.Records[0].Fields);
        Assert.Equal([new("device-number", "1"), new("name", "a"), new("subdriver", "physical"), new("block", "2058")], reply.Records[1].Fields);
    }

    [Fact]
    public void DskGetAddress_PartitionOfAPartition_ThreeLevels()
    {
        Ok("create-instance subdriver=partition name=pp child=p start=100 size=50");
        var reply = Ok("dsk-get-address name=pp block=49");
        Assert.Equal("3", reply.Find("depth"));
        Assert.Equal(["49", "149", "2197"], reply.Records.Select(r => r.Find("block")));
        Assert.Equal(["pp", "p", "a"], reply.Records.Select(r => r.Find("name")));
    }

    [Fact]
    public void DskGetAddress_PastTheEnd_EINVAL()
    {
        AssertError(Run("dsk-get-address name=p block=4096"), Errno.EINVAL, "dsk-get-address: block 4096 is past the end of partition instance 'p' (4096 blocks)");
        Assert.Equal("2", Ok("dsk-get-address name=p block=4095").Find("depth"));
        AssertError(Run("dsk-get-address name=a block=99999999999"), Errno.EINVAL, "dsk-get-address: block 99999999999 is past the end of physical instance 'a' (131072 blocks)");
    }
}
