using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// The dkio(7) operations that hand recovery over or start it again: DKV_ABR_CAP on a persistent mirror is recorded in
/// its journal and survives a restart (directed reads, runtime state, do not), and DKIOCADDBAD makes the remap instance
/// of a disk re-read its tables, through the text form and through ioctl(2) on the disk's file.
/// </summary>
public sealed class DkioRecoveryTests
{
    [Fact]
    public void SetVolcap_AbrOnAPersistentMirror_StillSetAfterARestartWhileDmrIsNot()
    {
        using var rig = new DkioRig();
        rig.CreatePhysical("a", 8L * MiB, persistent: true);
        rig.CreatePhysical("b", 8L * MiB, persistent: true);
        rig.Send("create-instance subdriver=mirror name=m images=a,b persistent=1");
        rig.Send("sync-images name=m source=a destinations=b");
        rig.WaitUntil(() => rig.Send("get-attributes name=m").Fields["sync-in-progress"] == "0", "the sync of m ends");
        Assert.Equal(("3", "0"), Capabilities(rig));

        var program = rig.Run("setvolcap", rig.Dsk("m"), "3");

        program.AssertOk("setvolcap", "");
        program.AssertOk("getvolcap", "info=3 set=3");
        Assert.Equal(("3", "3"), Capabilities(rig));

        rig.StopDaemon();
        rig.StartDaemon();

        Assert.Equal(("3", "1"), Capabilities(rig));
        rig.Send("dk-set-volcap name=m set=0");
        Assert.Equal(("3", "0"), Capabilities(rig));
        rig.StopDaemon();
        rig.StartDaemon();
        Assert.Equal(("3", "0"), Capabilities(rig));
    }

    [Fact]
    public void AddBad_DiskWithARemapInstance_RereadsTheTablesThroughTextAndIoctl()
    {
        using var rig = new RemapRig();
        rig.CreateRemap();
        // The tables as formatted, empty: put back behind the daemon's back below.
        byte[] emptyPrimary = File.ReadAllBytes(rig.Workspace.Rdsk("pt"));
        byte[] emptySecondary = File.ReadAllBytes(rig.Workspace.Rdsk("st"));
        RemapControlTests.CreateOneEntryOfEachState(rig);
        var before = rig.List();
        Assert.NotEmpty(before);
        string program = DkioRig.Compile(rig.Workspace);

        rig.Send("dk-addbad name=p0");
        Assert.Equal(before, rig.List());

        // Both tables on disk say "no entries" again (as if another tool had rewritten them); DKIOCADDBAD through the
        // ioctl on rdsk/p0 makes the remap instance read them.
        File.WriteAllBytes(rig.Workspace.Rdsk("pt"), emptyPrimary);
        File.WriteAllBytes(rig.Workspace.Rdsk("st"), emptySecondary);
        Assert.Equal(before, rig.List());
        var output = DkioRig.Run(program, rig.DaemonLog, "query", rig.Workspace.Rdsk("p0"));

        output.AssertOk("addbad", "");
        Assert.Empty(rig.List());
    }

    private static (string Info, string Set) Capabilities(DkioRig rig)
    {
        var fields = rig.Send("dk-get-volcap name=m").Fields;
        return (fields["info"], fields["set"]);
    }
}
