using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm volcap NAME [--abr on|off] [--dmr on|off]</c>: a mirror's volume capabilities (dkio(7) DKIOCGETVOLCAP),
/// or change some (DKIOCSETVOLCAP, which replaces the whole set: the capabilities not named keep their state).
/// Sent in the text form.
/// </summary>
internal static class VolumeCapabilitiesCommand
{
    public static Command Build(CommandRunner runner)
    {
        var name = InstanceArguments.Instance("NAME", "The mirror, by name or device number");
        var abr = OnOff("--abr", "Application-based recovery: the application, not the mirror, recovers the data after a crash (a persistent mirror only)");
        var dmr = OnOff("--dmr", "Directed mirror reads: reading each side on its own (vdmadm dmr)");
        var command = new Command("volcap", "Show a mirror's volume capabilities (DKIOCGETVOLCAP), or turn ABR and DMR on or off (DKIOCSETVOLCAP; root)")
        {
            name, abr, dmr,
        };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var (info, set) = Get(context, instance);
            var abrWanted = parse.GetValue(abr);
            var dmrWanted = parse.GetValue(dmr);
            string? message = null;
            if (abrWanted is not null || dmrWanted is not null)
            {
                var wanted = With(With(set, VdmAbi.DkvAbrCap, abrWanted), VdmAbi.DkvDmrCap, dmrWanted);
                context.Execute(ControlVerbs.DkSetVolcap, new ControlField("name", instance), ControlField.From("set", wanted));
                message = $"set the volume capabilities of {instance}: ABR {OnOffText(wanted, VdmAbi.DkvAbrCap)}, DMR {OnOffText(wanted, VdmAbi.DkvDmrCap)}";
                (info, set) = Get(context, instance);
            }
            return DkioReports.Of(Human(instance, info, set), [Json(instance, info, set)], message);
        }, textOnly: true);
        return command;
    }

    /// <summary>dk-get-volcap of <paramref name="instance"/>: the info and set bits.</summary>
    /// <exception cref="ControlException">The daemon's error (EINVAL: not a mirror); EIO: a garbled reply.</exception>
    public static (long Info, long Set) Get(CliContext context, string instance)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reply = context.Execute(ControlVerbs.DkGetVolcap, new ControlField("name", instance));
        return Parse(reply);
    }

    /// <summary>The info and set bits of a dk-get-volcap reply.</summary>
    public static (long Info, long Set) Parse(ControlReply reply) =>
        (DkReplies.Number(reply, ControlVerbs.DkGetVolcap, "info"), DkReplies.Number(reply, ControlVerbs.DkGetVolcap, "set"));

    /// <summary>The capabilities in one line: "ABR capable, off; DMR capable, on".</summary>
    public static string Summary(long info, long set) =>
        $"ABR {DkNames.Capability(info, set, VdmAbi.DkvAbrCap)}; DMR {DkNames.Capability(info, set, VdmAbi.DkvDmrCap)}";

    /// <summary>The JSON table "volume_capabilities": name, info, set, and each capability's capable and set flags.</summary>
    public static ReportTable Json(string instance, long info, long set) => new("volume_capabilities",
        [
            new("NAME", "name"), new("INFO", "info"), new("SET", "set"), new("ABR CAPABLE", "abr_capable"), new("ABR SET", "abr_set"),
            new("DMR CAPABLE", "dmr_capable"), new("DMR SET", "dmr_set"),
        ],
        [[
            ReportValue.Of(instance), ReportValue.Of(info), ReportValue.Of(set),
            ReportValue.Of((info & VdmAbi.DkvAbrCap) != 0), ReportValue.Of((set & VdmAbi.DkvAbrCap) != 0),
            ReportValue.Of((info & VdmAbi.DkvDmrCap) != 0), ReportValue.Of((set & VdmAbi.DkvDmrCap) != 0),
        ]]);

    private static ReportTable Human(string instance, long info, long set) => DkioReports.Lines(
        ("Name", instance),
        ("ABR", DkNames.Capability(info, set, VdmAbi.DkvAbrCap) + " (application-based recovery)"),
        ("DMR", DkNames.Capability(info, set, VdmAbi.DkvDmrCap) + " (directed mirror reads)"),
        ("Info", Hex(info)),
        ("Set", Hex(set)));

    private static Option<string?> OnOff(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "on|off" };
        option.AcceptOnlyFromAmong("on", "off");
        return option;
    }

    private static long With(long set, uint bit, string? wanted) => wanted switch
    {
        "on" => set | bit,
        "off" => set & ~(long)bit,
        _ => set,
    };

    private static string OnOffText(long set, uint bit) => (set & bit) != 0 ? "on" : "off";

    private static string Hex(long value) => string.Create(CultureInfo.InvariantCulture, $"0x{value:x}");
}
