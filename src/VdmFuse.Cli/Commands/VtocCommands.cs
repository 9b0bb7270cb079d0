using System.CommandLine;
using System.Globalization;
using System.Text;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm vtoc show|set</c>: an instance's VTOC (dkio(7)) through <c>dk-get-extvtoc</c> and <c>dk-set-extvtoc</c>,
/// in the roles of prtvtoc(1M) and fmthard(1M). Sent in the text form.
/// </summary>
internal static class VtocCommands
{
    public static Command Build(CommandRunner runner)
    {
        var command = new Command("vtoc", "An instance's VTOC (volume table of contents): show it as prtvtoc(1M) does, or write it as fmthard(1M) does");
        command.Add(BuildShow(runner));
        command.Add(BuildSet(runner));
        return command;
    }

    private static Command BuildShow(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var command = new Command("show", "List an instance's VTOC as prtvtoc(1M) does: volume, sector size, and each slice's tag, flags and sectors (DKIOCGEXTVTOC)")
        {
            name,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var vtoc = DkVtoc.From(context.Execute(ControlVerbs.DkGetExtvtoc, new ControlField("name", instance)), ControlVerbs.DkGetExtvtoc);
            return new Report(Tables(instance, vtoc), VtocListing.Format(instance, vtoc));
        }, textOnly: true);
        return command;
    }

    private static Command BuildSet(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var volume = new Option<string>("--volume")
        {
            Description = $"The volume name, up to {VdmAbi.LenDklVvol} bytes",
            HelpName = "NAME",
            Required = true,
        };
        var slices = new Option<string[]>("--slice")
        {
            Description = "A slice: number 0-15, tag (root, swap, backup, usr, var, home, boot, stand, alternates, reserved, system, " +
                "unassigned, or a number), flags (wm, wu, rm, ru, or a number), first sector, sector count. Repeat for each slice; the others are empty",
            HelpName = "N:TAG:FLAGS:START:SIZE",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var ascii = new Option<string?>("--ascii")
        {
            Description = $"The ASCII label, up to {VdmAbi.LenDklAscii} bytes (default: empty)",
            HelpName = "TEXT",
        };
        var command = new Command("set",
            "Write an instance's VTOC as fmthard(1M) does; its slices become instances NAMEsN (DKIOCSEXTVTOC; root)")
        {
            name, volume, slices, ascii,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var volumeName = parse.GetRequiredValue(volume);
            var label = parse.GetValue(ascii);
            var specs = Slices(parse.GetValue(slices) ?? []);
            CheckLength("--volume", volumeName, VdmAbi.LenDklVvol);
            if (label is not null)
            {
                CheckLength("--ascii", label, VdmAbi.LenDklAscii);
            }
            var reply = context.Execute(ControlVerbs.DkSetExtvtoc, SetFields(instance, volumeName, label, specs));
            var exported = (reply.Find("slices") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            var table = new ReportTable("vtoc",
                [new("NAME", "name"), new("VOLUME", "volume"), new("SLICES", "slices")],
                [[ReportValue.Of(instance), ReportValue.Of(volumeName), ReportValue.Of(string.Join(',', exported))]])
            {
                ShowHuman = false,
            };
            var message = exported.Length == 0
                ? $"wrote the VTOC of {instance} (volume {volumeName}): no slices"
                : $"wrote the VTOC of {instance} (volume {volumeName}): slices {string.Join(", ", exported)}";
            return Report.Of(table, message);
        }, textOnly: true);
        return command;
    }

    /// <summary>
    /// The fields of dk-set-extvtoc: a sane VTOC (sanity 0x600DDEEE, version 1, 512-byte sectors, 16 slices) with the
    /// volume name, the ASCII label when given, and all 16 slices (those not given empty).
    /// </summary>
    public static IEnumerable<ControlField> SetFields(string instance, string volume, string? asciiLabel, IReadOnlyList<VtocSliceSpec> slices)
    {
        ArgumentNullException.ThrowIfNull(slices);
        yield return new ControlField("name", instance);
        yield return ControlField.From("sanity", VdmAbi.VtocSane);
        yield return ControlField.From("vtoc-version", VdmAbi.VVersion);
        yield return new ControlField("volume", volume);
        yield return ControlField.From("sector-size", 512);
        yield return ControlField.From("nparts", VdmAbi.VNumPar);
        if (asciiLabel is not null)
        {
            yield return new ControlField("ascii-label", asciiLabel);
        }
        for (var i = 0; i < VdmAbi.VNumPar; i++)
        {
            var slice = slices.FirstOrDefault(s => s.Slice == i) ?? new VtocSliceSpec(i, 0, 0, 0, 0);
            yield return ControlField.From(CommandTable.SliceField(i, "tag"), slice.Tag);
            yield return ControlField.From(CommandTable.SliceField(i, "flag"), slice.Flag);
            yield return ControlField.From(CommandTable.SliceField(i, "start"), slice.Start);
            yield return ControlField.From(CommandTable.SliceField(i, "size"), slice.Size);
        }
    }

    /// <summary>The JSON tables of a VTOC: "vtoc" (its header) and "slice" (one row per slice with sectors).</summary>
    public static IReadOnlyList<ReportTable> Tables(string instance, DkVtoc vtoc)
    {
        ArgumentNullException.ThrowIfNull(vtoc);
        var header = new ReportTable("vtoc",
            [
                new("NAME", "name"), new("VOLUME", "volume"), new("ASCII LABEL", "ascii_label"), new("SECTOR SIZE", "sector_size"),
                new("NPARTS", "nparts"), new("SANITY", "sanity"), new("VERSION", "vtoc_version"),
            ],
            [[
                ReportValue.Of(instance), ReportValue.Of(vtoc.Volume), ReportValue.Of(vtoc.AsciiLabel), ReportValue.Of(vtoc.SectorSize),
                ReportValue.Of(vtoc.NParts), ReportValue.Of(vtoc.Sanity), ReportValue.Of(vtoc.Version),
            ]])
        {
            ShowHuman = false,
        };
        var rows = vtoc.UsedSlices.Select(slice => (IReadOnlyList<ReportValue>)
        [
            ReportValue.Of(slice.Index), ReportValue.Of(slice.Tag), ReportValue.Of(VtocNames.TagName(slice.Tag)), ReportValue.Of(slice.Flag),
            ReportValue.Of(VtocNames.FlagName(slice.Flag)), ReportValue.Of(slice.Start), ReportValue.Of(slice.Size), ReportValue.Of(slice.LastSector),
        ]).ToArray();
        var table = new ReportTable("slice",
            [
                new("SLICE", "slice"), new("TAG", "tag"), new("TAG NAME", "tag_name"), new("FLAG", "flag"), new("FLAGS", "flags"),
                new("FIRST SECTOR", "first_sector"), new("SECTOR COUNT", "sector_count"), new("LAST SECTOR", "last_sector"),
            ],
            rows)
        {
            ShowHuman = false,
        };
        return [header, table];
    }

    private static VtocSliceSpec[] Slices(IEnumerable<string> words)
    {
        var specs = words.Select(VtocSliceSpec.Parse).ToArray();
        var repeated = specs.GroupBy(spec => spec.Slice).FirstOrDefault(group => group.Count() > 1);
        if (repeated is not null)
        {
            throw new ControlException(ControlErrno.EINVAL,
                string.Create(CultureInfo.InvariantCulture, $"vtoc set: slice {repeated.Key} is given more than once"));
        }
        return specs;
    }

    private static void CheckLength(string option, string value, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > maxBytes)
        {
            throw new ControlException(ControlErrno.EINVAL,
                string.Create(CultureInfo.InvariantCulture, $"vtoc set: {option} '{value}' is {bytes} bytes; it holds at most {maxBytes}"));
        }
    }
}
