using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Disabled mode through the real mount: the exported instances stay readable, every command but the diagnostic ones
/// gets EAGAIN with the reason, and the diagnostic commands work on MNT/vdm and on MNT/vdmdiag until <c>enable</c>.
/// </summary>
public sealed class DisabledModeTests
{
    private const int DataLength = 64 * 1024;

    [Fact]
    public void Daemon_CopyRemovedWhileRunning_GoesDisabledKeepsInstancesAndEnablesAgainAfterDbAdd()
    {
        using var workspace = new DaemonWorkspace();
        workspace.StartDaemon();
        var (device, data) = CreateKeep(workspace);
        string copy1 = Path.Combine(workspace.StateDirectory, "config.1");

        DiagnosticControl.SendOk(workspace.Mountpoint, $"db-remove path={copy1}");

        var mode = DiagnosticControl.GetMode(workspace.Mountpoint);
        Assert.True(mode.Mode == "disabled", $"after db-remove of one of two copies: mode={mode.Mode} reason=\"{mode.Reason}\"");
        Assert.False(string.IsNullOrWhiteSpace(mode.Reason), "get-mode gives no reason for disabled mode");
        AssertKeepExported(workspace, device, data);
        AssertOnlyDiagnosticsAccepted(workspace);

        DiagnosticControl.SendOk(workspace.Mountpoint, $"db-add path={copy1}", DiagnosticControl.DiagnosticFile);
        DiagnosticControl.SendOk(workspace.Mountpoint, "enable", DiagnosticControl.DiagnosticFile);

        Assert.True(DiagnosticControl.GetMode(workspace.Mountpoint) is { Mode: "enabled", Copies: 2, Good: 2 },
            DiagnosticControl.Send(workspace.Mountpoint, "get-mode").ToString());
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-instance subdriver=physical name=after path={Image(workspace, "after.img")} persistent=1");
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void Daemon_StartedWithDashD_AcceptsOnlyDiagnosticsUntilEnableThenHasItsPersistentInstances()
    {
        using var workspace = new DaemonWorkspace();
        workspace.StartDaemon();
        var (device, data) = CreateKeep(workspace);
        Assert.Equal(0, workspace.StopDaemon());

        workspace.StartDaemon(null, "-d");

        var mode = DiagnosticControl.GetMode(workspace.Mountpoint, DiagnosticControl.DiagnosticFile);
        Assert.True(mode.Mode == "disabled", $"started with -d: mode={mode.Mode}");
        Assert.False(string.IsNullOrWhiteSpace(mode.Reason), "get-mode gives no reason for disabled mode");
        AssertOnlyDiagnosticsAccepted(workspace);

        DiagnosticControl.SendOk(workspace.Mountpoint, "enable");

        Assert.Equal("enabled", DiagnosticControl.GetMode(workspace.Mountpoint).Mode);
        AssertKeepExported(workspace, device, data);
        Assert.Equal(0, workspace.StopDaemon());
    }

    private static (long Device, byte[] Data) CreateKeep(DaemonWorkspace workspace)
    {
        var created = DiagnosticControl.SendOk(workspace.Mountpoint,
            $"create-instance subdriver=physical name=keep path={Image(workspace, "keep.img")} persistent=1");
        byte[] data = Random(DataLength);
        using (var raw = PosixFile.Open(workspace.Rdsk("keep"), Libc.O_RDWR))
        {
            raw.WriteExactly(data, 0);
        }
        return (long.Parse(created.Field("device-number")!, CultureInfo.InvariantCulture), data);
    }

    private static void AssertKeepExported(DaemonWorkspace workspace, long device, byte[] data)
    {
        var instances = ControlFile.GetInstances(workspace.Mountpoint);
        Assert.True(instances.ContainsKey("keep"), "get-instances does not list keep");
        Assert.Equal(device.ToString(CultureInfo.InvariantCulture), instances["keep"]["device-number"]);
        using var dsk = PosixFile.Open(workspace.Dsk("keep"), Libc.O_RDONLY);
        AssertBytes.Equal(data, dsk.ReadBytes(0, DataLength), "dsk/keep");
    }

    private static void AssertOnlyDiagnosticsAccepted(DaemonWorkspace workspace)
    {
        var refused = DiagnosticControl.SendExpectingError(workspace.Mountpoint,
            $"create-instance subdriver=physical name=refused path={Image(workspace, "refused.img")} persistent=1", "EAGAIN");
        Assert.Contains("the daemon is disabled", refused.Reply!.Message, StringComparison.Ordinal);
        Assert.Contains("only diagnostic commands", refused.Reply.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(workspace.Dsk("refused")), "a refused create-instance exported an instance");

        foreach (var file in new[] { "vdm", DiagnosticControl.DiagnosticFile })
        {
            DiagnosticControl.SendOk(workspace.Mountpoint, "get-mode", file);
            Assert.NotEmpty(DiagnosticControl.ListCopies(workspace.Mountpoint, file));
            DiagnosticControl.SendOk(workspace.Mountpoint, "get-instances", file);
        }
        var notDiagnostic = DiagnosticControl.Send(workspace.Mountpoint, "delete-instance name=keep", DiagnosticControl.DiagnosticFile);
        Assert.True(notDiagnostic.WriteErrno != 0 && notDiagnostic.Reply is { IsOk: false },
            $"vdmdiag accepted a command that is not diagnostic; {notDiagnostic}");
    }

    private static string Image(DaemonWorkspace workspace, string name)
    {
        string path = workspace.PathOf(name);
        if (!File.Exists(path))
        {
            using var file = File.Create(path);
            file.SetLength(MiB);
        }
        return path;
    }
}
