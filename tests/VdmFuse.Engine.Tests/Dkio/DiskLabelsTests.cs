using VdmFuse.Engine.Dkio;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Dkio;

public sealed class DiskLabelsTests : IDisposable
{
    private const int DiskBytes = 64 * 1024 * 1024;
    private readonly InstanceRegistry _registry = new();
    private readonly DiskLabels _labels;
    private readonly MemoryDisk _disk = new("d", DiskBytes);

    public DiskLabelsTests()
    {
        _labels = new DiskLabels(_registry);
        _registry.Register(_disk);
    }

    public void Dispose()
    {
        _labels.Dispose();
        _registry.Dispose();
    }

    private const long Blocks = DiskBytes / 512;

    private static Vtoc TwoSlices(long split = 40000) => Vtoc.Default(Blocks, "vol1") with
    {
        Partitions =
        [
            new VtocPartition(0x02, 0, 0, split),
            new VtocPartition(0x03, Vtoc.FlagUnmountable, split, 20000),
            new VtocPartition(Vtoc.TagBackup, Vtoc.FlagUnmountable, 0, Blocks),
            .. Enumerable.Repeat(VtocPartition.Empty, 12),
            new VtocPartition(0x04, Vtoc.FlagReadOnly, 100000, 1000),
        ],
    };

    [Fact]
    public void Geometry_Derived_ConsistentWithTheCapacity()
    {
        var g = _labels.Geometry(_disk);
        Assert.Equal(255, g.Nhead);
        Assert.Equal(63, g.Nsect);
        Assert.Equal(Blocks / (255 * 63), g.Ncyl);
        Assert.True((long)g.Ncyl * g.Nhead * g.Nsect <= Blocks);
        Assert.Equal(g, _labels.PhysicalGeometry(_disk));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1000L)]
    [InlineData(16065L * 65535 + 5)]
    [InlineData(1L << 40)]
    public void Derive_AnySize_NeverMoreSectorsThanTheDisk(long blocks)
    {
        var g = DkGeometry.Derive(blocks);
        Assert.True(g.Nhead >= 1 && g.Nsect >= 1);
        Assert.True((long)g.Ncyl * g.Nhead * g.Nsect <= blocks);
    }

    [Fact]
    public void SetGeometry_ChangesTheNotionOnly()
    {
        var before = _disk.Content;
        var set = new DkGeometry(100, 2, 0, 16, 32, 1, 0, 5400, 102, 0, 0);
        _labels.SetGeometry(_disk, set);
        Assert.Equal(set, _labels.Geometry(_disk));
        Assert.Equal(before, _disk.Content);
    }

    [Fact]
    public void SetGeometry_MoreSectorsThanTheDisk_Einval()
    {
        var error = Assert.Throws<ErrnoException>(() => _labels.SetGeometry(_disk, new DkGeometry(60000, 0, 0, 255, 63, 1, 0, 7200, 60000, 0, 0)));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("the disk has 131072", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VirtualGeometry_Over8GiB_Einval()
    {
        using var big = new ScratchDirectory();
        var path = big.CreateFile("big.img", 9L << 30);
        using var physical = PhysicalDisk.Open("big", path);
        var error = Assert.Throws<ErrnoException>(() => _labels.VirtualGeometry(physical));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("not relevant for disks over 8 GiB", error.Message, StringComparison.Ordinal);
        Assert.Equal(255, _labels.VirtualGeometry(_disk).Nhead);
    }

    [Fact]
    public void GetVtoc_NoLabel_Einval()
    {
        var error = Assert.Throws<ErrnoException>(() => _labels.GetVtoc(_disk, extended: false));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("has no VTOC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetVtoc_WritesTheLabelAndExportsTheSlices()
    {
        var vtoc = TwoSlices();
        _labels.SetVtoc(_disk, vtoc, extended: false);

        Assert.Equal(vtoc, _labels.GetVtoc(_disk, extended: true));
        Assert.Equal(vtoc, VtocLabel.Decode(_disk.Content.AsSpan(512, 512)));
        var slices = _labels.SlicesOf(_disk);
        Assert.Equal(["ds0", "ds1", "ds2", "ds15"], slices.Select(s => s.Name));
        Assert.Equal(40000L * 512, _registry.Get("ds0").Size);
        Assert.True(_registry.Get("ds15").IsReadOnly);
        Assert.Equal((40000L, 20000L), _labels.PartInfo(_registry.Get("ds1"), extended: false));
        Assert.Equal((ushort)1, _labels.Info(_registry.Get("ds1")).Partition);
    }

    [Fact]
    public async Task Slice_ReadsAndWritesItsWindow_ReadOnlyRefusesWithErofs()
    {
        _labels.SetVtoc(_disk, TwoSlices(), extended: false);
        var s1 = _registry.Get("ds1");
        var data = new byte[4096];
        new Random(1).NextBytes(data);
        await s1.WriteAsync(8192, data);
        Assert.Equal(data, _disk.Content.AsSpan((int)(40000L * 512 + 8192), 4096).ToArray());

        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await _registry.Get("ds15").WriteAsync(0, data));
        Assert.Equal(Errno.EROFS, error.Errno);
        Assert.Contains("slice 'ds15' of 'd' is read-only (V_RONLY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_LabelReadBack_SlicesExportedAgain()
    {
        _labels.SetVtoc(_disk, TwoSlices(), extended: true);
        using var registry = new InstanceRegistry();
        using var labels = new DiskLabels(registry);
        var copy = new MemoryDisk("d", DiskBytes);
        await copy.WriteAsync(0, _disk.Content);

        registry.Register(copy);

        Assert.Equal(["ds0", "ds1", "ds2", "ds15"], labels.SlicesOf(copy).Select(s => s.Name));
        Assert.Equal(TwoSlices(), labels.GetVtoc(copy, extended: false));
    }

    [Fact]
    public void SetVtoc_ChangedSliceOpen_EbusyAndNothingWritten()
    {
        _labels.SetVtoc(_disk, TwoSlices(), extended: false);
        _registry.Get("ds0").AddOpen();
        var error = Assert.Throws<ErrnoException>(() => _labels.SetVtoc(_disk, TwoSlices(30000), extended: false));
        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Contains("slice 'ds0' would change but is open", error.Message, StringComparison.Ordinal);
        Assert.Equal(TwoSlices(), VtocLabel.Decode(_disk.Content.AsSpan(512, 512)));
        _registry.Get("ds0").RemoveOpen();
    }

    [Fact]
    public void SetVtoc_UnchangedOpenSlice_Stays()
    {
        _labels.SetVtoc(_disk, TwoSlices(), extended: false);
        var s0 = _registry.Get("ds0");
        s0.AddOpen();
        var next = TwoSlices() with { Volume = "vol2" };
        _labels.SetVtoc(_disk, next, extended: false);
        Assert.Same(s0, _registry.Get("ds0"));
        s0.RemoveOpen();
    }

    public static TheoryData<string, Func<Vtoc, Vtoc>, string> InvalidVtocs => new()
    {
        { "sanity", v => v with { Sanity = 1 }, "v_sanity is 0x1, not VTOC_SANE" },
        { "version", v => v with { Version = 2 }, "v_version is 2" },
        { "sector size", v => v with { SectorSize = 1024 }, "v_sectorsz is 1024" },
        { "nparts", v => v with { NParts = 8 }, "v_nparts is 8, not V_NUMPAR (16)" },
        { "overlap", v => v with { Partitions = [new(2, 0, 0, 100), new(3, 0, 50, 100), .. v.Partitions.Skip(2)] }, "slices 0 (sectors 0-99) and 1 (sectors 50-149) overlap" },
        { "past the end", v => v with { Partitions = [new(2, 0, Blocks - 10, 100), .. v.Partitions.Skip(1)] }, "runs past the end of the disk" },
        { "tag", v => v with { Partitions = [new(0x40, 0, 0, 100), .. v.Partitions.Skip(1)] }, "slice 0 has unknown tag 0x40" },
        { "flag", v => v with { Partitions = [new(2, 0x4, 0, 100), .. v.Partitions.Skip(1)] }, "slice 0 has unknown flag bits 0x4" },
    };

    [Theory]
    [MemberData(nameof(InvalidVtocs))]
    public void SetVtoc_Invalid_EinvalAndNothingWritten(string what, Func<Vtoc, Vtoc> change, string message)
    {
        var error = Assert.Throws<ErrnoException>(() => _labels.SetVtoc(_disk, change(TwoSlices()), extended: false));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.True(what.Length > 0);
        Assert.Null(VtocLabel.Decode(_disk.Content.AsSpan(512, 512)));
        Assert.Empty(_labels.SlicesOf(_disk));
    }

    [Fact]
    public void BackupSlice_MayOverlapTheOthers()
    {
        var vtoc = TwoSlices();
        vtoc.Validate("d", Blocks, 512);
        Assert.Equal(Vtoc.TagBackup, vtoc.Partitions[2].Tag);
    }

    [Fact]
    public void OneTebibyteRule_32BitFormsOverflow_ExtendedWork()
    {
        using var scratch = new ScratchDirectory();
        var path = scratch.CreateFile("huge.img", 2L << 40);
        using var physical = PhysicalDisk.Open("huge", path);
        var blocks = physical.Size / 512;
        var vtoc = Vtoc.Default(blocks, "huge");

        var set = Assert.Throws<ErrnoException>(() => _labels.SetVtoc(physical, vtoc, extended: false));
        Assert.Equal(Errno.EOVERFLOW, set.Errno);
        Assert.Contains("over the 1 TiB the 32-bit struct vtoc describes", set.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.EOVERFLOW, Assert.Throws<ErrnoException>(() => _labels.PartInfo(physical, extended: false)).Errno);
        Assert.Equal((0L, blocks), _labels.PartInfo(physical, extended: true));
        try
        {
            _labels.SetVtoc(physical, vtoc, extended: true);
            Assert.Equal(vtoc, _labels.GetVtoc(physical, extended: true));
            Assert.Equal(Errno.EOVERFLOW, Assert.Throws<ErrnoException>(() => _labels.GetVtoc(physical, extended: false)).Errno);
        }
        finally
        {
            foreach (var slice in _labels.SlicesOf(physical))
            {
                _registry.Delete(slice.Name);
            }
        }
    }

    [Fact]
    public void SetAllMap_ChangesTheNotionUntilTheLastClose()
    {
        _labels.SetVtoc(_disk, TwoSlices(), extended: false);
        var perCylinder = _labels.Geometry(_disk).SectorsPerCylinder;
        var map = _labels.GetAllMap(_disk);
        Assert.Equal(new DkMap(0, 40000), map[0]);
        Assert.Equal(new DkMap(40000 / perCylinder, 20000), map[1]);
        _disk.AddOpen();

        var changed = map.ToArray();
        changed[1] = new DkMap(3, 16065);
        _labels.SetAllMap(_disk, changed);

        Assert.Equal(3 * perCylinder, _labels.GetVtoc(_disk, true).Partitions[1].Start);
        Assert.Equal(16065L * 512, _registry.Get("ds1").Size);
        Assert.Equal(TwoSlices(), VtocLabel.Decode(_disk.Content.AsSpan(512, 512)));
        _disk.RemoveOpen();
        Assert.Equal(TwoSlices(), _labels.GetVtoc(_disk, true));
        Assert.Equal(20000L * 512, _registry.Get("ds1").Size);
    }

    private static byte[] Mbr(params (byte Type, uint Start, uint Size)[] parts)
    {
        var sector = new byte[512];
        for (var i = 0; i < parts.Length; i++)
        {
            var at = 446 + i * 16;
            sector[at + 4] = parts[i].Type;
            BitConverter.GetBytes(parts[i].Start).CopyTo(sector, at + 8);
            BitConverter.GetBytes(parts[i].Size).CopyTo(sector, at + 12);
        }
        sector[510] = 0x55;
        sector[511] = 0xAA;
        return sector;
    }

    [Fact]
    public void WriteMboot_WritesSectorZeroAndASolarisPartitionResetsTheVtoc()
    {
        var mbr = Mbr((0x83, 2048, 20000), (Mboot.SunIxOs2, 30000, 60000));
        _labels.WriteMboot(_disk, mbr);

        Assert.Equal(mbr, _disk.Content.AsSpan(0, 512).ToArray());
        var vtoc = _labels.GetVtoc(_disk, extended: true);
        var perCylinder = _labels.Geometry(_disk).SectorsPerCylinder;
        Assert.Equal(new VtocPartition(Vtoc.TagBackup, Vtoc.FlagUnmountable, 30000, 60000 - 2 * perCylinder), vtoc.Partitions[2]);
        Assert.Equal(30000, vtoc.Partitions[8].Start);
        Assert.Equal(perCylinder, vtoc.Partitions[8].Size);
        Assert.Equal(30000 + perCylinder, vtoc.Partitions[9].Start);
        Assert.Equal(2 * perCylinder, vtoc.Partitions[9].Size);
        Assert.Contains(_labels.SlicesOf(_disk), s => s.Name == "ds2");
    }

    [Theory]
    [InlineData(false, true, "signature is 0x0000, not 0xAA55")]
    [InlineData(true, false, "partitions 1 and 2 of the master boot record overlap")]
    public void WriteMboot_BadRecord_EinvalAndNothingWritten(bool signed, bool separate, string message)
    {
        var mbr = separate ? Mbr((0x83, 2048, 100)) : Mbr((0x83, 2048, 1000), (0x83, 2500, 1000));
        if (!signed)
        {
            mbr[510] = mbr[511] = 0;
        }
        var error = Assert.Throws<ErrnoException>(() => _labels.WriteMboot(_disk, mbr));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[512], _disk.Content.AsSpan(0, 512).ToArray());
    }

    [Fact]
    public async Task State_InsertedThenEjectedWhenDeleted_AWaiterWakes()
    {
        var other = new MemoryDisk("o", 1 << 20);
        _registry.Register(other);
        Assert.Equal(DkMediaState.Inserted, _labels.State(other));
        Assert.Equal(DkMediaState.Inserted, await _labels.WaitForStateChangeAsync(other, DkMediaState.None, CancellationToken.None));

        var waiting = _labels.WaitForStateChangeAsync(other, DkMediaState.Inserted, CancellationToken.None);
        await Task.Delay(150);
        Assert.False(waiting.IsCompleted);
        _registry.Delete("o");

        Assert.Equal(DkMediaState.Ejected, await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task WaitForStateChange_Cancelled_Throws()
    {
        using var cancel = new CancellationTokenSource(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _labels.WaitForStateChangeAsync(_disk, DkMediaState.Inserted, cancel.Token));
    }

    [Fact]
    public void DiskRemoved_ItsSlicesAreRevoked()
    {
        var other = new MemoryDisk("o", 1 << 22);
        _registry.Register(other);
        _labels.SetVtoc(other, Vtoc.Default(8192), extended: false);
        Assert.True(_registry.TryGet("os2", out _));

        _registry.Delete("o");

        Assert.False(_registry.TryGet("os2", out _));
    }

    [Fact]
    public void InfoMediaRemovable_ForAnImage()
    {
        var info = _labels.Info(_disk);
        Assert.Equal("vdmfuse", info.CName);
        Assert.Equal(DkControllerInfo.MetaDisk, info.CType);
        Assert.Equal("memory", info.DName);
        Assert.Equal(_disk.DeviceNumber, info.Unit);
        Assert.Equal(DkControllerInfo.NoPartition, info.Partition);
        Assert.Equal(2048, info.MaxTransfer);
        Assert.Equal(new DkMediaInfo(DkMediaInfo.FixedDisk, 512, Blocks), _labels.MediaInfo(_disk));
        Assert.False(_labels.IsRemovable(_disk));
        Assert.False(_labels.IsHotpluggable(_disk));
    }

    [Fact]
    public void PartInfo_PartitionOnItsChild()
    {
        var p = _registry.CreatePartition("p", "d", 2048, 4096);
        Assert.Equal((2048L, 4096L), _labels.PartInfo(p, extended: false));
        Assert.Equal((0L, Blocks), _labels.PartInfo(_disk, extended: true));
    }
}
