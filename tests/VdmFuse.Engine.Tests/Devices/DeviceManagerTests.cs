using VdmFuse.Engine.Devices;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;

namespace VdmFuse.Engine.Tests.Devices;

public sealed class DeviceManagerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("vdm-devices-");
    private readonly InstanceRegistry _registry = new();
    private readonly DeviceManager _devices;

    public DeviceManagerTests()
    {
        _devices = new DeviceManager(_registry);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _dir.Delete(recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void Format_MissingFile_CreatesFileOfLabelPlusQuota()
    {
        var path = PathOf("a.dev");
        var label = _devices.Format(path, 2048, force: false);

        Assert.Equal(DeviceLabelStore.LabelRegionBytes + 2048 * 1024, new FileInfo(path).Length);
        Assert.Equal(2048, label.QuotaKb);
        Assert.Empty(label.Volumes);
        Assert.NotEqual(Guid.Empty, label.DeviceId);
    }

    [Fact]
    public void Format_LabelledWithoutForce_FailsWithEexist()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 1024, force: false);

        var e = Assert.Throws<ErrnoException>(() => _devices.Format(path, 1024, force: false));

        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Format_LabelledWithForce_WritesNewDeviceId()
    {
        var path = PathOf("a.dev");
        var first = _devices.Format(path, 1024, force: false);

        var second = _devices.Format(path, 4096, force: true);

        Assert.NotEqual(first.DeviceId, second.DeviceId);
        var mounted = _devices.Mount(path);
        Assert.Equal(second.DeviceId, mounted.Label.DeviceId);
        Assert.Equal(4096, mounted.Label.QuotaKb);
    }

    [Fact]
    public void Format_MountedDevice_FailsWithEbusy()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 1024, force: false);
        _devices.Mount(path);

        var e = Assert.Throws<ErrnoException>(() => _devices.Format(path, 1024, force: true));

        Assert.Equal(Errno.EBUSY, e.Errno);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Format_ZeroQuota_FailsWithEinval()
    {
        var e = Assert.Throws<ErrnoException>(() => _devices.Format(PathOf("a.dev"), 0, force: false));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.False(File.Exists(PathOf("a.dev")));
    }

    [Fact]
    public void Format_MissingDirectory_FailsWithEnoentNamingPath()
    {
        var path = PathOf("no-such-dir/a.dev");

        var e = Assert.Throws<ErrnoException>(() => _devices.Format(path, 1024, force: false));

        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Format_Directory_FailsWithEisdir()
    {
        var e = Assert.Throws<ErrnoException>(() => _devices.Format(_dir.FullName, 1024, force: true));

        Assert.Equal(Errno.EISDIR, e.Errno);
        Assert.Equal($"device '{_dir.FullName}' is a directory", e.Message);
    }

    [Fact]
    public void Mount_FormattedDevice_CreatesHiddenPhysicalInstance()
    {
        var path = PathOf("a.dev");
        var label = _devices.Format(path, 1024, force: false);

        var device = _devices.Mount(path);

        var physical = _registry.Get(DeviceManager.PhysicalName(label.DeviceId));
        Assert.Same(physical, device.Physical);
        Assert.False(physical.Exported);
        Assert.Equal("physical", physical.Subdriver);
        Assert.StartsWith("dev-", physical.Name);
        Assert.Equal(12, physical.Name.Length);
    }

    [Fact]
    public void Mount_SamePathTwice_ReturnsSameDevice()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 1024, force: false);
        var first = _devices.Mount(path);
        var count = _registry.Count;

        var second = _devices.Mount(path);

        Assert.Same(first, second);
        Assert.Equal(count, _registry.Count);
    }

    [Fact]
    public void Mount_HardLinkToMountedDevice_FailsWithEbusyNamingBoth()
    {
        var path = PathOf("a.dev");
        var link = PathOf("b.dev");
        _devices.Format(path, 1024, force: false);
        _devices.Mount(path);
        HardLink(path, link);

        var e = Assert.Throws<ErrnoException>(() => _devices.Mount(link));

        Assert.Equal(Errno.EBUSY, e.Errno);
        Assert.Equal($"device '{link}' is the device already mounted as '{path}'", e.Message);
    }

    [Fact]
    public void Mount_SymlinkToMountedDevice_FailsWithEbusy()
    {
        var path = PathOf("a.dev");
        var link = PathOf("s.dev");
        _devices.Format(path, 1024, force: false);
        _devices.Mount(path);
        File.CreateSymbolicLink(link, path);

        var e = Assert.Throws<ErrnoException>(() => _devices.Mount(link));

        Assert.Equal(Errno.EBUSY, e.Errno);
    }

    [Fact]
    public void Mount_UnlabelledFile_FailsWithEinval()
    {
        var path = PathOf("blank.dev");
        File.WriteAllBytes(path, new byte[2 * 1024 * 1024]);

        var e = Assert.Throws<ErrnoException>(() => _devices.Mount(path));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains(path, e.Message);
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void CreateVolume_WithinQuota_ExportsVolumeInstance()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);

        var (volume, instance) = _devices.CreateVolume(path, "v1", 1024);

        Assert.Equal(1UL, volume.Lvid);
        Assert.Equal("volume", instance.Subdriver);
        Assert.True(instance.Exported);
        Assert.Equal(1024 * 1024, instance.Size);
        Assert.Equal(DeviceLabelStore.LabelRegionBytes / 512, volume.StartBlock);
    }

    [Fact]
    public void CreateVolume_AboveDeviceQuota_FailsWithEnospc()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);
        _devices.CreateVolume(path, "v1", 1024);

        var e = Assert.Throws<ErrnoException>(() => _devices.CreateVolume(path, "v2", 1025));

        Assert.Equal(Errno.ENOSPC, e.Errno);
        Assert.Contains(path, e.Message);
        Assert.False(_registry.TryGet("v2", out _));
        Assert.Single(_devices.Find(path).Label.Volumes);
    }

    [Fact]
    public void CreateVolume_TakenName_FailsWithEexist()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);
        _devices.CreateVolume(path, "v1", 512);

        var e = Assert.Throws<ErrnoException>(() => _devices.CreateVolume(path, "v1", 512));

        Assert.Equal(Errno.EEXIST, e.Errno);
    }

    [Fact]
    public async Task CreateVolume_WrittenData_LandsInVolumeExtentOfDevice()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);
        _devices.CreateVolume(path, "v1", 512);
        var (volume, instance) = _devices.CreateVolume(path, "v2", 512);
        var data = new byte[4096];
        Random.Shared.NextBytes(data);

        await instance.WriteAsync(0, data);
        await instance.FlushAsync();

        Assert.Equal(DeviceLabelStore.LabelRegionBytes / 512 + 1024, volume.StartBlock);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Position = volume.StartBlock * 512;
        var back = new byte[data.Length];
        file.ReadExactly(back);
        Assert.Equal(data, back);
    }

    [Fact]
    public void DestroyVolume_FreedExtent_IsReusedFirstFitButLvidIsNot()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);
        var (first, _) = _devices.CreateVolume(path, "v1", 512);
        _devices.CreateVolume(path, "v2", 512);

        _devices.DestroyVolume(path, first.Lvid);
        var (third, _) = _devices.CreateVolume(path, "v3", 512);

        Assert.Equal(3UL, third.Lvid);
        Assert.Equal(first.StartBlock, third.StartBlock);
        Assert.False(_registry.TryGet("v1", out _));
    }

    [Fact]
    public void DestroyVolume_OpenVolume_FailsWithEbusy()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);
        var (volume, instance) = _devices.CreateVolume(path, "v1", 512);
        instance.AddOpen();

        var e = Assert.Throws<ErrnoException>(() => _devices.DestroyVolume(path, volume.Lvid));

        Assert.Equal(Errno.EBUSY, e.Errno);
        Assert.Contains("'v1'", e.Message);
        instance.RemoveOpen();
    }

    [Fact]
    public void Dismount_OpenVolumeWithoutForce_FailsWithEbusy()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);
        var (_, instance) = _devices.CreateVolume(path, "v1", 512);
        instance.AddOpen();

        var e = Assert.Throws<ErrnoException>(() => _devices.Dismount(path, force: false));

        Assert.Equal(Errno.EBUSY, e.Errno);
        Assert.Contains(path, e.Message);
        Assert.Single(_devices.Devices);
        instance.RemoveOpen();
    }

    [Fact]
    public void Dismount_MountedDevice_DeletesItsInstances()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);
        _devices.Mount(path);
        _devices.CreateVolume(path, "v1", 512);

        _devices.Dismount(path, force: false);

        Assert.Empty(_devices.Devices);
        Assert.Equal(0, _registry.Count);
        var e = Assert.Throws<ErrnoException>(() => _devices.Dismount(path, force: false));
        Assert.Equal(Errno.ENOENT, e.Errno);
    }

    [Fact]
    public void Mount_AfterDismount_KeepsLvidsAndVolumes()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 4096, force: false);
        _devices.Mount(path);
        _devices.CreateVolume(path, "v1", 512);
        var (v2, _) = _devices.CreateVolume(path, "v2", 512);
        _devices.DestroyVolume(path, v2.Lvid);
        _devices.Dismount(path, force: false);

        var device = _devices.Mount(path);
        var (v3, _) = _devices.CreateVolume(path, "v3", 512);

        Assert.Equal([1UL, 3UL], device.Label.Volumes.Select(v => v.Lvid).ToArray());
        Assert.Equal(3UL, v3.Lvid);
        Assert.True(_registry.TryGet("v1", out var v1));
        Assert.Equal("volume", v1.Subdriver);
    }

    [Fact]
    public void Mount_VolumeNameTakenByAnotherInstance_FailsWithEexistAndLeavesNothing()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 2048, force: false);
        _devices.Mount(path);
        _devices.CreateVolume(path, "v1", 512);
        _devices.Dismount(path, force: false);
        var other = PathOf("other.img");
        File.WriteAllBytes(other, new byte[1024 * 1024]);
        _registry.CreatePhysical("v1", other);

        var e = Assert.Throws<ErrnoException>(() => _devices.Mount(path));

        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.StartsWith($"device '{path}' cannot be mounted: ", e.Message);
        Assert.Empty(_devices.Devices);
        Assert.Equal(1, _registry.Count);
    }

    [Fact]
    public void DismountAll_TwoDevices_DismountsBoth()
    {
        _devices.Format(PathOf("a.dev"), 1024, force: false);
        _devices.Format(PathOf("b.dev"), 1024, force: false);
        _devices.Mount(PathOf("a.dev"));
        _devices.Mount(PathOf("b.dev"));

        _devices.DismountAll();

        Assert.Empty(_devices.Devices);
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void Mount_NewestLabelSlotTorn_GivesPreviousVolumeTable()
    {
        var path = PathOf("a.dev");
        _devices.Format(path, 4096, force: false);
        _devices.Mount(path);
        _devices.CreateVolume(path, "v1", 512);
        _devices.CreateVolume(path, "v2", 512);
        _devices.Dismount(path, force: false);
        var location = new RecordLocation(path, 0, DeviceLabelStore.LabelRegionBytes);
        var newest = DurableRecordStore.Open(location).Check().Newest!;
        var slotOffset = newest.Slot == 'A' ? 0 : location.SlotLength;

        TearSlot(path, slotOffset);
        var device = _devices.Mount(path);

        Assert.Equal(["v1"], device.Label.Volumes.Select(v => v.Name).ToArray());
        Assert.False(_registry.TryGet("v2", out _));
        var (next, _) = _devices.CreateVolume(path, "v2b", 512);
        Assert.Equal(2UL, next.Lvid);
    }

    private static void HardLink(string target, string link)
    {
        using var ln = System.Diagnostics.Process.Start("ln", [target, link]);
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }

    private static void TearSlot(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset + 40;
        var value = stream.ReadByte();
        stream.Position = offset + 40;
        stream.WriteByte((byte)(value ^ 0x5A));
    }
}
