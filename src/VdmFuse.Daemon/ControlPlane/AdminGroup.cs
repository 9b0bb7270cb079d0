namespace VdmFuse.Daemon.ControlPlane;

/// <summary>The group whose members may run privileged control commands (the configuration's <c>admin-group</c>).</summary>
/// <param name="Gid">The group's id.</param>
/// <param name="Name">The group's name as messages show it (its number when it has no name).</param>
public sealed record AdminGroup(uint Gid, string Name);
