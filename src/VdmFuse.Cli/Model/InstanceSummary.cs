using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>One disk instance as <c>get-instances key=K</c> describes it.</summary>
/// <param name="Name">The instance's name.</param>
/// <param name="DeviceNumber">Its device number (from 1).</param>
/// <param name="Subdriver">Its subdriver's name.</param>
/// <param name="SizeBytes">Its size in bytes.</param>
/// <param name="ChildCount">How many children it has.</param>
/// <param name="ParentCount">How many parents it has.</param>
/// <param name="Exported">Whether it has files under dsk/ and rdsk/.</param>
/// <param name="OpenCount">How many open files use it.</param>
public sealed record InstanceSummary(
    string Name, long DeviceNumber, string Subdriver, long SizeBytes, long ChildCount, long ParentCount, bool Exported, long OpenCount)
{
    private const string Verb = "get-instances";

    /// <summary>Reads an instance from the fields of a keyed <c>get-instances</c> reply.</summary>
    /// <exception cref="ControlException">EINVAL when a field is missing or malformed.</exception>
    public static InstanceSummary FromReply(ControlReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var fields = new ControlCommand(Verb, reply.Fields);
        return new InstanceSummary(
            fields.Get("name"),
            fields.GetInt64("device-number"),
            Subdrivers.Name(fields.Get("subdriver")),
            fields.GetInt64("size"),
            fields.GetOptionalInt64("child-count") ?? fields.GetOptionalInt64("children") ?? 0,
            fields.GetOptionalInt64("parent-count") ?? fields.GetOptionalInt64("parents") ?? 0,
            fields.GetBool("exported", defaultValue: true),
            fields.GetOptionalInt64("open") ?? fields.GetOptionalInt64("open-count") ?? 0);
    }
}
