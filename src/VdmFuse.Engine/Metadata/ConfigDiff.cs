namespace VdmFuse.Engine.Metadata;

/// <summary>Describes how two configurations differ, one sentence per difference.</summary>
public static class ConfigDiff
{
    /// <summary>
    /// The differences between <paramref name="first"/> (held by <paramref name="firstName"/>) and
    /// <paramref name="second"/> (held by <paramref name="secondName"/>): instances only in one, and each
    /// field that differs.
    /// </summary>
    public static IReadOnlyList<string> Describe(ConfigState first, string firstName, ConfigState second, string secondName)
    {
        var lines = new List<string>();
        if (first.NextDeviceNumber != second.NextDeviceNumber)
        {
            lines.Add($"nextDeviceNumber is {first.NextDeviceNumber} in {firstName} and {second.NextDeviceNumber} in {secondName}");
        }
        foreach (var a in first.Instances)
        {
            var b = second.Find(a.Name);
            if (b is null)
            {
                lines.Add($"instance '{a.Name}' ({a.Subdriver}, device {a.DeviceNumber}) is only in {firstName}");
                continue;
            }
            void Field(string field, string x, string y)
            {
                if (x != y)
                {
                    lines.Add($"instance '{a.Name}': {field} is {x} in {firstName} and {y} in {secondName}");
                }
            }
            Field("subdriver", a.Subdriver, b.Subdriver);
            Field("deviceNumber", a.DeviceNumber.ToString(), b.DeviceNumber.ToString());
            Field("exported", a.Exported ? "true" : "false", b.Exported ? "true" : "false");
            Field("children", $"[{string.Join(",", a.Children)}]", $"[{string.Join(",", b.Children)}]");
            foreach (var key in a.Attributes.Keys.Union(b.Attributes.Keys).Order(StringComparer.Ordinal))
            {
                Field($"attribute {key}",
                    a.Attributes.TryGetValue(key, out var x) ? $"'{x}'" : "absent",
                    b.Attributes.TryGetValue(key, out var y) ? $"'{y}'" : "absent");
            }
        }
        foreach (var b in second.Instances.Where(b => first.Find(b.Name) is null))
        {
            lines.Add($"instance '{b.Name}' ({b.Subdriver}, device {b.DeviceNumber}) is only in {secondName}");
        }
        DescribeDevices(lines, first, firstName, second, secondName);
        if (lines.Count == 0 && !first.SameAs(second))
        {
            lines.Add($"the instances or devices are in a different order in {firstName} and {secondName}");
        }
        return lines;
    }

    /// <summary>Devices recorded in only one, and each device whose id or device numbers differ.</summary>
    private static void DescribeDevices(List<string> lines, ConfigState first, string firstName, ConfigState second, string secondName)
    {
        foreach (var a in first.Devices)
        {
            if (second.FindDevice(a.Path) is not { } b)
            {
                lines.Add($"device '{a.Path}' is mounted only in {firstName}");
            }
            else if (!a.SameAs(b))
            {
                lines.Add($"device '{a.Path}': id {a.DeviceId}, device {a.DeviceNumber}, volumes [{Volumes(a)}] in {firstName} " +
                    $"and id {b.DeviceId}, device {b.DeviceNumber}, volumes [{Volumes(b)}] in {secondName}");
            }
        }
        foreach (var b in second.Devices.Where(b => first.FindDevice(b.Path) is null))
        {
            lines.Add($"device '{b.Path}' is mounted only in {secondName}");
        }
    }

    private static string Volumes(ConfigDeviceRecord device) =>
        string.Join(",", device.Volumes.Select(v => $"lvid {v.Lvid}=device {v.DeviceNumber}"));
}
