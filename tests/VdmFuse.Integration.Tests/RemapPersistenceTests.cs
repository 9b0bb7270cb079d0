using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// A persistent remap instance across restarts (<see cref="RemapRig"/> with persistent=1 everywhere, partitions on the
/// physical instance): the duplicate tables survive a SIGKILL between their two writes (the test hook
/// VDMFUSE_CRASH_POINT=remap-between-tables) and a primary table overwritten while the daemon was stopped.
/// </summary>
public sealed class RemapPersistenceTests : IDisposable
{
    private const int Block = RemapRig.Block;
    private const int ECONNABORTED = 103;

    private readonly RemapRig _rig = new(persistent: true);

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Sigkill_BetweenTheTwoTableWrites_TheEntryIsListedAfterRestartAndAcknowledgedDataIsIntact()
    {
        _rig.CreateRemap();
        byte[] expected = Random(MiB);
        _rig.WriteRaw(RemapRig.DataStart, expected);
        byte[] mapped = Random(Block);
        _rig.Send("force-remap name=R block=4300");
        _rig.WriteRaw(4300, mapped);
        mapped.CopyTo(expected, (4300 - RemapRig.DataStart) * Block);
        _rig.Send("force-remap name=R block=4301");
        _rig.AssertTable((4300, 0, "mapped"), (4301, -1, "forced"));
        _rig.StopDaemon();

        _rig.StartDaemon(crashPoint: "remap-between-tables");
        _rig.AssertLogLine("VDMFUSE_CRASH_POINT", "remap-between-tables", "installed");
        _rig.AssertTable((4300, 0, "mapped"), (4301, -1, "forced"));
        byte[] inFlight = Random(Block);

        int errno = _rig.TryWriteRaw(4301, inFlight);

        Assert.True(errno is LinuxErrno.ENOTCONN or ECONNABORTED, $"the write that killed the daemon returned errno {errno}\n{_rig.DaemonLog}");
        var killed = _rig.Workspace.Daemon!;
        Assert.Equal(137, _rig.Workspace.WaitForDaemonExit()); // 128 + SIGKILL
        // Read the output once the process is gone and its readers drained: before that the last line may not be in.
        Assert.Contains("killing the daemon between the primary and the secondary bad-block table", killed.Output, StringComparison.Ordinal);

        _rig.StartDaemon();

        // The primary table, written before the kill, is current; the secondary is brought up to date from it.
        _rig.AssertLogLine("secondary table 'st' rewritten from the other", "older");
        _rig.AssertTable((4300, 0, "mapped"), (4301, 1, "mapped"));
        inFlight.CopyTo(expected, (4301 - RemapRig.DataStart) * Block);
        AssertBytes.Equal(expected, _rig.ReadRaw(RemapRig.DataStart, MiB), "the acknowledged writes and the one in flight, after the restart");
        var attributes = _rig.Attributes();
        Assert.Equal(("in-use", "in-use"), (attributes["primary-table-state"], attributes["secondary-table-state"]));
        _rig.StopDaemon();
    }

    [Fact]
    public void Restart_PrimaryTableOverwrittenWhileStopped_SurvivesThroughTheSecondary()
    {
        _rig.CreateRemap();
        byte[] data = Random(Block);
        _rig.Send("force-remap name=R block=4300");
        _rig.WriteRaw(4300, data);
        _rig.Send("force-remap name=R block=4500");
        _rig.StopDaemon();
        using (var image = new FileStream(_rig.Image, FileMode.Open, FileAccess.Write))
        {
            image.Position = RemapRig.PrimaryStart * Block;
            image.Write(Random((int)RemapRig.TableBlocks * Block));
        }

        _rig.StartDaemon();

        _rig.AssertLogLine("primary table 'pt' rewritten from the other");
        _rig.AssertTable((4300, 0, "mapped"), (4500, -1, "forced"));
        AssertBytes.Equal(data, _rig.ReadRaw(4300, Block), "block 4300, mapped before the restart");
        Assert.Equal("in-use", _rig.Attributes()["primary-table-state"]);
        Assert.Equal("VDMRMAPT"u8.ToArray(), _rig.ImageAt(RemapRig.PrimaryStart, 8));
        _rig.StopDaemon();
    }
}
