namespace VdmFuse.Daemon.Tree;

/// <summary>The names of the two control files under the mount (vold's -R and -D rendezvous points).</summary>
/// <param name="Request">The request control file: every command (only diagnostic ones in disabled mode); mode 0666.</param>
/// <param name="Diagnostic">The diagnostic control file: diagnostic commands only, in both modes; mode 0600, the daemon's user.</param>
public sealed record ControlFileNames(string Request = "vdm", string Diagnostic = "vdmdiag");
