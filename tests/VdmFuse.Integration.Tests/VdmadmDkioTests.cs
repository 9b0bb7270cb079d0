using System.Text.RegularExpressions;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>vdmadm's dkio commands against a real daemon: vtoc set and show, disk-info, geometry, volcap and dmr.</summary>
public sealed class VdmadmDkioTests : IDisposable
{
    private readonly DkioRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void VtocSetThenShow_SlicesExportedAndListedAsPrtvtocDoes_DiskInfoReportsThem()
    {
        _rig.CreatePhysical("d", 32 << 20);

        Vdmadm.RunOk(_rig.Mountpoint, "vtoc", "set", "d", "--volume", "data",
            "--slice", "0:root:wm:2048:16384", "--slice", "2:backup:wu:0:65536", "--slice", "7:home:rm:20480:4096");

        Assert.Equal(16384L * 512, new FileInfo(_rig.Dsk("ds0")).Length);
        Assert.Equal(4096L * 512, new FileInfo(_rig.Dsk("ds7")).Length);
        var show = Vdmadm.RunOk(_rig.Mountpoint, "vtoc", "show", "d").StandardOutput;
        Assert.Contains("* Volume name:  data", show, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"(?m)^\s*0\s+root\s+wm\s+2048\s+16384\s+18431\s*$"), show);
        Assert.Matches(new Regex(@"(?m)^\s*2\s+backup\s+wu\s+0\s+65536\s+65535\s*$"), show);
        Assert.Matches(new Regex(@"(?m)^\s*7\s+home\s+rm\s+20480\s+4096\s+24575\s*$"), show);

        var info = Vdmadm.RunOk(_rig.Mountpoint, "disk-info", "d").StandardOutput;
        Assert.Contains("fixed disk (0x10001), capacity 65536 blocks of 512 bytes", info, StringComparison.Ordinal);
        Assert.Contains("inserted (2)", info, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"(?m)^VTOC:.*data"), info);
        var slice = Vdmadm.RunOk(_rig.Mountpoint, "disk-info", "ds0").StandardOutput;
        Assert.Contains("start 2048, length 16384 blocks", slice, StringComparison.Ordinal);
    }

    [Fact]
    public void Geometry_SetThenShown_InvalidRefusedWithTheDaemonsSentence()
    {
        _rig.CreatePhysical("d", 32 << 20);

        var set = Vdmadm.RunOk(_rig.Mountpoint, "geometry", "d", "--set", "100:16:32").StandardOutput;

        Assert.Contains("set the geometry of d: 100 cylinders, 16 heads, 32", set, StringComparison.Ordinal);
        Assert.Equal("100", _rig.Send("dk-get-geom name=d").Fields["ncyl"]);
        var refused = Vdmadm.Run(_rig.Mountpoint, "geometry", "d", "--set", "60000:255:63");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("EINVAL", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("the disk has 65536", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void VolcapDmrOn_DmrWalksBothSidesOfASyncedMirrorAndTheyAgree()
    {
        _rig.CreatePhysical("a", 8 << 20);
        _rig.CreatePhysical("b", 8 << 20);
        _rig.CreateSyncedMirror("m", "a", "b");

        Vdmadm.RunOk(_rig.Mountpoint, "volcap", "m", "--dmr", "on");
        var dmr = Vdmadm.RunOk(_rig.Mountpoint, "dmr", "m", "--offset", "4096", "--length", "8192").StandardOutput;

        Assert.Contains("the 2 sides of mirror m agree", dmr, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"(?m)^\s*0\s+a\b"), dmr);
        Assert.Matches(new Regex(@"(?m)^\s*1\s+b\b"), dmr);
        var plain = Vdmadm.Run(_rig.Mountpoint, "volcap", "a", "--dmr", "on");
        Assert.NotEqual(0, plain.ExitCode);
        Assert.Contains("is not a mirror", plain.StandardError, StringComparison.Ordinal);
    }
}
