using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// DKIOCSTATE through the real mount, by the C program c/dkio_example.c: the ioctl with state DKIO_INSERTED blocks until
/// the instance is ejected (a volume whose device is dismounted with force=1, a mirror that loses its last usable image)
/// and then returns DKIO_EJECTED; a signal (SIGALRM, handler without SA_RESTART) ends the wait with EINTR; the text form
/// never waits.
/// </summary>
public sealed class DkioStateTests : IDisposable
{
    private const string Inserted = "2", Ejected = "1";
    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromSeconds(30);

    private readonly DkioRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task StateIoctl_InsertedVolumeDismountedWithForce_ReturnsEjected()
    {
        string device = _rig.Workspace.PathOf("dev0.img");
        _rig.Send($"format-dev device={device} quota=16384 force=0");
        _rig.Send($"mount-dev device={device}");
        _rig.Send("create-volume device=" + device + " name=v quota=4096");
        Assert.Equal(Inserted, _rig.Send("dk-state name=v state=2").Fields["state"]);

        var waiting = _rig.RunAsync(ProgramTimeout, "state", _rig.Dsk("v"), Inserted, "20");
        AssertStillWaiting(waiting);
        _rig.Send($"dismount-dev device={device} force=1");
        var output = await waiting;

        output.AssertOk("state", $"state={Ejected}");
        Assert.True(output.Number("elapsed", "ms") < 15000, output.Text);
    }

    [Fact]
    public async Task StateIoctl_MirrorLosesItsLastUsableImage_ReturnsEjected()
    {
        _rig.CreatePhysical("a", 8L * MiB);
        _rig.CreatePhysical("b", 8L * MiB);
        _rig.Send("create-instance subdriver=fault name=fa child=a");
        _rig.Send("create-instance subdriver=fault name=fb child=b");
        _rig.CreateSyncedMirror("m", "fa", "fb");
        Assert.Equal(Inserted, _rig.Send("dk-state name=m").Fields["state"]);

        var waiting = _rig.RunAsync(ProgramTimeout, "state", _rig.Dsk("m"), Inserted, "20");
        AssertStillWaiting(waiting);
        _rig.Send("fault-add name=fa op=both all=1");
        _rig.Send("fault-add name=fb op=both all=1");
        using (var mirror = PosixFile.Open(_rig.Rdsk("m"), Libc.O_RDWR))
        {
            int errno = mirror.TryPwrite(Random(4096), 0, out _);
            Assert.True(errno != 0, "a write with both images failing succeeded");
        }
        var output = await waiting;

        output.AssertOk("state", $"state={Ejected}");
        Assert.Equal(Ejected, _rig.Send("dk-state name=m state=2").Fields["state"]);
    }

    [Fact]
    public async Task StateIoctl_InsertedAndInterruptedBySignal_FailsWithEintrAndTheDaemonServesOn()
    {
        _rig.CreatePhysical("d", 8L * MiB);

        var output = await _rig.RunAsync(ProgramTimeout, "state", _rig.Rdsk("d"), Inserted, "1");

        output.AssertFails("state", "EINTR");
        long elapsed = output.Number("elapsed", "ms");
        Assert.True(elapsed is >= 900 and < 10000, $"the wait ended after {elapsed} ms, not at the alarm of 1 s\n{output.Text}");
        // A caller that knew another state gets the current one at once; the text form never waits.
        var known = await _rig.RunAsync(ProgramTimeout, "state", _rig.Dsk("d"), Ejected, "5");
        known.AssertOk("state", $"state={Inserted}");
        Assert.True(known.Number("elapsed", "ms") < 1000, known.Text);
        var none = await _rig.RunAsync(ProgramTimeout, "state", _rig.Dsk("d"), "0", "5");
        none.AssertOk("state", $"state={Inserted}");
        Assert.Equal(Inserted, _rig.Send("dk-state name=d state=2").Fields["state"]);
        _rig.SendExpectingError("dk-state name=d state=3", LinuxErrno.EINVAL, "EINVAL", "state");
    }

    /// <summary>Asserts the C program is still blocked in DKIOCSTATE after half a second.</summary>
    private void AssertStillWaiting(Task<DkioOutput> waiting)
    {
        Thread.Sleep(500);
        Assert.False(waiting.IsCompleted, $"DKIOCSTATE with DKIO_INSERTED returned at once\n{(waiting.IsCompletedSuccessfully ? waiting.Result.Text : "")}\n{_rig.DaemonLog}");
    }
}
