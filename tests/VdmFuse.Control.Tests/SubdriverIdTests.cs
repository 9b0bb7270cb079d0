using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

/// <summary>Subdriver ids are positions in <see cref="CommandTable.Subdrivers"/>, as vdm.h numbers them.</summary>
public sealed class SubdriverIdTests
{
    [Theory]
    [InlineData("physical", VdmAbi.SubdriverPhysical)]
    [InlineData("partition", VdmAbi.SubdriverPartition)]
    [InlineData("mirror", VdmAbi.SubdriverMirror)]
    [InlineData("remap", VdmAbi.SubdriverRemap)]
    [InlineData("fault", VdmAbi.SubdriverFault)]
    [InlineData("volume", VdmAbi.SubdriverVolume)]
    [InlineData("slice", VdmAbi.SubdriverSlice)]
    public void SubdriverIdAndName_EverySubdriver_MatchVdmH(string name, uint id)
    {
        Assert.Equal(id, VdmAbi.SubdriverId(name));
        Assert.Equal(name, VdmAbi.SubdriverName(id));
        Assert.Equal(name, CommandTable.Subdrivers[(int)id - 1]);
    }

    [Fact]
    public void SubdriverIdAndName_Unknown_ZeroAndNull()
    {
        Assert.Equal(0u, VdmAbi.SubdriverId("tape"));
        Assert.Null(VdmAbi.SubdriverName(0));
        Assert.Null(VdmAbi.SubdriverName((uint)CommandTable.Subdrivers.Count + 1));
    }

    [Fact]
    public void Parse_CreateInstanceSubdriverVolume_AcceptedByTheSchema()
    {
        var command = TextCodec.Parse("create-instance subdriver=volume name=v1")!;

        CommandSchema.Validate(command);

        Assert.Equal("volume", command.Get("subdriver"));
    }
}
