using System.Diagnostics;
using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// vold's exit codes, provoked from outside: 0 started enabled, 1 bad option, 2 started disabled, 3 already running,
/// 4 unexpected error at start, 5 the background process died before entering a mode, 6 unsupported on-disk format
/// version, 7 reset failed, 8 the mount failed, 9 an unexpected failure after start (the FUSE connection aborted under
/// a running daemon; an unmount from outside is no failure and exits 0).
/// </summary>
public sealed class DaemonExitCodeTests : IDisposable
{
    private readonly List<(string ConfigPath, string Mountpoint)> _started = [];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (configPath, mountpoint) in _started)
        {
            VdmfuseCommand.StopAll(configPath, mountpoint);
        }
    }

    /// <summary>
    /// Runs <c>vdmfuse ARGS</c> (a background start unless -f: a daemon that enters a mode returns at once) and
    /// remembers the configuration so that whatever it started is stopped after the test.
    /// </summary>
    private CommandResult Start(params string[] arguments)
    {
        int config = Array.IndexOf(arguments, "-c");
        _started.Add((arguments[config + 1], arguments[^1]));
        return VdmfuseCommand.Run(arguments);
    }

    [Fact]
    public void BackgroundStart_GoodConfiguration_ExitsZeroEnabled()
    {
        using var workspace = Written(new DaemonWorkspace());
        try
        {
            var start = Start("-c", workspace.ConfigPath, workspace.Mountpoint);

            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.Equal("enabled", DiagnosticControl.GetMode(workspace.Mountpoint).Mode);
        }
        finally
        {
            VdmfuseCommand.StopAll(workspace.ConfigPath, workspace.Mountpoint);
        }
    }

    [Theory]
    [InlineData("-Z")]
    [InlineData("-r", "everything")]
    [InlineData("-x", "7")]
    public void Start_BadOption_ExitsOneWithoutMounting(params string[] options)
    {
        using var workspace = Written(new DaemonWorkspace());

        var run = Start([.. options, "-c", workspace.ConfigPath, workspace.Mountpoint]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("vdmfuse: ", run.StandardError, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint));
    }

    [Fact]
    public void BackgroundStart_DashD_ExitsTwoDisabled()
    {
        using var workspace = Written(new DaemonWorkspace());
        try
        {
            var start = Start("-d", "-c", workspace.ConfigPath, workspace.Mountpoint);

            Assert.True(start.ExitCode == 2, start.ToString());
            Assert.Equal("disabled", DiagnosticControl.GetMode(workspace.Mountpoint).Mode);
        }
        finally
        {
            VdmfuseCommand.StopAll(workspace.ConfigPath, workspace.Mountpoint);
        }
    }

    [Fact]
    public void Start_SecondDaemonOnTheSameStateDirectory_ExitsThreeAndTheFirstServesOn()
    {
        using var workspace = new DaemonWorkspace();
        workspace.StartDaemon();
        string otherMountpoint = workspace.CreateDirectory("mnt2");

        var second = Start("-c", workspace.ConfigPath, otherMountpoint);

        Assert.True(second.ExitCode == 3, second.ToString());
        Assert.Contains(workspace.StateDirectory, second.StandardError, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(otherMountpoint));
        Assert.Equal("enabled", DiagnosticControl.GetMode(workspace.Mountpoint).Mode);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void Start_StateDirectoryThatCannotBeCreated_ExitsFour()
    {
        using var scratch = new ScratchDirectory();
        string blocker = scratch.PathOf("not-a-directory");
        File.WriteAllText(blocker, "a regular file");
        string mountpoint = scratch.CreateDirectory("mnt");
        var configuration = new DaemonConfiguration(mountpoint, Path.Combine(blocker, "state"));
        string configPath = scratch.PathOf("vdmfuse.conf");
        configuration.WriteTo(configPath);

        var run = Start("-c", configPath, mountpoint);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains(blocker, run.StandardError, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(mountpoint));
    }

    [Fact]
    public async Task BackgroundStart_ChildKilledBeforeEnteringAMode_ExitsFive()
    {
        using var workspace = Written(new DaemonWorkspace());
        var startInfo = new ProcessStartInfo(DaemonProcess.DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { DaemonProcess.DaemonAssembly, "-c", workspace.ConfigPath, workspace.Mountpoint })
        {
            startInfo.ArgumentList.Add(argument);
        }
        _started.Add((workspace.ConfigPath, workspace.Mountpoint));
        try
        {
            using var starter = Process.Start(startInfo)!;
            var stderr = starter.StandardError.ReadToEndAsync();
            _ = starter.StandardOutput.ReadToEndAsync();
            // The background child is the second vdmfuse process with this configuration: kill it the moment it
            // appears, long before the .NET runtime has started it far enough to mount.
            int child = 0;
            var clock = Stopwatch.StartNew();
            while (child == 0 && clock.Elapsed < TimeSpan.FromSeconds(20) && !starter.HasExited)
            {
                child = VdmfuseCommand.FindDaemons(workspace.ConfigPath).FirstOrDefault(pid => pid != starter.Id);
            }
            Assert.True(child != 0, "the background child never appeared");
            Libc.Kill(child, Libc.SIGKILL);
            Assert.True(starter.WaitForExit(TimeSpan.FromSeconds(30)), "the starting command did not return after its child died");

            Assert.True(starter.ExitCode == 5, $"exit {starter.ExitCode}\n{await stderr}");
            Assert.False(MountTable.HasFuseMount(workspace.Mountpoint));
        }
        finally
        {
            VdmfuseCommand.StopAll(workspace.ConfigPath, workspace.Mountpoint);
        }
    }

    [Fact]
    public void Start_CopiesWithAnUnsupportedFormatVersion_ExitsSixNamingTheVersion()
    {
        using var workspace = new DaemonWorkspace();
        workspace.StartDaemon();
        Assert.Equal(0, workspace.StopDaemon());
        foreach (var copy in DefaultCopies(workspace))
        {
            ConfigCopyFile.WriteVersion(copy, 99);
        }

        var run = Start("-c", workspace.ConfigPath, workspace.Mountpoint);

        Assert.True(run.ExitCode == 6, run.ToString());
        Assert.Contains("99", run.StandardError, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint));
    }

    [Fact]
    public void Start_ResetWithACopyThatCannotBeWritten_ExitsSeven()
    {
        using var workspace = new DaemonWorkspace();
        string missing = workspace.PathOf("no-such-directory/config.1");
        workspace.Configuration.AddConfigCopy(workspace.PathOf("config.0")).AddConfigCopy(missing);
        workspace.Configuration.WriteTo(workspace.ConfigPath);

        var run = Start("-r", "reset", "-c", workspace.ConfigPath, workspace.Mountpoint);

        Assert.True(run.ExitCode == 7, run.ToString());
        Assert.Contains("no-such-directory", run.StandardError, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint));
    }

    [Fact]
    public void Start_MountpointIsARegularFile_ExitsEight()
    {
        using var workspace = Written(new DaemonWorkspace());
        string file = workspace.PathOf("plain-file");
        File.WriteAllText(file, "not a directory");

        var run = Start("-c", workspace.ConfigPath, file);

        Assert.True(run.ExitCode == 8, run.ToString());
        Assert.Contains(file, run.StandardError, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(file));
    }

    [Fact]
    public void Foreground_ConnectionAbortedThroughFusectl_ExitsNineLoggingItAndDetachingTheDeadMount()
    {
        using var workspace = Written(new DaemonWorkspace());
        var daemon = workspace.StartDaemon();

        int connection = MountTable.AbortConnection(workspace.Mountpoint);
        int exitCode = workspace.WaitForDaemonExit();

        Assert.True(exitCode == 9, $"exit {exitCode} after aborting FUSE connection {connection}\n{daemon.Output}");
        Assert.Contains($"FUSE connection {connection} of {workspace.Mountpoint} ended while {workspace.Mountpoint} is still mounted",
            daemon.Output, StringComparison.Ordinal);
        Assert.Contains($"ERROR DaemonHost: FUSE connection {connection} of {workspace.Mountpoint}", daemon.Output, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint), $"the dead mount was left at {workspace.Mountpoint}\n{daemon.Output}");

        // The next start mounts again without help.
        workspace.StartDaemon();
        Assert.Equal("enabled", DiagnosticControl.GetMode(workspace.Mountpoint).Mode);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void Foreground_UnmountedFromOutside_ExitsZero()
    {
        using var workspace = Written(new DaemonWorkspace());
        var daemon = workspace.StartDaemon();

        var umount = CommandRunner.Run("umount", workspace.Mountpoint);
        Assert.True(umount.ExitCode == 0, umount.ToString());
        int exitCode = workspace.WaitForDaemonExit();

        Assert.True(exitCode == 0, $"exit {exitCode} after umount\n{daemon.Output}");
        Assert.Contains("unmounted from " + workspace.Mountpoint + " from outside", daemon.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("still mounted", daemon.Output, StringComparison.Ordinal);
        Assert.False(MountTable.HasFuseMount(workspace.Mountpoint));
    }

    private static DaemonWorkspace Written(DaemonWorkspace workspace)
    {
        workspace.Configuration.LogLevel = "info";
        workspace.Configuration.WriteTo(workspace.ConfigPath);
        return workspace;
    }

    private static string[] DefaultCopies(DaemonWorkspace workspace) =>
        [Path.Combine(workspace.StateDirectory, "config.0"), Path.Combine(workspace.StateDirectory, "config.1")];
}
