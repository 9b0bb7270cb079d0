using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Daemon.Persistence;
using VdmFuse.Engine;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// Device mounts recorded in the configuration database: mounted again at start with their device numbers, before
/// the persistent instances (which may be built on volumes), forgotten by dismount-dev and dismount-all.
/// </summary>
public sealed class DevicePersistenceTests : IDisposable
{
    private static readonly ControlCaller Root = new(0, 0, 0);

    private readonly ScratchDirectory _scratch = new();
    private readonly List<InstanceRegistry> _registries = [];
    private readonly string _device;
    private Daemon _daemon;

    public DevicePersistenceTests()
    {
        _device = _scratch["d.dev"];
        _daemon = Start();
        Ok($"format-dev device={_device} quota=8192");
    }

    public void Dispose()
    {
        foreach (var registry in _registries)
        {
            registry.Dispose();
        }
        _scratch.Dispose();
    }

    [Fact]
    public void MountDev_AfterRestart_MountedAgainWithTheSameDeviceNumbers()
    {
        Ok($"create-instance subdriver=physical name=other path={_scratch.CreateFile("o.img", 1 << 20)}");
        Ok($"mount-dev device={_device}");
        var v1 = Ok($"create-volume device={_device} name=v1 quota=1024").Find("device-number");
        var v2 = Ok($"create-volume device={_device} name=v2 quota=1024").Find("device-number");
        var physical = _daemon.Persistence.Devices.Find(_device).Physical.DeviceNumber;

        Restart();

        var device = Assert.Single(_daemon.Persistence.Devices.Devices);
        Assert.Equal(_device, device.Path);
        Assert.Equal(physical, device.Physical.DeviceNumber);
        Assert.Equal(v1, _daemon.Registry.Get("v1").DeviceNumber.ToString());
        Assert.Equal(v2, _daemon.Registry.Get("v2").DeviceNumber.ToString());
        Assert.False(_daemon.Registry.TryGet("other", out _));
        Assert.True(_daemon.Mode.IsEnabled);
        // Numbers recorded are never handed out again.
        Assert.True(uint.Parse(Ok($"create-volume device={_device} name=v3 quota=1024").Find("device-number")!) > uint.Parse(v2!));
    }

    [Fact]
    public void DestroyVolume_RecordedDevice_RecordFollows()
    {
        Ok($"mount-dev device={_device}");
        Ok($"create-volume device={_device} name=v1 quota=1024");
        var lvid = Ok($"create-volume device={_device} name=v2 quota=1024").Find("lvid");

        Ok($"destroy-volume device={_device} lvid={lvid}");

        var record = Assert.Single(_daemon.Persistence.Database.State.Devices);
        Assert.Equal([1UL], record.Volumes.Select(v => v.Lvid));
    }

    [Fact]
    public void DismountDev_AfterRestart_NotMounted()
    {
        Ok($"mount-dev device={_device}");
        Ok($"create-volume device={_device} name=v1 quota=1024");
        Ok($"dismount-dev device={_device}");

        Restart();

        Assert.Empty(_daemon.Persistence.Devices.Devices);
        Assert.Equal(0, _daemon.Registry.Count);
        Assert.Empty(_daemon.Persistence.Database.State.Devices);
    }

    [Fact]
    public void DismountAll_AfterRestart_NothingMounted()
    {
        var second = _scratch["e.dev"];
        Ok($"format-dev device={second} quota=2048");
        Ok($"mount-dev device={_device}");
        Ok($"mount-dev device={second}");

        Ok("dismount-all");
        Restart();

        Assert.Empty(_daemon.Persistence.Devices.Devices);
        Assert.Empty(_daemon.Persistence.Database.State.Devices);
    }

    [Fact]
    public void PersistentPartition_OnAVolumeOfARecordedDevice_BackAfterRestart()
    {
        Ok($"mount-dev device={_device}");
        Ok($"create-volume device={_device} name=v1 quota=1024");
        var number = Ok("create-instance subdriver=partition name=p child=v1 start=0 size=64 persistent=1").Find("device-number");

        Restart();

        var partition = _daemon.Registry.Get("p");
        Assert.Equal(number, partition.DeviceNumber.ToString());
        Assert.Equal("v1", Assert.Single(partition.Children).Name);
        Assert.True(_daemon.Mode.IsEnabled, _daemon.Mode.Reason);
    }

    [Fact]
    public void PersistentPartition_OnAVolumeOfAConfigurationFileMount_EinvalSayingTheMountIsNotRecorded()
    {
        Assert.True(_daemon.Dispatcher.ExecuteLine($"mount-dev device={_device}", ControlCaller.Configuration).Errno == 0);
        Ok($"create-volume device={_device} name=v1 quota=1024");

        var reply = Run("create-instance subdriver=partition name=p child=v1 start=0 size=64 persistent=1");

        Assert.Equal("EINVAL", reply.ErrnoName);
        Assert.Equal("create-instance: persistent instance 'p' cannot be built on volume 'v1': its device's mount is not recorded (mount it with mount-dev through the control file)",
            reply.Message);
        Assert.Empty(_daemon.Persistence.Database.State.Devices);
    }

    [Fact]
    public void RecordedDevice_MissingAtStart_SkippedAndTheDaemonEnabled()
    {
        Ok($"mount-dev device={_device}");
        Ok($"create-volume device={_device} name=v1 quota=1024");
        _daemon.Registry.Dispose();
        File.Move(_device, _device + ".away");

        _daemon = Start();

        Assert.Empty(_daemon.Persistence.Devices.Devices);
        Assert.True(_daemon.Mode.IsEnabled, _daemon.Mode.Reason);
        Assert.True(_daemon.Persistence.IsDeviceRecorded(_device));
        // dismount-dev forgets a recorded device that is not mounted.
        Ok($"dismount-dev device={_device}");
        Assert.False(_daemon.Persistence.IsDeviceRecorded(_device));
    }

    [Fact]
    public void RecordedDevice_FormattedAgainWhileTheDaemonWasDown_NotMounted()
    {
        Ok($"mount-dev device={_device}");
        _daemon.Registry.Dispose();
        new Engine.Devices.DeviceManager(new InstanceRegistry()).Format(_device, 8192, force: true);

        _daemon = Start();

        Assert.Empty(_daemon.Persistence.Devices.Devices);
        Assert.True(_daemon.Mode.IsEnabled, _daemon.Mode.Reason);
    }

    private sealed record Daemon(InstanceRegistry Registry, DaemonMode Mode, PersistentConfiguration Persistence, ControlDispatcher Dispatcher);

    private Daemon Start()
    {
        var registry = new InstanceRegistry();
        _registries.Add(registry);
        var mode = new DaemonMode();
        var persistence = new PersistentConfiguration([new RecordLocation(_scratch["config.0"]), new RecordLocation(_scratch["config.1"])], registry, mode);
        persistence.LoadAtStart(startDisabled: false);
        return new Daemon(registry, mode, persistence, new ControlDispatcher(registry, mode: mode, persistence: persistence));
    }

    private void Restart()
    {
        _daemon.Registry.Dispose();
        _daemon = Start();
    }

    private ControlReply Run(string line) => TextCodec.ParseReply(_daemon.Dispatcher.ExecuteLine(line, Root).Text);

    private ControlReply Ok(string line)
    {
        var reply = Run(line);
        Assert.True(reply.IsOk, $"'{line}' failed: {reply.ErrnoName} {reply.Message}");
        return reply;
    }
}
