using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>
/// One entry of a remap instance's bad-block table as <c>list-remap-table</c> returns it: the bad block (512-byte
/// blocks of the disk), the remap-area block it is mapped to (-1 when it is not), and its state by number
/// (VDM_REMAP_*_BB_ENTRY: 1 unmapped, 2 mapped, 3 forced, 4 pseudo, 5 bad remap).
/// </summary>
/// <param name="BadBlock">The bad block.</param>
/// <param name="RemapIndex">The remap-area block, or -1.</param>
/// <param name="State">The state's number.</param>
public sealed record RemapTableEntry(long BadBlock, long RemapIndex, int State)
{
    private static readonly string[] Keywords = ["unmapped", "mapped", "forced", "pseudo", "bad-remap"];
    private static readonly string[] DisplayNames = ["Unmapped", "Mapped", "Forced", "Pseudo", "Bad remap"];

    /// <summary>The state as the control language names it ("bad-remap"), or its number when unknown.</summary>
    public string Keyword => State is >= 1 and <= 5 ? Keywords[State - 1] : State.ToString(CultureInfo.InvariantCulture);

    /// <summary>The state as vdmremap(7)'s listing names it ("Bad remap").</summary>
    public string DisplayName => State is >= 1 and <= 5 ? DisplayNames[State - 1] : string.Create(CultureInfo.InvariantCulture, $"State {State}");

    /// <summary>The row of vdmremap(7)'s listing: <c>printf("%10ld    %10ld   %s (%d)\n", ...)</c> without the newline.</summary>
    public string ListingRow => string.Create(CultureInfo.InvariantCulture, $"{BadBlock,10}    {RemapIndex,10}   {DisplayName} ({State})");

    /// <summary>The entry of a <c>list-remap-table</c> reply; <c>status</c> is a keyword (text form) or a number (binary form).</summary>
    /// <exception cref="ControlException">EIO: the reply lacks a field or holds an unknown status.</exception>
    public static RemapTableEntry From(ControlReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var status = Field(reply, "status");
        var state = Array.IndexOf(Keywords, status) + 1;
        if (state == 0 && !int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out state))
        {
            throw new ControlException(ControlErrno.EIO, $"list-remap-table: the daemon's reply has an unknown status '{status}'");
        }
        return new RemapTableEntry(Number(reply, "bad-block"), Number(reply, "remap-index"), state);
    }

    private static string Field(ControlReply reply, string key) =>
        reply.Find(key) ?? throw new ControlException(ControlErrno.EIO, $"list-remap-table: the daemon's reply has no '{key}'");

    private static long Number(ControlReply reply, string key) =>
        long.TryParse(Field(reply, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ControlException(ControlErrno.EIO, $"list-remap-table: the daemon's reply has '{key}={reply.Find(key)}', not a number");
}
