using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>Turns an error reply into the exception the tool reports.</summary>
public static class CliReplies
{
    /// <summary>Returns a successful reply; throws the reply's errno and message otherwise.</summary>
    /// <exception cref="ControlException">The reply is an error.</exception>
    public static ControlReply ThrowIfError(ControlReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.IsOk ? reply : throw new ControlException(reply.Errno, reply.Message);
    }
}
