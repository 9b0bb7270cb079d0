using System.Text.Json;

namespace VdmFuse.Cli.Tests;

/// <summary>
/// <c>vdmadm geometry</c>, <c>volcap</c>, <c>mboot</c> and <c>addbad</c> against a fake daemon answering the dk-* verbs:
/// the lines sent, the output to the character, the daemon's errors and bad arguments.
/// </summary>
public sealed class DkioCommandTests
{
    private const string D0Geometry =
        "Cylinders:                12\n" +
        "Alternate cylinders:      0\n" +
        "Cylinder offset:          0\n" +
        "Heads:                    255\n" +
        "Sectors per track:        63\n" +
        "Interleave:               1\n" +
        "Alternates per cylinder:  0\n" +
        "Rpm:                      7200\n" +
        "Physical cylinders:       12\n" +
        "Write reinstruct:         0\n" +
        "Read reinstruct:          0\n";

    [Fact]
    public void Geometry_Show_SendsDkGetGeomAndPrintsEveryField()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "geometry", "d0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["dk-get-geom name=d0"], daemon.Channel.Lines);
        Assert.Equal("Name:                     d0\n" + D0Geometry, run.Output);
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void Geometry_Set_SendsDkSetGeomThenShowsTheNewGeometry()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "geometry", "d0", "--set", "100:16:63");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["dk-set-geom name=d0 ncyl=100 nhead=16 nsect=63", "dk-get-geom name=d0"], daemon.Channel.Lines);
        Assert.Equal(
            "set the geometry of d0: 100 cylinders, 16 heads, 63 sectors per track\n" +
            "Name:                     d0\n" +
            "Cylinders:                100\n" +
            "Alternate cylinders:      0\n" +
            "Cylinder offset:          0\n" +
            "Heads:                    16\n" +
            "Sectors per track:        63\n" +
            "Interleave:               1\n" +
            "Alternates per cylinder:  0\n" +
            "Rpm:                      7200\n" +
            "Physical cylinders:       100\n" +
            "Write reinstruct:         0\n" +
            "Read reinstruct:          0\n",
            run.Output);
    }

    [Fact]
    public void Geometry_SetTooBig_PrintsTheDaemonsErrorAndDoesNotShow()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "geometry", "d0", "--set", "1000:255:63");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal(["dk-set-geom name=d0 ncyl=1000 nhead=255 nsect=63"], daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: dk-set-geom: physical 'd0' has 204800 sectors; a geometry of 1000 x 255 x 63 describes 16065000\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData("100:16")]
    [InlineData("100:16:63:1")]
    [InlineData("0:16:63")]
    [InlineData("100:65536:63")]
    [InlineData("100:x:63")]
    [InlineData("100:-16:63")]
    public void Geometry_BadSet_ExitsEinvalAndSendsNothing(string set)
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "geometry", "d0", "--set", set);

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal($"vdmadm: EINVAL: geometry: --set takes NCYL:NHEAD:NSECT, three numbers 1 to 65535 ('{set}' given)\n", run.Error);
    }

    [Fact]
    public void Geometry_Json_OneDetailRowWithSnakeCaseKeys()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "geometry", "big", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        var geometry = document.RootElement.GetProperty("report")[0].GetProperty("geometry")[0];
        Assert.Equal("big", geometry.GetProperty("name").GetString());
        Assert.Equal(2088, geometry.GetProperty("ncyl").GetInt64());
        Assert.Equal(63, geometry.GetProperty("nsect").GetInt64());
        Assert.Equal(0, geometry.GetProperty("read_reinstruct").GetInt64());
    }

    [Fact]
    public void Geometry_NoSuchInstance_PrintsTheDaemonsError()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "geometry", "x");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("vdmadm: ENOENT: dk-get-geom: no instance named 'x'\n", run.Error);
    }

    [Fact]
    public void Volcap_Show_PrintsEachCapability()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "volcap", "m0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["dk-get-volcap name=m0"], daemon.Channel.Lines);
        Assert.Equal(
            "Name:  m0\n" +
            "ABR:   capable, off (application-based recovery)\n" +
            "DMR:   capable, on (directed mirror reads)\n" +
            "Info:  0x3\n" +
            "Set:   0x2\n",
            run.Output);
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void Volcap_AbrOn_KeepsDmrAndSendsTheWholeSet()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "volcap", "m0", "--abr", "on");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["dk-get-volcap name=m0", "dk-set-volcap name=m0 set=3", "dk-get-volcap name=m0"], daemon.Channel.Lines);
        Assert.Equal(
            "set the volume capabilities of m0: ABR on, DMR on\n" +
            "Name:  m0\n" +
            "ABR:   capable, on (application-based recovery)\n" +
            "DMR:   capable, on (directed mirror reads)\n" +
            "Info:  0x3\n" +
            "Set:   0x3\n",
            run.Output);
        Assert.Equal(3, daemon.VolcapSet);
    }

    [Fact]
    public void Volcap_DmrOffAbrOff_SendsSetZero()
    {
        var daemon = new FakeDkioDaemon { VolcapSet = 3 };

        var run = CliRun.Of(daemon.Channel, "volcap", "m0", "--dmr", "off", "--abr", "off");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["dk-get-volcap name=m0", "dk-set-volcap name=m0 set=0", "dk-get-volcap name=m0"], daemon.Channel.Lines);
        Assert.StartsWith("set the volume capabilities of m0: ABR off, DMR off\n", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, daemon.VolcapSet);
    }

    [Fact]
    public void Volcap_AbrOnANonPersistentMirror_PrintsTheDaemonsEnotsup()
    {
        var daemon = new FakeDkioDaemon { MirrorPersistent = false };

        var run = CliRun.Of(daemon.Channel, "volcap", "m0", "--abr", "on");

        Assert.Equal(95, run.ExitCode);
        Assert.Equal(["dk-get-volcap name=m0", "dk-set-volcap name=m0 set=3"], daemon.Channel.Lines);
        Assert.Equal("vdmadm: ENOTSUP: dk-set-volcap: mirror 'm0' is not persistent (it has no journal): it has no crash recovery to hand over, " +
            "so application-based recovery cannot be set\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Volcap_ShowOfANonPersistentMirror_AbrNotCapable()
    {
        var daemon = new FakeDkioDaemon { MirrorPersistent = false };

        var run = CliRun.Of(daemon.Channel, "volcap", "m0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("ABR:   not capable (application-based recovery)\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Volcap_NotAMirror_PrintsTheDaemonsEinval()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "volcap", "d0", "--dmr", "on");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal(["dk-get-volcap name=d0"], daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: dk-get-volcap: 'd0' is not a mirror: it has no volume capabilities (DKIOCGETVOLCAP)\n", run.Error);
    }

    [Fact]
    public void Volcap_BadValue_ExitsEinvalAndSendsNothing()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "volcap", "m0", "--abr", "yes");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.StartsWith("vdmadm: EINVAL: Argument 'yes' not recognized. Must be one of:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Volcap_Json_InfoSetAndFlags()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "volcap", "m0", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        var capabilities = document.RootElement.GetProperty("report")[0].GetProperty("volume_capabilities")[0];
        Assert.Equal("m0", capabilities.GetProperty("name").GetString());
        Assert.Equal(3, capabilities.GetProperty("info").GetInt64());
        Assert.Equal(2, capabilities.GetProperty("set").GetInt64());
        Assert.True(capabilities.GetProperty("abr_capable").GetBoolean());
        Assert.False(capabilities.GetProperty("abr_set").GetBoolean());
        Assert.True(capabilities.GetProperty("dmr_capable").GetBoolean());
        Assert.True(capabilities.GetProperty("dmr_set").GetBoolean());
        Assert.Single(document.RootElement.GetProperty("report").EnumerateArray());
    }

    [Fact]
    public void Mboot_FileOf512Bytes_SendsItAsHex()
    {
        var daemon = new FakeDkioDaemon();
        var directory = Directory.CreateTempSubdirectory("vdmadm-mboot-");
        try
        {
            var sector = new byte[512];
            sector[0] = 0xEB;
            sector[446] = 0x80;
            sector[450] = 0x82;
            sector[510] = 0x55;
            sector[511] = 0xAA;
            var path = Path.Combine(directory.FullName, "mbr.bin");
            File.WriteAllBytes(path, sector);

            var run = CliRun.Of(daemon.Channel, "mboot", "d0", path);

            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Equal([$"dk-smboot name=d0 mboot={Convert.ToHexStringLower(sector)}"], daemon.Channel.Lines);
            Assert.Equal(1024, daemon.Channel.Sent.Single().Get("mboot").Length);
            Assert.Equal($"wrote the master boot record in {path} to sector 0 of d0\n", run.Output);
            Assert.Equal(sector, daemon.Mboots["d0"]);
            Assert.True(run.Opened.Single().Text);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Mboot_NoSignature_PrintsTheDaemonsEinval()
    {
        var daemon = new FakeDkioDaemon();
        var directory = Directory.CreateTempSubdirectory("vdmadm-mboot-");
        try
        {
            var path = Path.Combine(directory.FullName, "zero.bin");
            File.WriteAllBytes(path, new byte[512]);

            var run = CliRun.Of(daemon.Channel, "mboot", "d0", path);

            Assert.Equal(22, run.ExitCode);
            Assert.Single(daemon.Channel.Lines);
            Assert.Equal("vdmadm: EINVAL: dk-smboot: physical 'd0': the master boot record's signature is 0x0000, not 0xaa55\n", run.Error);
            Assert.Equal("", run.Output);
            Assert.Empty(daemon.Mboots);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(511, "511 bytes")]
    [InlineData(0, "0 bytes")]
    [InlineData(513, "more than 512 bytes")]
    [InlineData(4096, "more than 512 bytes")]
    public void Mboot_FileNot512Bytes_ExitsEinvalAndSendsNothing(int length, string size)
    {
        var daemon = new FakeDkioDaemon();
        var directory = Directory.CreateTempSubdirectory("vdmadm-mboot-");
        try
        {
            var path = Path.Combine(directory.FullName, "short.bin");
            File.WriteAllBytes(path, new byte[length]);

            var run = CliRun.Of(daemon.Channel, "mboot", "d0", path);

            Assert.Equal(22, run.ExitCode);
            Assert.Empty(daemon.Channel.Lines);
            Assert.Equal($"vdmadm: EINVAL: mboot: {path} is {size}; a master boot record is exactly 512 bytes\n", run.Error);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Mboot_MissingFile_ExitsEnoentAndSendsNothing()
    {
        var daemon = new FakeDkioDaemon();
        var directory = Directory.CreateTempSubdirectory("vdmadm-mboot-");
        try
        {
            var path = Path.Combine(directory.FullName, "none.bin");

            var run = CliRun.Of(daemon.Channel, "mboot", "d0", path);

            Assert.Equal(2, run.ExitCode);
            Assert.Empty(daemon.Channel.Lines);
            Assert.Equal($"vdmadm: ENOENT: mboot: cannot read {path}: no such file\n", run.Error);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Mboot_NoFileArgument_ExitsEinval()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "mboot", "d0");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.EndsWith("Try 'vdmadm mboot --help'.\n", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Addbad_PartitionWithARemap_SendsDkAddbad()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "addbad", "p0");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["dk-addbad name=p0"], daemon.Channel.Lines);
        Assert.Equal("re-read the bad-block tables of the remap instance of p0's disk\n", run.Output);
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void Addbad_NoRemap_PrintsTheDaemonsEnotsup()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "addbad", "d0");

        Assert.Equal(95, run.ExitCode);
        Assert.Equal("vdmadm: ENOTSUP: dk-addbad: physical 'd0' has no remap instance on its disk (DKIOCADDBAD needs one)\n", run.Error);
        Assert.Equal("", run.Output);
    }
}
