using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public sealed class ChildReplyFieldsTests
{
    [Fact]
    public void Format_MissingChild_ReportedByIdWithoutDeviceNumber()
    {
        var fields = ChildReplyFields.Format(3, ChildSlot.Missing(new InstanceId(7, 0x1234), "physical"), [new("role", "image")]);
        Assert.Equal(
            [new("key", "3"), new("device-number-used", "0"), new("id-generation", "7"), new("id-system-id", "4660"),
             new("child-subdriver", "physical"), new("role", "image")],
            fields);
        Assert.Equal("ok key=3 device-number-used=0 id-generation=7 id-system-id=4660 child-subdriver=physical role=image\n",
            TextCodec.Format(ControlReply.Success(fields, [])));
    }

    [Fact]
    public void Format_MissingChildOfUnknownSubdriver_NoSubdriverField()
    {
        var fields = ChildReplyFields.Format(1, ChildSlot.Missing(new InstanceId(1, 2)), []);
        Assert.Equal([new("key", "1"), new("device-number-used", "0"), new("id-generation", "1"), new("id-system-id", "2")], fields);
    }

    [Fact]
    public void Format_MissingChild_DecodesIntoTheBinaryPacket()
    {
        var fields = ChildReplyFields.Format(2, ChildSlot.Missing(new InstanceId(9, 8), "physical"), []);
        var request = new ControlCommand("get-child-instance", new("parent", "1"), new("available", "1"), new("key", "1"));
        var command = PacketCodec.CommandNumber("get-child-instance");
        var packet = PacketCodec.EncodePacket(command, PacketCodec.EncodePacket(request), ControlReply.Success(fields, []));
        var decoded = PacketCodec.DecodeReplyPacket(command, packet);
        Assert.Equal("0", decoded.Find("device-number-used"));
        Assert.Equal("9", decoded.Find("id-generation"));
        Assert.Equal("8", decoded.Find("id-system-id"));
        Assert.Equal("2", decoded.Find("key"));
    }
}
