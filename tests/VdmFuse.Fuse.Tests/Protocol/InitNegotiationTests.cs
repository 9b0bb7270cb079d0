using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Protocol;

namespace VdmFuse.Fuse.Tests.Protocol;

public sealed class InitNegotiationTests
{
    [Fact]
    public void Negotiate_KernelOffersSomeFlags_AgreesOnlyOfferedWantedOnes()
    {
        ulong offered = FuseAbi.FUSE_ASYNC_READ | FuseAbi.FUSE_WRITEBACK_CACHE | FuseAbi.FUSE_MAX_PAGES | FuseAbi.FUSE_POSIX_LOCKS;
        var agreement = InitNegotiation.Negotiate(new InitOperation(7, 31, 65536, offered));
        Assert.Equal(FuseAbi.FUSE_ASYNC_READ | FuseAbi.FUSE_MAX_PAGES, agreement.Info.AgreedFlags);
        Assert.Equal(31u, agreement.Reply.minor);
        Assert.Equal(65536u, agreement.Reply.max_readahead);
        Assert.Equal(256, agreement.Reply.max_pages);
        Assert.Equal(0u, agreement.Reply.flags2);
    }

    [Fact]
    public void Negotiate_NoMaxPagesOffered_LeavesMaxPagesZero()
    {
        var agreement = InitNegotiation.Negotiate(new InitOperation(7, 38, 0, FuseAbi.FUSE_BIG_WRITES));
        Assert.Equal(0, agreement.Reply.max_pages);
        Assert.Equal(1u << 20, agreement.Reply.max_write);
    }

    [Theory]
    [InlineData(4u, 8)]
    [InlineData(22u, 24)]
    [InlineData(23u, 64)]
    [InlineData(45u, 64)]
    public void Negotiate_OldKernel_RepliesWithTheSizeItUnderstands(uint minor, int size)
    {
        var agreement = InitNegotiation.Negotiate(new InitOperation(7, minor, 0, 0));
        Assert.Equal(size, agreement.ReplySize);
        Assert.Equal(Math.Min(minor, 38u), agreement.Info.Minor);
    }

    [Fact]
    public void Negotiate_MajorSix_IsRefused()
    {
        Assert.Equal(71, InitNegotiation.Negotiate(new InitOperation(6, 10, 0, 0)).Error);
    }

    [Fact]
    public void Negotiate_AdditionalFlag_IsAgreedWhenOffered()
    {
        var agreement = InitNegotiation.Negotiate(new InitOperation(7, 38, 0, FuseAbi.FUSE_DO_READDIRPLUS), FuseAbi.FUSE_DO_READDIRPLUS);
        Assert.Equal(FuseAbi.FUSE_DO_READDIRPLUS, agreement.Info.AgreedFlags);
    }
}
