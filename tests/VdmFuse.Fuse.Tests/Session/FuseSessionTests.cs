using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;
using VdmFuse.Fuse.Tests.Support;
using VdmFuse.Native;
using static VdmFuse.Fuse.Tests.Support.Bytes;

namespace VdmFuse.Fuse.Tests.Session;

/// <summary>The session end to end over a SOCK_SEQPACKET socket pair: raw requests in, raw replies out.</summary>
public sealed class FuseSessionTests
{
    private static byte[] Lookup(ulong unique, string name) => Request(1, unique, 1, Name(name));

    private static byte[] GetAttr(ulong unique, ulong node = 2) => Request(3, unique, node, new byte[16]);

    private static byte[] ReadIn(ulong fh, ulong offset, uint size) => Concat(U64(fh), U64(offset), U32(size), U32(0), U64(0), U32(0), U32(0));

    [Fact]
    public void Init_FullInitIn_NegotiatesFlagsMaxWriteAndMaxPages()
    {
        using var harness = new SessionHarness();
        harness.Device.Send(Request(26, 1, 0, Concat(U32(7), U32(44), U32(0x20000),
            U32((uint)(InitNegotiationWanted | FuseAbi.FUSE_WRITEBACK_CACHE | FuseAbi.FUSE_POSIX_LOCKS)), U32(1), new byte[44])));
        var reply = harness.Device.Receive();
        Assert.Equal(0, reply.Error);
        Assert.Equal(1ul, reply.Unique);
        Assert.Equal(16u + 64u, reply.Len);
        Assert.Equal(7u, reply.U32(0));
        Assert.Equal(38u, reply.U32(4));
        Assert.Equal(0x20000u, reply.U32(8));
        Assert.Equal((uint)InitNegotiationWanted, reply.U32(12));
        Assert.Equal(1024, reply.U16(16));
        Assert.Equal(768, reply.U16(18));
        Assert.Equal(1u << 20, reply.U32(20));
        Assert.Equal(1u, reply.U32(24));
        Assert.Equal(256, reply.U16(28));
        Assert.Equal(0u, reply.U32(32));
        SpinWait.SpinUntil(() => harness.FileSystem.InitInfo is not null, 5000);
        Assert.Equal(38u, harness.FileSystem.InitInfo!.Value.Minor);
        Assert.Equal(38u, harness.Session.NegotiatedMinor);
    }

    private const ulong InitNegotiationWanted = FuseAbi.FUSE_ASYNC_READ | FuseAbi.FUSE_BIG_WRITES | FuseAbi.FUSE_MAX_PAGES
        | FuseAbi.FUSE_ASYNC_DIO | FuseAbi.FUSE_PARALLEL_DIROPS | FuseAbi.FUSE_AUTO_INVAL_DATA | FuseAbi.FUSE_INIT_EXT;

    [Fact]
    public void Init_Short16ByteInitIn_OnlyOfferedFlagsAreAgreed()
    {
        using var harness = new SessionHarness();
        harness.Device.Send(Request(26, 1, 0, Concat(U32(7), U32(26), U32(4096), U32((uint)(FuseAbi.FUSE_ASYNC_READ | FuseAbi.FUSE_BIG_WRITES)))));
        var reply = harness.Device.Receive();
        Assert.Equal(0, reply.Error);
        Assert.Equal(26u, reply.U32(4));
        Assert.Equal((uint)(FuseAbi.FUSE_ASYNC_READ | FuseAbi.FUSE_BIG_WRITES), reply.U32(12));
        Assert.Equal(0, reply.U16(28)); // MAX_PAGES was not offered
    }

    [Fact]
    public void Requests_OfEveryImplementedOpcode_GetExactlyOneReplyEach()
    {
        using var harness = new SessionHarness();
        harness.Init();
        var requests = new (byte[] Bytes, int PayloadLength)[]
        {
            (Lookup(10, "hello"), 128),
            (GetAttr(11), 104),
            (Request(4, 12, 2, Concat(U32(8), new byte[84])), 104),
            (Request(14, 13, 2, Concat(U32(0), U32(0))), 16),
            (Request(15, 14, 2, ReadIn(7, 0, 4096)), ScriptedFileSystem.Content.Length),
            (Request(16, 15, 2, Concat(U64(7), U64(0), U32(3), U32(0), U64(0), U32(0), U32(0), [1, 2, 3])), 8),
            (Request(25, 16, 2, new byte[24]), 0),
            (Request(20, 17, 2, new byte[16]), 0),
            (Request(18, 18, 2, new byte[24]), 0),
            (Request(17, 19, 1, []), 80),
            (Request(34, 20, 1, new byte[8]), 0),
            (Request(22, 21, 2, Concat(new byte[8], Name("user.x"))), 0),
            (Request(23, 22, 2, new byte[8]), 8),
            (Request(39, 23, 2, Concat(U64(7), U32(0), U32(0xc0035601), U64(0), U32(3), U32(3), [1, 2, 3])), 16 + 3),
            (Request(46, 24, 2, Concat(U64(7), U64(100), U32(3), U32(0))), 8),
            (Request(27, 25, 1, new byte[8]), 16),
            (Request(28, 26, 1, ReadIn(9, 0, 4096)), 32 + 32 + 32),
            (Request(44, 27, 1, ReadIn(9, 2, 4096)), 160),
            (Request(29, 28, 1, new byte[24]), 0),
        };
        foreach (var (bytes, _) in requests)
        {
            harness.Device.Send(bytes);
        }
        var replies = requests.Select(_ => harness.Device.Receive()).ToDictionary(r => r.Unique);
        Assert.Null(harness.Device.TryReceive(200));
        for (int i = 0; i < requests.Length; i++)
        {
            var reply = replies[(ulong)(10 + i)];
            int expectedError = i == 11 ? -Errno.ENODATA : 0;
            Assert.True(expectedError == reply.Error, $"request {10 + i}: error {reply.Error}");
            Assert.True(requests[i].PayloadLength == reply.Payload.Length, $"request {10 + i}: payload {reply.Payload.Length}");
            Assert.Equal((uint)reply.Raw.Length, reply.Len);
        }
        Assert.Equal(ScriptedFileSystem.Content, replies[14].Payload);
        Assert.Equal([3, 2, 1], replies[23].Payload[16..]);
        Assert.Equal(42u, replies[23].U32(0));
        Assert.Equal(101ul, replies[24].U64(0));
        Assert.Equal(1, harness.Session.Statistics.RequestsOf(15));
        Assert.Equal(1, harness.Session.Statistics.RequestsByOpcode["FUSE_READDIRPLUS"]);
        Assert.Equal(20, harness.Session.Statistics.Requests);
    }

    [Fact]
    public void Write_Payload_ArrivesPageAlignedAndIntact()
    {
        using var harness = new SessionHarness();
        harness.Init();
        var payload = Enumerable.Range(0, 8192).Select(i => (byte)i).ToArray();
        harness.Device.Send(Request(16, 5, 2, Concat(U64(7), U64(4096), U32((uint)payload.Length), U32(0), U64(0), U32(0), U32(0), payload)));
        var reply = harness.Device.Receive();
        Assert.Equal(0, reply.Error);
        Assert.Equal((uint)payload.Length, reply.U32(0));
        Assert.True(harness.FileSystem.WriteAlignments.TryDequeue(out long alignment));
        Assert.Equal(0, alignment);
        Assert.True(harness.FileSystem.Written.TryDequeue(out var written));
        Assert.Equal(payload, written);
    }

    [Theory]
    [InlineData("boom", Errno.EIO)]
    [InlineData("enoent", Errno.ENOENT)]
    [InlineData("silent", Errno.EIO)]
    public void Handler_ThrowsOrForgetsToReply_RepliesErrnoWithTheUnique(string name, int errno)
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Lookup(0xABCDEF, name));
        var reply = harness.Device.Receive();
        Assert.Equal(0xABCDEFul, reply.Unique);
        Assert.Equal(-errno, reply.Error);
        Assert.Equal(16u, reply.Len);
        Assert.Null(harness.Device.TryReceive(200));
    }

    [Fact]
    public void Handler_RepliesTwice_OnlyTheFirstReplyIsSent()
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Lookup(77, "twice"));
        harness.Device.Send(GetAttr(78));
        var first = harness.Device.Receive();
        var second = harness.Device.Receive();
        Assert.Equal(77ul, first.Unique);
        Assert.Equal(78ul, second.Unique);
        Assert.Null(harness.Device.TryReceive(200));
    }

    [Theory]
    [InlineData(9u)]
    [InlineData(35u)]
    [InlineData(1234u)]
    public void UnknownOpcode_RepliesEnosys(uint opcode)
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Request(opcode, 50, 1, new byte[16]));
        harness.Device.Send(Request(opcode, 51, 1, new byte[16]));
        Assert.Equal(-Errno.ENOSYS, harness.Device.Receive().Error);
        var second = harness.Device.Receive();
        Assert.Equal(51ul, second.Unique);
        Assert.Equal(-Errno.ENOSYS, second.Error);
    }

    [Fact]
    public void ForgetBatchForgetAndInterrupt_GetNoReply()
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Request(2, 60, 5, U64(3)));
        harness.Device.Send(Request(42, 61, 0, Concat(U32(2), U32(0), U64(6), U64(1), U64(7), U64(2))));
        harness.Device.Send(Request(36, 62, 0, U64(60)));
        harness.Device.Send(GetAttr(63));
        var reply = harness.Device.Receive();
        Assert.Equal(63ul, reply.Unique);
        Assert.Null(harness.Device.TryReceive(200));
        Assert.Equal([(new NodeId(5), 3ul), (new NodeId(6), 1ul), (new NodeId(7), 2ul)], harness.FileSystem.Forgotten.ToArray());
    }

    [Fact]
    public void Handler_CompletingLater_RepliesOnceWithoutBlockingOthers()
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Lookup(90, "later"));
        harness.Device.Send(GetAttr(91));
        Assert.Equal(91ul, harness.Device.Receive().Unique);
        Assert.Null(harness.Device.TryReceive(200));
        harness.FileSystem.Later.SetResult();
        var reply = harness.Device.Receive();
        Assert.Equal(90ul, reply.Unique);
        Assert.Equal(0, reply.Error);
        Assert.Equal(3ul, reply.U64(0));
        Assert.Null(harness.Device.TryReceive(200));
        Assert.True(harness.Session.Statistics.DeferredReplies >= 1);
    }

    [Fact]
    public void Burst_QueuedBeforeRun_IsReadTogetherAndAllAnswered()
    {
        using var harness = new SessionHarness(start: false);
        for (ulong unique = 100; unique < 110; unique++)
        {
            harness.Device.Send(GetAttr(unique));
        }
        harness.Start();
        var uniques = Enumerable.Range(0, 10).Select(_ => harness.Device.Receive().Unique).ToList();
        Assert.Equal(Enumerable.Range(100, 10).Select(i => (ulong)i), uniques);
        Assert.Equal(10, harness.Session.Statistics.LargestBurst);
        Assert.Equal(1, harness.Session.Statistics.Bursts);
        Assert.Equal(10, harness.Session.Statistics.InlineReplies);
    }

    [Fact]
    public void Buffers_AllHeldByPendingRequests_ReadingWaitsUntilOneFrees()
    {
        using var harness = new SessionHarness(bufferCount: 2);
        harness.Init();
        harness.Device.Send(Lookup(200, "later"));
        harness.Device.Send(Lookup(201, "later"));
        harness.Device.Send(GetAttr(202));
        Assert.Null(harness.Device.TryReceive(300));
        Assert.True(harness.Session.Statistics.BufferStarvations >= 1);
        harness.FileSystem.Later.SetResult();
        var uniques = Enumerable.Range(0, 3).Select(_ => harness.Device.Receive().Unique).Order().ToArray();
        Assert.Equal([200ul, 201ul, 202ul], uniques);
    }

    [Fact]
    public void Malformed_TruncatedHeaderDroppedAndBadLenAnsweredEinval_SessionGoesOn()
    {
        using var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Request(3, 300, 2, new byte[16])[..20]);
        harness.Device.Send(Request(3, 301, 2, new byte[16], lenOverride: 500));
        harness.Device.Send(Request(1, 302, 1, "abc"u8.ToArray()));
        harness.Device.Send(GetAttr(303));
        var replies = Enumerable.Range(0, 3).Select(_ => harness.Device.Receive()).ToArray();
        Assert.Equal([301ul, 302ul, 303ul], replies.Select(r => r.Unique));
        Assert.Equal([-Errno.EINVAL, -Errno.EINVAL, 0], replies.Select(r => r.Error));
        Assert.Null(harness.Device.TryReceive(200));
    }

    [Fact]
    public void Stop_FromAnotherThread_EndsRunAndCallsDestroyOnce()
    {
        var harness = new SessionHarness();
        harness.Init();
        harness.Session.Stop();
        Assert.True(harness.WaitForExit());
        Assert.Null(harness.Failure);
        Assert.Equal(1, harness.FileSystem.DestroyCalls);
        harness.Dispose();
    }

    [Fact]
    public void Destroy_Request_IsAnsweredAndEndsRun()
    {
        var harness = new SessionHarness();
        harness.Init();
        harness.Device.Send(Request(38, 400, 0, []));
        var reply = harness.Device.Receive();
        Assert.Equal(400ul, reply.Unique);
        Assert.Equal(0, reply.Error);
        Assert.True(harness.WaitForExit());
        Assert.Equal(1, harness.FileSystem.DestroyCalls);
        harness.Dispose();
    }

    [Fact]
    public void Device_ClosedByThePeer_EndsRun()
    {
        var harness = new SessionHarness();
        harness.Init();
        harness.Device.CloseKernelEnd();
        Assert.True(harness.WaitForExit());
        Assert.Null(harness.Failure);
        harness.Dispose();
    }

    [Fact]
    public void NotifyInvalInode_AfterInit_WritesTheNotification()
    {
        using var harness = new SessionHarness();
        Assert.False(harness.Session.NotifyInvalInode(new NodeId(2), 0, 0));
        harness.Init();
        Assert.True(harness.Session.NotifyInvalInode(new NodeId(2), 4096, -1));
        var notification = harness.Device.Receive();
        Assert.Equal(0ul, notification.Unique);
        Assert.Equal(2, notification.Error);
        Assert.Equal(40u, notification.Len);
        Assert.Equal(2ul, notification.U64(0));
        Assert.Equal(4096ul, notification.U64(8));
        Assert.Equal(ulong.MaxValue, notification.U64(16));
    }
}
