using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>Each subcommand sends the control commands of the contract's text forms.</summary>
public sealed class CommandParsingTests
{
    private static string[] Send(params string[] args)
    {
        var channel = CannedDaemon.Channel();
        var run = CliRun.Of(channel, args);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        return channel.Lines;
    }

    [Fact]
    public void List_TwoInstances_IteratesKeysUntilEnoent()
    {
        Assert.Equal(["get-instances key=0", "get-instances key=1", "get-instances key=2"], Send("list"));
    }

    [Fact]
    public void CreatePhysical_AbsolutePath_SendsCreateInstance()
    {
        Assert.Equal(["create-instance subdriver=physical name=a path=/tmp/x.img"], Send("create", "physical", "a", "/tmp/x.img"));
    }

    [Fact]
    public void CreatePhysical_RelativePath_SendsAbsolutePath()
    {
        var expected = Path.GetFullPath("x.img");
        Assert.Equal([$"create-instance subdriver=physical name=a path={expected}"], Send("create", "physical", "a", "x.img"));
    }

    [Fact]
    public void CreatePartition_SizesWithUnits_SendsBlocks()
    {
        Assert.Equal(["create-instance subdriver=partition name=p child=a start=2048 size=2097152"],
            Send("create", "partition", "p", "--child", "a", "--start", "2048s", "--size", "1G"));
    }

    [Fact]
    public void CreatePartition_PlainNumbersAndFlags_SendsBlocksPersistentNotExported()
    {
        Assert.Equal(["create-instance subdriver=partition name=p child=1 start=100 size=1048576 remap=r persistent=yes exported=no"],
            Send("create", "partition", "p", "-c", "1", "--start", "100", "--size", "512M", "--remap", "r", "--persistent", "--not-exported"));
    }

    [Fact]
    public void Delete_Name_SendsDeleteInstance()
    {
        Assert.Equal(["delete-instance name=p"], Send("delete", "p"));
    }

    [Fact]
    public void Link_WithRoleFields_SendsLinkChildInstance()
    {
        Assert.Equal(["link-child-instance parent=m child=a role=primary"], Send("link", "m", "a", "role=primary"));
    }

    [Fact]
    public void Unlink_ParentChild_SendsUnlinkChildInstance()
    {
        Assert.Equal(["unlink-child-instance parent=m child=a"], Send("unlink", "m", "a"));
    }

    [Fact]
    public void Children_Parent_CountsThenIteratesKeysUntilEnoent()
    {
        Assert.Equal(
        [
            "get-child-instance parent=p available=0",
            "get-child-instance parent=p available=1 key=0",
            "get-child-instance parent=p available=1 key=1",
        ], Send("children", "p"));
    }

    [Fact]
    public void Attributes_Name_SendsGetAttributes()
    {
        Assert.Equal(["get-attributes name=a"], Send("attributes", "a"));
    }

    [Fact]
    public void Update_StartAndSize_SendsUpdateAttributesInBlocks()
    {
        Assert.Equal(["get-attributes name=p", "update-attributes name=p subdriver=partition start=4096 size=1048576"],
            Send("update", "p", "--start", "4096", "--size", "512M"));
    }

    [Fact]
    public void Update_SizeOnly_KeepsCurrentStartFromAttributes()
    {
        Assert.Equal(["get-attributes name=p", "update-attributes name=p subdriver=partition start=2048 size=4194304"], Send("update", "p", "--size", "2G"));
    }

    [Fact]
    public void Update_SubdriverStartAndSizeGiven_SendsUpdateOnly()
    {
        Assert.Equal(["update-attributes name=p subdriver=partition start=1 size=2"],
            Send("update", "p", "--subdriver", "partition", "--start", "1", "--size", "2"));
    }

    [Fact]
    public void Update_SubdriverAndExtraField_SendsThemThrough()
    {
        Assert.Equal(["update-attributes name=p subdriver=partition remap=r"], Send("update", "p", "--subdriver", "partition", "remap=r"));
    }

    [Fact]
    public void Info_Name_SendsDskGet()
    {
        Assert.Equal(["dsk-get name=p"], Send("info", "p"));
    }

    [Fact]
    public void Usage_Name_SendsDskUsage()
    {
        Assert.Equal(["dsk-usage name=p"], Send("usage", "p"));
    }

    [Fact]
    public void Address_BlockWithUnit_SendsDskGetAddressInBlocks()
    {
        Assert.Equal(["dsk-get-address name=p block=2048"], Send("address", "p", "1M"));
    }

    [Fact]
    public void Subdriver_WithoutSubdriverOption_AsksAttributesThenSendsIoctlSubdriver()
    {
        Assert.Equal(["get-attributes name=a", "ioctl-subdriver subdriver=physical name=a command=get-info"], Send("subdriver", "a", "get-info"));
    }

    [Fact]
    public void Subdriver_WithSubdriverOptionAndFields_SendsIoctlSubdriverOnly()
    {
        Assert.Equal(["ioctl-subdriver subdriver=physical name=a command=flush wait=1"], Send("subdriver", "a", "flush", "wait=1", "--subdriver", "physical"));
    }

    [Fact]
    public void HelpDaemon_Always_SendsHelpOverText()
    {
        var channel = CannedDaemon.Channel();
        var run = CliRun.Of(channel, "help", "--daemon");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["help"], channel.Lines);
        Assert.True(run.Opened.Single().Text);
        Assert.Contains("create-instance", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GlobalOptions_Defaults_ControlFileUnderMntVdmBinaryTenSeconds()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "list");
        var options = run.Opened.Single();
        Assert.Equal("/mnt/vdm/vdm", options.ControlPath);
        Assert.False(options.Text);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Wait);
    }

    [Fact]
    public void GlobalOptions_MountTextWaitAfterSubcommand_AreHonoured()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "list", "--mount", "/tmp/m", "--text", "--wait", "2.5");
        var options = run.Opened.Single();
        Assert.Equal("/tmp/m/vdm", options.ControlPath);
        Assert.True(options.Text);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Wait);
    }

    [Fact]
    public void GlobalOptions_EnvironmentMount_UsedWithoutMountOption()
    {
        var environment = new Dictionary<string, string> { ["VDMFUSE_MOUNT"] = "/srv/vdm" };
        Assert.Equal("/srv/vdm/vdm", CliRun.Of(CannedDaemon.Channel(), environment, "list").Opened.Single().ControlPath);
        Assert.Equal("/x/vdm", CliRun.Of(CannedDaemon.Channel(), environment, "--mount", "/x", "list").Opened.Single().ControlPath);
    }

    [Theory]
    [InlineData("create", "partition", "p", "--start", "1", "--size", "1")]
    [InlineData("create", "partition", "p", "--child", "a", "--start", "1x", "--size", "1")]
    [InlineData("create", "partition", "p", "--child", "a", "--start", "1", "--size", "99999999999999999999")]
    [InlineData("create", "partition", "p", "--child", "a", "--start", "1", "--size", "9999999999999T")]
    [InlineData("delete")]
    [InlineData("list", "--wait", "-1")]
    [InlineData("frobnicate")]
    [InlineData("address", "p", "1000b")]
    public void BadArguments_Any_ExitEinvalAndSendNothing(params string[] args)
    {
        var channel = CannedDaemon.Channel();
        var run = CliRun.Of(channel, args);
        Assert.Equal(ControlErrno.EINVAL, run.ExitCode);
        Assert.StartsWith("vdmadm: EINVAL: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
        Assert.Empty(channel.Sent);
    }

    [Fact]
    public void BadArguments_MissingRequiredOption_NamesOptionAndSubcommandHelp()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "create", "partition", "p", "--start", "0", "--size", "1G");
        Assert.Equal("vdmadm: EINVAL: Option '--child' is required.\nTry 'vdmadm create partition --help'.\n", run.Error);
    }

    [Fact]
    public void BadArguments_BadSize_SaysHowToWriteIt()
    {
        var run = CliRun.Of(CannedDaemon.Channel(), "create", "partition", "p", "--child", "a", "--start", "1.5G", "--size", "1G");
        Assert.StartsWith("vdmadm: EINVAL: '1.5G' is not a size: write blocks of 512 bytes (2048 or 2048s) or bytes with a unit (512M, 1G)\n", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_NothingToChange_ExitEinvalAndSendNothing()
    {
        var channel = CannedDaemon.Channel();
        var run = CliRun.Of(channel, "update", "p");
        Assert.Equal(ControlErrno.EINVAL, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: update: say what to change for p (--start, --size or FIELD=VALUE)\n", run.Error);
        Assert.Empty(channel.Sent);
    }

    [Fact]
    public void Link_FieldWithoutEquals_ExitEinval()
    {
        var channel = CannedDaemon.Channel();
        var run = CliRun.Of(channel, "link", "m", "a", "primary");
        Assert.Equal(ControlErrno.EINVAL, run.ExitCode);
        Assert.Equal("vdmadm: EINVAL: 'primary' is not a field: write key=value\n", run.Error);
        Assert.Empty(channel.Sent);
    }
}
