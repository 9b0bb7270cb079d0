using VdmFuse.Engine;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests;

public class MemoryDiskTests
{
    [Fact]
    public async Task Register_MemoryDiskWithAPartition_WorksLikeAnyInstance()
    {
        using var registry = new InstanceRegistry();
        var memory = (MemoryDisk)registry.Register(new MemoryDisk("m0", 64 * 1024));
        var p0 = registry.CreatePartition("p0", "m0", 8, 16);
        await p0.WriteUnalignedAsync(10, TestData.Filled(600, 9));
        Assert.All(memory.Content.AsSpan(8 * 512 + 10, 600).ToArray(), b => Assert.Equal(9, b));
        Assert.Equal(0, memory.Content[8 * 512 + 9]);
        Assert.True(p0.WriteStamp > 0);
        Assert.Equal([1u, 2u], registry.All.Select(i => i.DeviceNumber));
    }
}
