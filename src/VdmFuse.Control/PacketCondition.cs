namespace VdmFuse.Control;

/// <summary>A packet field applies only when the <c>uint32_t</c> field <paramref name="Field"/> holds <paramref name="Value"/> (a union member chosen by the subdriver id).</summary>
/// <param name="Field">The name of the selecting field in the same packet.</param>
/// <param name="Value">The value that selects this field.</param>
public sealed record PacketCondition(string Field, uint Value)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Field} is {Value}";
}
