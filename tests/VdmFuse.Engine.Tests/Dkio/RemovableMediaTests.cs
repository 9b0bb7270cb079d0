using VdmFuse.Engine.Dkio;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Dkio;

/// <summary>
/// DKIOCREMOVABLE and DKIOCHOTPLUGGABLE over a real loop device, with sysfs replaced by a tree that says what a USB stick's
/// entry says (this machine has no removable device).
/// </summary>
[Collection(nameof(RemovableMediaTests))]
public sealed class RemovableMediaTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose()
    {
        RemovableMedia.SysfsRoot = "/sys";
        _scratch.Dispose();
    }

    [Theory]
    [InlineData("0", false, false, false)]
    [InlineData("1", false, true, true)]
    [InlineData("0", true, false, true)]
    public void LoopDeviceWithAFakeSysfsEntry_ReportsWhatTheEntrySays(string removable, bool onUsb, bool expectRemovable, bool expectHotpluggable)
    {
        using var loop = LoopDevice.Attach(_scratch.CreateFile("disk.img", 4 << 20));
        var number = File.ReadAllText($"/sys/block/{Path.GetFileName(loop.Path)}/dev").Trim();
        var root = Path.Combine(_scratch.Path, "sys");
        var device = Path.Combine(root, "devices", onUsb ? "pci0000:00/usb1/1-1/host0/block/sdz" : "pci0000:00/ata1/host0/block/sdz");
        Directory.CreateDirectory(device);
        File.WriteAllText(Path.Combine(device, "removable"), removable + "\n");
        Directory.CreateDirectory(Path.Combine(root, "dev", "block"));
        File.CreateSymbolicLink(Path.Combine(root, "dev", "block", number), device);
        RemovableMedia.SysfsRoot = root;
        using var registry = new InstanceRegistry();
        using var labels = new DiskLabels(registry);
        var disk = registry.CreatePhysical("disk", loop.Path);
        var partition = registry.CreatePartition("p", "disk", 0, 1024);

        Assert.Equal(expectRemovable, labels.IsRemovable(disk));
        Assert.Equal(expectHotpluggable, labels.IsHotpluggable(disk));
        Assert.Equal(expectRemovable, labels.IsRemovable(partition));
        Assert.Equal(expectHotpluggable, labels.IsHotpluggable(partition));
    }

    [Fact]
    public void ImageFile_NeitherRemovableNorHotpluggable()
    {
        using var registry = new InstanceRegistry();
        using var labels = new DiskLabels(registry);
        var disk = registry.CreatePhysical("disk", _scratch.CreateFile("disk.img", 1 << 20));
        Assert.False(labels.IsRemovable(disk));
        Assert.False(labels.IsHotpluggable(disk));
    }
}
