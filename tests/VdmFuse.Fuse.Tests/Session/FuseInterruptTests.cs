using VdmFuse.Fuse.Tests.Support;
using VdmFuse.Native;
using static VdmFuse.Fuse.Tests.Support.Bytes;

namespace VdmFuse.Fuse.Tests.Session;

/// <summary>FUSE_INTERRUPT: a request whose handler read <c>FuseRequest.Interrupted</c> is cancelled; any other INTERRUPT is ignored.</summary>
public sealed class FuseInterruptTests
{
    private static byte[] Lookup(ulong unique, string name) => Request(1, unique, 1, Name(name));

    private static byte[] Interrupt(ulong unique, ulong target) => Request(36, unique, 0, U64(target));

    private static byte[] GetAttr(ulong unique) => Request(3, unique, 2, new byte[16]);

    [Fact]
    public void Interrupt_OfAnInterruptibleRequest_CancelsItAndItRepliesEintr()
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Lookup(500, "interruptible"));
        Assert.True(SpinWait.SpinUntil(() => harness.Session.InterruptibleRequests == 1, 5000));
        Assert.Null(harness.Device.TryReceive(200));

        harness.Device.Send(Interrupt(501, 500));

        var reply = harness.Device.Receive();
        Assert.Equal(500ul, reply.Unique);
        Assert.Equal(-Errno.EINTR, reply.Error);
        Assert.Equal(16u, reply.Len);
        Assert.Null(harness.Device.TryReceive(200));
        Assert.Equal(0, harness.Session.InterruptibleRequests);
        Assert.Equal(1, harness.Session.Statistics.Interrupts);
    }

    [Fact]
    public void Interruptible_RequestAnsweredNormally_IsForgottenAndALaterInterruptIsIgnored()
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Lookup(510, "interruptible"));
        Assert.True(SpinWait.SpinUntil(() => harness.Session.InterruptibleRequests == 1, 5000));

        harness.FileSystem.Later.SetResult();
        var reply = harness.Device.Receive();
        Assert.Equal((510ul, 0), (reply.Unique, reply.Error));
        Assert.Equal(4ul, reply.U64(0));
        Assert.True(SpinWait.SpinUntil(() => harness.Session.InterruptibleRequests == 0, 5000));

        harness.Device.Send(Interrupt(511, 510));
        harness.Device.Send(GetAttr(512));
        Assert.Equal(512ul, harness.Device.Receive().Unique);
        Assert.Null(harness.Device.TryReceive(200));
        Assert.Equal(0, harness.Session.Statistics.Interrupts);
    }

    [Fact]
    public void Interrupt_OfARequestThatIsNotInterruptibleOrUnknown_IsIgnoredAndTheRequestRepliesNormally()
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Lookup(520, "later"));
        harness.Device.Send(Interrupt(521, 520));
        harness.Device.Send(Interrupt(522, 999));
        harness.Device.Send(GetAttr(523));
        Assert.Equal(523ul, harness.Device.Receive().Unique);
        Assert.Null(harness.Device.TryReceive(200));

        harness.FileSystem.Later.SetResult();

        var reply = harness.Device.Receive();
        Assert.Equal((520ul, 0), (reply.Unique, reply.Error));
        Assert.Equal(3ul, reply.U64(0));
        Assert.Equal(0, harness.Session.Statistics.Interrupts);
    }

    [Fact]
    public void Interrupt_OfOneOfTwoWaitingRequests_CancelsOnlyThatOne()
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Lookup(530, "interruptible"));
        harness.Device.Send(Lookup(531, "interruptible"));
        Assert.True(SpinWait.SpinUntil(() => harness.Session.InterruptibleRequests == 2, 5000));

        harness.Device.Send(Interrupt(532, 531));
        var interrupted = harness.Device.Receive();
        Assert.Equal((531ul, -Errno.EINTR), (interrupted.Unique, interrupted.Error));
        Assert.Null(harness.Device.TryReceive(200));

        harness.FileSystem.Later.SetResult();
        var answered = harness.Device.Receive();
        Assert.Equal((530ul, 0), (answered.Unique, answered.Error));
    }
}
