using System.Text.Json;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary><c>vdmadm mode</c>, <c>vdmadm enable</c> and <c>vdmadm db ...</c>: the diagnostic commands, in the text form.</summary>
public sealed class DatabaseCommandTests
{
    private static ControlReply Answer(ControlCommand command) => command.Verb switch
    {
        "get-mode" => ControlReply.Ok(("mode", "disabled"), ("reason", "only 1 of 2 copies is good: /s/config.1 is corrupt"), ("copies", "2"), ("good", "1")),
        "db-list" or "db-check" => ControlReply.Ok(("copies", "2"))
            .AddRecord("copy", ("path", "/s/config.0"), ("offset", "0"), ("length", "65536"), ("state", "good"), ("id", "6f1c"), ("sequence", "7"))
            .AddRecord("copy", ("path", "/s/config.1"), ("offset", "0"), ("length", "65536"), ("state", "corrupt"), ("id", "6f1c"), ("sequence", "6"), ("reason", "bad checksum")),
        "enable" => ControlReply.Error(ControlErrno.EBUSY, "enable: only 1 of 2 copies is good: /s/config.1 is corrupt"),
        _ => ControlReply.Ok(),
    };

    private static (CliRun Run, RecordingChannel Channel) Run(params string[] args)
    {
        var channel = new RecordingChannel(Answer);
        return (CliRun.Of(channel, args), channel);
    }

    [Fact]
    public void Mode_Disabled_SendsGetModeAsTextAndPrintsReason()
    {
        var (run, channel) = Run("mode");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["get-mode"], channel.Lines);
        Assert.True(run.Opened.Single().Text, "get-mode must go through the text front door");
        Assert.Contains("disabled", run.Output, StringComparison.Ordinal);
        Assert.Contains("only 1 of 2 copies is good: /s/config.1 is corrupt", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DbList_Json_OneObjectPerCopyWithNumbersAsNumbers()
    {
        var (run, channel) = Run("db", "list", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["db-list"], channel.Lines);
        using var document = JsonDocument.Parse(run.Output);
        var copies = document.RootElement.GetProperty("report")[0].GetProperty("copy");
        Assert.Equal(2, copies.GetArrayLength());
        Assert.Equal("/s/config.1", copies[1].GetProperty("path").GetString());
        Assert.Equal("corrupt", copies[1].GetProperty("state").GetString());
        Assert.Equal(6, copies[1].GetProperty("sequence").GetInt64());
        Assert.Equal("bad checksum", copies[1].GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, copies[0].GetProperty("reason").ValueKind);
    }

    [Fact]
    public void DbList_Human_TableWithPathStateAndSequence()
    {
        var (run, _) = Run("db", "list");

        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("PATH", lines[0], StringComparison.Ordinal);
        Assert.Contains("SEQUENCE", lines[0], StringComparison.Ordinal);
        Assert.Contains("/s/config.1", lines[2], StringComparison.Ordinal);
        Assert.Contains("corrupt", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void DbCheck_CopiesInReply_PrintsThem()
    {
        var (run, channel) = Run("db", "check");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["db-check"], channel.Lines);
        Assert.Contains("bad checksum", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DbAdd_RelativePathWithRange_SendsAbsolutePathOffsetAndLength()
    {
        var (run, channel) = Run("db", "add", "copy.2", "--offset", "1048576", "--length", "65536");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([$"db-add path={Path.GetFullPath("copy.2")} offset=1048576 length=65536"], channel.Lines);
        Assert.Contains($"added copy {Path.GetFullPath("copy.2")}", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("add", "db-add path=instance:p0")]
    [InlineData("remove", "db-remove path=instance:p0")]
    [InlineData("restore", "db-restore from=instance:p0")]
    public void DbPathCommands_InstanceCopy_SentAsItIs(string subcommand, string expected)
    {
        var (run, channel) = Run("db", subcommand, "instance:p0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([expected], channel.Lines);
    }

    [Fact]
    public void DbAdd_OffsetWithoutLength_FailsWithEinvalAndSendsNothing()
    {
        var (run, channel) = Run("db", "add", "/s/config.2", "--offset", "0");

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(channel.Lines);
        Assert.Contains("vdmadm: EINVAL: db add: --offset and --length go together", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("remove", "db-remove path=/s/config.1")]
    [InlineData("reinit", "db-reinit path=/s/config.1")]
    [InlineData("restore", "db-restore from=/s/config.1")]
    public void DbPathCommands_AbsolutePath_SendTheirVerb(string subcommand, string expected)
    {
        var (run, channel) = Run("db", subcommand, "/s/config.1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([expected], channel.Lines);
        Assert.True(run.Opened.Single().Text);
    }

    [Fact]
    public void Enable_Refused_ExitsWithErrnoAndTheReason()
    {
        var (run, channel) = Run("enable");

        Assert.Equal(16, run.ExitCode);
        Assert.Equal(["enable"], channel.Lines);
        Assert.Contains("vdmadm: EBUSY: enable: only 1 of 2 copies is good: /s/config.1 is corrupt", run.Error, StringComparison.Ordinal);
    }
}
