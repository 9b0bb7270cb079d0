using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Native.Tests;

public sealed class AioContextTests : IDisposable
{
    private const int Block = 4096;
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private BlockFile CreateFileOfNumberedBlocks(int blocks)
    {
        var content = new byte[blocks * Block];
        for (var i = 0; i < blocks; i++)
        {
            content.AsSpan(i * Block, Block).Fill((byte)(i + 1));
        }
        return BlockFile.Open(_scratch.CreateFile("blocks.img", content));
    }

    [Fact]
    public void ReadAsync_ThirtyTwoDistinctBlocks_SubmittedInOneBurstAndCompleteWithTheirData()
    {
        using var file = CreateFileOfNumberedBlocks(32);
        using var loop = new AioLoop();
        var buffers = Enumerable.Range(0, 32).Select(_ => AlignedBufferPool.Shared.Rent(Block)).ToArray();
        var reads = new ValueTask<int>[32];
        for (var i = 0; i < 32; i++)
        {
            reads[i] = file.ReadAsync((long)(31 - i) * Block, buffers[i].Memory[..Block]);
        }
        Assert.Equal(32, loop.Context.Queued);
        Assert.Equal(0, loop.Context.InFlight);
        Assert.All(reads, r => Assert.False(r.IsCompleted));

        loop.Context.EndOfBurst();
        Assert.Equal(0, loop.Context.Queued);
        Assert.True(loop.Context.InFlight > 0);
        loop.RunUntil(() => reads.All(r => r.IsCompleted));

        for (var i = 0; i < 32; i++)
        {
            Assert.Equal(Block, AioLoop.ResultOf(reads[i]));
            Assert.All(buffers[i].GetSpan()[..Block].ToArray(), b => Assert.Equal((byte)(32 - i), b));
            AlignedBufferPool.Shared.Return(buffers[i]);
        }
        Assert.Equal(0, loop.Context.InFlight);
        Assert.True(loop.Wakeups >= 1);
    }

    [Fact]
    public void WriteAsyncAndFlushAsync_Queued_ReachTheFile()
    {
        using var file = CreateFileOfNumberedBlocks(8);
        using var loop = new AioLoop();
        var data = TestData.Random(2 * Block, seed: 4);
        var buffer = AlignedBufferPool.Shared.Rent(2 * Block);
        data.CopyTo(buffer.GetSpan());
        var write = file.WriteAsync(3 * Block, buffer.Memory[..(2 * Block)]);
        Assert.Equal(1, loop.Context.Queued);
        Assert.Equal(2 * Block, loop.Run(write));
        var flush = file.FlushAsync();
        Assert.False(flush.IsCompleted);
        loop.Run(flush);
        AlignedBufferPool.Shared.Return(buffer);

        var check = new byte[2 * Block];
        Assert.Equal(2 * Block, file.Read(3 * Block, check));
        Assert.Equal(data, check);
    }

    [Fact]
    public void ReadAsync_UnalignedMemory_IsBouncedThroughTheContext()
    {
        using var file = CreateFileOfNumberedBlocks(4);
        using var loop = new AioLoop();
        var target = new byte[Block + 1];
        var read = file.ReadAsync(2 * Block, target.AsMemory(1, Block));
        Assert.Equal(1, loop.Context.Queued);
        Assert.Equal(Block, loop.Run(read));
        Assert.All(target.AsSpan(1).ToArray(), b => Assert.Equal(3, b));
    }

    [Fact]
    public void ReadAsync_PreferInline_CompletesSynchronouslyWithoutQueueing()
    {
        using var file = CreateFileOfNumberedBlocks(4);
        using var loop = new AioLoop();
        loop.Context.PreferInline = true;
        var buffer = AlignedBufferPool.Shared.Rent(Block);
        var read = file.ReadAsync(Block, buffer.Memory[..Block]);
        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal(Block, AioLoop.ResultOf(read));
        Assert.Equal(0, loop.Context.Queued);
        Assert.Equal(2, buffer.GetSpan()[0]);
        AlignedBufferPool.Shared.Return(buffer);
    }

    [Fact]
    public void ReadAsync_NoCurrentContext_CompletesSynchronously()
    {
        using var file = CreateFileOfNumberedBlocks(4);
        Assert.Null(AioContext.Current);
        var buffer = AlignedBufferPool.Shared.Rent(Block);
        var read = file.ReadAsync(3 * Block, buffer.Memory[..Block]);
        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal(4, buffer.GetSpan()[Block - 1]);
        AlignedBufferPool.Shared.Return(buffer);
    }

    [Fact]
    public void ReadAsync_MisalignedOffset_CompletesWithEINVALNamingPathAndOffset()
    {
        using var file = CreateFileOfNumberedBlocks(4);
        using var loop = new AioLoop();
        var buffer = AlignedBufferPool.Shared.Rent(Block);
        var read = file.ReadAsync(100, buffer.Memory[..512]);
        loop.RunUntil(() => read.IsCompleted);
        var error = Assert.Throws<ErrnoException>(() => AioLoop.ResultOf(read));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains(file.Path, error.Message);
        Assert.Contains("offset 100", error.Message);
        Assert.Equal(0, loop.Context.InFlight);
        AlignedBufferPool.Shared.Return(buffer);
    }

    [Fact]
    public void ReadAsync_ClosedDescriptor_IsRefusedWithEBADF()
    {
        using var loop = new AioContext();
        var buffer = AlignedBufferPool.Shared.Rent(Block);
        var bad = loop.ReadAsync(fd: 1_000_000, buffer.Address, Block, 0);
        var good = loop.FlushAsync(fd: 1_000_001);
        loop.EndOfBurst();
        Assert.True(bad.IsCompleted);
        Assert.True(good.IsCompleted);
        var error = Assert.Throws<ErrnoException>(() => AioLoop.ResultOf(bad));
        Assert.Equal(Errno.EBADF, error.Errno);
        Assert.Contains("fd 1000000", error.Message);
        Assert.Equal(0, loop.InFlight);
        Assert.Equal(0, loop.Queued);
        Assert.Throws<ErrnoException>(() => good.GetAwaiter().GetResult());
        AlignedBufferPool.Shared.Return(buffer);
    }

    [Fact]
    public void ReadAsync_MoreThanCapacity_QueuesTheRestAndCompletesAll()
    {
        using var file = CreateFileOfNumberedBlocks(40);
        using var loop = new AioLoop(capacity: 8);
        var buffers = Enumerable.Range(0, 40).Select(_ => AlignedBufferPool.Shared.Rent(Block)).ToArray();
        var reads = Enumerable.Range(0, 40).Select(i => file.ReadAsync((long)i * Block, buffers[i].Memory[..Block])).ToArray();
        loop.Context.EndOfBurst();
        Assert.Equal(8, loop.Context.InFlight);
        Assert.Equal(32, loop.Context.Queued);
        loop.RunUntil(() => reads.All(r => r.IsCompleted));
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(Block, AioLoop.ResultOf(reads[i]));
            Assert.Equal(i + 1, buffers[i].GetSpan()[17]);
            AlignedBufferPool.Shared.Return(buffers[i]);
        }
        Assert.Equal(0, loop.Context.Queued);
    }

    [Fact]
    public void OnReadable_ContinuationQueuesMoreIo_ItIsSubmittedAndCompletes()
    {
        using var file = CreateFileOfNumberedBlocks(4);
        using var loop = new AioLoop();
        var loopThread = Environment.CurrentManagedThreadId;
        var continuationThreads = new List<int>();
        async ValueTask<byte> CopyBlockZeroToThree()
        {
            var buffer = AlignedBufferPool.Shared.Rent(Block);
            await file.ReadAsync(0, buffer.Memory[..Block]).ConfigureAwait(false);
            continuationThreads.Add(Environment.CurrentManagedThreadId);
            await file.WriteAsync(3 * Block, buffer.Memory[..Block]).ConfigureAwait(false);
            continuationThreads.Add(Environment.CurrentManagedThreadId);
            var value = buffer.GetSpan()[0];
            AlignedBufferPool.Shared.Return(buffer);
            return value;
        }
        var copy = CopyBlockZeroToThree();
        Assert.Equal(1, loop.Run(copy));
        Assert.Equal([loopThread, loopThread], continuationThreads);
        var check = new byte[Block];
        file.Read(3 * Block, check);
        Assert.All(check, b => Assert.Equal(1, b));
    }

    [Fact]
    public void Dispose_WithQueuedOperations_FailsThemWithECANCELED()
    {
        using var file = CreateFileOfNumberedBlocks(1);
        var context = new AioContext();
        var buffer = AlignedBufferPool.Shared.Rent(Block);
        var read = context.ReadAsync(file.Descriptor, buffer.Address, Block, 0);
        context.Dispose();
        var error = Assert.Throws<ErrnoException>(() => AioLoop.ResultOf(read));
        Assert.Equal(Errno.ECANCELED, error.Errno);
        AlignedBufferPool.Shared.Return(buffer);
    }
}
