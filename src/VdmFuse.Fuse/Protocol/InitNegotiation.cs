using System.Runtime.CompilerServices;
using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;

namespace VdmFuse.Fuse.Protocol;

/// <summary>The INIT reply this server sends and what was agreed.</summary>
/// <param name="Error">0, or a positive errno to answer INIT with instead (unsupported major version).</param>
/// <param name="Reply">The reply struct.</param>
/// <param name="ReplySize">How many bytes of <paramref name="Reply"/> the kernel's minor version understands.</param>
/// <param name="Info">The agreement, for <see cref="IFuseFileSystem.Init"/>.</param>
internal readonly record struct InitAgreement(int Error, fuse_init_out Reply, int ReplySize, FuseInitInfo Info);

/// <summary>
/// Answers INIT: protocol 7.min(kernel, 38), 1 MiB writes in 256 pages, readahead as offered, a deep
/// background queue, and of the wanted flags only those the kernel offered.
/// </summary>
internal static class InitNegotiation
{
    public const uint MaxWrite = 1 << 20;
    public const ushort MaxPages = 256;
    public const ushort MaxBackground = 1024;
    public const ushort CongestionThreshold = 768;

    /// <summary>The flags asked for whenever the kernel offers them.</summary>
    public const ulong WantedFlags = FuseAbi.FUSE_ASYNC_READ | FuseAbi.FUSE_BIG_WRITES | FuseAbi.FUSE_MAX_PAGES
        | FuseAbi.FUSE_ASYNC_DIO | FuseAbi.FUSE_PARALLEL_DIROPS | FuseAbi.FUSE_AUTO_INVAL_DATA | FuseAbi.FUSE_INIT_EXT;

    private const int EPROTO = 71;

    public static InitAgreement Negotiate(InitOperation init, ulong additionalFlags = 0)
    {
        if (init.Major < FuseAbi.FUSE_KERNEL_VERSION)
        {
            return new InitAgreement(EPROTO, default, 0, default);
        }
        uint minor = init.Major > FuseAbi.FUSE_KERNEL_VERSION
            ? FuseAbi.FUSE_KERNEL_MINOR_VERSION
            : Math.Min(init.Minor, FuseAbi.FUSE_KERNEL_MINOR_VERSION);
        ulong agreed = (WantedFlags | additionalFlags) & init.Flags;
        if ((agreed & FuseAbi.FUSE_INIT_EXT) == 0)
        {
            agreed &= 0xFFFF_FFFFUL;
        }
        var reply = new fuse_init_out
        {
            major = FuseAbi.FUSE_KERNEL_VERSION,
            minor = minor,
            max_readahead = init.MaxReadahead,
            flags = (uint)agreed,
            flags2 = (uint)(agreed >> 32),
            max_background = MaxBackground,
            congestion_threshold = CongestionThreshold,
            max_write = MaxWrite,
            time_gran = 1,
            max_pages = (agreed & FuseAbi.FUSE_MAX_PAGES) != 0 ? MaxPages : (ushort)0,
        };
        int size = minor < 5 ? fuse_init_out.Compat5Size
            : minor < 23 ? fuse_init_out.Compat22Size
            : Unsafe.SizeOf<fuse_init_out>();
        var info = new FuseInitInfo(FuseAbi.FUSE_KERNEL_VERSION, minor, init.Flags, agreed, MaxWrite, init.MaxReadahead);
        return new InitAgreement(0, reply, size, info);
    }
}
