using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>format-dev, mount-dev, dismount-dev, dismount-all, list-devices, list-volumes, get-device-quota, create-volume, destroy-volume.</summary>
public sealed class DeviceCommandTests : DispatcherFixture
{
    private readonly string _device;

    public DeviceCommandTests()
    {
        _device = Scratch["d.dev"];
    }

    private string Link(string name)
    {
        var link = Scratch[name];
        using var ln = System.Diagnostics.Process.Start("ln", [_device, link]);
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
        return link;
    }

    private void FormatAndMount(long quotaKb = 4096)
    {
        Ok($"format-dev device={_device} quota={quotaKb} force=0");
        Ok($"mount-dev device={_device}");
    }

    [Fact]
    public void FormatDev_MissingFile_CreatesIt()
    {
        Ok($"format-dev device={_device} quota=2048");

        Assert.Equal((1L << 20) + 2048 * 1024, new FileInfo(_device).Length);
    }

    [Fact]
    public void FormatDev_LabelledWithoutForce_Eexist()
    {
        Ok($"format-dev device={_device} quota=2048");

        AssertError(Run($"format-dev device={_device} quota=2048 force=0"), Errno.EEXIST,
            $"format-dev: device '{_device}' already holds a volume label; format it with force=1 to overwrite it");
        Assert.True(Run($"format-dev device={_device} quota=1024 force=1").IsOk);
    }

    [Fact]
    public void FormatDev_Mounted_Ebusy()
    {
        FormatAndMount();

        AssertError(Run($"format-dev device={_device} quota=2048 force=1"), Errno.EBUSY,
            $"format-dev: device '{_device}' is mounted (as '{_device}'); dismount it before formatting it");
    }

    [Fact]
    public void FormatDev_ZeroQuota_Einval()
    {
        AssertError(Run($"format-dev device={_device} quota=0"), Errno.EINVAL,
            $"format-dev: device '{_device}': the quota must be a positive number of KB, not 0");
    }

    [Fact]
    public void FormatDev_Unprivileged_Eperm()
    {
        var reply = Run($"format-dev device={_device} quota=2048", Unprivileged);

        Assert.Equal("EPERM", reply.ErrnoName);
        Assert.False(File.Exists(_device));
    }

    [Fact]
    public void MountDev_Formatted_RepliesVolumesAndDeviceId()
    {
        Ok($"format-dev device={_device} quota=4096");

        var reply = Ok($"mount-dev device={_device}");

        Assert.Equal("0", reply.Find("volumes"));
        var id = Guid.Parse(reply.Find("device-id")!);
        var physical = Registry.Get($"dev-{id:N}"[..12]);
        Assert.False(physical.Exported);
        Assert.Equal(reply, Ok($"mount-dev device={_device}"));
    }

    [Fact]
    public void MountDev_HardLinkToMountedDevice_EbusyNamingBoth()
    {
        FormatAndMount();
        var link = Link("link.dev");

        AssertError(Run($"mount-dev device={link}"), Errno.EBUSY,
            $"mount-dev: device '{link}' is the device already mounted as '{_device}'");
    }

    [Fact]
    public void MountDev_Unlabelled_Einval()
    {
        var blank = Scratch.CreateFile("blank.dev", 2 << 20);

        AssertError(Run($"mount-dev device={blank}"), Errno.EINVAL,
            $"mount-dev: device '{blank}' holds no volume label (format it with format-dev)");
    }

    [Fact]
    public void MountDev_Missing_Enoent()
    {
        var reply = Run($"mount-dev device={Scratch["none.dev"]}");

        Assert.Equal("ENOENT", reply.ErrnoName);
        Assert.Contains(Scratch["none.dev"], reply.Message);
    }

    [Fact]
    public void CreateVolume_OnMountedDevice_ExportsVolumeInstance()
    {
        FormatAndMount();

        var reply = Ok($"create-volume device={_device} name=v1 quota=1024");

        Assert.Equal("1", reply.Find("lvid"));
        var volume = Registry.Get(reply.Find("device-number")!);
        Assert.Equal("v1", volume.Name);
        Assert.Equal("volume", volume.Subdriver);
        Assert.True(volume.Exported);
        Assert.Equal(1024 * 1024, volume.Size);
        Assert.Equal("volume", Ok("get-attributes name=v1").Find("subdriver"));
    }

    [Fact]
    public void CreateVolume_AboveQuota_Enospc()
    {
        FormatAndMount(2048);
        Ok($"create-volume device={_device} name=v1 quota=1024");

        AssertError(Run($"create-volume device={_device} name=v2 quota=2000"), Errno.ENOSPC,
            $"create-volume: device '{_device}': volume 'v2' of 2000 KB does not fit in the quota (1024 of 2048 KB used)");
    }

    [Fact]
    public void CreateVolume_NameTaken_Eexist()
    {
        FormatAndMount();
        Ok($"create-instance subdriver=physical name=a path={Image}");

        AssertError(Run($"create-volume device={_device} name=a quota=1024"), Errno.EEXIST,
            $"create-volume: device '{_device}': an instance named 'a' already exists");
    }

    [Fact]
    public void CreateVolume_NotMounted_Enoent()
    {
        AssertError(Run($"create-volume device={_device} name=v1 quota=1024"), Errno.ENOENT,
            $"create-volume: device '{_device}' is not mounted");
    }

    [Fact]
    public void ListVolumes_TwoVolumes_OneRecordEach()
    {
        FormatAndMount();
        var v1 = Ok($"create-volume device={_device} name=v1 quota=1024").Find("device-number");
        var v2 = Ok($"create-volume device={_device} name=v2 quota=512").Find("device-number");

        var reply = Run($"list-volumes device={_device}", Unprivileged);

        Assert.Equal("2", reply.Find("count"));
        Assert.Equal([new("lvid", "1"), new("name", "v1"), new("quota-kb", "1024"), new("device-number", v1!), new("open", "0")], reply.Records[0].Fields);
        Assert.Equal([new("lvid", "2"), new("name", "v2"), new("quota-kb", "512"), new("device-number", v2!), new("open", "0")], reply.Records[1].Fields);
    }

    [Fact]
    public void GetDeviceQuota_AfterCreate_QuotaAndUsed()
    {
        FormatAndMount(4096);
        Ok($"create-volume device={_device} name=v1 quota=1024");

        var reply = Run($"get-device-quota device={_device}", Unprivileged);

        Assert.Equal([new("quota-kb", "4096"), new("used-kb", "1024")], reply.Fields);
        AssertError(Run($"get-device-quota device={Scratch["x.dev"]}"), Errno.ENOENT,
            $"get-device-quota: device '{Scratch["x.dev"]}' is not mounted");
    }

    [Fact]
    public void ListDevices_TwoMounted_OneRecordEach()
    {
        FormatAndMount(4096);
        Ok($"create-volume device={_device} name=v1 quota=1024");
        var other = Scratch["e.dev"];
        Ok($"format-dev device={other} quota=1024");
        var id = Ok($"mount-dev device={other}").Find("device-id");

        var reply = Run("list-devices", Unprivileged);

        Assert.Equal("2", reply.Find("count"));
        Assert.Equal(_device, reply.Records[0].Find("path"));
        Assert.Equal("1024", reply.Records[0].Find("used-kb"));
        Assert.Equal("1", reply.Records[0].Find("volumes"));
        Assert.Equal([new("path", other), new("device-id", id!), new("quota-kb", "1024"), new("used-kb", "0"), new("volumes", "0")], reply.Records[1].Fields);
    }

    [Fact]
    public void DestroyVolume_Open_EbusyThenClosedOk()
    {
        FormatAndMount();
        Ok($"create-volume device={_device} name=v1 quota=1024");
        var volume = Registry.Get("v1");
        volume.AddOpen();

        AssertError(Run($"destroy-volume device={_device} lvid=1"), Errno.EBUSY,
            $"destroy-volume: device '{_device}': volume 'v1' is open (1 opens) and cannot be destroyed; close it first");
        volume.RemoveOpen();
        Ok($"destroy-volume device={_device} lvid=1");
        Assert.False(Registry.TryGet("v1", out _));
        Assert.Equal("2", Ok($"create-volume device={_device} name=v2 quota=1024").Find("lvid"));
    }

    [Fact]
    public void DestroyVolume_UnknownLvid_Enoent()
    {
        FormatAndMount();

        AssertError(Run($"destroy-volume device={_device} lvid=9"), Errno.ENOENT,
            $"destroy-volume: device '{_device}' has no volume with lvid 9");
        AssertError(Run($"destroy-volume device={_device} lvid=0"), Errno.EINVAL,
            $"destroy-volume: device '{_device}': lvid 0 is not a volume id (lvids start at 1)");
    }

    [Fact]
    public void DismountDev_OpenVolumeWithoutForce_Ebusy()
    {
        FormatAndMount();
        Ok($"create-volume device={_device} name=v1 quota=1024");
        var volume = Registry.Get("v1");
        volume.AddOpen();

        AssertError(Run($"dismount-dev device={_device}"), Errno.EBUSY,
            $"dismount-dev: device '{_device}': volume 'v1' is open (1 opens) and cannot be dismounted; close it first");
        volume.RemoveOpen();
    }

    [Fact]
    public void DismountDev_OpenVolumeForced_DismountedAndTheVolumeRevoked()
    {
        FormatAndMount();
        Ok($"create-volume device={_device} name=v1 quota=1024");
        var volume = Registry.Get("v1");
        volume.AddOpen();

        Ok($"dismount-dev device={_device} force=1");

        Assert.Equal(0, Registry.Count);
        Assert.Equal("0", Ok("list-devices").Find("count"));
        Assert.True(volume.IsRevoked);
        volume.RemoveOpen();
        Assert.Equal("1", Ok($"mount-dev device={_device}").Find("volumes"));
    }

    [Fact]
    public void CreateInstance_SubdriverVolume_EinvalPointingAtCreateVolume()
    {
        FormatAndMount();

        AssertError(Run("create-instance subdriver=volume name=v9"), Errno.EINVAL,
            "create-instance: volumes are created with create-volume on a mounted device (format-dev, mount-dev, create-volume); 'v9' was not created");
        Assert.False(Registry.TryGet("v9", out _));
    }

    [Fact]
    public void DismountDev_ThenMountAgain_VolumesAndLvidsBack()
    {
        FormatAndMount();
        Ok($"create-volume device={_device} name=v1 quota=1024");
        Ok($"mount-dev device={_device}");

        Ok($"dismount-dev device={_device}");

        Assert.Equal(0, Registry.Count);
        AssertError(Run($"dismount-dev device={_device}"), Errno.ENOENT, $"dismount-dev: device '{_device}' is not mounted");
        Assert.Equal("1", Ok($"mount-dev device={_device}").Find("volumes"));
        Assert.Equal("volume", Registry.Get("v1").Subdriver);
        Assert.Equal("2", Ok($"create-volume device={_device} name=v2 quota=1024").Find("lvid"));
    }

    [Fact]
    public void DismountAll_TwoDevices_NothingLeft()
    {
        FormatAndMount();
        var other = Scratch["e.dev"];
        Ok($"format-dev device={other} quota=1024");
        Ok($"mount-dev device={other}");

        Ok("dismount-all");

        Assert.Equal("0", Ok("list-devices").Find("count"));
        Assert.Equal(0, Registry.Count);
    }

    [Fact]
    public void DeviceCommands_Disabled_Eagain()
    {
        Dispatcher.Mode.Disable("test");

        var reply = Run($"format-dev device={_device} quota=1024");

        Assert.Equal("EAGAIN", reply.ErrnoName);
        Assert.False(File.Exists(_device));
    }

    [Fact]
    public void PacketDoor_CreateVolumeAndListVolumes_RoundTrip()
    {
        FormatAndMount();
        var door = new PacketDoor(Dispatcher);

        var created = PacketCodec.DecodeReply(door.ExecuteRequest(
            PacketCodec.EncodeRequest(TextCodec.Parse($"create-volume device={_device} name=v1 quota=1024")!), new ControlCaller(0, 0, 0)).Reply);
        var listed = PacketCodec.DecodeReply(door.ExecuteRequest(
            PacketCodec.EncodeRequest(TextCodec.Parse($"list-volumes device={_device}")!), Unprivileged).Reply);
        var instances = PacketCodec.DecodeReply(door.ExecuteRequest(
            PacketCodec.EncodeRequest(TextCodec.Parse("get-instances key=1")!), Unprivileged).Reply);

        Assert.True(created.IsOk, created.Message);
        Assert.Equal("1", created.Find("lvid"));
        Assert.True(listed.IsOk, listed.Message);
        Assert.Equal("v1", Assert.Single(listed.Records).Find("name"));
        Assert.True(instances.IsOk, instances.Message);
        Assert.Equal("volume", instances.Find("subdriver"));
        Assert.Equal("v1", instances.Find("name"));
    }
}
