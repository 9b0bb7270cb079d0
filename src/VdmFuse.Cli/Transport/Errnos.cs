namespace VdmFuse.Cli.Transport;

/// <summary>The Linux errno values the transport tells apart (those <c>ControlErrno</c> does not name as constants).</summary>
internal static class Errnos
{
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ECONNABORTED = 103;
    public const int ENOTCONN = 107;
}
