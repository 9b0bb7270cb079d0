using System.Text.Json;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary><c>vdmadm create fault</c> and <c>vdmadm fault add|clear|list</c>: the fault subdriver's rules, as binary packets.</summary>
public sealed class FaultCommandTests
{
    private static ControlReply Answer(ControlCommand command) => command.Verb switch
    {
        "create-instance" => ControlReply.Ok(("device-number", "4")),
        "fault-add" when command.GetOptional("name") == "p" =>
            ControlReply.Error(ControlErrno.EINVAL, "fault-add: partition instance 'p' is not a fault instance (fault-add works on instances of subdriver fault)"),
        "fault-add" => ControlReply.Ok(("id", "3")),
        "fault-clear" when command.GetOptional("id") == "9" => ControlReply.Error(ControlErrno.ENOENT, "fault-clear: fault instance 'f' has no rule 9"),
        "fault-clear" => ControlReply.Ok(("cleared", command.Has("id") ? "1" : "2")),
        "fault-list" => ControlReply.Ok(("count", "2"))
            .AddRecord("rule", ("id", "1"), ("op", "write"), ("start", "100"), ("count", "8"), ("errno", "ENOSPC"), ("times", "2"), ("hits", "0"))
            .AddRecord("rule", ("id", "3"), ("op", "both"), ("start", "0"), ("count", "131072"), ("errno", "EIO"), ("times", "0"), ("hits", "17")),
        _ => ControlReply.Ok(),
    };

    private static (CliRun Run, RecordingChannel Channel) Run(params string[] args)
    {
        var channel = new RecordingChannel(Answer);
        return (CliRun.Of(channel, args), channel);
    }

    [Fact]
    public void CreateFault_NameAndChild_SendsCreateInstanceSubdriverFault()
    {
        var (run, channel) = Run("create", "fault", "f", "--child", "a");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["create-instance subdriver=fault name=f child=a"], channel.Lines);
        Assert.Contains("created fault instance f (device number 4)", run.Output, StringComparison.Ordinal);
        Assert.False(run.Opened.Single().Text, "create-instance goes as a binary packet");
    }

    [Fact]
    public void FaultAdd_EveryOption_SendsTheFieldsInBlocksAsABinaryPacket()
    {
        var (run, channel) = Run("fault", "add", "f", "--op", "write", "--start", "100", "--count", "4K", "--errno", "ENOSPC", "--times", "2");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["fault-add name=f op=write start=100 count=8 errno=ENOSPC times=2"], channel.Lines);
        Assert.Contains("added rule 3 to fault instance f", run.Output, StringComparison.Ordinal);
        Assert.False(run.Opened.Single().Text);
    }

    [Fact]
    public void FaultAdd_All_SendsAllAndNoRange()
    {
        var (run, channel) = Run("fault", "add", "f", "--op", "both", "--all");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["fault-add name=f op=both all=1"], channel.Lines);
    }

    [Fact]
    public void FaultAdd_Json_HasTheRuleId()
    {
        var (run, _) = Run("fault", "add", "f", "--op", "read", "--json");

        using var document = JsonDocument.Parse(run.Output);
        var rule = document.RootElement.GetProperty("report")[0].GetProperty("rule")[0];
        Assert.Equal(3, rule.GetProperty("id").GetInt64());
        Assert.Equal("f", rule.GetProperty("instance").GetString());
    }

    [Theory]
    [InlineData("fault", "add", "f")]
    [InlineData("fault", "add", "f", "--op", "erase")]
    [InlineData("fault", "add", "f", "--op", "read", "--count", "12X")]
    [InlineData("fault", "add", "f", "--op", "read", "--times", "many")]
    [InlineData("fault", "clear")]
    public void FaultAdd_BadArguments_FailsWithEinvalAndSendsNothing(params string[] args)
    {
        var (run, channel) = Run(args);

        Assert.Equal(22, run.ExitCode);
        Assert.Empty(channel.Lines);
        Assert.Contains("vdmadm: EINVAL:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultAdd_NotAFaultInstance_ExitsWithTheDaemonsErrnoAndSentence()
    {
        var (run, _) = Run("fault", "add", "p", "--op", "read");

        Assert.Equal(22, run.ExitCode);
        Assert.Contains("vdmadm: EINVAL: fault-add: partition instance 'p' is not a fault instance", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultClear_WithAndWithoutId_SendsFaultClear()
    {
        var (all, allChannel) = Run("fault", "clear", "f");
        var (one, oneChannel) = Run("fault", "clear", "f", "--id", "1");

        Assert.Equal(["fault-clear name=f"], allChannel.Lines);
        Assert.Contains("cleared 2 rules of fault instance f", all.Output, StringComparison.Ordinal);
        Assert.Equal(["fault-clear name=f id=1"], oneChannel.Lines);
        Assert.Contains("cleared 1 rule of fault instance f", one.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultClear_UnknownId_ExitsWithEnoent()
    {
        var (run, _) = Run("fault", "clear", "f", "--id", "9");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("vdmadm: ENOENT: fault-clear: fault instance 'f' has no rule 9", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultList_Human_OneRowPerRule()
    {
        var (run, channel) = Run("fault", "list", "f");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["fault-list name=f"], channel.Lines);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["ID", "OP", "START", "COUNT", "ERRNO", "TIMES", "HITS"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1", "write", "100", "8", "ENOSPC", "2", "0"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["3", "both", "0", "131072", "EIO", "0", "17"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void FaultList_Json_NumbersAsNumbers()
    {
        var (run, _) = Run("fault", "list", "f", "--json");

        using var document = JsonDocument.Parse(run.Output);
        var rules = document.RootElement.GetProperty("report")[0].GetProperty("rules");
        Assert.Equal(2, rules.GetArrayLength());
        Assert.Equal("ENOSPC", rules[0].GetProperty("errno").GetString());
        Assert.Equal(17, rules[1].GetProperty("hits").GetInt64());
    }
}
