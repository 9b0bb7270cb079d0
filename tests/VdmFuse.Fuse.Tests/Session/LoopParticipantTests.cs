using System.Collections.Concurrent;
using Tmds.Linux;
using VdmFuse.Fuse.Tests.Support;
using VdmFuse.Native;
using static VdmFuse.Fuse.Tests.Support.Bytes;

namespace VdmFuse.Fuse.Tests.Session;

/// <summary>The session drives an I/O context: PreferInline per burst, EndOfBurst after it, OnReadable when its eventfd fires.</summary>
public sealed class LoopParticipantTests
{
    /// <summary>An I/O context whose completion descriptor is a real eventfd that the test signals.</summary>
    private sealed unsafe class EventfdParticipant : ILoopParticipant, IDisposable
    {
        public EventfdParticipant() => PollFd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);

        public int PollFd { get; }

        public bool PreferInline { get; set; }

        public int InFlight => 0;

        public ConcurrentQueue<bool> PreferInlineAtEndOfBurst { get; } = new();

        public int Readable;

        public void Signal()
        {
            ulong one = 1;
            LibC.write(PollFd, &one, sizeof(ulong));
        }

        public void OnReadable()
        {
            ulong value;
            LibC.read(PollFd, &value, sizeof(ulong));
            Interlocked.Increment(ref Readable);
        }

        public void EndOfBurst() => PreferInlineAtEndOfBurst.Enqueue(PreferInline);

        public void Dispose() => LibC.close(PollFd);
    }

    [Fact]
    public void Session_LoneRequestThenBurst_SetsPreferInlineAndCallsEndOfBurst()
    {
        using var io = new EventfdParticipant();
        using var harness = new SessionHarness(io: io, start: false);
        harness.Device.Send(Request(3, 1, 2, new byte[16]));
        harness.Device.Send(Request(3, 2, 2, new byte[16]));
        harness.Start();
        harness.Device.Receive();
        harness.Device.Receive();
        harness.Device.Send(Request(3, 3, 2, new byte[16]));
        harness.Device.Receive();
        SpinWait.SpinUntil(() => io.PreferInlineAtEndOfBurst.Count == 2, 5000);
        Assert.Equal([false, true], io.PreferInlineAtEndOfBurst.ToArray());
    }

    [Fact]
    public void Session_ParticipantDescriptorReadable_CallsOnReadable()
    {
        using var io = new EventfdParticipant();
        using var harness = new SessionHarness(io: io);
        io.Signal();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref io.Readable) == 1, 5000));
    }
}
