using VdmFuse.Engine;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task ManyTasks_WritingAndReadingDistinctRanges_SeeTheirOwnData()
    {
        const int Tasks = 32;
        const int Chunk = 64 * 1024;
        var registry = new InstanceRegistry();
        try
        {
            var path = _scratch.CreateFile("d0.img", (Tasks + 2) * (long)Chunk);
            registry.CreatePhysical("d0", path);
            var p0 = registry.CreatePartition("p0", "d0", Chunk / 512, Tasks * (Chunk / 512));
            var workers = Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
            {
                for (var round = 0; round < 8; round++)
                {
                    var data = TestData.Random(Chunk, seed: t * 100 + round);
                    await p0.WriteAsync((long)t * Chunk, data);
                    var back = new byte[Chunk];
                    await p0.ReadAsync((long)t * Chunk, back);
                    Assert.Equal(data, back);
                }
            }));
            await Task.WhenAll(workers);
            await p0.FlushAsync();

            var file = File.ReadAllBytes(path);
            for (var t = 0; t < Tasks; t++)
            {
                Assert.Equal(TestData.Random(Chunk, seed: t * 100 + 7), file.AsSpan((t + 1) * Chunk, Chunk).ToArray());
            }
            Assert.Equal(Tasks * 8, p0.Statistics.Writes);
            Assert.Equal(Tasks * 8, registry.Get("d0").Statistics.Reads);
        }
        finally
        {
            registry.Dispose();
        }
    }

    [Fact]
    public void OneLoop_ManyRequestsInFlight_AllCompleteWithTheirData()
    {
        const int Requests = 300;
        var path = _scratch.CreateFile("d0.img", Requests * 4096L);
        using var disk = PhysicalDisk.Open("d0", path);
        using var p0 = new PartitionDisk("p0", disk, 0, Requests * 8);
        using var loop = new AioLoop();
        var writes = Enumerable.Range(0, Requests)
            .Select(i => p0.WriteAsync(i * 4096L, TestData.Filled(4096, (byte)i))).ToArray();
        loop.RunUntil(() => writes.All(w => w.IsCompleted));
        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        var buffers = Enumerable.Range(0, Requests).Select(_ => new byte[4096]).ToArray();
        var reads = Enumerable.Range(0, Requests).Select(i => p0.ReadAsync(i * 4096L, buffers[i])).ToArray();
        loop.RunUntil(() => reads.All(r => r.IsCompleted));
        for (var i = 0; i < Requests; i++)
        {
            Assert.True(reads[i].IsCompletedSuccessfully);
            Assert.All(buffers[i], b => Assert.Equal((byte)i, b));
        }
    }
}
