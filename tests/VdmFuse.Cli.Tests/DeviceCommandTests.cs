using System.Text.Json;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary><c>vdmadm dev ...</c> and <c>vdmadm volume ...</c>: Shore's device management, in the text form.</summary>
public sealed class DeviceCommandTests
{
    private static ControlReply Answer(ControlCommand command) => command.Verb switch
    {
        "mount-dev" => ControlReply.Ok(("volumes", "2"), ("device-id", "8d2f6c1e-0b7a-4e55-9a1d-3c2b1a0f9e8d")),
        "list-devices" => ControlReply.Ok(("count", "1"))
            .AddRecord("device", ("path", "/d/dev0.img"), ("device-id", "8d2f6c1e-0b7a-4e55-9a1d-3c2b1a0f9e8d"), ("quota-kb", "65536"), ("used-kb", "24576"), ("volumes", "2")),
        "list-volumes" => ControlReply.Ok(("count", "2"))
            .AddRecord("volume", ("lvid", "1"), ("name", "v1"), ("quota-kb", "16384"), ("device-number", "3"))
            .AddRecord("volume", ("lvid", "2"), ("name", "v2"), ("quota-kb", "8192"), ("device-number", "4")),
        "get-device-quota" => ControlReply.Ok(("quota-kb", "65536"), ("used-kb", "24576")),
        "create-volume" when command.GetOptional("quota") is "1048576" =>
            ControlReply.Error(28, "create-volume: the quotas of /d/dev0.img's volumes would exceed its quota of 65536 KB"),
        "create-volume" => ControlReply.Ok(("lvid", "3"), ("device-number", "5")),
        "dismount-dev" => ControlReply.Error(ControlErrno.EBUSY, "dismount-dev: volume v1 of /d/dev0.img is open"),
        _ => ControlReply.Ok(),
    };

    private static (CliRun Run, RecordingChannel Channel) Run(params string[] args)
    {
        var channel = new RecordingChannel(Answer);
        return (CliRun.Of(channel, args), channel);
    }

    [Theory]
    [InlineData("64M", "format-dev device=/d/dev0.img quota=65536 force=0")]
    [InlineData("1G", "format-dev device=/d/dev0.img quota=1048576 force=0")]
    [InlineData("512K", "format-dev device=/d/dev0.img quota=512 force=0")]
    [InlineData("2048", "format-dev device=/d/dev0.img quota=2048 force=0")]
    public void DevFormat_QuotaWithUnit_SendsQuotaInKbAsText(string quota, string expected)
    {
        var (run, channel) = Run("dev", "format", "/d/dev0.img", "--quota", quota);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([expected], channel.Lines);
        Assert.True(run.Opened.Single().Text, "format-dev must go through the text front door");
    }

    [Fact]
    public void DevFormat_ForceAndRelativePath_SendsAbsolutePathAndForce()
    {
        var (run, channel) = Run("dev", "format", "dev0.img", "--quota", "64M", "--force");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([$"format-dev device={Path.GetFullPath("dev0.img")} quota=65536 force=1"], channel.Lines);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5M")]
    [InlineData("12X")]
    [InlineData("M")]
    public void DevFormat_BadQuota_FailsWithEinvalAndSendsNothing(string quota)
    {
        var (run, channel) = Run("dev", "format", "/d/dev0.img", "--quota", quota);

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(channel.Lines);
        Assert.Contains("vdmadm: EINVAL:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DevFormat_NoQuota_FailsWithEinval()
    {
        var (run, channel) = Run("dev", "format", "/d/dev0.img");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(channel.Lines);
    }

    [Fact]
    public void DevMount_Path_SendsMountDevAndPrintsIdAndVolumes()
    {
        var (run, channel) = Run("dev", "mount", "/d/dev0.img");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["mount-dev device=/d/dev0.img"], channel.Lines);
        Assert.Contains("8d2f6c1e-0b7a-4e55-9a1d-3c2b1a0f9e8d", run.Output, StringComparison.Ordinal);
        Assert.Contains("2 volumes", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DevMount_Json_HasDeviceIdAndVolumesAsNumber()
    {
        var (run, _) = Run("dev", "mount", "/d/dev0.img", "--json");

        using var document = JsonDocument.Parse(run.Output);
        var mounted = document.RootElement.GetProperty("report")[0].GetProperty("mounted")[0];
        Assert.Equal("/d/dev0.img", mounted.GetProperty("device").GetString());
        Assert.Equal(2, mounted.GetProperty("volumes").GetInt64());
        Assert.Equal("8d2f6c1e-0b7a-4e55-9a1d-3c2b1a0f9e8d", mounted.GetProperty("device_id").GetString());
    }

    [Fact]
    public void DevDismount_Busy_ExitsWithEbusyAndTheReason()
    {
        var (run, channel) = Run("dev", "dismount", "/d/dev0.img");

        Assert.Equal(16, run.ExitCode);
        Assert.Equal(["dismount-dev device=/d/dev0.img"], channel.Lines);
        Assert.Contains("vdmadm: EBUSY: dismount-dev: volume v1 of /d/dev0.img is open", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DevDismount_Force_SendsForce()
    {
        var (_, channel) = Run("dev", "dismount", "/d/dev0.img", "--force");

        Assert.Equal(["dismount-dev device=/d/dev0.img force=1"], channel.Lines);
    }

    [Fact]
    public void DevDismountAll_SendsDismountAll()
    {
        var (run, channel) = Run("dev", "dismount-all");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["dismount-all"], channel.Lines);
        Assert.Contains("dismounted every device", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DevList_Human_TableWithPathQuotaAndVolumes()
    {
        var (run, channel) = Run("dev", "list");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["list-devices"], channel.Lines);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("PATH", lines[0], StringComparison.Ordinal);
        Assert.Contains("QUOTA-KB", lines[0], StringComparison.Ordinal);
        Assert.Contains("/d/dev0.img", lines[1], StringComparison.Ordinal);
        Assert.Contains("65536", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void DevVolumes_Json_OneObjectPerVolumeWithNumbersAsNumbers()
    {
        var (run, channel) = Run("dev", "volumes", "/d/dev0.img", "--json");

        Assert.Equal(["list-volumes device=/d/dev0.img"], channel.Lines);
        using var document = JsonDocument.Parse(run.Output);
        var volumes = document.RootElement.GetProperty("report")[0].GetProperty("volume");
        Assert.Equal(2, volumes.GetArrayLength());
        Assert.Equal("v2", volumes[1].GetProperty("name").GetString());
        Assert.Equal(8192, volumes[1].GetProperty("quota_kb").GetInt64());
        Assert.Equal(4, volumes[1].GetProperty("device_number").GetInt64());
    }

    [Fact]
    public void DevQuota_PrintsQuotaAndUsed()
    {
        var (run, channel) = Run("dev", "quota", "/d/dev0.img");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["get-device-quota device=/d/dev0.img"], channel.Lines);
        Assert.Contains("65536", run.Output, StringComparison.Ordinal);
        Assert.Contains("24576", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void VolumeCreate_QuotaInMegabytes_SendsKbAndPrintsLvid()
    {
        var (run, channel) = Run("volume", "create", "/d/dev0.img", "v3", "--quota", "16M");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["create-volume device=/d/dev0.img name=v3 quota=16384"], channel.Lines);
        Assert.Contains("created volume v3 on /d/dev0.img: lvid 3, device number 5", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void VolumeCreate_BeyondQuota_ExitsWithEnospc()
    {
        var (run, _) = Run("volume", "create", "/d/dev0.img", "big", "--quota", "1G");

        Assert.Equal(28, run.ExitCode);
        Assert.Contains("vdmadm: ENOSPC:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void VolumeDestroy_SendsDeviceAndLvid()
    {
        var (run, channel) = Run("volume", "destroy", "/d/dev0.img", "2");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["destroy-volume device=/d/dev0.img lvid=2"], channel.Lines);
        Assert.Contains("destroyed volume 2 on /d/dev0.img", run.Output, StringComparison.Ordinal);
    }
}
