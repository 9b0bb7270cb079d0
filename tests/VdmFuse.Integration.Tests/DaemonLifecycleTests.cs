using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>Starting, stopping and crashing the daemon; each test has its own workspace and daemon.</summary>
public sealed class DaemonLifecycleTests
{
    [Fact]
    public void Daemon_Sigterm_UnmountsAndExitsZero()
    {
        using var workspace = SmallWorkspace();
        workspace.StartDaemon();
        Assert.True(MountTable.HasFuseMount(workspace.Mountpoint), "no FUSE mount after start");

        int exitCode = workspace.StopDaemon();

        Assert.Equal(0, exitCode);
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint), "the FUSE mount is still there after SIGTERM");
        Assert.False(File.Exists(workspace.ControlPath), "MNT/vdm is still reachable after SIGTERM");
    }

    [Fact]
    public void Daemon_WithStateDir_WritesItsLogFile()
    {
        using var workspace = SmallWorkspace();
        workspace.StartDaemon();
        Assert.Equal(0, workspace.StopDaemon());

        string log = Path.Combine(workspace.StateDirectory, "vdmfuse.log");
        Assert.True(File.Exists(log), $"no {log}");
        Assert.True(new FileInfo(log).Length > 0, $"{log} is empty");
    }

    [Theory]
    [InlineData(0)] // at once: the kernel may still hold the dead mount's root attributes in its cache
    [InlineData(1500)] // after the attribute cache has expired: every stat(2) of the mountpoint fails
    public void Daemon_KilledWithSigkill_LeavesStaleMountThatTheNextStartRecovers(int restartDelayMilliseconds)
    {
        using var workspace = SmallWorkspace();
        workspace.StartDaemon();
        byte[] data = Random(MiB);
        using (var raw = PosixFile.Open(workspace.Rdsk("p0"), Libc.O_RDWR))
        {
            raw.WriteExactly(data, 0);
        }

        workspace.KillDaemon();

        Assert.True(MountTable.HasFuseMount(workspace.Mountpoint), "SIGKILL left no mount behind: nothing to recover");
        Assert.Equal(LinuxErrno.ENOTCONN, Libc.TryGetFileSystemType(workspace.Mountpoint, out _));
        var stat = CommandRunner.Run("stat", workspace.Mountpoint);
        Assert.False(stat.Succeeded, stat.ToString());
        Assert.Contains("Transport endpoint is not connected", stat.StandardError, StringComparison.Ordinal);

        Thread.Sleep(restartDelayMilliseconds);
        var restarted = workspace.StartDaemon();

        var mounts = MountTable.At(workspace.Mountpoint);
        Assert.True(mounts.Count == 1,
            $"{mounts.Count} mounts at {workspace.Mountpoint} after the restart (the stale one was not detached):\n"
            + string.Join('\n', mounts) + "\n" + restarted.Output);
        using (var raw = PosixFile.Open(workspace.Rdsk("p0"), Libc.O_RDONLY))
        {
            AssertBytes.Equal(data, raw.ReadBytes(0, MiB), "rdsk/p0 after recovering the stale mount");
        }
        Assert.Equal(0, workspace.StopDaemon());
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint), "a mount is left after the recovered daemon stopped");
    }

    [Fact]
    public void Daemon_OneGibImageLine_CreatesSparseImageOfThatSize()
    {
        using var workspace = new DaemonWorkspace();
        string image = workspace.PathOf("big.img");
        workspace.Configuration.AddImage(image, 1L << 30).AddPhysical("big", image);
        workspace.StartDaemon();

        Assert.Equal(1L << 30, new FileInfo(image).Length);
        var blocks = CommandRunner.Run("stat", "-c", "%b %B", image).EnsureSuccess().StandardOutput.Split(' ');
        long allocated = long.Parse(blocks[0], CultureInfo.InvariantCulture) * long.Parse(blocks[1], CultureInfo.InvariantCulture);
        Assert.True(allocated < 64L * MiB, $"big.img has {allocated} bytes allocated: not sparse");
        Assert.Equal(1L << 30, new FileInfo(workspace.Rdsk("big")).Length);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void Daemon_WithoutForeground_ReturnsOnceMountedAndKeepsServing()
    {
        using var workspace = SmallWorkspace();
        workspace.Configuration.WriteTo(workspace.ConfigPath);

        var start = CommandRunner.Run(DaemonProcess.DotnetHost(), DaemonProcess.DaemonAssembly, "-c", workspace.ConfigPath, workspace.Mountpoint);

        Assert.True(start.Succeeded, start.ToString());
        var match = System.Text.RegularExpressions.Regex.Match(start.StandardOutput, @"mounted at (\S+) \(pid (\d+), log (\S+)\)");
        Assert.True(match.Success, start.StandardOutput);
        Assert.Equal(workspace.Mountpoint, match.Groups[1].Value);
        int pid = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        try
        {
            // The command has returned; the daemon lives on in its own session and serves.
            Assert.True(MountTable.HasFuseMount(workspace.Mountpoint));
            Assert.True(File.Exists(workspace.Rdsk("p0")));
            Assert.Equal(pid, GetSessionId(pid));
            Assert.Equal(Path.Combine(workspace.StateDirectory, "vdmfuse.log"), match.Groups[3].Value);
        }
        finally
        {
            Libc.Kill(pid, Libc.SIGTERM);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (MountTable.HasFuseMount(workspace.Mountpoint) && clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                Thread.Sleep(50);
            }
        }
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint), "SIGTERM did not unmount the background daemon");
        Assert.Contains("INFO", File.ReadAllText(Path.Combine(workspace.StateDirectory, "vdmfuse.log")), StringComparison.Ordinal);
    }

    [Fact]
    public void Daemon_BadConfiguration_ExitsOneNamingFileAndLine()
    {
        using var workspace = SmallWorkspace();
        File.WriteAllText(workspace.ConfigPath, "mountpoint = /mnt/x\ncolour = blue\n");

        var run = CommandRunner.Run(DaemonProcess.DotnetHost(), DaemonProcess.DaemonAssembly, "-f", "-c", workspace.ConfigPath, workspace.Mountpoint);

        Assert.Equal(1, run.ExitCode); // vold's "bad option": the configuration file is part of the command line's input
        Assert.Contains($"vdmfuse: {workspace.ConfigPath}:2: unknown setting 'colour'", run.StandardError, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint));
    }

    [Fact]
    public void Daemon_FailingConfiguredCommand_ExitsOneWithTheReason()
    {
        using var workspace = SmallWorkspace();
        workspace.Configuration.AddPhysical("ghost", workspace.PathOf("missing.img"));
        workspace.Configuration.WriteTo(workspace.ConfigPath);

        var run = CommandRunner.Run(DaemonProcess.DotnetHost(), DaemonProcess.DaemonAssembly, "-f", "-c", workspace.ConfigPath, workspace.Mountpoint);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error ENOENT", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(workspace.PathOf("missing.img"), run.StandardError, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint));
    }

    private static int GetSessionId(int pid)
    {
        // /proc/PID/stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces, so split after ')'.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[3], CultureInfo.InvariantCulture);
    }

    private static DaemonWorkspace SmallWorkspace()
    {
        var workspace = new DaemonWorkspace();
        string image = workspace.PathOf("disk0.img");
        workspace.Configuration.AddImage(image, 64L * MiB).AddPhysical("d0", image).AddPartition("p0", "d0", 2048, 16384);
        return workspace;
    }
}
