using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// The daemon run by an ordinary user: it cannot call mount(2), so it mounts through fusermount3 and the
/// _FUSE_COMMFD hand-over, and unmounts through fusermount3 -u at SIGTERM.
/// </summary>
public sealed class NonRootDaemonTests
{
    private const int Nobody = 65534;

    [Fact]
    public void Daemon_RunAsNobody_MountsThroughFusermountServesItsOwnerAndUnmounts()
    {
        using var workspace = new DaemonWorkspace();
        string image = workspace.PathOf("nobody.img");
        using (var f = File.Create(image))
        {
            f.SetLength(64L * MiB);
        }
        foreach (var path in new[] { image, workspace.Mountpoint, workspace.StateDirectory })
        {
            CommandRunner.Run("chown", $"{Nobody}:{Nobody}", path).EnsureSuccess();
        }
        workspace.Configuration.AddPhysical("u0", image).AddPartition("u0p1", "u0", 2048, 8192);

        workspace.StartDaemon(runAsUid: Nobody);

        var entry = Assert.Single(MountTable.At(workspace.Mountpoint));
        Assert.Equal("fuse.vdmfuse", entry.FileSystemType);
        // The disks belong to the daemon's user, who reads and writes them and administers the daemon.
        string script = """
            import os, sys
            path, control = sys.argv[1], sys.argv[2]
            st = os.stat(path)
            print("owner", st.st_uid, st.st_gid)
            fd = os.open(path, os.O_RDWR)
            data = bytes(range(256)) * 16
            os.pwrite(fd, data, 4096)
            print("same", os.pread(fd, 4096, 4096) == data)
            os.close(fd)
            c = os.open(control, os.O_RDWR)
            os.write(c, b"delete-instance name=u0p1\n")
            print("reply", os.read(c, 4096).decode().strip())
            os.close(c)
            """;
        var run = SystemTools.RunPythonAsNobody(script, workspace.Dsk("u0p1"), workspace.ControlPath).EnsureSuccess();
        Assert.Contains($"owner {Nobody} {Nobody}", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("same True", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("reply ok", run.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(workspace.Dsk("u0p1")));

        // A third user may list but not administer nobody's daemon.
        string third = """
            import os, sys
            c = os.open(sys.argv[1], os.O_RDWR)
            os.write(c, b"get-instances\n")
            print("list", os.read(c, 4096).decode().splitlines()[0])
            try:
                os.write(c, b"delete-instance name=u0\n")
            except OSError as e:
                print("errno", e.errno, os.read(c, 4096).decode().strip())
            """;
        var other = CommandRunner.Run("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups",
            SystemTools.Python, "-c", third, workspace.ControlPath).EnsureSuccess();
        Assert.Contains("list ok count=1", other.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("errno 1 error EPERM delete-instance: only root may run this command (caller uid 1000)",
            other.StandardOutput, StringComparison.Ordinal);

        Assert.Equal(0, workspace.StopDaemon());
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint), "fusermount3 -u did not unmount");
    }
}
