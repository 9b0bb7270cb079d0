using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>
/// A remap instance "r" (device 20) over partitions "pt" (21, primary table), "st" (22, secondary table) and "ra"
/// (23, remap area, 64 blocks) of fault instance "f" (5), linked under partition "p0" (24); partition "p1" (25) has
/// no remap and "d" (1) is physical. It answers in the contract's text forms: remap-format, create-instance
/// subdriver=remap, get-attributes, list-remap-table (one entry per key, ENOENT after the last), force-remap and
/// recover-bad-block changing the entries as vdmremap(7) says.
/// </summary>
internal sealed class FakeRemapDaemon
{
    public const int AreaBlocks = 64;
    public const int Capacity = 504;

    public FakeRemapDaemon(params (long BadBlock, long RemapIndex, string Status)[] entries)
    {
        Entries = [.. entries];
        Channel = new RecordingChannel(Answer);
    }

    public RecordingChannel Channel { get; }

    /// <summary>The table, sorted by bad block as the engine keeps it.</summary>
    public List<(long BadBlock, long RemapIndex, string Status)> Entries { get; }

    private ControlReply Answer(ControlCommand command)
    {
        switch (command.Verb)
        {
            case "remap-format":
                if (command.Get("primary") != "pt" || command.Get("secondary") != "st" || command.Get("area") != "ra")
                {
                    return ControlReply.Error(ControlErrno.EINVAL, "remap-format: the three partitions must be on one disk");
                }
                if (Entries.Count > 0 && command.GetOptional("force") != "1")
                {
                    return ControlReply.Error(ControlErrno.EEXIST,
                        $"remap-format: tables 'pt' and 'st' list {Entries.Count} bad blocks of disk 'f'; formatting would lose them (give force=1 to format anyway)");
                }
                Entries.Clear();
                return ControlReply.Ok(("table-capacity", Text(Capacity)), ("area-blocks", Text(AreaBlocks)));
            case "create-instance":
                return ControlReply.Ok(("device-number", "20"));
            case "get-attributes":
                return Attributes(command.Get("name"));
            case "list-remap-table":
                return List(command.Get("name"), int.Parse(command.GetOptional("key") ?? "0", CultureInfo.InvariantCulture));
            case "force-remap" when command.Get("name") != "r":
                return NotRemap("force-remap", command.Get("name"));
            case "force-remap":
                var forced = command.GetInt64("block");
                if (Entries.Any(e => e.BadBlock == forced))
                {
                    return ControlReply.Error(ControlErrno.EINVAL, $"force-remap: remap instance 'r' already has an entry for block {forced}");
                }
                Entries.Add((forced, -1, "forced"));
                Entries.Sort((x, y) => x.BadBlock.CompareTo(y.BadBlock));
                return ControlReply.Ok();
            case "recover-bad-block" when command.Get("name") != "r":
                return NotRemap("recover-bad-block", command.Get("name"));
            case "recover-bad-block":
                var block = command.GetInt64("block");
                var index = Entries.FindIndex(e => e.BadBlock == block);
                if (index < 0)
                {
                    return ControlReply.Error(ControlErrno.ENOENT, $"recover-bad-block: remap instance 'r' has no entry for block {block}");
                }
                Entries.RemoveAt(index);
                return ControlReply.Ok();
            default:
                return ControlReply.Error(ControlErrno.EINVAL, $"{command.Verb}: not expected by this test");
        }
    }

    private ControlReply Attributes(string name) => name switch
    {
        "r" or "20" => ControlReply.Ok(
            ("subdriver", "remap"), ("primary-table", "pt"), ("primary-table-device-number", "21"), ("secondary-table", "st"),
            ("secondary-table-device-number", "22"), ("remap-area", "ra"), ("remap-area-device-number", "23"), ("disk", "f"), ("unit-size", "512"),
            ("area-blocks", Text(AreaBlocks)), ("free-area-blocks", Text(AreaBlocks - Entries.Count(e => e.RemapIndex >= 0))), ("table-blocks", "8"),
            ("table-capacity", Text(Capacity)), ("entries", Text(Entries.Count)), ("unmapped", Count("unmapped")), ("mapped", Count("mapped")),
            ("forced", Count("forced")), ("pseudo", Count("pseudo")), ("bad-remap", Count("bad-remap")), ("primary-table-state", "in-use"),
            ("secondary-table-state", "in-use"), ("sequence", "7"), ("partitions", "p0")),
        "p0" or "24" => ControlReply.Ok(("subdriver", "partition"), ("child", "f"), ("child-device-number", "5"), ("start", "4096"), ("size", "8192"),
            ("remap", "r"), ("remap-device-number", "20")),
        "p1" or "25" => ControlReply.Ok(("subdriver", "partition"), ("child", "f"), ("child-device-number", "5"), ("start", "12288"), ("size", "8192"),
            ("remap", "-"), ("remap-device-number", "-")),
        "d" or "1" => ControlReply.Ok(("subdriver", "physical"), ("path", "/tmp/d.img"), ("size", "16777216")),
        _ => ControlReply.Error(ControlErrno.ENOENT, $"get-attributes: no instance named '{name}'"),
    };

    private ControlReply List(string name, int key)
    {
        if (name is "p1")
        {
            return ControlReply.Error(ControlErrno.EINVAL, "list-remap-table: partition 'p1' has no remap instance linked");
        }
        if (name is not ("r" or "p0"))
        {
            return NotRemap("list-remap-table", name);
        }
        if (key >= Entries.Count)
        {
            return ControlReply.Error(ControlErrno.ENOENT, "list-remap-table: no more entries in the table of remap instance 'r'");
        }
        var entry = Entries[key];
        return ControlReply.Ok(("bad-block", Text(entry.BadBlock)), ("remap-index", Text(entry.RemapIndex)), ("status", entry.Status), ("key", Text(key + 1)));
    }

    private static ControlReply NotRemap(string verb, string name) =>
        ControlReply.Error(ControlErrno.EINVAL, $"{verb}: '{name}' is not a remap instance");

    private string Count(string status) => Text(Entries.Count(e => e.Status == status));

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
