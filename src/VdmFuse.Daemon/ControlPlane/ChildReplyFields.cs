using System.Globalization;
using VdmFuse.Control;
using VdmFuse.Engine;

namespace VdmFuse.Daemon.ControlPlane;

/// <summary>
/// The fields of a <c>get-child-instance available=1</c> reply: the next key, the child by device number
/// (<c>device-number-used=1</c>) or, when it is missing, by its id (<c>device-number-used=0</c>), its
/// subdriver, and the role fields its parent's subdriver fills in.
/// </summary>
public static class ChildReplyFields
{
    /// <summary>The reply fields for <paramref name="slot"/>, returned with <paramref name="nextKey"/>.</summary>
    public static IReadOnlyList<ControlField> Format(long nextKey, ChildSlot slot, IEnumerable<KeyValuePair<string, string>> role)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(role);
        var fields = new List<ControlField> { ControlField.From("key", nextKey) };
        if (slot.Instance is { } child)
        {
            fields.Add(new ControlField("device-number-used", "1"));
            fields.Add(ControlField.From("device-number", child.DeviceNumber));
            fields.Add(new ControlField("child-subdriver", child.Subdriver));
            fields.Add(new ControlField("child", child.Name));
        }
        else
        {
            var id = slot.Id ?? throw new ArgumentException("a missing child needs an id", nameof(slot));
            fields.Add(new ControlField("device-number-used", "0"));
            fields.Add(new ControlField("id-generation", id.Generation.ToString(CultureInfo.InvariantCulture)));
            fields.Add(new ControlField("id-system-id", id.SystemId.ToString(CultureInfo.InvariantCulture)));
            if (slot.Subdriver is { } subdriver)
            {
                fields.Add(new ControlField("child-subdriver", subdriver));
            }
        }
        fields.AddRange(role.Select(r => new ControlField(r.Key, r.Value)));
        return fields;
    }
}
