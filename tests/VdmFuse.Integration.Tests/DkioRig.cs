using System.Diagnostics;
using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// The rig of the dkio(7) integration tests: a daemon of its own, image files in its scratch directory, the text form of
/// the control file, and the C program c/dkio_example.c compiled by gcc against packaging/include/vdmfuse/vdm.h.
/// </summary>
public sealed class DkioRig : IDisposable
{
    public const int Block = 512;
    public const int EPERM = 1, EINTR = 4, EROFS = 30, EOVERFLOW = 75, ENOTSUP = 95;

    private readonly DaemonWorkspace _workspace = new();
    private string? _program;

    /// <summary>Starts a daemon (log level info) with nothing configured.</summary>
    public DkioRig()
    {
        try
        {
            _workspace.Configuration.LogLevel = "info";
            _workspace.StartDaemon();
        }
        catch
        {
            _workspace.Dispose();
            throw;
        }
    }

    public DaemonWorkspace Workspace => _workspace;

    public string Mountpoint => _workspace.Mountpoint;

    public string DaemonLog => _workspace.Daemon?.Output ?? "";

    /// <summary>MNT/dsk/NAME.</summary>
    public string Dsk(string name) => _workspace.Dsk(name);

    /// <summary>MNT/rdsk/NAME.</summary>
    public string Rdsk(string name) => _workspace.Rdsk(name);

    /// <summary>MNT/plex/MIRROR.IMAGE.</summary>
    public string Plex(string mirror, string image) => Path.Combine(Mountpoint, "plex", $"{mirror}.{image}");

    /// <summary>Creates an image file of random data (or a sparse one) in the scratch directory; returns its path.</summary>
    public string CreateImage(string fileName, long bytes, bool sparse = false)
    {
        string path = _workspace.PathOf(fileName);
        if (sparse)
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.SetLength(bytes);
        }
        else
        {
            File.WriteAllBytes(path, TestData.Random(checked((int)bytes)));
        }
        return path;
    }

    /// <summary>create-instance subdriver=physical over a new image file NAME.img; returns the image's path.</summary>
    public string CreatePhysical(string name, long bytes, bool sparse = false, bool persistent = false)
    {
        string image = CreateImage($"{name}.img", bytes, sparse);
        Send($"create-instance subdriver=physical name={name} path={image}{(persistent ? " persistent=1" : "")}");
        return image;
    }

    /// <summary>Creates mirror NAME over physical instances NAMEa, NAMEb... and syncs the first image to the others.</summary>
    public void CreateSyncedMirror(string name, params string[] images)
    {
        Send($"create-instance subdriver=mirror name={name} images={string.Join(',', images)}");
        Send($"sync-images name={name} source={images[0]} destinations={string.Join(',', images.Skip(1))}");
        WaitUntil(() => Send($"get-attributes name={name}").Fields["sync-in-progress"] == "0", $"the sync of {name} ends");
    }

    public ControlReply Send(string command) => ControlFile.SendOk(Mountpoint, command);

    /// <summary>Sends <paramref name="command"/>, asserts it fails with <paramref name="errno"/> and a sentence holding every part.</summary>
    public ControlReply SendExpectingError(string command, int errno, string errnoName, params string[] messageParts)
    {
        var reply = ControlFile.SendExpectingError(Mountpoint, command, errno, errnoName);
        foreach (var part in messageParts)
        {
            Assert.True(reply.ErrorMessage.Contains(part, StringComparison.Ordinal), $"the sentence does not contain '{part}'; {reply}");
        }
        return reply;
    }

    /// <summary>The device number of an instance (get-instances).</summary>
    public string DeviceNumber(string name) => ControlFile.GetInstances(Mountpoint)[name]["device-number"];

    /// <summary>Stops the daemon and asserts it exits with 0.</summary>
    public void StopDaemon()
    {
        string log = DaemonLog;
        Assert.True(_workspace.StopDaemon() == 0, $"vdmfuse did not exit with 0\n{log}");
    }

    public void StartDaemon() => _workspace.StartDaemon();

    /// <summary>The compiled c/dkio_example.c (gcc -Wall -Werror), built on first use.</summary>
    public string Program => _program ??= Compile(_workspace);

    /// <summary>Compiles c/dkio_example.c with gcc -Wall -Werror against vdm.h into <paramref name="workspace"/>; returns the program.</summary>
    public static string Compile(DaemonWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        string program = workspace.PathOf("dkio_example");
        CommandRunner.Run("gcc", "-Wall", "-Werror", "-I", RepositoryLayout.IncludeDirectory, "-o", program,
            Path.Combine(RepositoryLayout.CSources, "dkio_example.c")).EnsureSuccess();
        return program;
    }

    /// <summary>Runs the C program (MODE FILE ARGS...), asserts it exits with 0 and parses its lines.</summary>
    public DkioOutput Run(params string[] arguments) => Run(Program, DaemonLog, arguments);

    /// <summary>Runs <paramref name="program"/> (MODE FILE ARGS...), asserts it exits with 0 and parses its lines.</summary>
    public static DkioOutput Run(string program, string daemonLog, params string[] arguments)
    {
        var run = CommandRunner.Run(program, arguments);
        Assert.True(run.ExitCode == 0, $"dkio_example failed\n{run}\n--- daemon ---\n{daemonLog}");
        return new DkioOutput(run.StandardOutput);
    }

    /// <summary>Starts the C program in the background; the task completes with its parsed lines.</summary>
    public async Task<DkioOutput> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        string program = Program;
        var run = await CommandRunner.RunAsync(program, arguments, timeout).ConfigureAwait(false);
        Assert.True(run.ExitCode == 0, $"dkio_example failed\n{run}");
        return new DkioOutput(run.StandardOutput);
    }

    /// <summary>Waits (at most 30 s) until <paramref name="condition"/> holds.</summary>
    public void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting until {what}\n{DaemonLog}");
            Thread.Sleep(20);
        }
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public void Dispose() => _workspace.Dispose();
}

/// <summary>
/// What c/dkio_example.c printed: one line per call, <c>NAME result=0 FIELD=VALUE ...</c> or <c>NAME result=-1 errno=E</c>,
/// keyed by NAME (a name printed more than once, such as <c>dmr</c>, keeps every line in order).
/// </summary>
public sealed class DkioOutput
{
    private readonly Dictionary<string, List<IReadOnlyDictionary<string, string>>> _lines = new(StringComparer.Ordinal);

    public DkioOutput(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var token in tokens.Skip(1))
            {
                int equals = token.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    fields[token[..equals]] = token[(equals + 1)..];
                }
            }
            if (!_lines.TryGetValue(tokens[0], out var list))
            {
                list = [];
                _lines[tokens[0]] = list;
            }
            list.Add(fields);
        }
    }

    public string Text { get; }

    /// <summary>The only line called <paramref name="name"/>.</summary>
    public IReadOnlyDictionary<string, string> this[string name]
    {
        get
        {
            var all = All(name);
            Assert.True(all.Count == 1, $"expected one line '{name}', found {all.Count} in\n{Text}");
            return all[0];
        }
    }

    /// <summary>Every line called <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> All(string name) =>
        _lines.TryGetValue(name, out var list) ? list : [];

    /// <summary>Asserts call <paramref name="name"/> succeeded and its fields are <paramref name="expected"/> ("k=v k=v").</summary>
    public void AssertOk(string name, string expected)
    {
        var line = this[name];
        Assert.True(line.TryGetValue("result", out var result) && result == "0", $"{name} failed in\n{Text}");
        foreach (var pair in expected.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = pair[..equals], value = pair[(equals + 1)..];
            Assert.True(line.TryGetValue(key, out var actual) && actual == value,
                $"{name}: expected {key}={value}, got {(actual ?? "(none)")} in\n{Text}");
        }
    }

    /// <summary>Asserts call <paramref name="name"/> returned -1 with errno <paramref name="errnoName"/>.</summary>
    public void AssertFails(string name, string errnoName)
    {
        var line = this[name];
        Assert.True(line.GetValueOrDefault("result") == "-1" && line.GetValueOrDefault("errno") == errnoName,
            $"expected {name} to fail with {errnoName} in\n{Text}");
    }

    /// <summary>A numeric field of the only line <paramref name="name"/>.</summary>
    public long Number(string name, string key) => long.Parse(this[name][key], CultureInfo.InvariantCulture);
}
