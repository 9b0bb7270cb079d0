using VdmFuse.Control;

namespace VdmFuse.Daemon.ControlPlane;

/// <summary>
/// Who may run privileged control commands: root, the user the daemon runs as (a user's own daemon is
/// theirs to administer), and members of the configured <see cref="AdminGroup"/> — by the request's
/// primary gid or by the supplementary groups of the calling process.
/// </summary>
public sealed class AccessPolicy
{
    private readonly uint _ownerUid;
    private readonly ProcessGroups _groups;

    /// <summary>Creates a policy.</summary>
    /// <param name="ownerUid">The uid the daemon runs as.</param>
    /// <param name="adminGroup">The administrators' group, or null for none.</param>
    /// <param name="groups">Where supplementary groups are read (by default /proc).</param>
    public AccessPolicy(uint ownerUid, AdminGroup? adminGroup = null, ProcessGroups? groups = null)
    {
        _ownerUid = ownerUid;
        AdminGroup = adminGroup;
        _groups = groups ?? new ProcessGroups();
    }

    /// <summary>Only root may run privileged commands.</summary>
    public static AccessPolicy RootOnly { get; } = new(0);

    /// <summary>The administrators' group, or null.</summary>
    public AdminGroup? AdminGroup { get; }

    /// <summary>Whether <paramref name="caller"/> may run privileged commands.</summary>
    public bool IsPrivileged(ControlCaller caller)
    {
        if (caller.Uid == 0 || caller.Uid == _ownerUid)
        {
            return true;
        }
        if (AdminGroup is not { } admin)
        {
            return false;
        }
        return caller.Gid == admin.Gid || _groups.Read(caller.Pid).Contains(admin.Gid);
    }

    /// <summary>Refuses a privileged command to an unprivileged caller.</summary>
    /// <exception cref="ControlException">
    /// EPERM "create-instance: only root or members of group 'vdm' may run this command (caller uid 1000)".
    /// </exception>
    public void Check(ControlCommand command, ControlCaller caller)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (CommandSchema.IsPrivileged(command) && !IsPrivileged(caller))
        {
            CommandSchema.CheckPermission(command, callerIsPrivileged: false, caller.Uid, AdminGroup?.Name);
        }
    }
}
