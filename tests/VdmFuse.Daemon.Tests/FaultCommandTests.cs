using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine.Fault;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>The fault subdriver through the dispatcher: create-instance subdriver=fault, fault-add, fault-clear, fault-list.</summary>
public sealed class FaultCommandTests : DispatcherFixture
{
    private const int Block = 512;

    public FaultCommandTests()
    {
        CreateDiskAndPartitions();
        Ok("create-instance subdriver=fault name=f child=p");
    }

    private FaultDisk Fault => (FaultDisk)Registry.Get("f");

    [Fact]
    public void CreateInstance_Fault_IsBuiltOnItsChildWithItsSize()
    {
        Assert.Equal("5", Ok("create-instance subdriver=fault name=g child=3 exported=0").Find("device-number"));
        var g = Registry.Get("g");
        Assert.Equal("fault", g.Subdriver);
        Assert.False(g.Exported);
        Assert.Equal(100 * Block, g.Size);
        Assert.Contains(g, Registry.Get("q").Parents);
        Assert.Equal(
            [new("subdriver", "fault"), new("child", "p"), new("child-device-number", "2"), new("rules", "0"), new("hits", "0")],
            Run("get-attributes name=f", Unprivileged).Fields);
    }

    [Fact]
    public void CreateInstance_FaultErrors_NameTheInstance()
    {
        AssertError(Run("create-instance subdriver=fault name=g"), Errno.EINVAL,
            "create-instance: fault instance 'g' needs the instance it is built on (child=NAME)");
        AssertError(Run("create-instance subdriver=fault name=g child=nope"), Errno.ENOENT,
            "create-instance: there is no instance named or numbered 'nope'");
        AssertError(Run("create-instance subdriver=fault name=g child=a start=0"), Errno.EINVAL,
            "create-instance: field 'start' does not apply to subdriver fault (fault instance 'g')");
        AssertError(Run("create-instance subdriver=fault name=f child=a"), Errno.EEXIST,
            "create-instance: an instance named 'f' already exists (fault, device 4)");
        AssertError(Run("create-instance subdriver=fault name=g child=a persistent=1"), Errno.ENOTSUP,
            "create-instance: fault instance 'g' cannot be persistent: its rules are runtime state; create it again after a start");
        Assert.False(Registry.TryGet("g", out _));
        Assert.Equal(2, Registry.Get("a").Parents.Count); // the refused fault instances left no parent behind
    }

    [Fact]
    public void DeleteInstance_ChildOfAFault_IsBusyUntilTheFaultIsDeleted()
    {
        AssertError(Run("delete-instance name=p"), Errno.EBUSY, "delete-instance: cannot delete partition 'p': fault 'f' is built on it");
        Ok("delete-instance name=f");
        Ok("delete-instance name=p");
    }

    [Fact]
    public void FaultAdd_ThenList_ShowsEachRule()
    {
        Assert.Equal("1", Ok("fault-add name=f op=write start=100 count=8 errno=ENOSPC times=2").Find("id"));
        Assert.Equal("2", Ok("fault-add name=4 op=both all=1").Find("id"));
        Assert.Equal("3", Ok("fault-add name=f op=read start=1K errno=121").Find("id"));

        var reply = Run("fault-list name=f", Unprivileged);

        Assert.Equal("3", reply.Find("count"));
        Assert.Equal(
            [
                "rule id=1 op=write start=100 count=8 errno=ENOSPC times=2 hits=0",
                "rule id=2 op=both start=0 count=4096 errno=EIO times=0 hits=0",
                "rule id=3 op=read start=2 count=1 errno=E121 times=0 hits=0",
            ],
            reply.Records.Select(r => r.Tag + " " + string.Join(' ', r.Fields.Select(f => $"{f.Key}={f.Value}"))));
        Assert.Equal("3", Ok("get-attributes name=f").Find("rules"));
    }

    [Fact]
    public async Task FaultAdd_FailsIoThroughTheInstance_AndListCountsHits()
    {
        Ok("fault-add name=f op=read start=10 times=1");

        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await Fault.ReadAsync(10 * Block, new byte[Block]));
        Assert.Equal(Errno.EIO, error.Errno);
        await Fault.ReadAsync(10 * Block, new byte[Block]);

        Assert.Equal("0", Ok("fault-list name=f").Find("count"));
        Assert.Equal("1", Ok("get-attributes name=f").Find("hits"));
        Assert.Equal("1", Ok("dsk-usage name=f").Find("errors"));
    }

    [Fact]
    public void FaultClear_OneOrAll_ReportsHowManyWereRemoved()
    {
        Ok("fault-add name=f op=read");
        Ok("fault-add name=f op=write");
        Ok("fault-add name=f op=both start=5");

        Assert.Equal("1", Ok("fault-clear name=f id=2").Find("cleared"));
        Assert.Equal(["1", "3"], Ok("fault-list name=f").Records.Select(r => r.Find("id")));
        Assert.Equal("2", Ok("fault-clear name=f").Find("cleared"));
        Assert.Equal("0", Ok("fault-clear name=f").Find("cleared"));
        Assert.Equal("0", Ok("fault-list name=f").Find("count"));
    }

    [Theory]
    [InlineData("fault-add name=x op=read", Errno.ENOENT, "fault-add: there is no instance named or numbered 'x'")]
    [InlineData("fault-add name=p op=read", Errno.EINVAL, "fault-add: partition instance 'p' is not a fault instance (fault-add works on instances of subdriver fault)")]
    [InlineData("fault-add name=f", Errno.EINVAL, "fault-add: missing field 'op'")]
    [InlineData("fault-add name=f op=erase", Errno.EINVAL, "fault-add: fault instance 'f': unknown op 'erase' (read, write or both)")]
    [InlineData("fault-add name=f op=read errno=EWHAT", Errno.EINVAL, "fault-add: fault instance 'f': unknown errno 'EWHAT' (a name such as EIO, ENOSPC or ENXIO, or a number from 1 to 511)")]
    [InlineData("fault-add name=f op=read errno=0", Errno.EINVAL, "fault-add: fault instance 'f': errno 0 cannot be injected (1 to 511)")]
    [InlineData("fault-add name=f op=read errno=600", Errno.EINVAL, "fault-add: fault instance 'f': errno 600 cannot be injected (1 to 511)")]
    [InlineData("fault-add name=f op=read start=4096", Errno.EINVAL, "fault-add: fault instance 'f': blocks 4096 to 4096 are not inside the instance (blocks 0 to 4095)")]
    [InlineData("fault-add name=f op=read start=4000 count=97", Errno.EINVAL, "fault-add: fault instance 'f': blocks 4000 to 4096 are not inside the instance (blocks 0 to 4095)")]
    [InlineData("fault-add name=f op=read count=0", Errno.EINVAL, "fault-add: fault instance 'f': a rule covers at least 1 block (count 0)")]
    [InlineData("fault-add name=f op=read all=1 count=8", Errno.EINVAL, "fault-add: fault instance 'f': give count or all=1, not both")]
    [InlineData("fault-add name=f op=read all=1 start=8", Errno.EINVAL, "fault-add: fault instance 'f': all=1 covers every block, so start must be 0 or left out (not 8)")]
    [InlineData("fault-add name=f op=read times=-1", Errno.EINVAL, "fault-add: fault instance 'f': times must be 0 (until cleared) to 2147483647, not -1")]
    [InlineData("fault-add name=f op=read times=x", Errno.EINVAL, "fault-add: field 'times' is not a number: 'x'")]
    [InlineData("fault-clear name=f id=7", Errno.ENOENT, "fault-clear: fault instance 'f' has no rule 7")]
    [InlineData("fault-clear name=f id=0", Errno.EINVAL, "fault-clear: fault instance 'f': rule ids start at 1 (0 names no rule)")]
    [InlineData("fault-clear name=a", Errno.EINVAL, "fault-clear: physical instance 'a' is not a fault instance (fault-clear works on instances of subdriver fault)")]
    [InlineData("fault-clear name=9", Errno.ENOENT, "fault-clear: there is no instance named or numbered '9'")]
    [InlineData("fault-list name=q", Errno.EINVAL, "fault-list: partition instance 'q' is not a fault instance (fault-list works on instances of subdriver fault)")]
    [InlineData("fault-list name=zz", Errno.ENOENT, "fault-list: there is no instance named or numbered 'zz'")]
    public void FaultCommands_BadInput_FailWithErrnoAndSentence(string line, int errno, string message)
    {
        AssertError(Run(line), errno, message);
        Assert.Empty(Fault.Rules.Rules);
    }

    [Fact]
    public void FaultAddAndClear_FromAnOrdinaryUser_AreRefusedButListIsOpen()
    {
        AssertError(Run("fault-add name=f op=read", Unprivileged), Errno.EPERM, "fault-add: only root may run this command (caller uid 1000)");
        AssertError(Run("fault-clear name=f", Unprivileged), Errno.EPERM, "fault-clear: only root may run this command (caller uid 1000)");
        Assert.True(Run("fault-list name=f", Unprivileged).IsOk);
    }

    [Fact]
    public void Ioctl_OnTheFaultInstanceFile_ImpliesTheInstance()
    {
        var door = new PacketDoor(Dispatcher);
        var root = new ControlCaller(0, 0, 0);
        var add = PacketCodec.EncodePacket(new ControlCommand(ControlVerbs.FaultAdd,
            new("op", "write"), new("start", "100"), new("count", "8"), new("errno", "ENOSPC"), new("times", "3")));
        var addNumber = PacketCodec.CommandNumber(ControlVerbs.FaultAdd);

        var added = door.ExecuteIoctl(addNumber, add.Length, (uint)add.Length, (uint)add.Length, add, Fault, "rdsk/f", root);

        Assert.Equal(0, added.Errno);
        Assert.Equal(1u, BitConverter.ToUInt32(added.Reply, 40));
        var list = PacketCodec.EncodePacket(new ControlCommand(ControlVerbs.FaultList));
        var listed = door.ExecuteIoctl(PacketCodec.CommandNumber(ControlVerbs.FaultList), list.Length, (uint)list.Length, (uint)list.Length, list, Fault, "rdsk/f", Unprivileged);
        Assert.Equal(0, listed.Errno);
        var reply = PacketCodec.DecodeReply(Header(listed.Reply));
        Assert.Equal("1", reply.Find("count"));
        var rule = Assert.Single(reply.Records);
        Assert.Equal("write", rule.Find("op"));
        Assert.Equal("ENOSPC", rule.Find("errno"));
        Assert.Equal("3", rule.Find("times"));
        Assert.Equal("100", rule.Find("start"));
        Assert.Equal("8", rule.Find("count"));
    }

    /// <summary>A reply packet with the reply header put in front, so that <see cref="PacketCodec.DecodeReply"/> reads it.</summary>
    private static byte[] Header(byte[] packet)
    {
        var header = new byte[PacketCodec.ReplyHeaderSize];
        BitConverter.TryWriteBytes(header.AsSpan(0), VdmAbi.ReplyMagic);
        BitConverter.TryWriteBytes(header.AsSpan(8), PacketCodec.CommandNumber(ControlVerbs.FaultList));
        BitConverter.TryWriteBytes(header.AsSpan(12), (uint)packet.Length);
        return [.. header, .. packet];
    }
}
