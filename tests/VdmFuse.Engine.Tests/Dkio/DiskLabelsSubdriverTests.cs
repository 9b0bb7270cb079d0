using VdmFuse.Engine.Dkio;
using VdmFuse.Engine.Mirror;
using VdmFuse.Engine.Remap;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Dkio;

public sealed class DiskLabelsSubdriverTests : IDisposable
{
    private readonly InstanceRegistry _registry = new();
    private readonly DiskLabels _labels;

    public DiskLabelsSubdriverTests() => _labels = new DiskLabels(_registry);

    public void Dispose()
    {
        _labels.Dispose();
        _registry.Dispose();
    }

    [Fact]
    public void VolumeCapabilities_NotAMirror_Einval()
    {
        var disk = _registry.Register(new MemoryDisk("d", 1 << 20));
        var get = Assert.Throws<ErrnoException>(() => _labels.GetVolumeCapabilities(disk));
        Assert.Equal(Errno.EINVAL, get.Errno);
        Assert.Contains("memory instance 'd' is not a mirror: invalid device for DKIOCGETVOLCAP", get.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => _labels.SetVolumeCapabilities(disk, 2)).Errno);
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => _labels.DirectedRead(disk, 1, -1, 0, new byte[512])).Errno);
    }

    [Fact]
    public void VolumeCapabilities_Mirror_DmrThenDirectedReads_UnknownBitEnotsup_AbrWithoutJournalEnotsup()
    {
        var a = (MemoryDisk)_registry.Register(new MemoryDisk("a", 1 << 20));
        var mirror = _registry.Register(new MirrorDisk("m", [a], new MirrorSettings(false, -1, -1, 0)));
        Assert.Equal((DkVolumeCapabilities.DirectedRead, 0u), _labels.GetVolumeCapabilities(mirror));

        var unknown = Assert.Throws<ErrnoException>(() => _labels.SetVolumeCapabilities(mirror, 0x8));
        Assert.Equal(Errno.ENOTSUP, unknown.Errno);
        Assert.Contains("capability bits 0x8 are not supported", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.ENOTSUP, Assert.Throws<ErrnoException>(() => _labels.SetVolumeCapabilities(mirror, 0x1)).Errno);

        _labels.SetVolumeCapabilities(mirror, DkVolumeCapabilities.DirectedRead);
        Assert.Equal(DkVolumeCapabilities.DirectedRead, _labels.GetVolumeCapabilities(mirror).Set);
        var buffer = new byte[1024];
        var first = _labels.DirectedRead(mirror, DkDirectedRead.NextSide, DkDirectedRead.SideInit, 0, buffer);
        Assert.Equal((DkDirectedRead.Success, 0, "a", 1024), (first.Flags, first.Side, first.SideName, first.BytesRead));
        var done = _labels.DirectedRead(mirror, DkDirectedRead.NextSide, first.Side, 0, buffer);
        Assert.Equal(DkDirectedRead.Done, done.Flags);
    }

    [Fact]
    public void RereadBadBlocks_NoRemap_Enotsup_WithRemap_ReloadsItsTables()
    {
        var disk = (MemoryDisk)_registry.Register(new MemoryDisk("d", 2048 * 512));
        var pt = _registry.CreatePartition("pt", "d", 16, 8);
        var st = _registry.CreatePartition("st", "d", 24, 8);
        var ra = _registry.CreatePartition("ra", "d", 32, 16);
        var p0 = _registry.CreatePartition("p0", "d", 64, 1024);
        var error = Assert.Throws<ErrnoException>(() => _labels.RereadBadBlocks(p0));
        Assert.Equal(Errno.ENOTSUP, error.Errno);
        Assert.Contains("partition instance 'p0' has no bad-block remap instance", error.Message, StringComparison.Ordinal);

        RemapDisk.Format(pt, st, ra, force: false);
        var remap = (RemapDisk)_registry.Register(new RemapDisk("R", pt, st, ra), exported: false);
        _registry.LinkChild("p0", "R");
        remap.ForceRemap(100);

        Assert.Equal(1, _labels.RereadBadBlocks(p0));
        Assert.Equal(1, _labels.RereadBadBlocks(disk));
    }

    [Fact]
    public async Task MirrorWithAVtoc_RegisteredAgain_ItsSlicesComeBackFromTheLabelInTheBackground()
    {
        var a = (MemoryDisk)_registry.Register(new MemoryDisk("a", 8 << 20));
        var mirror = _registry.Register(new MirrorDisk("m", [a], new MirrorSettings(false, -1, -1, 0)));
        _labels.SetVtoc(mirror, Vtoc.Default(mirror.Size / 512, "mvol"), extended: true);
        Assert.True(_registry.TryGet("ms2", out _));

        using var registry = new InstanceRegistry();
        using var labels = new DiskLabels(registry);
        var copy = new MemoryDisk("a", 8 << 20);
        await copy.WriteAsync(0, a.Content);
        registry.Register(copy);
        var reopened = registry.Register(new MirrorDisk("m", [copy], new MirrorSettings(false, -1, -1, 0)));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!registry.TryGet("ms2", out _) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(registry.TryGet("ms2", out var slice), "the mirror's slice 2 did not come back");
        Assert.Equal(mirror.Size, slice!.Size);
        Assert.Equal("mvol", labels.GetVtoc(reopened, extended: true).Volume);
        Assert.False(registry.TryGet("as2", out _), "the image kept slices that write around the mirror");
    }
}
