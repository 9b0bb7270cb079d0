using System.Text.Json;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary><c>vdmadm mode</c>, <c>vdmadm db list --json</c>, and vdmadm waiting for a daemon that restarts.</summary>
public sealed class VdmadmDatabaseTests
{
    [Fact]
    public void VdmadmMode_EnabledDaemon_PrintsEnabledAndTheCopies()
    {
        using var workspace = new DaemonWorkspace();
        workspace.StartDaemon();

        var run = Vdmadm.RunOk(workspace.Mountpoint, "mode");

        Assert.Contains("enabled", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void VdmadmDbListJson_TwoDefaultCopies_ListsBothWithTheSameSequence()
    {
        using var workspace = new DaemonWorkspace();
        workspace.StartDaemon();

        var run = Vdmadm.RunOk(workspace.Mountpoint, "db", "list", "--json");

        using var document = JsonDocument.Parse(run.StandardOutput);
        var copies = document.RootElement.GetProperty("report")[0].GetProperty("copy");
        string[] expected = [Path.Combine(workspace.StateDirectory, "config.0"), Path.Combine(workspace.StateDirectory, "config.1")];
        Assert.Equal(expected, copies.EnumerateArray().Select(c => c.GetProperty("path").GetString() ?? "").Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(JsonValueKind.Number, copies[0].GetProperty("sequence").ValueKind);
        Assert.Equal(copies[0].GetProperty("sequence").GetInt64(), copies[1].GetProperty("sequence").GetInt64());
        Assert.Equal(copies[0].GetProperty("state").GetString(), copies[1].GetProperty("state").GetString());
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public async Task VdmadmMode_DaemonKilledAndRestarted_RetriesUntilItAnswers()
    {
        using var workspace = new DaemonWorkspace();
        workspace.StartDaemon();
        workspace.KillDaemon();

        var waiting = Task.Run(() => Vdmadm.Run(workspace.Mountpoint, "--wait", "30", "mode"));
        Thread.Sleep(1500);
        Assert.False(waiting.IsCompleted, $"vdmadm gave up while the daemon was down: {(waiting.IsCompleted ? await waiting : null)}");
        workspace.StartDaemon();

        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(40));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("enabled", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void VdmadmMode_NoDaemon_FailsWithAClearMessage()
    {
        using var scratch = new ScratchDirectory();
        string mountpoint = scratch.CreateDirectory("mnt");

        var run = Vdmadm.Run(mountpoint, "--wait", "1", "mode");

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains($"no vdmfuse daemon answers at {Path.Combine(mountpoint, "vdm")}", run.StandardError, StringComparison.Ordinal);
    }
}
