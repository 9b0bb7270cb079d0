using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// VTOC slices through the real mount: dk-set-vtoc on a physical instance and dk-set-extvtoc on a partition export
/// DISKs0 ... with the slices' sizes, I/O through a slice lands at its offset of the image file, a V_RONLY slice refuses
/// write opens with EROFS, and after a restart (persistent instances) the slices come back from the label.
/// Physical d (persistent, 32 MiB of random data) and partition p on d at sectors 40000-65535 (persistent).
/// </summary>
public sealed class DkioVtocSliceTests : IDisposable
{
    private const long DiskBlocks = 32L * MiB / DkioRig.Block;
    private const long PartitionStart = 40000, PartitionBlocks = DiskBlocks - PartitionStart;

    private readonly DkioRig _rig = new();
    private readonly string _image;

    public DkioVtocSliceTests()
    {
        try
        {
            _image = _rig.CreatePhysical("d", DiskBlocks * DkioRig.Block, persistent: true);
            _rig.Send(DkioRig.Invariant($"create-instance subdriver=partition name=p child=d start={PartitionStart} size={PartitionBlocks} persistent=1"));
        }
        catch
        {
            _rig.Dispose();
            throw;
        }
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void SetVtoc_PhysicalAndPartition_SlicesExportedWithTheirSizesDataAtTheirOffsetsAndBackAfterRestart()
    {
        var d = _rig.Send("dk-set-vtoc name=d volume=disk0 ascii-label=slices " +
            "p0-tag=2 p0-start=2048 p0-size=8192 p1-tag=4 p1-flag=16 p1-start=10240 p1-size=4096 p2-tag=5 p2-flag=1 p2-start=0 " +
            DkioRig.Invariant($"p2-size={DiskBlocks}"));
        var p = _rig.Send("dk-set-extvtoc name=p volume=part p3-tag=7 p3-start=1024 p3-size=8192");

        Assert.Equal("ds0,ds1,ds2", d.Fields["slices"]);
        Assert.Equal("ps3", p.Fields["slices"]);
        AssertSlice("ds0", 8192);
        AssertSlice("ds1", 4096);
        AssertSlice("ds2", DiskBlocks);
        AssertSlice("ps3", 8192);
        Assert.Equal(("2048", "8192"), Window("ds0"));
        Assert.Equal(("1024", "8192"), Window("ps3"));

        // Through slice s0 of d and slice s3 of p: the data is at the slices' sectors of the image file.
        byte[] onD = Random(64 * 1024);
        byte[] onP = Random(64 * 1024);
        using (var slice = PosixFile.Open(_rig.Rdsk("ds0"), Libc.O_RDWR))
        {
            slice.WriteExactly(onD, 4096);
        }
        using (var slice = PosixFile.Open(_rig.Dsk("ps3"), Libc.O_RDWR))
        {
            slice.WriteExactly(onP, 512);
            slice.Fsync();
        }
        AssertBytes.Equal(onD, ReadFileRange(_image, 2048L * DkioRig.Block + 4096, onD.Length), "d.img under ds0");
        AssertBytes.Equal(onP, ReadFileRange(_image, (PartitionStart + 1024) * DkioRig.Block + 512, onP.Length), "d.img under ps3");

        // The V_RONLY slice: read, never written.
        AssertReadOnly("ds1");
        byte[] underRonly = ReadFileRange(_image, 10240L * DkioRig.Block, 8192);
        using (var slice = PosixFile.Open(_rig.Rdsk("ds1"), Libc.O_RDONLY))
        {
            AssertBytes.Equal(underRonly, slice.ReadBytes(0, 8192), "rdsk/ds1 reads d's sectors 10240-10255");
        }

        _rig.StopDaemon();
        _rig.StartDaemon();

        AssertSlice("ds0", 8192);
        AssertSlice("ds1", 4096);
        AssertSlice("ds2", DiskBlocks);
        AssertSlice("ps3", 8192);
        AssertReadOnly("ds1");
        using (var slice = PosixFile.Open(_rig.Rdsk("ds0"), Libc.O_RDONLY))
        {
            AssertBytes.Equal(onD, slice.ReadBytes(4096, onD.Length), "rdsk/ds0 after the restart");
        }
        using (var slice = PosixFile.Open(_rig.Rdsk("ps3"), Libc.O_RDONLY))
        {
            AssertBytes.Equal(onP, slice.ReadBytes(512, onP.Length), "rdsk/ps3 after the restart");
        }
        var vtoc = _rig.Send("dk-get-vtoc name=d").Fields;
        Assert.Equal(("disk0", "slices", "1611521774", "1", "512", "16"),
            (vtoc["volume"], vtoc["ascii-label"], vtoc["sanity"], vtoc["vtoc-version"], vtoc["sector-size"], vtoc["nparts"]));
        Assert.Equal(("4", "16", "10240", "4096"), (vtoc["p1-tag"], vtoc["p1-flag"], vtoc["p1-start"], vtoc["p1-size"]));
        var ext = _rig.Send("dk-get-extvtoc name=p").Fields;
        Assert.Equal(("part", "7", "0", "1024", "8192"), (ext["volume"], ext["p3-tag"], ext["p3-flag"], ext["p3-start"], ext["p3-size"]));
    }

    [Fact]
    public void SetVtoc_ChangingAnOpenSlice_FailsWithEbusyAndRemovingAnUnusedOneDropsItsFiles()
    {
        _rig.Send("dk-set-vtoc name=d p0-tag=2 p0-start=2048 p0-size=8192 p1-tag=3 p1-start=10240 p1-size=4096");
        Assert.True(File.Exists(_rig.Dsk("ds1")));

        using (PosixFile.Open(_rig.Rdsk("ds0"), Libc.O_RDONLY))
        {
            _rig.SendExpectingError("dk-set-vtoc name=d p0-tag=2 p0-start=2048 p0-size=4096", LinuxErrno.EBUSY, "EBUSY", "ds0", "open");
        }
        // Closed, s0 stays as it is and s1 leaves the VTOC.
        _rig.Send("dk-set-vtoc name=d p0-tag=2 p0-start=2048 p0-size=8192");

        Assert.False(File.Exists(_rig.Dsk("ds1")), "dsk/ds1 stays after its slice was removed from the VTOC");
        Assert.False(File.Exists(_rig.Rdsk("ds1")), "rdsk/ds1 stays after its slice was removed from the VTOC");
        AssertSlice("ds0", 8192);
    }

    private void AssertSlice(string name, long blocks)
    {
        Assert.True(File.Exists(_rig.Dsk(name)), $"dsk/{name} does not exist\n{_rig.DaemonLog}");
        Assert.Equal(blocks * DkioRig.Block, new FileInfo(_rig.Dsk(name)).Length);
        Assert.Equal(blocks * DkioRig.Block, new FileInfo(_rig.Rdsk(name)).Length);
        var attributes = _rig.Send($"get-attributes name={name}").Fields;
        Assert.Equal("slice", attributes["subdriver"]);
    }

    private (string Start, string Length) Window(string name)
    {
        var fields = _rig.Send($"dk-partinfo name={name}").Fields;
        return (fields["start"], fields["length"]);
    }

    private void AssertReadOnly(string name)
    {
        foreach (var path in new[] { _rig.Dsk(name), _rig.Rdsk(name) })
        {
            Assert.Equal(DkioRig.EROFS, PosixFile.TryOpen(path, Libc.O_WRONLY, out var writer));
            writer?.Dispose();
            Assert.Equal(DkioRig.EROFS, PosixFile.TryOpen(path, Libc.O_RDWR, out var readWriter));
            readWriter?.Dispose();
        }
        Assert.Equal("16", _rig.Send($"get-attributes name={name}").Fields["flag"]);
    }
}
