using System.Diagnostics;
using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// SIGKILL at random moments during a stream of persistent configuration changes: after every restart the daemon has
/// the last acknowledged configuration (plus, perhaps, the change in flight), both database copies verify with the same
/// sequence, the stale mount is recovered, and a persistent instance keeps its data and its device number.
/// Four seeds of 25 cycles: 100 kills.
/// </summary>
public sealed class CrashConsistencyTests
{
    private const int DataLength = 64 * 1024;

    /// <summary>The db-list state of a good copy that was one change behind at start and was rewritten from the newest.</summary>
    private const string RolledForward = "rolled-forward";

    [Theory]
    [InlineData(1, 25)]
    [InlineData(2, 25)]
    [InlineData(3, 25)]
    [InlineData(4, 25)]
    public async Task Daemon_SigkillDuringPersistentChanges_RestartsWithLastOrInFlightCommittedState(int seed, int cycles)
    {
        using var workspace = new DaemonWorkspace();
        workspace.Configuration.LogLevel = "info";
        var workload = new PersistentWorkload(workspace.Root, imageCount: 6, seed);
        string keepImage = workspace.PathOf("keep.img");
        using (var file = File.Create(keepImage))
        {
            file.SetLength(MiB);
        }
        workspace.StartDaemon();
        var created = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-instance subdriver=physical name=keep path={keepImage} persistent=1");
        long keepDevice = long.Parse(created.Field("device-number") ?? throw new InvalidOperationException($"no device-number= in {created}"), CultureInfo.InvariantCulture);
        workload.AddFixed("keep", keepDevice, keepImage);
        byte[] data = Random(DataLength);
        using (var raw = PosixFile.Open(workspace.Rdsk("keep"), Libc.O_RDWR))
        {
            raw.WriteExactly(data, 0);
        }
        string goodState = VerifyCopies(workspace, expectedState: null, "after the first start");
        var clock = Stopwatch.StartNew();

        for (int cycle = 0; cycle < cycles; cycle++)
        {
            string where = $"seed {seed} cycle {cycle}";
            int settled = workload.Random.Next(0, 4);
            for (int i = 0; i < settled; i++)
            {
                var (command, after) = workload.Next();
                var reply = DiagnosticControl.SendOk(workspace.Mountpoint, command);
                workload.Commit(after, CreatedName(command), DeviceNumberOf(reply));
            }

            var before = workload.Acknowledged;
            var (inFlight, landed) = workload.Next();
            var send = Task.Run(() => SendUnlessDead(workspace.Mountpoint, inFlight));
            Thread.Sleep(workload.Random.Next(0, 51));
            workspace.KillDaemon();
            DiagnosticControl.Exchange outcome;
            try
            {
                outcome = await send.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{where}: `{inFlight}` still blocked 10 s after SIGKILL");
            }

            var daemon = workspace.StartDaemon();
            var mounts = MountTable.At(workspace.Mountpoint);
            Assert.True(mounts.Count == 1, $"{where}: {mounts.Count} mounts after the restart: the stale mount was not recovered\n{daemon.Output}");
            var actual = ControlFile.GetInstances(workspace.Mountpoint)
                .ToDictionary(entry => entry.Key, entry => long.Parse(entry.Value["device-number"], CultureInfo.InvariantCulture));

            if (outcome.IsOk)
            {
                // Acknowledged before the kill: it must have been committed.
                Assert.True(PersistentWorkload.Matches(actual, landed),
                    $"{where}: `{inFlight}` was acknowledged before SIGKILL but the restarted daemon has {PersistentWorkload.Describe(actual)}, "
                    + $"expected {PersistentWorkload.Describe(landed)}\n{daemon.Output}");
                workload.Commit(landed, CreatedName(inFlight), DeviceNumberOf(outcome));
            }
            else if (outcome.Reply is { } refused)
            {
                // The daemon answered with an error: nothing changed.
                Assert.True(PersistentWorkload.Matches(actual, before),
                    $"{where}: `{inFlight}` was refused ({refused.ErrnoName} {refused.Message}) but the state is {PersistentWorkload.Describe(actual)}, "
                    + $"expected {PersistentWorkload.Describe(before)}");
            }
            else if (PersistentWorkload.Matches(actual, landed))
            {
                string? name = CreatedName(inFlight);
                workload.Commit(landed, name, name is null ? -1 : actual[name]);
            }
            else
            {
                Assert.True(PersistentWorkload.Matches(actual, before),
                    $"{where}: SIGKILL during `{inFlight}` (write errno {outcome.WriteErrno}); the restarted daemon has "
                    + $"{PersistentWorkload.Describe(actual)}, neither the last acknowledged state {PersistentWorkload.Describe(before)} "
                    + $"nor the one with the change {PersistentWorkload.Describe(landed)}\n{daemon.Output}");
            }

            VerifyCopies(workspace, goodState, where);
            Assert.Equal(keepDevice, actual["keep"]);
            using var keep = PosixFile.Open(workspace.Rdsk("keep"), Libc.O_RDONLY);
            AssertBytes.Equal(data, keep.ReadBytes(0, DataLength), $"{where}: rdsk/keep");
        }

        Assert.Equal(0, workspace.StopDaemon());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{cycles} kill/restart cycles took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// get-mode says enabled with two good copies; db-list shows both copies in the same state with the same id and
    /// sequence; db-check succeeds. Returns the state word db-list uses for a good copy (learnt at the first check).
    /// </summary>
    private static string VerifyCopies(DaemonWorkspace workspace, string? expectedState, string where)
    {
        var mode = DiagnosticControl.GetMode(workspace.Mountpoint);
        Assert.True(mode is { Mode: "enabled", Copies: 2, Good: 2 },
            $"{where}: get-mode says mode={mode.Mode} copies={mode.Copies} good={mode.Good} reason=\"{mode.Reason}\"; expected enabled with 2 good copies");
        var copies = DiagnosticControl.ListCopies(workspace.Mountpoint);
        string listing = string.Join('\n', copies.Select(c => string.Join(' ', c.Fields.Select(f => $"{f.Key}={f.Value}"))));
        Assert.True(copies.Count == 2, $"{where}: db-list shows {copies.Count} copies:\n{listing}");
        string state = DiagnosticControl.Get(copies[0], "state");
        Assert.True(copies.All(c => c.Find("state") is { } s && (s == (expectedState ?? state) || s == RolledForward)),
            $"{where}: the copies are not `{expectedState ?? state}` (or `{RolledForward}` after a restart):\n{listing}");
        Assert.True(copies.All(c => c.Find("sequence") == copies[0].Find("sequence") && c.Find("id") == copies[0].Find("id")),
            $"{where}: the copies differ in id or sequence after the roll-forward:\n{listing}");
        DiagnosticControl.SendOk(workspace.Mountpoint, "db-check");
        return state;
    }

    /// <summary>Sends the command in flight; when SIGKILL came first and the control file cannot even be opened, nothing was sent.</summary>
    private static DiagnosticControl.Exchange SendUnlessDead(string mountpoint, string command)
    {
        try
        {
            return DiagnosticControl.Send(mountpoint, command);
        }
        catch (IOException e)
        {
            return new DiagnosticControl.Exchange(command, -1, e.Message, null);
        }
    }

    private static string? CreatedName(string command) =>
        command.StartsWith("create-instance", StringComparison.Ordinal)
            ? command.Split(' ').First(word => word.StartsWith("name=", StringComparison.Ordinal))["name=".Length..]
            : null;

    private static long DeviceNumberOf(DiagnosticControl.Exchange reply) =>
        reply.Field("device-number") is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : -1;
}
