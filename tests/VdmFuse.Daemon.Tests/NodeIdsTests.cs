using VdmFuse.Daemon.Tree;
using VdmFuse.Fuse.Api;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public class NodeIdsTests
{
    [Theory]
    [InlineData(1u, DiskView.Buffered)]
    [InlineData(1u, DiskView.Raw)]
    [InlineData(77u, DiskView.Plex)]
    [InlineData(uint.MaxValue, DiskView.Raw)]
    public void ForInstance_RoundTrips(uint device, DiskView view)
    {
        Assert.True(NodeIds.TryDecode(NodeIds.ForInstance(device, view), out var d, out var v));
        Assert.Equal(device, d);
        Assert.Equal(view, v);
    }

    [Fact]
    public void TryDecode_FixedNodes_False()
    {
        foreach (var node in new[] { NodeIds.Root, NodeIds.Control, NodeIds.DskDir, NodeIds.RdskDir, NodeIds.PlexDir })
        {
            Assert.False(NodeIds.TryDecode(node, out _, out _));
        }
        Assert.False(NodeIds.TryDecode(new NodeId(0x1000 + 3), out _, out _));
    }

    [Fact]
    public void ForInstance_DistinctForEveryViewAndDevice()
    {
        var seen = new HashSet<ulong>();
        for (uint d = 1; d < 100; d++)
        {
            foreach (var v in Enum.GetValues<DiskView>())
            {
                Assert.True(seen.Add(NodeIds.ForInstance(d, v).Value));
            }
        }
    }
}
