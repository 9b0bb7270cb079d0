using System.Text.Json;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Shore's device management on a real mount: format-dev, mount-dev, dismount-dev, dismount-all, list-devices,
/// list-volumes, get-device-quota, create-volume and destroy-volume through MNT/vdm, every error case, the same
/// verbs as nobody, and <c>vdmadm dev</c> / <c>vdmadm volume</c> end to end.
/// </summary>
public sealed class DeviceManagementTests
{
    private const long KiB = 1024;

    [Fact]
    public void FormatDev_NewFile_CreatesFileOfOneMebibytePlusQuota()
    {
        using var workspace = Started();
        string device = workspace.PathOf("dev0.img");

        DiagnosticControl.SendOk(workspace.Mountpoint, $"format-dev device={device} quota=65536 force=0");

        Assert.True(File.Exists(device), $"format-dev did not create {device}");
        Assert.Equal(TestData.MiB + 65536 * KiB, new FileInfo(device).Length);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void MountDev_TwoVolumesWrittenThroughRdsk_FiguresAndDataAreRight()
    {
        using var workspace = Started();
        string device = workspace.PathOf("dev0.img");
        DiagnosticControl.SendOk(workspace.Mountpoint, $"format-dev device={device} quota=65536 force=0");

        var mount = DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}");
        Assert.Equal("0", mount.Field("volumes"));
        Assert.True(Guid.TryParse(mount.Field("device-id"), out _), mount.ToString());
        var v1 = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=v1 quota=16384");
        var v2 = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=v2 quota=8192");
        Assert.NotEqual(v1.Field("lvid"), v2.Field("lvid"));
        Assert.NotEqual(v1.Field("device-number"), v2.Field("device-number"));

        var volumes = DiagnosticControl.SendOk(workspace.Mountpoint, $"list-volumes device={device}").RecordsOf("volume")
            .ToDictionary(v => DiagnosticControl.Get(v, "name"));
        Assert.Equal(["v1", "v2"], volumes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("16384", DiagnosticControl.Get(volumes["v1"], "quota-kb"));
        Assert.Equal("8192", DiagnosticControl.Get(volumes["v2"], "quota-kb"));
        Assert.Equal(v1.Field("lvid"), DiagnosticControl.Get(volumes["v1"], "lvid"));
        Assert.Equal(v2.Field("device-number"), DiagnosticControl.Get(volumes["v2"], "device-number"));
        var devices = DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device");
        var record = Assert.Single(devices);
        Assert.Equal(device, DiagnosticControl.Get(record, "path"));
        Assert.Equal(mount.Field("device-id"), DiagnosticControl.Get(record, "device-id"));
        Assert.Equal("65536", DiagnosticControl.Get(record, "quota-kb"));
        Assert.Equal("24576", DiagnosticControl.Get(record, "used-kb"));
        Assert.Equal("2", DiagnosticControl.Get(record, "volumes"));
        var quota = DiagnosticControl.SendOk(workspace.Mountpoint, $"get-device-quota device={device}");
        Assert.Equal("65536", quota.Field("quota-kb"));
        Assert.Equal("24576", quota.Field("used-kb"));

        Assert.True(File.Exists(workspace.Dsk("v1")) && File.Exists(workspace.Dsk("v2")), "the volumes are not exported under dsk/");
        byte[] first = WriteThroughRdsk(workspace, "v1");
        byte[] second = WriteThroughRdsk(workspace, "v2");
        AssertBytes.Equal(first, ReadThroughRdsk(workspace, "v1", first.Length), "rdsk/v1 read back");
        AssertBytes.Equal(second, ReadThroughRdsk(workspace, "v2", second.Length), "rdsk/v2 read back");
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void CreateVolume_BeyondDeviceQuota_FailsWithEnospc()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, "dev0.img", 32768);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=big quota=24576");

        DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"create-volume device={device} name=over quota=16384", "ENOSPC");

        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=fits quota=8192");
        Assert.Equal("32768", DiagnosticControl.SendOk(workspace.Mountpoint, $"get-device-quota device={device}").Field("used-kb"));
        Assert.False(File.Exists(workspace.Rdsk("over")), "the refused volume was exported");
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void FormatDev_LabelledWithoutForce_FailsWithEexistAndForceRelabels()
    {
        using var workspace = Started();
        string device = workspace.PathOf("dev0.img");
        DiagnosticControl.SendOk(workspace.Mountpoint, $"format-dev device={device} quota=16384 force=0");
        string firstId = DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}").Field("device-id")!;
        DiagnosticControl.SendOk(workspace.Mountpoint, $"dismount-dev device={device}");

        DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"format-dev device={device} quota=16384 force=0", "EEXIST");

        DiagnosticControl.SendOk(workspace.Mountpoint, $"format-dev device={device} quota=16384 force=1");
        string secondId = DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}").Field("device-id")!;
        Assert.NotEqual(firstId, secondId);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void FormatDev_Mounted_FailsWithEbusyEvenWhenForced()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, "dev0.img", 16384);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=keep quota=4096");

        DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"format-dev device={device} quota=16384 force=1", "EBUSY");

        Assert.Single(DiagnosticControl.SendOk(workspace.Mountpoint, $"list-volumes device={device}").RecordsOf("volume"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void MountDev_SamePathTwice_SucceedsWithTheSameDeviceId()
    {
        using var workspace = Started();
        string device = workspace.PathOf("dev0.img");
        DiagnosticControl.SendOk(workspace.Mountpoint, $"format-dev device={device} quota=16384 force=0");
        var first = DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}");

        var second = DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}");

        Assert.Equal(first.Field("device-id"), second.Field("device-id"));
        Assert.Single(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        // Mounts are not counted: one dismount undoes both.
        DiagnosticControl.SendOk(workspace.Mountpoint, $"dismount-dev device={device}");
        Assert.Empty(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void MountDev_HardLinkToAMountedDevice_FailsWithEbusy()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, "dev0.img", 16384);
        string link = workspace.PathOf("dev0.link");
        CommandRunner.Run("ln", device, link).EnsureSuccess();

        DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"mount-dev device={link}", "EBUSY");

        Assert.Single(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void MountDev_SymlinkToAMountedDevice_FailsWithEbusy()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, "dev0.img", 16384);
        string link = workspace.PathOf("dev0.symlink");
        File.CreateSymbolicLink(link, device);

        DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"mount-dev device={link}", "EBUSY");

        Assert.Single(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void DismountDev_VolumeOpen_FailsWithEbusyUntilClosed()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, "dev0.img", 16384);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=busy quota=4096");

        using (PosixFile.Open(workspace.Rdsk("busy"), Libc.O_RDONLY))
        {
            DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"dismount-dev device={device}", "EBUSY");
            Assert.True(File.Exists(workspace.Rdsk("busy")), "a refused dismount took the volume away");
        }

        DiagnosticControl.SendOk(workspace.Mountpoint, $"dismount-dev device={device}");
        Assert.False(File.Exists(workspace.Rdsk("busy")), "rdsk/busy is still there after dismount-dev");
        Assert.False(File.Exists(workspace.Dsk("busy")), "dsk/busy is still there after dismount-dev");
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void DismountDev_ThenMountAgain_SameLvidsAndDataIntact()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, "dev0.img", 32768);
        var lvids = new Dictionary<string, string>
        {
            ["a"] = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=a quota=8192").Field("lvid")!,
            ["b"] = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=b quota=8192").Field("lvid")!,
        };
        byte[] a = WriteThroughRdsk(workspace, "a");
        byte[] b = WriteThroughRdsk(workspace, "b");

        DiagnosticControl.SendOk(workspace.Mountpoint, $"dismount-dev device={device}");
        Assert.False(File.Exists(workspace.Rdsk("a")), "rdsk/a is still there after dismount-dev");
        var mount = DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}");

        Assert.Equal("2", mount.Field("volumes"));
        var volumes = DiagnosticControl.SendOk(workspace.Mountpoint, $"list-volumes device={device}").RecordsOf("volume");
        Assert.Equal(lvids, volumes.ToDictionary(v => DiagnosticControl.Get(v, "name"), v => DiagnosticControl.Get(v, "lvid")));
        AssertBytes.Equal(a, ReadThroughRdsk(workspace, "a", a.Length), "rdsk/a after remount");
        AssertBytes.Equal(b, ReadThroughRdsk(workspace, "b", b.Length), "rdsk/b after remount");
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void DismountAll_TwoMountedDevices_DismountsBoth()
    {
        using var workspace = Started();
        string first = FormattedAndMounted(workspace, "dev0.img", 16384);
        string second = FormattedAndMounted(workspace, "dev1.img", 16384);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={first} name=x0 quota=4096");
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={second} name=x1 quota=4096");
        Assert.Equal(2, DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device").Count);

        DiagnosticControl.SendOk(workspace.Mountpoint, "dismount-all");

        Assert.Empty(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        Assert.False(File.Exists(workspace.Rdsk("x0")) || File.Exists(workspace.Rdsk("x1")), "volumes are still exported after dismount-all");
        Assert.Equal("1", DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={second}").Field("volumes"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void DestroyVolume_OpenThenClosed_RefusedWithEbusyThenFreesItsQuota()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, "dev0.img", 16384);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=stay quota=4096");
        string lvid = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=gone quota=8192").Field("lvid")!;

        using (PosixFile.Open(workspace.Rdsk("gone"), Libc.O_RDONLY))
        {
            DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"destroy-volume device={device} lvid={lvid}", "EBUSY");
        }
        DiagnosticControl.SendOk(workspace.Mountpoint, $"destroy-volume device={device} lvid={lvid}");

        Assert.False(File.Exists(workspace.Rdsk("gone")), "rdsk/gone is still there after destroy-volume");
        var names = DiagnosticControl.SendOk(workspace.Mountpoint, $"list-volumes device={device}").RecordsOf("volume")
            .Select(v => DiagnosticControl.Get(v, "name"));
        Assert.Equal(["stay"], names);
        Assert.Equal("4096", DiagnosticControl.SendOk(workspace.Mountpoint, $"get-device-quota device={device}").Field("used-kb"));
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=again quota=12288");
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Theory]
    [InlineData("mount-dev device={missing}", "ENOENT")]
    [InlineData("mount-dev device={blank}", "EINVAL")]
    [InlineData("format-dev device={missing} quota=0 force=0", "EINVAL")]
    [InlineData("dismount-dev device={blank}", "ENOENT")]
    [InlineData("list-volumes device={blank}", "ENOENT")]
    [InlineData("get-device-quota device={blank}", "ENOENT")]
    [InlineData("create-volume device={blank} name=v quota=1024", "ENOENT")]
    [InlineData("create-volume device={mounted} name=taken quota=1024", "EEXIST")]
    [InlineData("create-volume device={mounted} name=zero quota=0", "EINVAL")]
    [InlineData("destroy-volume device={mounted} lvid=99", "ENOENT")]
    [InlineData("destroy-volume device={mounted} lvid=0", "EINVAL")]
    public void DeviceVerbs_BadTarget_FailWithTheirErrno(string template, string errnoName)
    {
        using var workspace = Started();
        string mounted = FormattedAndMounted(workspace, "dev0.img", 16384);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={mounted} name=taken quota=1024");
        string blank = workspace.PathOf("blank.img");
        File.WriteAllBytes(blank, new byte[2 * TestData.MiB]);
        string command = template.Replace("{missing}", workspace.PathOf("missing.img"), StringComparison.Ordinal)
            .Replace("{blank}", blank, StringComparison.Ordinal)
            .Replace("{mounted}", mounted, StringComparison.Ordinal);

        DiagnosticControl.SendExpectingError(workspace.Mountpoint, command, errnoName);

        Assert.False(File.Exists(workspace.PathOf("missing.img")), $"`{command}` created the missing file");
        Assert.Equal("1", DiagnosticControl.Get(Assert.Single(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device")), "volumes"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void Nobody_PrivilegedDeviceVerbs_FailWithEpermAndOpenVerbsSucceed()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, "dev0.img", 16384);
        string lvid = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=mine quota=4096").Field("lvid")!;
        string other = workspace.PathOf("dev1.img");
        string[] privileged =
        [
            $"format-dev device={other} quota=4096 force=0",
            $"format-dev device={device} quota=4096 force=1",
            $"mount-dev device={device}",
            $"dismount-dev device={device}",
            "dismount-all",
            $"create-volume device={device} name=theirs quota=1024",
            $"destroy-volume device={device} lvid={lvid}",
        ];
        string[] open = ["list-devices", $"list-volumes device={device}", $"get-device-quota device={device}"];

        var replies = ForeignClient.Send(ForeignClient.Nobody, workspace.Mountpoint,
            [.. privileged.Select(line => (ControlDoor.Text, line)), .. open.Select(line => (ControlDoor.Text, line))]);

        foreach (var reply in replies.Take(privileged.Length))
        {
            Assert.True(reply.Errno == LinuxErrno.EPERM, $"expected EPERM; {reply}");
            Assert.False(string.IsNullOrWhiteSpace(reply.Message), $"the EPERM carries no message; {reply}");
        }
        foreach (var reply in replies.Skip(privileged.Length))
        {
            Assert.True(reply.IsOk, reply.ToString());
        }
        Assert.False(File.Exists(other), "a refused format-dev created the file");
        Assert.Equal("4096", replies[^1].Find("used-kb"));
        Assert.Single(DiagnosticControl.SendOk(workspace.Mountpoint, $"list-volumes device={device}").RecordsOf("volume"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void Vdmadm_DevAndVolumeCommands_WorkEndToEnd()
    {
        using var workspace = Started();
        string mnt = workspace.Mountpoint;
        string device = workspace.PathOf("dev0.img");

        Vdmadm.RunOk(mnt, "dev", "format", device, "--quota", "64M");
        Assert.Equal(TestData.MiB + 64 * TestData.MiB, new FileInfo(device).Length);
        var refused = Vdmadm.Run(mnt, "dev", "format", device, "--quota", "64M");
        Assert.Equal(LinuxErrno.EEXIST, refused.ExitCode);
        Assert.Contains("vdmadm: EEXIST:", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("mounted", Vdmadm.RunOk(mnt, "dev", "mount", device).StandardOutput, StringComparison.Ordinal);
        Assert.Contains("created volume web", Vdmadm.RunOk(mnt, "volume", "create", device, "web", "--quota", "16M").StandardOutput, StringComparison.Ordinal);
        Vdmadm.RunOk(mnt, "volume", "create", device, "db", "--quota", "8M");

        using (var volumes = JsonDocument.Parse(Vdmadm.RunOk(mnt, "dev", "volumes", device, "--json").StandardOutput))
        {
            var rows = volumes.RootElement.GetProperty("report")[0].GetProperty("volume");
            var byName = rows.EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("quota_kb").GetInt64());
            Assert.Equal(16384, byName["web"]);
            Assert.Equal(8192, byName["db"]);
        }
        using (var quota = JsonDocument.Parse(Vdmadm.RunOk(mnt, "dev", "quota", device, "--json").StandardOutput))
        {
            var row = quota.RootElement.GetProperty("report")[0].GetProperty("quota")[0];
            Assert.Equal(65536, row.GetProperty("quota_kb").GetInt64());
            Assert.Equal(24576, row.GetProperty("used_kb").GetInt64());
        }
        Assert.Contains(device, Vdmadm.RunOk(mnt, "dev", "list").StandardOutput, StringComparison.Ordinal);
        var tooBig = Vdmadm.Run(mnt, "volume", "create", device, "huge", "--quota", "1G");
        Assert.Equal(28, tooBig.ExitCode);
        string lvid = DiagnosticControl.SendOk(mnt, $"list-volumes device={device}").RecordsOf("volume")
            .Single(v => DiagnosticControl.Get(v, "name") == "db").Find("lvid")!;
        Vdmadm.RunOk(mnt, "volume", "destroy", device, lvid);
        Assert.False(File.Exists(workspace.Rdsk("db")), "rdsk/db is still there after vdmadm volume destroy");
        Vdmadm.RunOk(mnt, "dev", "dismount", device);
        Assert.Contains("no devices", Vdmadm.RunOk(mnt, "dev", "list").StandardOutput, StringComparison.Ordinal);
        Vdmadm.RunOk(mnt, "dev", "mount", device);
        Vdmadm.RunOk(mnt, "dev", "dismount-all");
        Assert.Empty(DiagnosticControl.SendOk(mnt, "list-devices").RecordsOf("device"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    private static DaemonWorkspace Started()
    {
        var workspace = new DaemonWorkspace();
        try
        {
            workspace.StartDaemon();
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    private static string FormattedAndMounted(DaemonWorkspace workspace, string file, long quotaKb)
    {
        string device = workspace.PathOf(file);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"format-dev device={device} quota={quotaKb} force=0");
        DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}");
        return device;
    }

    /// <summary>Writes 1 MiB of random data to the start of rdsk/VOLUME with dd (O_DIRECT) and returns it.</summary>
    private static byte[] WriteThroughRdsk(DaemonWorkspace workspace, string volume)
    {
        byte[] data = TestData.Random(TestData.MiB);
        string source = workspace.PathOf(volume + ".written");
        File.WriteAllBytes(source, data);
        SystemTools.Dd($"if={source}", $"of={workspace.Rdsk(volume)}", "bs=64K", "count=16", "oflag=direct", "conv=notrunc,fsync");
        return data;
    }

    /// <summary>Reads the first <paramref name="length"/> bytes of rdsk/VOLUME with dd (O_DIRECT).</summary>
    private static byte[] ReadThroughRdsk(DaemonWorkspace workspace, string volume, int length)
    {
        string target = workspace.PathOf(volume + ".read");
        SystemTools.Dd($"if={workspace.Rdsk(volume)}", $"of={target}", "bs=64K", $"count={length / (64 * 1024)}", "iflag=direct");
        return File.ReadAllBytes(target);
    }
}
