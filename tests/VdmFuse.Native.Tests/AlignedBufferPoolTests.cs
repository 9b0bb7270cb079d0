using VdmFuse.Native;

namespace VdmFuse.Native.Tests;

public class AlignedBufferPoolTests
{
    [Theory]
    [InlineData(1, 4096)]
    [InlineData(4096, 4096)]
    [InlineData(4097, 8192)]
    [InlineData(1 << 20, 1 << 20)]
    public void Rent_AnyLength_GivesAlignedBufferOfPowerOfTwoSize(int requested, int expected)
    {
        var pool = new AlignedBufferPool();
        var buffer = pool.Rent(requested);
        Assert.Equal(expected, buffer.Length);
        Assert.Equal(0, buffer.Address % AlignedBuffer.Alignment);
        Assert.Equal(expected, buffer.Memory.Length);
        pool.Return(buffer);
    }

    [Fact]
    public void Rent_AfterReturn_ReusesTheBuffer()
    {
        var pool = new AlignedBufferPool();
        var first = pool.Rent(8192);
        pool.Return(first);
        var second = pool.Rent(5000);
        Assert.Same(first, second);
    }

    [Fact]
    public unsafe void Pin_Memory_GivesTheNativeAddress()
    {
        var pool = new AlignedBufferPool();
        var buffer = pool.Rent(4096);
        using var handle = buffer.Memory[512..].Pin();
        Assert.Equal(buffer.Address + 512, (nint)handle.Pointer);
        pool.Return(buffer);
    }

    [Fact]
    public void Rent_LargerThanBuckets_GivesExactLengthBuffer()
    {
        var pool = new AlignedBufferPool();
        var buffer = pool.Rent((8 << 20) + 512);
        Assert.Equal((8 << 20) + 512, buffer.Length);
        buffer.GetSpan().Fill(0xAB);
        pool.Return(buffer);
    }
}
