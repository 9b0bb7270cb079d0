using System.Runtime.InteropServices;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Device management beyond one command: a forced dismount under open files, device mounts that outlive a daemon
/// restart, a real block device (a loop device) as a Shore device, and create-instance subdriver=volume refused.
/// </summary>
public sealed class DeviceLifecycleTests
{
    private const int ENXIO = 6;

    [Fact]
    public void DismountDevForced_VolumesOpen_IoOnTheOpenFilesFailsWithEnxioAndRemountBringsTheDataBack()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, workspace.PathOf("dev0.img"), 16384);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=held quota=4096");
        byte[] data = TestData.Random(64 * 1024);
        var buffered = PosixFile.Open(workspace.Dsk("held"), Libc.O_RDWR);
        var raw = PosixFile.Open(workspace.Rdsk("held"), Libc.O_RDWR);
        try
        {
            buffered.WriteExactly(data, 4096);
            buffered.Fsync();

            DiagnosticControl.SendOk(workspace.Mountpoint, $"dismount-dev device={device} force=1");

            var buffer = new byte[4096];
            foreach (var file in new[] { buffered, raw })
            {
                Assert.Equal(ENXIO, file.TryPread(buffer, 0, out _));
                Assert.Equal(ENXIO, file.TryPwrite(buffer, 0, out _));
                Assert.Equal(-1, Libc.Fsync(file.Descriptor));
                Assert.Equal(ENXIO, Marshal.GetLastPInvokeError());
            }
            Assert.False(File.Exists(workspace.Dsk("held")), "dsk/held is still there after a forced dismount");
            Assert.False(File.Exists(workspace.Rdsk("held")), "rdsk/held is still there after a forced dismount");
            Assert.Empty(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        }
        finally
        {
            Assert.Equal(0, buffered.Close());
            Assert.Equal(0, raw.Close());
        }

        Assert.Equal("1", DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}").Field("volumes"));
        using (var again = PosixFile.Open(workspace.Dsk("held"), Libc.O_RDONLY))
        {
            AssertBytes.Equal(data, again.ReadBytes(4096, data.Length), "dsk/held after the forced dismount and a new mount");
        }
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void MountDev_DaemonRestarted_VolumeBackWithItsDataAndDeviceNumberUntilDismounted()
    {
        using var workspace = Started();
        string device = FormattedAndMounted(workspace, workspace.PathOf("dev0.img"), 16384);
        string number = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=kept quota=4096").Field("device-number")!;
        byte[] data = TestData.Random(128 * 1024);
        using (var file = PosixFile.Open(workspace.Rdsk("kept"), Libc.O_RDWR))
        {
            file.WriteExactly(data, 0);
            file.Fsync();
        }

        Assert.Equal(0, workspace.StopDaemon());
        workspace.StartDaemon();

        var record = Assert.Single(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        Assert.Equal(device, DiagnosticControl.Get(record, "path"));
        var volume = Assert.Single(DiagnosticControl.SendOk(workspace.Mountpoint, $"list-volumes device={device}").RecordsOf("volume"));
        Assert.Equal(number, DiagnosticControl.Get(volume, "device-number"));
        using (var file = PosixFile.Open(workspace.Dsk("kept"), Libc.O_RDONLY))
        {
            AssertBytes.Equal(data, file.ReadBytes(0, data.Length), "dsk/kept after a restart");
        }

        DiagnosticControl.SendOk(workspace.Mountpoint, $"dismount-dev device={device}");
        Assert.Equal(0, workspace.StopDaemon());
        workspace.StartDaemon();

        Assert.Empty(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        Assert.False(File.Exists(workspace.Dsk("kept")), "dsk/kept came back after dismount-dev and a restart");
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void LoopDevice_FormatMountVolumeIo_WorksAndAnotherNodeForItIsRefused()
    {
        using var workspace = Started();
        string backing = workspace.PathOf("loop.img");
        using (var file = new FileStream(backing, FileMode.CreateNew))
        {
            file.SetLength(64 * TestData.MiB);
        }
        using var loop = LoopDevice.Attach(backing);
        string device = loop.Device;

        var tooBig = DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"format-dev device={device} quota=65536 force=1", "ENOSPC");
        Assert.Contains(device, tooBig.Reply!.Message, StringComparison.Ordinal);
        DiagnosticControl.SendOk(workspace.Mountpoint, $"format-dev device={device} quota=61440 force=1");
        DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}");
        DiagnosticControl.SendOk(workspace.Mountpoint, $"create-volume device={device} name=lv quota=16384");
        byte[] raw = TestData.Random(256 * 1024);
        byte[] text = TestData.Random(3000);
        using (var file = PosixFile.Open(workspace.Rdsk("lv"), Libc.O_RDWR))
        {
            file.WriteExactly(raw, 0);
            file.Fsync();
        }
        using (var file = PosixFile.Open(workspace.Dsk("lv"), Libc.O_RDWR))
        {
            file.WriteExactly(text, 1_000_001);
            file.Fsync();
            AssertBytes.Equal(raw, file.ReadBytes(0, raw.Length), "dsk/lv on a loop device");
            AssertBytes.Equal(text, file.ReadBytes(1_000_001, text.Length), "dsk/lv on a loop device, unaligned");
        }

        // Another node for the same block device (same major:minor), and a symbolic link to it.
        string node = workspace.PathOf("loop.node");
        CommandRunner.RunShell($"mknod {node} b $(stat -c '%Hr %Lr' {device})").EnsureSuccess();
        string link = workspace.PathOf("loop.link");
        File.CreateSymbolicLink(link, device);
        foreach (var alias in new[] { node, link })
        {
            var refused = DiagnosticControl.SendExpectingError(workspace.Mountpoint, $"mount-dev device={alias}", "EBUSY");
            Assert.Contains($"device '{alias}' is the device already mounted as '{device}'", refused.Reply!.Message, StringComparison.Ordinal);
        }

        DiagnosticControl.SendOk(workspace.Mountpoint, $"dismount-dev device={device}");
        Assert.Empty(DiagnosticControl.SendOk(workspace.Mountpoint, "list-devices").RecordsOf("device"));
        Assert.False(File.Exists(workspace.Rdsk("lv")), "rdsk/lv is still there after dismount-dev");
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void CreateInstance_SubdriverVolume_FailsWithEinvalPointingAtCreateVolume()
    {
        using var workspace = Started();

        var refused = DiagnosticControl.SendExpectingError(workspace.Mountpoint, "create-instance subdriver=volume name=v1", "EINVAL");

        Assert.Contains("volumes are created with create-volume on a mounted device (format-dev, mount-dev, create-volume)", refused.Reply!.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(workspace.Dsk("v1")), "a refused create-instance exported dsk/v1");
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

    private static string FormattedAndMounted(DaemonWorkspace workspace, string device, long quotaKb)
    {
        DiagnosticControl.SendOk(workspace.Mountpoint, $"format-dev device={device} quota={quotaKb} force=0");
        DiagnosticControl.SendOk(workspace.Mountpoint, $"mount-dev device={device}");
        return device;
    }
}
