using System.Buffers.Binary;
using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// The binary front doors (request packets written to the control file, ioctls on it and on instance files)
/// through the real codec and the one dispatcher.
/// </summary>
public sealed class PacketDoorTests : DispatcherFixture
{
    private static readonly ControlCaller Root = new(0, 0, 0);
    private readonly PacketDoor _door;

    public PacketDoorTests()
    {
        _door = new PacketDoor(Dispatcher);
        CreateDiskAndPartitions();
    }

    private ControlReply Write(ControlCommand command, ControlCaller caller, out PacketOutcome outcome)
    {
        outcome = _door.ExecuteRequest(PacketCodec.EncodeRequest(command), caller);
        return PacketCodec.DecodeReply(outcome.Reply);
    }

    private PacketOutcome Ioctl(ControlCommand command, Engine.DiskInstance? implied, ControlCaller caller)
    {
        var number = PacketCodec.CommandNumber(command.Verb);
        var packet = PacketCodec.EncodePacket(command);
        Assert.True(PacketCodec.TryDecodeIoctlNumber(PacketCodec.IoctlNumber(number), out var decoded, out var size));
        Assert.Equal(number, decoded);
        return _door.ExecuteIoctl(number, size, (uint)size, (uint)size, packet, implied, implied is null ? "vdm" : $"dsk/{implied.Name}", caller);
    }

    private static ControlCommand Command(string line) => TextCodec.Parse(line)!;

    [Fact]
    public void Write_CreatePhysical_ReplyPacketCarriesTheDeviceNumber()
    {
        var b = Scratch.CreateFile("b.img", 1 << 20);
        var reply = Write(Command($"create-instance subdriver=physical name=b path={b}"), Root, out var outcome);
        Assert.Equal(0, outcome.Errno);
        Assert.True(reply.IsOk, reply.Message);
        Assert.Equal("4", reply.Find("device-number"));
        Assert.Equal(4u, Registry.Get("b").DeviceNumber);
    }

    [Fact]
    public void Write_GetAttributesOfAPartition_ChildAsDeviceNumber()
    {
        var reply = Write(Command("get-attributes name=2"), Unprivileged, out _);
        Assert.True(reply.IsOk, reply.Message);
        Assert.Equal("partition", reply.Find("subdriver"));
        Assert.Equal("2048", reply.Find("start"));
        Assert.Equal("4096", reply.Find("size"));
        Assert.Equal("1", reply.Find("child-device-number") ?? reply.Find("child"));
        Assert.Equal("-", reply.Find("remap-device-number") ?? reply.Find("remap"));
    }

    [Fact]
    public void Write_Error_ReplyHeaderCarriesErrnoAndMessage()
    {
        var reply = Write(Command("delete-instance name=2"), Unprivileged, out var outcome);
        Assert.Equal(Errno.EPERM, outcome.Errno);
        Assert.Equal(Errno.EPERM, reply.Errno);
        Assert.Equal("delete-instance: only root may run this command (caller uid 1000)", reply.Message);
        Assert.True(Registry.TryGet("p", out _));
    }

    [Fact]
    public void Write_BadMagicVersionOrLength_EINVALWithAReplyHeader()
    {
        var request = PacketCodec.EncodeRequest(Command("dsk-get name=1"));
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(4), 7);
        var outcome = _door.ExecuteRequest(request, Root);
        Assert.Equal(Errno.EINVAL, outcome.Errno);
        var reply = PacketCodec.DecodeReply(outcome.Reply);
        Assert.Equal(Errno.EINVAL, reply.Errno);
        Assert.Contains("version", reply.Message);

        var truncated = PacketCodec.EncodeRequest(Command("dsk-get name=1"))[..20];
        outcome = _door.ExecuteRequest(truncated, Root);
        Assert.Equal(Errno.EINVAL, outcome.Errno);
        Assert.Equal(Errno.EINVAL, PacketCodec.DecodeReply(outcome.Reply).Errno);
    }

    [Fact]
    public void Write_EveryOpenCommand_RoundTrips()
    {
        foreach (var line in new[]
        {
            "get-child-instance parent=2 available=0", "get-child-instance parent=2 available=1", "get-attributes name=1",
            "get-instances key=0", "dsk-get name=3", "dsk-usage name=1", "dsk-get-address name=2 block=7",
            "ioctl-subdriver subdriver=physical name=1 command=get-info",
        })
        {
            var reply = Write(Command(line), Unprivileged, out var outcome);
            Assert.True(reply.IsOk, $"{line}: {reply.ErrnoName} {reply.Message}");
            Assert.Equal(0, outcome.Errno);
        }
    }

    [Fact]
    public void Write_GetChildAndAddress_OutputFieldsSurviveThePacket()
    {
        var child = Write(Command("get-child-instance parent=2 available=1"), Root, out _);
        Assert.Equal("1", child.Find("key"));
        Assert.Equal("1", child.Find("device-number-used"));
        Assert.Equal("1", child.Find("device-number"));
        Assert.Equal("physical", child.Find("child-subdriver"));
        var address = Write(Command("dsk-get-address name=2 block=7"), Root, out _);
        Assert.Equal("2", address.Find("depth"));
        Assert.Equal("2055", address.Records[1].Find("block"));
        var geometry = Write(Command("dsk-get name=1"), Root, out _);
        Assert.Equal("131072", geometry.Find("total-blocks"));
        Assert.Equal("8", geometry.Find("cylinders"));
    }

    [Fact]
    public void Ioctl_OnAnInstanceFile_ImpliesTheInstance()
    {
        var p = Registry.Get("p");
        var outcome = Ioctl(new ControlCommand("dsk-get"), p, Unprivileged);
        Assert.Equal(0, outcome.Errno);
        var reply = PacketCodec.DecodeReplyPacket(PacketCodec.CommandNumber("dsk-get"), outcome.Reply);
        Assert.Equal("4096", reply.Find("total-blocks"));
    }

    [Fact]
    public void Ioctl_OnAnInstanceFileNamingAnother_EINVAL()
    {
        var outcome = Ioctl(Command("dsk-get name=1"), Registry.Get("p"), Unprivileged);
        Assert.Equal(Errno.EINVAL, outcome.Errno);
        Assert.Empty(outcome.Reply);
        Assert.Equal("dsk-get: field 'device-number' names instance 1, but the ioctl was issued on the file of instance 2", outcome.Message);
    }

    [Fact]
    public void Ioctl_SubdriverCommandOnAnInstanceFile_AddressesThatInstance()
    {
        var a = Registry.Get("a");
        var flushes = a.Statistics.Flushes;
        var outcome = Ioctl(new ControlCommand("ioctl-subdriver", new("subdriver", "physical"), new("command", "flush")), a, Root);
        Assert.Equal(0, outcome.Errno);
        Assert.Equal(flushes + 1, a.Statistics.Flushes);
        var refused = Ioctl(new ControlCommand("ioctl-subdriver", new("subdriver", "physical"), new("command", "flush")), a, Unprivileged);
        Assert.Equal(Errno.EPERM, refused.Errno);
        Assert.Equal("ioctl-subdriver: only root may run this command (caller uid 1000)", refused.Message);
    }

    [Fact]
    public void Ioctl_OnTheControlFile_NeedsTheInstanceInThePacket()
    {
        var outcome = Ioctl(Command("get-attributes name=1"), null, Unprivileged);
        Assert.Equal(0, outcome.Errno);
        var reply = PacketCodec.DecodeReplyPacket(PacketCodec.CommandNumber("get-attributes"), outcome.Reply);
        Assert.Equal("physical", reply.Find("subdriver"));
        Assert.Equal(Image, reply.Find("path"));
        var missing = Ioctl(new ControlCommand("get-attributes"), null, Unprivileged);
        Assert.Equal(Errno.EINVAL, missing.Errno);
        Assert.Contains("name", missing.Message);
    }

    [Fact]
    public void Ioctl_SizesThatDoNotMatchThePacket_EINVAL()
    {
        var number = PacketCodec.CommandNumber("dsk-get");
        var size = PacketCodec.PacketSize(number);
        var packet = PacketCodec.EncodePacket(Command("dsk-get name=1"));
        var outcome = _door.ExecuteIoctl(number, size, (uint)size, 8, packet, null, "vdm", Root);
        Assert.Equal(Errno.EINVAL, outcome.Errno);
        Assert.Equal($"ioctl on vdm: the packet of command {number} is {size} bytes, but {size} came in and 8 may go out", outcome.Message);
    }

    [Fact]
    public void Ioctl_DeleteOpenInstance_EBUSYAndKept()
    {
        var p = Registry.Get("p");
        p.AddOpen();
        var outcome = Ioctl(new ControlCommand("delete-instance"), p, Root);
        Assert.Equal(Errno.EBUSY, outcome.Errno);
        Assert.Contains("open", outcome.Message);
        p.RemoveOpen();
        Assert.Equal(0, Ioctl(new ControlCommand("delete-instance"), p, Root).Errno);
        Assert.False(Registry.TryGet("p", out _));
    }
}
