using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm dmr MIRROR --offset O --length N</c>: reads the same bytes from each side of a mirror on its own, as
/// dkio(7)'s DKIODMR calling sequence does (<c>dk-dmr</c> with flags DKV_DMR_NEXT_SIDE from side DKV_SIDE_INIT, passing
/// back the side each step returns, until DKV_DMR_DONE), and says whether the sides agree. Sent in the text form.
/// </summary>
internal static class DirectedReadCommand
{
    /// <summary>More steps than a mirror has sides: a sequence that goes on longer is the daemon's fault.</summary>
    private const int MaxSteps = 64;

    /// <summary>One side read: its number and name, the flags returned, and the data.</summary>
    private sealed record Side(long Number, string Name, long Flags, byte[] Data)
    {
        public uint Checksum => Crc32.Compute(Data);
    }

    public static Command Build(CommandRunner runner)
    {
        var mirror = InstanceArguments.Instance("MIRROR", "The mirror, by name or device number (its directed reads enabled: vdmadm volcap MIRROR --dmr on)");
        var offset = new Option<long>("--offset") { Description = "The byte offset in the mirror", HelpName = "BYTES", Required = true };
        var length = new Option<long>("--length")
        {
            Description = $"The bytes to read from each side, 1 to {VdmAbi.DmrMaxData}",
            HelpName = "BYTES",
            Required = true,
        };
        var command = new Command("dmr", "Read the same bytes from each side of a mirror (DKIODMR) and say whether the sides agree") { mirror, offset, length };
        runner.SetAction(command, (parse, context) =>
        {
            var name = parse.GetRequiredValue(mirror);
            var at = parse.GetValue(offset);
            var count = parse.GetValue(length);
            if (at < 0)
            {
                throw new ControlException(ControlErrno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"dmr: --offset must be 0 or more, not {at}"));
            }
            if (count is < 1 or > VdmAbi.DmrMaxData)
            {
                throw new ControlException(ControlErrno.EINVAL,
                    string.Create(CultureInfo.InvariantCulture, $"dmr: --length must be 1 to {VdmAbi.DmrMaxData} bytes (VDM_DMR_MAX_DATA), not {count}"));
            }
            var sides = ReadSides(context, name, at, count);
            return BuildReport(name, at, count, sides);
        }, textOnly: true);
        return command;
    }

    /// <summary>The calling sequence: every side in turn until DKV_DMR_DONE.</summary>
    /// <exception cref="ControlException">The daemon's error; EIO: DKV_DMR_ERROR (no side to read), or a sequence that does not advance.</exception>
    private static List<Side> ReadSides(CliContext context, string mirror, long offset, long length)
    {
        var sides = new List<Side>();
        long side = VdmAbi.DkvSideInit;
        for (var step = 0; step < MaxSteps; step++)
        {
            var reply = context.Execute(ControlVerbs.DkDmr, new ControlField("name", mirror), ControlField.From("flags", VdmAbi.DkvDmrNextSide),
                ControlField.From("side", side), ControlField.From("offset", offset), ControlField.From("nbytes", length));
            var flags = DkReplies.Number(reply, ControlVerbs.DkDmr, "flags");
            if ((flags & VdmAbi.DkvDmrError) != 0)
            {
                throw new ControlException(ControlErrno.EIO, $"dmr: mirror {mirror} has no side to read (DKV_DMR_ERROR): no image is usable");
            }
            if ((flags & VdmAbi.DkvDmrDone) != 0)
            {
                return sides;
            }
            var next = DkReplies.Number(reply, ControlVerbs.DkDmr, "side");
            if (next <= side)
            {
                throw new ControlException(ControlErrno.EIO,
                    string.Create(CultureInfo.InvariantCulture, $"dmr: the daemon's directed reads of mirror {mirror} do not advance past side {side}"));
            }
            var data = FieldValues.ParseHex(ControlVerbs.DkDmr, "data", DkReplies.Text(reply, ControlVerbs.DkDmr, "data"));
            var bytesRead = DkReplies.Number(reply, ControlVerbs.DkDmr, "bytesread");
            if (bytesRead != data.Length)
            {
                throw new ControlException(ControlErrno.EIO,
                    string.Create(CultureInfo.InvariantCulture, $"dmr: the daemon's reply says bytesread={bytesRead} but holds {data.Length} bytes of data"));
            }
            sides.Add(new Side(next, DkReplies.Text(reply, ControlVerbs.DkDmr, "side-name"), flags, data));
            side = next;
        }
        throw new ControlException(ControlErrno.EIO,
            string.Create(CultureInfo.InvariantCulture, $"dmr: the daemon's directed reads of mirror {mirror} go on past {MaxSteps} sides"));
    }

    private static Report BuildReport(string mirror, long offset, long length, List<Side> sides)
    {
        var table = new ReportTable("side",
            [new("SIDE", "side"), new("NAME", "name"), new("FLAGS", null), new("BYTES", "bytes_read"), new("CRC32", "crc32")],
            sides.Select(side => (IReadOnlyList<ReportValue>)
            [
                ReportValue.Of(side.Number), ReportValue.Of(side.Name), ReportValue.Of(DkNames.DirectedReadFlagNames(side.Flags)),
                ReportValue.Of(side.Data.Length), ReportValue.Of(Hex(side.Checksum)),
            ]).ToArray());
        var json = new ReportTable("side",
            [new("SIDE", "side"), new("NAME", "name"), new("FLAGS", "flags"), new("BYTES", "bytes_read"), new("CRC32", "crc32")],
            sides.Select(side => (IReadOnlyList<ReportValue>)
            [
                ReportValue.Of(side.Number), ReportValue.Of(side.Name), ReportValue.Of(side.Flags), ReportValue.Of(side.Data.Length), ReportValue.Of(Hex(side.Checksum)),
            ]).ToArray())
        {
            ShowHuman = false,
        };
        var differing = sides.Skip(1).Where(side => !side.Data.AsSpan().SequenceEqual(sides[0].Data)).Select(side => side.Name).ToArray();
        var agree = differing.Length == 0;
        var range = string.Create(CultureInfo.InvariantCulture, $"{length} bytes at offset {offset}");
        var verdict = sides.Count switch
        {
            0 => $"no side of mirror {mirror} was read",
            1 => $"1 side of mirror {mirror} read ({range}): nothing to compare it with",
            _ when agree => string.Create(CultureInfo.InvariantCulture, $"the {sides.Count} sides of mirror {mirror} agree ({range})"),
            _ => string.Create(CultureInfo.InvariantCulture,
                $"the {sides.Count} sides of mirror {mirror} do not agree ({range}): {string.Join(", ", differing)} {(differing.Length == 1 ? "differs" : "differ")} from {sides[0].Name}"),
        };
        var result = new ReportTable("result",
            [new("MIRROR", "mirror"), new("OFFSET", "offset"), new("LENGTH", "length"), new("SIDES", "sides"), new("AGREE", "agree")],
            [[ReportValue.Of(mirror), ReportValue.Of(offset), ReportValue.Of(length), ReportValue.Of(sides.Count), ReportValue.Of(agree)]])
        {
            ShowHuman = false,
        };
        var text = sides.Count == 0 ? verdict : TextReportWriter.FormatTable(table) + verdict;
        return new Report([json, result], text);
    }

    private static string Hex(uint value) => value.ToString("x8", CultureInfo.InvariantCulture);
}
