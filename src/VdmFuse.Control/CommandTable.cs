namespace VdmFuse.Control;

/// <summary>
/// The commands of the control language, one entry per verb. Adding a command means adding an
/// entry here (and its verb to <see cref="ControlVerbs"/>); nothing is discovered by reflection.
/// </summary>
public static class CommandTable
{
    /// <summary>The commands the daemon understands, in the order <c>help</c> lists them.</summary>
    public static IReadOnlyList<CommandSpec> Commands { get; } =
    [
        new(ControlVerbs.CreateInstance, "create a disk instance", Privileged: true,
        [
            FieldSpec.Required("subdriver"),
            FieldSpec.Required("name"),
            FieldSpec.RequiredWhen("path", FieldType.Text, "subdriver", "physical"),
            FieldSpec.RequiredWhen("child", FieldType.Text, "subdriver", "partition"),
            FieldSpec.RequiredWhen("start", FieldType.Blocks, "subdriver", "partition"),
            FieldSpec.RequiredWhen("size", FieldType.Blocks, "subdriver", "partition"),
            FieldSpec.Optional("exported", FieldType.Boolean),
            FieldSpec.Optional("persistent", FieldType.Boolean),
        ]),
        new(ControlVerbs.DeleteInstance, "delete a disk instance", Privileged: true,
        [
            FieldSpec.Required("name"),
        ]),
        new(ControlVerbs.GetInstances, "list the disk instances", Privileged: false, []),
        new(ControlVerbs.Help, "list the commands", Privileged: false, []),
    ];
}
