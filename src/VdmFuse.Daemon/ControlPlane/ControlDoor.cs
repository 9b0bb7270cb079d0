namespace VdmFuse.Daemon.ControlPlane;

/// <summary>Which control file a command came through (vold's two rendezvous points).</summary>
public enum ControlDoor
{
    /// <summary>The request control file (<c>vdm</c>, or -R), and ioctls on instance files: every command, in enabled mode.</summary>
    Request = 0,

    /// <summary>The diagnostic control file (<c>vdmdiag</c>, or -D): diagnostic commands only, in both modes.</summary>
    Diagnostic = 1,

    /// <summary>The configuration file's <c>command =</c> lines run at start: every command, in either mode; never persistent.</summary>
    Configuration = 2,
}
