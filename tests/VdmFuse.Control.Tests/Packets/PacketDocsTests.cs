using System.Text;
using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>docs/CONTROL.md shows every packet exactly as the packet table lays it out.</summary>
public class PacketDocsTests
{
    [Fact]
    public void ControlDoc_EveryPacket_IsDocumentedAsTheTableSays()
    {
        var doc = File.ReadAllText(Path.Combine(CHeader.RepositoryRoot, "docs", "CONTROL.md"));
        var missing = PacketLayouts.Commands.Where(layout => !doc.Contains(Describe(layout), StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            var expected = Path.Combine(Path.GetTempPath(), "vdm-control-packets.md");
            File.WriteAllText(expected, string.Concat(PacketLayouts.Commands.Select(Describe)));
            Assert.Fail($"docs/CONTROL.md does not show the packets of {string.Join(", ", missing.Select(l => l.Verb))} as the table has them; the expected text is in {expected}");
        }
    }

    /// <summary>The markdown block that documents one packet.</summary>
    internal static string Describe(PacketLayout layout)
    {
        var text = new StringBuilder();
        text.Append("### `").Append(layout.Verb).Append("`: `struct ").Append(layout.CStruct).Append("`, ").Append(layout.Size)
            .Append(" bytes, ioctl `").Append(layout.IoctlMacro).Append("` = `0x").Append(layout.IoctlNumber.ToString("X8", System.Globalization.CultureInfo.InvariantCulture)).Append("`\n\n");
        if (layout.InstanceKey is { } instance)
        {
            text.Append("On an exported instance's file, a 0 in the field that maps to `").Append(instance).Append("` is that instance.\n\n");
        }
        text.Append("| field | offset | size | type | direction | text field | applies when |\n|---|---|---|---|---|---|---|\n");
        foreach (var field in layout.Fields)
        {
            AppendRow(text, field, field.Offset);
            if (field.Records is { } records)
            {
                foreach (var member in records.Fields)
                {
                    AppendRow(text, member with { Name = $"{field.Name}[i].{member.Name}" }, -1, $"`{records.Tag}` record i < `{records.CountField}`");
                }
            }
        }
        return text.Append('\n').ToString();
    }

    private static void AppendRow(StringBuilder text, PacketField field, int offset, string? when = null)
    {
        var type = field.Type switch
        {
            PacketFieldType.Name or PacketFieldType.Path or PacketFieldType.Chars => $"char[{field.Size}]",
            PacketFieldType.Bytes => $"bytes[{field.Size}]",
            _ => field.Type.ToString().ToLowerInvariant(),
        };
        var direction = field.Direction switch
        {
            PacketDirection.In => "in",
            PacketDirection.Out when field.IgnoresInput => "out (input ignored)",
            PacketDirection.Out => "out",
            PacketDirection.Unused when field.IgnoresInput => "ignored",
            PacketDirection.InOut => "in-out",
            _ => "zero",
        };
        var key = field.Mapping switch
        {
            PacketMapping.Version => "(must be 0)",
            PacketMapping.Bits => string.Join(", ", field.Bits.Select(bit => $"`{bit.Key}` (0x{bit.Mask:x})")),
            PacketMapping.Records => $"`{field.Records!.Tag}` records",
            PacketMapping.Selector => $"1 when `{field.Key}` is given",
            PacketMapping.NegatedFlag => $"`{field.Key}=0` when 1",
            PacketMapping.None => "",
            _ when field.Key is null => "",
            _ => $"`{field.Key}`" + (field.AlternateKey is { } alternate ? $" (or `{alternate}`)" : "") + Note(field),
        };
        var applies = when ?? string.Join(" and ", field.When.Select(condition => $"{condition.Field} = {condition.Value}"));
        text.Append("| `").Append(field.Name).Append("` | ").Append(offset < 0 ? $"+{field.Offset}" : offset.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append(" | ").Append(field.Size).Append(" | ").Append(type).Append(" | ").Append(direction).Append(" | ").Append(key)
            .Append(" | ").Append(applies).Append(" |\n");
    }

    private static string Note(PacketField field) => field.Mapping switch
    {
        PacketMapping.Text when field.Type == PacketFieldType.Chars => ", NUL-padded (may fill the field), empty = not given",
        PacketMapping.NumberIfNonZero => ", 0 = not given",
        PacketMapping.Flag => ", 1 or 0",
        PacketMapping.Boolean => ", 0 or 1",
        PacketMapping.Device => ", device number, 0 = not given",
        PacketMapping.DeviceOrNone => ", device number, 0 or VDM_NODEV = none (`-`)",
        PacketMapping.Subdriver => ", subdriver id as its name, 0 = not given",
        PacketMapping.SubdriverCommand => ", the subdriver's command number as its name",
        PacketMapping.Text => ", NUL-terminated, empty = not given",
        PacketMapping.SignedNumber => ", signed",
        PacketMapping.DeviceList => ", comma list of device numbers, count in the field before",
        PacketMapping.Hex => ", hexadecimal, two digits per byte",
        _ => "",
    };
}
