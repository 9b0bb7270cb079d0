using System.Diagnostics;
using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

// The rig of the mirror fault tests: a daemon of its own per test with three image files filled with different
// random data, physical instances a, b, c over them and fault instances fa, fb, fc over those; the mirror m is
// built by each test over the fault instances. Helpers read the role packets and wait for syncs.
public sealed partial class MirrorFaultTests : IDisposable
{
    private const int Block = 512;
    private const long ImageBytes = 32L * MiB;
    private const long ImageBlocks = ImageBytes / Block;
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Letters = ["a", "b", "c"];

    private readonly DaemonWorkspace _workspace = new();

    public MirrorFaultTests()
    {
        try
        {
            foreach (var letter in Letters)
            {
                string image = ImageOf(letter);
                File.WriteAllBytes(image, Random((int)ImageBytes));
                _workspace.Configuration.AddImage(image, ImageBytes);
                _workspace.Configuration.AddPhysical(letter, image);
                _workspace.Configuration.AddCommand($"create-instance subdriver=fault name=f{letter} child={letter}");
            }
            _workspace.StartDaemon();
        }
        catch
        {
            _workspace.Dispose();
            throw;
        }
    }

    public void Dispose() => _workspace.Dispose();

    private string Mountpoint => _workspace.Mountpoint;

    private string DaemonLog => _workspace.Daemon?.Output ?? "";

    /// <summary>The image file under physical instance <paramref name="letter"/>.</summary>
    private string ImageOf(string letter) => _workspace.PathOf($"{letter}.img");

    private ControlReply Send(string command) => ControlFile.SendOk(Mountpoint, command);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Creates mirror m over the given fault instances ("fa,fb").</summary>
    private void CreateMirror(string images) => Send($"create-instance subdriver=mirror name=m images={images}");

    /// <summary>Creates mirror m over the given images and syncs the first to the others, waiting for the end.</summary>
    private void CreateSyncedMirror(params string[] images)
    {
        CreateMirror(string.Join(',', images));
        Send($"sync-images name=m source={images[0]} destinations={string.Join(',', images.Skip(1))}");
        WaitForSyncEnd();
        Assert.All(images, image => Assert.Equal("usable", StateOf(image)));
    }

    /// <summary>The role packet of every image of m, by image name (get-child-instance available=1 until ENOENT).</summary>
    private Dictionary<string, IReadOnlyDictionary<string, string>> Roles()
    {
        var roles = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        string key = "0";
        for (int i = 0; i < 10; i++)
        {
            var reply = ControlFile.Send(Mountpoint, $"get-child-instance parent=m available=1 key={key}");
            if (reply.Status == "error")
            {
                Assert.True(reply.ErrorName == "ENOENT", reply.ToString());
                return roles;
            }
            Assert.True(reply.IsOk, reply.ToString());
            roles[reply.Fields["child"]] = reply.Fields;
            key = reply.Fields["key"];
        }
        throw new InvalidOperationException("mirror m lists more than 10 images");
    }

    private string StateOf(string image) => Roles()[image]["state"];

    private bool SyncInProgress() => Send("get-attributes name=m").Fields["sync-in-progress"] == "1";

    /// <summary>Polls get-attributes until sync-in-progress=0; returns how long that took.</summary>
    private TimeSpan WaitForSyncEnd(TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (SyncInProgress())
        {
            Assert.True(clock.Elapsed < (timeout ?? SyncTimeout), $"the sync of m did not end within {(timeout ?? SyncTimeout).TotalSeconds} s\n{DaemonLog}");
            Thread.Sleep(50);
        }
        return clock.Elapsed;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling.</summary>
    private void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < SyncTimeout, $"timed out waiting until {what}\n{DaemonLog}");
            Thread.Sleep(20);
        }
    }

    private long BlocksWritten(string instance) =>
        long.Parse(Send($"dsk-usage name={instance}").Fields["blocks-written"], CultureInfo.InvariantCulture);

    private int RuleCount(string faultInstance) =>
        int.Parse(Send($"fault-list name={faultInstance}").Fields["count"], CultureInfo.InvariantCulture);

    private PosixFile OpenMirror() => PosixFile.Open(_workspace.Rdsk("m"), Libc.O_RDWR);

    /// <summary>Asserts the image files of <paramref name="letters"/> are byte for byte the same, naming the first difference.</summary>
    private void AssertImagesIdentical(params string[] letters)
    {
        byte[] first = File.ReadAllBytes(ImageOf(letters[0]));
        foreach (var letter in letters.Skip(1))
        {
            AssertBytes.Equal(first, File.ReadAllBytes(ImageOf(letter)), $"{letter}.img against {letters[0]}.img");
        }
    }

    /// <summary>
    /// Asserts the daemon's log has a line containing every one of <paramref name="parts"/>, waiting a little: the
    /// daemon's output reaches the test through a pipe read in the background.
    /// </summary>
    private void AssertLogLine(params string[] parts)
    {
        var clock = Stopwatch.StartNew();
        while (!DaemonLog.Split('\n').Any(line => parts.All(part => line.Contains(part, StringComparison.Ordinal))))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"no daemon log line contains all of [{string.Join(" | ", parts)}]\n{DaemonLog}");
            Thread.Sleep(20);
        }
    }
}
