using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Damaged and missing copies of the configuration database at start (flipped bytes, truncated, a directory in the
/// copy's place, deleted, copies in conflict), what get-mode, db-list and db-check say of them, and how db-reinit,
/// db-restore and enable bring the daemon back to enabled mode with its configuration.
/// </summary>
public sealed class DatabaseCopyDamageTests
{
    [Fact]
    public void Start_TwoCopiesOneCorrupt_DisabledNamingItUntilDbReinitAndEnable()
    {
        using var workspace = PreparedWorkspace(copies: 2, out long keepDevice);
        string bad = CopyPath(workspace, 1);
        ConfigCopyFile.CorruptBothSlots(bad);

        workspace.StartDaemon();

        AssertDisabledNaming(workspace, bad);
        AssertListedAsBad(workspace, bad);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"db-reinit path={bad}");
        AssertEnablesWithKeep(workspace, keepDevice);
    }

    [Fact]
    public void Start_ThreeCopiesOneCorrupt_EnabledAndDbListShowsTheBadCopy()
    {
        using var workspace = PreparedWorkspace(copies: 3, out long keepDevice);
        string bad = CopyPath(workspace, 2);
        ConfigCopyFile.CorruptBothSlots(bad);

        workspace.StartDaemon();

        var mode = DiagnosticControl.GetMode(workspace.Mountpoint);
        Assert.True(mode is { Mode: "enabled", Copies: 3, Good: 2 },
            $"three copies, one corrupt: mode={mode.Mode} copies={mode.Copies} good={mode.Good} reason=\"{mode.Reason}\"");
        AssertListedAsBad(workspace, bad);
        Assert.Equal(keepDevice.ToString(CultureInfo.InvariantCulture), ControlFile.GetInstances(workspace.Mountpoint)["keep"]["device-number"]);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void Start_NewestSlotOfOneCopyCorrupt_RollsThatCopyForwardAndStartsEnabled()
    {
        using var workspace = PreparedWorkspace(copies: 2, out long keepDevice);
        string copy = CopyPath(workspace, 1);
        var newest = ConfigCopyFile.Newest(copy);
        Assert.True(newest.PayloadLength > 2, $"the newest slot of {copy} has a payload of {newest.PayloadLength} bytes");
        ConfigCopyFile.FlipByte(copy, newest.Offset + newest.HeaderSize + 1);

        workspace.StartDaemon();

        Assert.True(DiagnosticControl.GetMode(workspace.Mountpoint) is { Mode: "enabled", Good: 2 },
            DiagnosticControl.Send(workspace.Mountpoint, "get-mode").ToString());
        var copies = DiagnosticControl.ListCopies(workspace.Mountpoint);
        Assert.True(copies.Select(c => c.Find("sequence")).Distinct().Count() == 1,
            $"the copy one change behind was not rolled forward: {DiagnosticControl.Send(workspace.Mountpoint, "db-list")}");
        Assert.Equal(keepDevice.ToString(CultureInfo.InvariantCulture), ControlFile.GetInstances(workspace.Mountpoint)["keep"]["device-number"]);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void Start_CopyTruncated_DisabledNamingItUntilDbRestoreAndEnable()
    {
        using var workspace = PreparedWorkspace(copies: 2, out long keepDevice);
        string bad = CopyPath(workspace, 1);
        using (var file = new FileStream(bad, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(100);
        }

        workspace.StartDaemon();

        AssertDisabledNaming(workspace, bad);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"db-restore from={CopyPath(workspace, 0)}");
        AssertEnablesWithKeep(workspace, keepDevice);
    }

    [Fact]
    public void Start_CopyReplacedByADirectory_DisabledNamingItUntilDbReinitAndEnable()
    {
        using var workspace = PreparedWorkspace(copies: 2, out long keepDevice);
        string bad = CopyPath(workspace, 1);
        File.Delete(bad);
        Directory.CreateDirectory(bad);

        workspace.StartDaemon();

        AssertDisabledNaming(workspace, bad);
        var refused = DiagnosticControl.Send(workspace.Mountpoint, $"db-reinit path={bad}");
        Assert.False(refused.IsOk, $"db-reinit wrote a copy over a directory; {refused}");
        Directory.Delete(bad);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"db-reinit path={bad}");
        AssertEnablesWithKeep(workspace, keepDevice);
    }

    [Fact]
    public void Start_CopyDeleted_DisabledNamingItUntilDbReinitAndEnable()
    {
        using var workspace = PreparedWorkspace(copies: 2, out long keepDevice);
        string bad = CopyPath(workspace, 0);
        File.Delete(bad);

        workspace.StartDaemon();

        AssertDisabledNaming(workspace, bad);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"db-reinit path={bad}");
        AssertEnablesWithKeep(workspace, keepDevice);
    }

    [Fact]
    public void Start_CopiesWithTheSameSequenceAndDifferentContent_DisabledNamingBothUntilDbRestore()
    {
        using var workspace = PreparedWorkspace(copies: 2, out long keepDevice);
        string copy0 = CopyPath(workspace, 0);
        string copy1 = CopyPath(workspace, 1);
        byte[] base0 = File.ReadAllBytes(copy0);
        byte[] base1 = File.ReadAllBytes(copy1);

        // History one: "b" created. Keep copy 0 of it.
        workspace.StartDaemon();
        CreatePersistent(workspace, "b");
        Assert.Equal(0, workspace.StopDaemon());
        byte[] withB = File.ReadAllBytes(copy0);

        // History two, from the same base: "c" created instead. Then copy 1 gets history one's copy.
        File.WriteAllBytes(copy0, base0);
        File.WriteAllBytes(copy1, base1);
        workspace.StartDaemon();
        CreatePersistent(workspace, "c");
        Assert.Equal(0, workspace.StopDaemon());
        Assert.Equal(ConfigCopyFile.Newest(copy0).Sequence, ConfigCopyFile.Newest(copy1).Sequence);
        File.WriteAllBytes(copy1, withB);
        Assert.Equal(ConfigCopyFile.Newest(copy0).Sequence, ConfigCopyFile.Newest(copy1).Sequence);

        workspace.StartDaemon();

        var mode = AssertDisabledNaming(workspace, copy0);
        Assert.Contains(copy1, mode.Reason, StringComparison.Ordinal);
        var check = DiagnosticControl.Send(workspace.Mountpoint, "db-check");
        Assert.True(check.Text.Contains(copy0, StringComparison.Ordinal) && check.Text.Contains(copy1, StringComparison.Ordinal),
            $"db-check does not name both copies in conflict; {check}");
        Assert.True(check.Text.Contains("\"b\"", StringComparison.Ordinal) || check.Text.Contains(" b", StringComparison.Ordinal)
            || check.Text.Contains("=b", StringComparison.Ordinal),
            $"db-check does not say which instance differs (b in one copy, c in the other); {check}");

        DiagnosticControl.SendOk(workspace.Mountpoint, $"db-restore from={copy0}");
        AssertEnablesWithKeep(workspace, keepDevice);
        var instances = ControlFile.GetInstances(workspace.Mountpoint);
        Assert.True(instances.ContainsKey("c") && !instances.ContainsKey("b"),
            $"after db-restore from {copy0}: instances {string.Join(',', instances.Keys)}, expected keep and c");
        Assert.Equal(0, workspace.StopDaemon());
    }

    /// <summary>A workspace whose database holds the persistent instance "keep"; the daemon is stopped again.</summary>
    private static DaemonWorkspace PreparedWorkspace(int copies, out long keepDevice)
    {
        var workspace = new DaemonWorkspace();
        workspace.Configuration.LogLevel = "info";
        if (copies != 2)
        {
            for (int i = 0; i < copies; i++)
            {
                workspace.Configuration.AddConfigCopy(CopyPath(workspace, i));
            }
        }
        workspace.StartDaemon();
        keepDevice = CreatePersistent(workspace, "keep");
        Assert.Equal(0, workspace.StopDaemon());
        return workspace;
    }

    private static long CreatePersistent(DaemonWorkspace workspace, string name)
    {
        string image = workspace.PathOf(name + ".img");
        using (var file = File.Create(image))
        {
            file.SetLength(MiB);
        }
        var reply = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-instance subdriver=physical name={name} path={image} persistent=1");
        return long.Parse(reply.Field("device-number")!, CultureInfo.InvariantCulture);
    }

    private static string CopyPath(DaemonWorkspace workspace, int index) =>
        Path.Combine(workspace.StateDirectory, string.Create(CultureInfo.InvariantCulture, $"config.{index}"));

    private static (string Mode, string Reason, int Copies, int Good) AssertDisabledNaming(DaemonWorkspace workspace, string copy)
    {
        var mode = DiagnosticControl.GetMode(workspace.Mountpoint);
        Assert.True(mode.Mode == "disabled", $"expected disabled because of {copy}; get-mode: mode={mode.Mode} good={mode.Good} reason=\"{mode.Reason}\"\n{workspace.Daemon?.Output}");
        Assert.True(mode.Reason.Contains(copy, StringComparison.Ordinal), $"the reason \"{mode.Reason}\" does not name {copy}");
        var refused = DiagnosticControl.SendExpectingError(workspace.Mountpoint, "update-attributes name=keep", "EAGAIN");
        Assert.Contains("the daemon is disabled", refused.Reply!.Message, StringComparison.Ordinal);
        return mode;
    }

    private static void AssertListedAsBad(DaemonWorkspace workspace, string bad)
    {
        var copies = DiagnosticControl.ListCopies(workspace.Mountpoint);
        var listing = DiagnosticControl.Send(workspace.Mountpoint, "db-list").ToString();
        var record = copies.SingleOrDefault(c => c.Find("path") == bad);
        Assert.True(record is not null, $"db-list does not list {bad}; {listing}");
        var good = copies.Where(c => c.Find("path") != bad).Select(c => c.Find("state")).Distinct().ToList();
        Assert.True(good.Count == 1 && record.Find("state") != good[0], $"db-list does not set {bad} apart from the good copies; {listing}");
    }

    private static void AssertEnablesWithKeep(DaemonWorkspace workspace, long keepDevice)
    {
        DiagnosticControl.SendOk(workspace.Mountpoint, "enable");
        var mode = DiagnosticControl.GetMode(workspace.Mountpoint);
        Assert.True(mode is { Mode: "enabled" } && mode.Good == mode.Copies,
            $"after enable: mode={mode.Mode} copies={mode.Copies} good={mode.Good} reason=\"{mode.Reason}\"");
        var instances = ControlFile.GetInstances(workspace.Mountpoint);
        Assert.True(instances.ContainsKey("keep"), $"after enable, get-instances lists {string.Join(',', instances.Keys)}");
        Assert.Equal(keepDevice.ToString(CultureInfo.InvariantCulture), instances["keep"]["device-number"]);
        Assert.True(File.Exists(workspace.Dsk("keep")), "dsk/keep is not exported after enable");
    }
}
