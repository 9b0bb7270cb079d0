using VdmFuse.Cli.Transport;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>Failures become the errno as exit status and one "vdmadm: ERRNAME: message" line on standard error.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void DaemonError_Ebusy_ExitsSixteenWithNameAndMessage()
    {
        var channel = new RecordingChannel(_ => ControlReply.Error(ControlErrno.EBUSY, "delete-instance: instance 'a' is open"));
        var run = CliRun.Of(channel, "delete", "a");
        Assert.Equal(16, run.ExitCode);
        Assert.Equal("vdmadm: EBUSY: delete-instance: instance 'a' is open\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void DaemonError_Json_NothingOnStandardOutput()
    {
        var channel = new RecordingChannel(_ => ControlReply.Error(ControlErrno.ENOENT, "get-attributes: no instance named 'x'"));
        var run = CliRun.Of(channel, "attributes", "x", "--json");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("vdmadm: ENOENT: get-attributes: no instance named 'x'\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void DaemonError_Eperm_ExitsOne()
    {
        var channel = new RecordingChannel(_ => ControlReply.Error(ControlErrno.EPERM, "create-instance: only root or members of group 'vdm' may run this command (caller uid 1000)"));
        var run = CliRun.Of(channel, "create", "physical", "a", "/tmp/a.img");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("vdmadm: EPERM: create-instance: only root", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DaemonError_ErrnoAbove125_ExitStatusCappedAt125()
    {
        var channel = new RecordingChannel(_ => ControlReply.Error(130, "something odd"));
        var run = CliRun.Of(channel, "info", "a");
        Assert.Equal(125, run.ExitCode);
        Assert.Equal("vdmadm: E130: something odd\n", run.Error);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(22, 22)]
    [InlineData(125, 125)]
    [InlineData(126, 125)]
    [InlineData(4095, 125)]
    public void ExitStatus_Errno_WithinOneTo125(int errno, int expected)
    {
        Assert.Equal(expected, VdmAdm.ExitStatus(errno));
    }

    [Fact]
    public void TransportFailure_NotRetryable_ReportsErrnoAndPath()
    {
        var channel = new ThrowingChannel(new ControlTransportException(13, "/mnt/vdm/vdm", "cannot open /mnt/vdm/vdm"));
        var run = CliRun.Of(channel, "list");
        Assert.Equal(13, run.ExitCode);
        Assert.Equal("vdmadm: EACCES: cannot open /mnt/vdm/vdm\n", run.Error);
    }

    [Fact]
    public void UnknownNameInBinaryMode_EnoentNamingTheInstance()
    {
        var inner = CannedDaemon.Channel();
        var run = CliRun.Of(new NameResolvingChannel(inner), "info", "nosuch");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("vdmadm: ENOENT: dsk-get: no instance named 'nosuch'\n", run.Error);
        Assert.DoesNotContain(inner.Sent, command => command.Verb == "dsk-get");
    }

    private sealed class ThrowingChannel(Exception exception) : IControlChannel
    {
        public ControlReply Send(ControlCommand command) => throw exception;
    }
}
