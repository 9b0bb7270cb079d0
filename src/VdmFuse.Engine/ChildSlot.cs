namespace VdmFuse.Engine;

/// <summary>
/// One child of an instance as the framework reports it: a present instance, or a missing one known only
/// by its <see cref="InstanceId"/> (a mirror image whose disk is gone, in a later subdriver).
/// </summary>
/// <param name="Instance">The child, or null when it is missing.</param>
/// <param name="Id">The id of a missing child; null for a present one.</param>
/// <param name="Subdriver">The subdriver of a missing child when its parent remembers it, else null.</param>
public sealed record ChildSlot(DiskInstance? Instance, InstanceId? Id, string? Subdriver = null)
{
    /// <summary>Whether the child is present (named by <see cref="Instance"/>) rather than missing.</summary>
    public bool IsPresent => Instance is not null;

    /// <summary>A slot holding a present child.</summary>
    public static ChildSlot Present(DiskInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new ChildSlot(instance, null, instance.Subdriver);
    }

    /// <summary>A slot for a child that is not present, named by its id.</summary>
    public static ChildSlot Missing(InstanceId id, string? subdriver = null) => new(null, id, subdriver);
}
