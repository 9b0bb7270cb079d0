namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// One daemon shared by the tests of a class (xunit class fixture). The layout callback declares images and
/// instances; dispose stops the daemon with SIGTERM and fails when it does not exit with 0 or leaves its mount.
/// </summary>
public abstract class MountedDaemonFixture : IDisposable
{
    /// <summary>Declares the layout and starts the daemon.</summary>
    protected MountedDaemonFixture(Action<DaemonWorkspace> describeLayout)
    {
        Workspace = new DaemonWorkspace();
        try
        {
            describeLayout(Workspace);
            Workspace.StartDaemon();
        }
        catch
        {
            Workspace.Dispose();
            throw;
        }
    }

    public DaemonWorkspace Workspace { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        int exitCode;
        string output = Workspace.Daemon?.Output ?? "";
        try
        {
            exitCode = Workspace.Daemon is null ? 0 : Workspace.StopDaemon();
        }
        finally
        {
            Workspace.Dispose();
        }
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"vdmfuse exited with {exitCode} after SIGTERM.\n{output}");
        }
    }
}
