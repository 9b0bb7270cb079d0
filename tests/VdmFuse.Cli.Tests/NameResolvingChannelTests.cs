using VdmFuse.Cli.Transport;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>Binary packets carry device numbers: names are resolved before sending.</summary>
public sealed class NameResolvingChannelTests
{
    [Fact]
    public void Send_InstanceNames_ReplacedByDeviceNumbersOnlyInReferenceFields()
    {
        var inner = CannedDaemon.Channel();
        var channel = new NameResolvingChannel(inner);
        channel.Send(new ControlCommand("create-instance", new("subdriver", "partition"), new("name", "q"), new("child", "p"), new("start", "0"), new("size", "8")));
        channel.Send(new ControlCommand("link-child-instance", new ControlField("parent", "p"), new ControlField("child", "a")));
        channel.Send(new ControlCommand("dsk-get", new ControlField("name", "2")));
        Assert.Equal(
        [
            "get-instances key=0",
            "get-instances key=1",
            "get-instances key=2",
            "create-instance subdriver=partition name=q child=2 start=0 size=8",
            "link-child-instance parent=2 child=1",
            "dsk-get name=2",
        ], inner.Lines);
    }

    [Fact]
    public void Send_GetChildInstanceAndRemapNone_ParentResolvedDashKept()
    {
        var inner = CannedDaemon.Channel();
        var channel = new NameResolvingChannel(inner);
        channel.Send(new ControlCommand("get-child-instance", new ControlField("parent", "a"), new ControlField("available", "0")));
        channel.Send(new ControlCommand("create-instance", new("subdriver", "partition"), new("name", "r"), new("child", "1"), new("start", "0"), new("size", "8"), new("remap", "-")));
        Assert.Equal("get-child-instance parent=1 available=0", inner.Lines[^2]);
        Assert.Equal("create-instance subdriver=partition name=r child=1 start=0 size=8 remap=-", inner.Lines[^1]);
    }

    [Fact]
    public void Send_UnknownName_EnoentReplyWithoutSending()
    {
        var inner = CannedDaemon.Channel();
        var reply = new NameResolvingChannel(inner).Send(new ControlCommand("delete-instance", new ControlField("name", "zz")));
        Assert.Equal(ControlErrno.ENOENT, reply.Errno);
        Assert.Equal("delete-instance: no instance named 'zz'", reply.Message);
        Assert.All(inner.Sent, command => Assert.Equal("get-instances", command.Verb));
    }
}
