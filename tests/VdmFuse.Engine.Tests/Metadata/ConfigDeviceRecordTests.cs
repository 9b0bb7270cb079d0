using System.Text;
using VdmFuse.Engine.Metadata;

namespace VdmFuse.Engine.Tests.Metadata;

/// <summary>The recorded device mounts in the configuration payload: format-compatible, compared and described.</summary>
public sealed class ConfigDeviceRecordTests
{
    private static readonly Guid DeviceId = Guid.Parse("0b5e2b8e-7a51-4c1e-9a54-1d3c2f0e9b77");

    private static ConfigState WithOneDevice(uint volumeNumber = 5) =>
        ConfigState.Empty.WithDevice(new ConfigDeviceRecord("/dev/loop7", DeviceId, 4, [new ConfigVolumeRecord(1, volumeNumber)])) with { NextDeviceNumber = 6 };

    [Fact]
    public void Deserialize_PayloadWithoutDevices_HasNoDevices()
    {
        var payload = Encoding.UTF8.GetBytes("""{"nextDeviceNumber":3,"instances":[{"name":"a","subdriver":"physical","deviceNumber":1,"exported":true,"attributes":{"path":"/x"},"children":[]}]}""");

        var state = ConfigSerializer.Deserialize(payload);

        Assert.Empty(state.Devices);
        Assert.Equal("a", Assert.Single(state.Instances).Name);
    }

    [Fact]
    public void Serialize_StateWithDevice_RoundTripsEqual()
    {
        var state = WithOneDevice();

        var bytes = ConfigSerializer.Serialize(state);
        var back = ConfigSerializer.Deserialize(bytes);

        Assert.Contains("\"devices\":[{\"path\":\"/dev/loop7\"", Encoding.UTF8.GetString(bytes));
        Assert.True(back.SameAs(state));
        var device = Assert.Single(back.Devices);
        Assert.Equal(DeviceId, device.DeviceId);
        Assert.Equal(4u, device.DeviceNumber);
        Assert.Equal(new ConfigVolumeRecord(1, 5), Assert.Single(device.Volumes));
    }

    [Fact]
    public void Deserialize_DeviceWithoutPath_FailsWithEinval()
    {
        var payload = Encoding.UTF8.GetBytes("""{"nextDeviceNumber":3,"instances":[],"devices":[{"deviceNumber":1,"volumes":[]}]}""");

        var e = Assert.Throws<VdmFuse.Native.ErrnoException>(() => ConfigSerializer.Deserialize(payload));

        Assert.Equal(VdmFuse.Native.Errno.EINVAL, e.Errno);
    }

    [Fact]
    public void WithDeviceAndWithoutDevice_SamePath_ReplacedInPlaceThenRemoved()
    {
        var state = WithOneDevice().WithDevice(new ConfigDeviceRecord("/b.img", Guid.NewGuid(), 7, []));

        var replaced = state.WithDevice(new ConfigDeviceRecord("/dev/loop7", DeviceId, 4, []));

        Assert.Equal(["/dev/loop7", "/b.img"], replaced.Devices.Select(d => d.Path));
        Assert.Empty(replaced.Devices[0].Volumes);
        Assert.Equal(["/b.img"], replaced.WithoutDevice("/dev/loop7").Devices.Select(d => d.Path));
    }

    [Fact]
    public void Describe_DevicesDiffer_SaysWhichDeviceAndHow()
    {
        var lines = ConfigDiff.Describe(WithOneDevice(5), "copy A", WithOneDevice(9), "copy B");

        var line = Assert.Single(lines);
        Assert.Contains("device '/dev/loop7'", line);
        Assert.Contains("lvid 1=device 5", line);
        Assert.Contains("lvid 1=device 9", line);
        Assert.Contains("device '/dev/loop7' is mounted only in copy A", Assert.Single(ConfigDiff.Describe(WithOneDevice(), "copy A", ConfigState.Empty with { NextDeviceNumber = 6 }, "copy B")));
    }
}
