using VdmFuse.Engine.Mirror;

namespace VdmFuse.Engine.Tests.Mirror;

public sealed class GranuleMapTests
{
    [Fact]
    public void Mark_RangeAcrossGranules_MarksEachTouchedGranule()
    {
        var map = new GranuleMap(1024 * 512, 16);
        map.Mark(15 * 512, 2 * 512);
        Assert.Equal([0L, 1L], map.MarkedGranules());
        Assert.Equal(64, map.GranuleCount);
        Assert.Equal(8, map.CostBytes);
    }

    [Fact]
    public void ToBytesFromBytes_RoundTrip()
    {
        var map = new GranuleMap(100 * 512, 3);
        map.Mark(0, 512);
        map.Mark(99 * 512, 512);
        var back = GranuleMap.FromBytes(100 * 512, 3, map.ToBytes());
        Assert.Equal(map.MarkedGranules(), back.MarkedGranules());
    }

    [Fact]
    public void ClearRange_LastPartialGranule_Cleared()
    {
        var map = new GranuleMap(10 * 512, 4);
        map.Mark(9 * 512, 512);
        map.ClearRange(8 * 512, 2 * 512);
        Assert.Equal(0, map.MarkedCount);
    }
}
