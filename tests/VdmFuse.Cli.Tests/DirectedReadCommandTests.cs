using System.Text.Json;
using VdmFuse.Cli.Model;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary><c>vdmadm dmr</c>: dkio(7)'s DKIODMR calling sequence over the text verb dk-dmr, and the comparison of the sides.</summary>
public sealed class DirectedReadCommandTests
{
    private static string Crc(byte[] data, int offset, int length) => Crc32.Compute(data.AsSpan(offset, length)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Dmr_TwoEqualSides_WalksFromSideInitUntilDoneAndSaysTheyAgree()
    {
        var daemon = new FakeDkioDaemon();
        var crc = Crc(daemon.Sides[0].Data, 1000, 4096);

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", "1000", "--length", "4096");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            [
                "dk-dmr name=m0 flags=1 side=-1 offset=1000 nbytes=4096",
                "dk-dmr name=m0 flags=1 side=0 offset=1000 nbytes=4096",
                "dk-dmr name=m0 flags=1 side=1 offset=1000 nbytes=4096",
            ],
            daemon.Channel.Lines);
        Assert.Equal(
            "SIDE  NAME    FLAGS           BYTES  CRC32\n" +
            $"   0  image0  0x10 (success)   4096  {crc}\n" +
            $"   1  image1  0x10 (success)   4096  {crc}\n" +
            "the 2 sides of mirror m0 agree (4096 bytes at offset 1000)\n",
            run.Output);
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void Dmr_ThirdSideDiffers_NamesIt()
    {
        var daemon = new FakeDkioDaemon();
        daemon.Sides.Add(("image2", FakeDkioDaemon.Pattern(7)));

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", "0", "--length", "512");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(4, daemon.Channel.Lines.Length);
        Assert.Equal(
            "SIDE  NAME    FLAGS           BYTES  CRC32\n" +
            $"   0  image0  0x10 (success)    512  {Crc(daemon.Sides[0].Data, 0, 512)}\n" +
            $"   1  image1  0x10 (success)    512  {Crc(daemon.Sides[0].Data, 0, 512)}\n" +
            $"   2  image2  0x10 (success)    512  {Crc(daemon.Sides[2].Data, 0, 512)}\n" +
            "the 3 sides of mirror m0 do not agree (512 bytes at offset 0): image2 differs from image0\n",
            run.Output);
    }

    [Fact]
    public void Dmr_TwoSidesDifferFromTheFirst_NamesBoth()
    {
        var daemon = new FakeDkioDaemon();
        daemon.Sides[1] = ("image1", FakeDkioDaemon.Pattern(1));
        daemon.Sides.Add(("image2", FakeDkioDaemon.Pattern(2)));

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", "0", "--length", "16");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.EndsWith("the 3 sides of mirror m0 do not agree (16 bytes at offset 0): image1, image2 differ from image0\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dmr_ReadPastTheEnd_ShortSidesWithTheBytesRead()
    {
        var daemon = new FakeDkioDaemon();
        var offset = FakeDkioDaemon.SideBytes - 100;

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture), "--length", "8192");

        Assert.True(run.ExitCode == 0, run.Error);
        var crc = Crc(daemon.Sides[0].Data, offset, 100);
        Assert.Equal(
            "SIDE  NAME    FLAGS         BYTES  CRC32\n" +
            $"   0  image0  0x20 (short)    100  {crc}\n" +
            $"   1  image1  0x20 (short)    100  {crc}\n" +
            $"the 2 sides of mirror m0 agree (8192 bytes at offset {offset})\n",
            run.Output);
    }

    [Fact]
    public void Dmr_OneSide_NothingToCompare()
    {
        var daemon = new FakeDkioDaemon();
        daemon.Sides.RemoveAt(1);

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", "0", "--length", "1");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(2, daemon.Channel.Lines.Length);
        Assert.EndsWith("1 side of mirror m0 read (1 bytes at offset 0): nothing to compare it with\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dmr_NoUsableSide_ErrorFlagExitsEio()
    {
        var daemon = new FakeDkioDaemon();
        daemon.Sides.Clear();

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", "0", "--length", "512");

        Assert.Equal(5, run.ExitCode);
        Assert.Equal(["dk-dmr name=m0 flags=1 side=-1 offset=0 nbytes=512"], daemon.Channel.Lines);
        Assert.Equal("vdmadm: EIO: dmr: mirror m0 has no side to read (DKV_DMR_ERROR): no image is usable\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Dmr_DirectedReadsNotEnabled_PrintsTheDaemonsEinval()
    {
        var daemon = new FakeDkioDaemon { VolcapSet = 0 };

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", "0", "--length", "512");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: dk-dmr: directed reads are not enabled on mirror 'm0' (set the directed-read capability, DKV_DMR_CAP, first)\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Dmr_NotAMirror_PrintsTheDaemonsEinval()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "dmr", "d0", "--offset", "0", "--length", "512");

        Assert.Equal(22, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: dk-dmr: 'd0' is not a mirror: it has no volume capabilities (DKIOCGETVOLCAP)\n", run.Error);
    }

    [Fact]
    public void Dmr_SideThatDoesNotAdvance_ExitsEio()
    {
        var channel = new RecordingChannel(_ =>
            ControlReply.Ok(("flags", "16"), ("side", "-1"), ("side-name", "image0"), ("bytesread", "1"), ("data", "00")));

        var run = CliRun.Of(channel, "dmr", "m0", "--offset", "0", "--length", "1");

        Assert.Equal(5, run.ExitCode);
        Assert.Single(channel.Lines);
        Assert.Equal("vdmadm: EIO: dmr: the daemon's directed reads of mirror m0 do not advance past side -1\n", run.Error);
    }

    [Fact]
    public void Dmr_DataShorterThanBytesRead_ExitsEio()
    {
        var channel = new RecordingChannel(_ =>
            ControlReply.Ok(("flags", "16"), ("side", "0"), ("side-name", "image0"), ("bytesread", "2"), ("data", "00")));

        var run = CliRun.Of(channel, "dmr", "m0", "--offset", "0", "--length", "2");

        Assert.Equal(5, run.ExitCode);
        Assert.Equal("vdmadm: EIO: dmr: the daemon's reply says bytesread=2 but holds 1 bytes of data\n", run.Error);
    }

    [Theory]
    [InlineData("0", "0", "dmr: --length must be 1 to 8192 bytes (VDM_DMR_MAX_DATA), not 0")]
    [InlineData("0", "8193", "dmr: --length must be 1 to 8192 bytes (VDM_DMR_MAX_DATA), not 8193")]
    [InlineData("-512", "512", "dmr: --offset must be 0 or more, not -512")]
    public void Dmr_BadRange_ExitsEinvalAndSendsNothing(string offset, string length, string message)
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", offset, "--length", length);

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal($"vdmadm: EINVAL: {message}\n", run.Error);
    }

    [Fact]
    public void Dmr_NoLength_ExitsEinvalAndSendsNothing()
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", "0");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(daemon.Channel.Lines);
        Assert.Equal("vdmadm: EINVAL: Option '--length' is required.\nTry 'vdmadm dmr --help'.\n", run.Error);
    }

    [Fact]
    public void Dmr_Json_SidesAndVerdict()
    {
        var daemon = new FakeDkioDaemon();
        daemon.Sides[1] = ("image1", FakeDkioDaemon.Pattern(3));

        var run = CliRun.Of(daemon.Channel, "dmr", "m0", "--offset", "0", "--length", "64", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        var report = document.RootElement.GetProperty("report");
        var sides = report[0].GetProperty("side");
        Assert.Equal(2, sides.GetArrayLength());
        Assert.Equal("image1", sides[1].GetProperty("name").GetString());
        Assert.Equal(16, sides[1].GetProperty("flags").GetInt64());
        Assert.Equal(64, sides[1].GetProperty("bytes_read").GetInt64());
        Assert.Equal(Crc(daemon.Sides[1].Data, 0, 64), sides[1].GetProperty("crc32").GetString());
        var result = report[1].GetProperty("result")[0];
        Assert.False(result.GetProperty("agree").GetBoolean());
        Assert.Equal(2, result.GetProperty("sides").GetInt64());
    }
}
