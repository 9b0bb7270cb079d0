using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>Reads the fields of a dk-* reply (dkio(7) in the text form); a field the daemon left out or garbled is EIO.</summary>
internal static class DkReplies
{
    /// <summary>The text of field <paramref name="key"/> of <paramref name="verb"/>'s reply.</summary>
    /// <exception cref="ControlException">EIO: the reply has no such field.</exception>
    public static string Text(ControlReply reply, string verb, string key) =>
        reply.Find(key) ?? throw new ControlException(ControlErrno.EIO, $"{verb}: the daemon's reply has no '{key}'");

    /// <summary>The integer in field <paramref name="key"/> of <paramref name="verb"/>'s reply.</summary>
    /// <exception cref="ControlException">EIO: the reply has no such field, or it is not a decimal integer.</exception>
    public static long Number(ControlReply reply, string verb, string key)
    {
        var text = Text(reply, verb, key);
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ControlException(ControlErrno.EIO, $"{verb}: the daemon's reply has {key}={text}, not a number");
    }

    /// <summary>Whether <paramref name="reply"/> is the error <paramref name="errno"/>; any other error is thrown, a success returns false.</summary>
    /// <exception cref="ControlException">The reply is another error.</exception>
    public static bool IsError(ControlReply reply, int errno)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Errno == errno)
        {
            return true;
        }
        CliReplies.ThrowIfError(reply);
        return false;
    }
}
