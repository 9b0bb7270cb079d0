using VdmFuse.Cli.Transport;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>While no daemon answers, commands are retried with a doubling backoff for a bounded time.</summary>
public sealed class RetryingControlChannelTests
{
    private static readonly ControlCommand List = new("get-instances", new ControlField("key", "0"));

    [Fact]
    public void Send_FailsTwiceThenAnswers_ReturnsReplyAfterBackoff()
    {
        var time = new FakeTime();
        var sleeps = new List<TimeSpan>();
        var inner = new FlakyChannel(failures: 2, errno: 107);
        var channel = new RetryingControlChannel(inner, TimeSpan.FromSeconds(10), time, delay => { sleeps.Add(delay); time.Advance(delay); });
        var reply = channel.Send(List);
        Assert.True(reply.IsOk);
        Assert.Equal(3, inner.Attempts);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], sleeps);
    }

    [Fact]
    public void Send_NeverAnswers_FailsAfterWaitWithClearMessage()
    {
        var time = new FakeTime();
        var sleeps = new List<TimeSpan>();
        var inner = new FlakyChannel(failures: int.MaxValue, errno: 107);
        var channel = new RetryingControlChannel(inner, TimeSpan.FromSeconds(10), time, delay => { sleeps.Add(delay); time.Advance(delay); });
        var error = Assert.Throws<ControlException>(() => channel.Send(List));
        Assert.Equal(107, error.Errno);
        Assert.Equal("no vdmfuse daemon answers at /mnt/vdm/vdm (ENOTCONN) after 10 s", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(10), sleeps.Aggregate(TimeSpan.Zero, (sum, delay) => sum + delay));
        Assert.Equal(TimeSpan.FromSeconds(1), sleeps.Max());
        Assert.Equal(sleeps.Count + 1, inner.Attempts);
    }

    [Fact]
    public void Send_WaitZero_TriesOnce()
    {
        var inner = new FlakyChannel(failures: int.MaxValue, errno: 2);
        var channel = new RetryingControlChannel(inner, TimeSpan.Zero, new FakeTime(), _ => throw new InvalidOperationException("must not sleep"));
        var error = Assert.Throws<ControlException>(() => channel.Send(List));
        Assert.Equal("no vdmfuse daemon answers at /mnt/vdm/vdm (ENOENT) after 0 s", error.Message);
        Assert.Equal(1, inner.Attempts);
    }

    [Fact]
    public void Send_OtherTransportError_NotRetried()
    {
        var inner = new FlakyChannel(failures: int.MaxValue, errno: 13);
        var channel = new RetryingControlChannel(inner, TimeSpan.FromSeconds(10), new FakeTime(), _ => throw new InvalidOperationException("must not sleep"));
        var error = Assert.Throws<ControlTransportException>(() => channel.Send(List));
        Assert.Equal(13, error.Errno);
        Assert.Equal(1, inner.Attempts);
    }

    [Fact]
    public void Send_DaemonErrorReply_ReturnedNotRetried()
    {
        var inner = new RecordingChannel(_ => ControlReply.Error(ControlErrno.ENOENT, "get-instances: no instance after key 0"));
        var channel = new RetryingControlChannel(inner, TimeSpan.FromSeconds(10), new FakeTime(), _ => throw new InvalidOperationException("must not sleep"));
        Assert.Equal(ControlErrno.ENOENT, channel.Send(List).Errno);
        Assert.Single(inner.Sent);
    }

    [Fact]
    public void Tool_DaemonAbsentThroughout_ExitsWithErrnoAndWaitMessage()
    {
        var time = new FakeTime();
        var channel = new RetryingControlChannel(new FlakyChannel(int.MaxValue, 107), TimeSpan.FromSeconds(2), time, time.Advance);
        var run = CliRun.Of(channel, "list", "--wait", "2");
        Assert.Equal(107, run.ExitCode);
        Assert.Equal("vdmadm: ENOTCONN: no vdmfuse daemon answers at /mnt/vdm/vdm (ENOTCONN) after 2 s\n", run.Error);
    }

    /// <summary>Fails with a transport errno a given number of times, then answers like the canned daemon.</summary>
    private sealed class FlakyChannel(int failures, int errno) : IControlChannel
    {
        public int Attempts { get; private set; }

        public ControlReply Send(ControlCommand command)
        {
            Attempts++;
            if (Attempts <= failures)
            {
                throw new ControlTransportException(errno, "/mnt/vdm/vdm", "cannot open /mnt/vdm/vdm");
            }
            return CannedDaemon.Answer(command);
        }
    }
}
