namespace VdmFuse.Control;

/// <summary>
/// One command of a subdriver, run with <c>ioctl-subdriver subdriver=S name=N command=C</c>: its
/// number in the binary packet, whether it changes state (and so needs privilege), and its fields.
/// </summary>
/// <param name="Subdriver">The subdriver's name, such as "physical".</param>
/// <param name="Command">The command's name in kebab-case, such as "flush".</param>
/// <param name="Number">The command's number in the <c>command</c> field of <c>struct vdm_ioctl_subdriver_packet</c>.</param>
/// <param name="Summary">A short sentence for <c>help</c>.</param>
/// <param name="Privileged">Whether the command changes state, so that only privileged callers may run it.</param>
/// <param name="Fields">The input fields the command takes beyond subdriver, name and command.</param>
public sealed record SubdriverCommandSpec(string Subdriver, string Command, uint Number, string Summary, bool Privileged, IReadOnlyList<FieldSpec> Fields)
{
    /// <summary>The field named <paramref name="key"/>, or <see langword="null"/> when the command takes no such field.</summary>
    public FieldSpec? FindField(string key) => Fields.FirstOrDefault(field => field.Key == key);
}
