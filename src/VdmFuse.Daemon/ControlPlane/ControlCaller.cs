namespace VdmFuse.Daemon.ControlPlane;

/// <summary>Who sent a control command: the uid, gid and pid of the FUSE request that carried it.</summary>
/// <param name="Uid">The caller's effective uid.</param>
/// <param name="Gid">The caller's effective (primary) gid.</param>
/// <param name="Pid">The calling thread's id, which names its /proc entry; 0 when there is no process (the configuration).</param>
public readonly record struct ControlCaller(uint Uid, uint Gid, uint Pid)
{
    /// <summary>The daemon itself running its configuration's commands: root, no process.</summary>
    public static ControlCaller Configuration => new(0, 0, 0) { Door = ControlDoor.Configuration };

    /// <summary>The control file the command came through (the request file unless said otherwise).</summary>
    public ControlDoor Door { get; init; }
}
