using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// A running <c>vdmfuse -f -c CONFIG MOUNTPOINT</c> with its output captured. <see cref="Start"/> returns once the
/// file system is mounted and answering; <see cref="Stop"/> sends SIGTERM and checks the mount is gone.
/// Dispose always leaves no process and no mount behind.
/// </summary>
public sealed class DaemonProcess : IDisposable
{
    /// <summary>How long a start may take before the test fails.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long the daemon may take to exit after a signal.</summary>
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DaemonProcess(Process process, string mountpoint)
    {
        _process = process;
        Mountpoint = mountpoint;
    }

    public string Mountpoint { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the daemon printed on stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The daemon executable, copied next to the test assembly by the project reference.</summary>
    public static string DaemonAssembly => Path.Combine(AppContext.BaseDirectory, "vdmfuse.dll");

    /// <summary>Starts the daemon and waits (bounded) until the mount answers; throws with the daemon's output otherwise.</summary>
    /// <param name="configPath">The configuration file.</param>
    /// <param name="mountpoint">Where to mount.</param>
    /// <param name="runAsUid">Run the daemon as this uid and gid (through setpriv, which execs: the pid stays the daemon's).</param>
    /// <param name="options">More daemon options, given before <c>-c</c> (such as <c>-d</c> or <c>-x 2</c>).</param>
    public static DaemonProcess Start(string configPath, string mountpoint, int? runAsUid = null, IReadOnlyList<string>? options = null)
    {
        var program = runAsUid is null ? DotnetHost() : "setpriv";
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (runAsUid is { } uid)
        {
            foreach (var argument in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--", DotnetHost() })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in (string[])[DaemonAssembly, "-f", .. options ?? [], "-c", configPath, mountpoint])
        {
            startInfo.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var daemon = new DaemonProcess(process, mountpoint);
        process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            daemon.WaitUntilMounted();
        }
        catch
        {
            daemon.Dispose();
            throw;
        }
        return daemon;
    }

    /// <summary>
    /// Sends SIGTERM and waits for the exit. Returns the exit code. Throws (after cleaning up) when the daemon does not
    /// exit in time or leaves its mount behind.
    /// </summary>
    public int Stop()
    {
        if (!_process.HasExited)
        {
            Signal(Libc.SIGTERM);
        }
        if (!_process.WaitForExit(ExitTimeout))
        {
            KillAndDetach();
            throw new InvalidOperationException(
                $"vdmfuse (pid {Pid}) did not exit within {ExitTimeout.TotalSeconds} s of SIGTERM; killed it.\n{Output}");
        }
        _process.WaitForExit(); // drains the asynchronous output readers
        if (MountTable.HasFuseMount(Mountpoint))
        {
            MountTable.Detach(Mountpoint);
            throw new InvalidOperationException(
                $"vdmfuse exited with {_process.ExitCode} but left {Mountpoint} mounted; detached it with umount -l.\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>
    /// Waits (bounded by <see cref="ExitTimeout"/>) for a daemon that is ending by itself, without signalling it, and returns
    /// its exit code; throws with its output when it does not exit in time.
    /// </summary>
    public int WaitForExit()
    {
        if (!_process.WaitForExit(ExitTimeout))
        {
            throw new TimeoutException($"vdmfuse (pid {Pid}) did not exit within {ExitTimeout.TotalSeconds} s.\n{Output}");
        }
        _process.WaitForExit(); // drains the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>Sends SIGKILL and waits for the process to go; the mount is left behind, as a crash would leave it.</summary>
    public void Kill()
    {
        Signal(Libc.SIGKILL);
        if (!_process.WaitForExit(ExitTimeout))
        {
            throw new InvalidOperationException($"vdmfuse (pid {Pid}) survived SIGKILL for {ExitTimeout.TotalSeconds} s");
        }
        _process.WaitForExit();
    }

    /// <summary>Releases the process object only; used after <see cref="Kill"/> when the stale mount must stay.</summary>
    public void ReleaseWithoutCleanup() => _process.Dispose();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal(Libc.SIGTERM);
            if (!_process.WaitForExit(ExitTimeout))
            {
                KillAndDetach();
            }
        }
        if (MountTable.HasFuseMount(Mountpoint))
        {
            MountTable.Detach(Mountpoint);
        }
        _process.Dispose();
    }

    private void WaitUntilMounted()
    {
        var clock = Stopwatch.StartNew();
        string lastState = "not started";
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException(
                    $"vdmfuse exited with {_process.ExitCode} before mounting {Mountpoint}.\n{Output}");
            }
            if (MountTable.HasFuseMount(Mountpoint))
            {
                lastState = ProbeMount();
                if (lastState == "ready")
                {
                    return;
                }
            }
            else
            {
                lastState = "no FUSE mount in /proc/self/mountinfo";
            }
            Thread.Sleep(25);
        }
        throw new TimeoutException(
            $"vdmfuse did not become ready at {Mountpoint} within {ReadyTimeout.TotalSeconds} s ({lastState}).\n{Output}");
    }

    /// <summary>statfs and a look for the control file, on a worker so that a server that never answers cannot hang the test.</summary>
    private string ProbeMount()
    {
        var probe = Task.Run(() =>
        {
            int errno = Libc.TryGetFileSystemType(Mountpoint, out long fsType);
            if (errno != 0)
            {
                return $"statfs failed with errno {errno}";
            }
            if (fsType != Libc.FuseSuperMagic)
            {
                return $"statfs f_type 0x{fsType:x}";
            }
            return File.Exists(Path.Combine(Mountpoint, "vdm")) ? "ready" : "no control file yet";
        });
        return probe.Wait(TimeSpan.FromSeconds(5)) ? probe.Result : "statfs did not return within 5 s";
    }

    private void KillAndDetach()
    {
        MountTable.Detach(Mountpoint);
        if (!_process.HasExited)
        {
            Signal(Libc.SIGKILL);
            _process.WaitForExit(ExitTimeout);
        }
        MountTable.Detach(Mountpoint);
    }

    private void Signal(int signal)
    {
        if (Libc.Kill(_process.Id, signal) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (!_process.HasExited)
            {
                throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {errno}");
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    internal static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileName(self) == "dotnet")
        {
            return self;
        }
        return "dotnet";
    }
}
