using System.Runtime.InteropServices;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// plex/MIRROR.IMAGE through the real mount: one read-only file per present image of every mirror, read straight
/// from the image (the directed mirror read), refused for writing with EROFS, and following link, unlink,
/// fracture and delete.
/// </summary>
public sealed partial class MirrorPlexTests : IDisposable
{
    private const int EROFS = 30;
    private const long ImageBytes = 8L * MiB;

    private readonly DaemonWorkspace _workspace = new();
    private readonly string _plex;

    public MirrorPlexTests()
    {
        _workspace.Configuration.LogLevel = "info";
        _workspace.Configuration.AddImage(_workspace.PathOf("a.img"), ImageBytes);
        _workspace.Configuration.AddImage(_workspace.PathOf("b.img"), ImageBytes);
        _workspace.Configuration.AddPhysical("a", _workspace.PathOf("a.img"));
        _workspace.Configuration.AddPhysical("b", _workspace.PathOf("b.img"));
        _workspace.StartDaemon();
        _plex = Path.Combine(_workspace.Mountpoint, "plex");
        Send("create-instance subdriver=mirror name=c images=a,b");
        Send("sync-images name=c source=a destinations=b");
        WaitUntilSynchronised("c", 1);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Plex_Mirror_ListsEveryImageReadOnlyWithItsSize()
    {
        Assert.Equal(["c.a", "c.b"], Directory.GetFiles(_plex).Select(Path.GetFileName).Order());
        foreach (var image in new[] { "c.a", "c.b" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(_plex, image));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, mode);
            Assert.Equal(ImageBytes, new FileInfo(Path.Combine(_plex, image)).Length);
        }
        Assert.False(File.Exists(Path.Combine(_plex, "c.x")));
        Assert.False(File.Exists(Path.Combine(_plex, "a")));
    }

    [Fact]
    public void Plex_WriteThroughMirror_BothImagesShowTheDataAtAnyOffset()
    {
        var data = Random(256 * 1024);
        WriteThroughDsk("c", 1234567, data);

        foreach (var image in new[] { "c.a", "c.b" })
        {
            AssertBytes.Equal(data, ReadPlex(image, 1234567, data.Length), $"plex/{image}");
            // Unaligned and short: the directed read takes any offset and length.
            AssertBytes.Equal(data.AsSpan(1, 333).ToArray(), ReadPlex(image, 1234568, 333), $"plex/{image} at an odd offset");
        }
    }

    [Fact]
    public void Plex_OpenForWriting_Erofs()
    {
        var path = Path.Combine(_plex, "c.a");
        foreach (var flags in new[] { Libc.O_WRONLY, Libc.O_RDWR, Libc.O_RDONLY | Libc.O_TRUNC })
        {
            Assert.Equal(EROFS, PosixFile.TryOpen(path, flags, out var file));
            file?.Dispose();
        }
        var error = Assert.ThrowsAny<IOException>(() => File.WriteAllBytes(path, [1, 2, 3]));
        Assert.Equal(EROFS, error.HResult & 0xffff);
    }

    [Fact]
    public void Plex_Truncate_ErofsAndSizeKept()
    {
        var path = Path.Combine(_plex, "c.b");

        Assert.Equal(-1, Truncate(path, 0));
        Assert.Equal(EROFS, Marshal.GetLastPInvokeError());
        Assert.Equal(ImageBytes, new FileInfo(path).Length);
    }

    [Fact]
    public void Plex_FracturedImage_KeepsThePointInTimeCopy()
    {
        var before = Random(64 * 1024);
        WriteThroughDsk("c", 0, before);
        Send("fracture-image name=c image=b change-granularity=8");

        var after = Random(64 * 1024);
        WriteThroughDsk("c", 0, after);

        AssertBytes.Equal(after, ReadPlex("c.a", 0, after.Length), "plex/c.a after the write");
        AssertBytes.Equal(before, ReadPlex("c.b", 0, before.Length), "plex/c.b (fractured) after the write");
        Assert.Equal(["c.a", "c.b"], Directory.GetFiles(_plex).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Plex_UnlinkLinkDelete_EntriesFollow()
    {
        Send("unlink-child-instance parent=c child=b");
        Assert.Equal(["c.a"], Directory.GetFiles(_plex).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(_plex, "c.b")));

        Send("link-child-instance parent=c child=b");
        Assert.Equal(["c.a", "c.b"], Directory.GetFiles(_plex).Select(Path.GetFileName).Order());

        Send("delete-instance name=c");
        Assert.Empty(Directory.GetFiles(_plex));
        Assert.False(File.Exists(Path.Combine(_plex, "c.a")));
    }

    private void Send(string command) => ControlFile.SendOk(_workspace.Mountpoint, command);

    /// <summary>Polls get-child-instance until the image at <paramref name="key"/> is no longer a sync destination and not corrupt.</summary>
    private void WaitUntilSynchronised(string mirror, int key)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var role = ControlFile.SendOk(_workspace.Mountpoint, $"get-child-instance parent={mirror} available=1 key={key}").Fields;
            if (role["sync-destination"] == "0" && role["corrupt"] == "0")
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"image {key} of {mirror} still syncing after 30 s: state={role["state"]}");
            Thread.Sleep(50);
        }
    }

    private void WriteThroughDsk(string name, long offset, byte[] data)
    {
        using var file = new FileStream(_workspace.Dsk(name), FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(data);
        file.Flush(flushToDisk: true);
    }

    private byte[] ReadPlex(string image, long offset, int length)
    {
        using var file = new FileStream(Path.Combine(_plex, image), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        var data = new byte[length];
        file.Position = offset;
        file.ReadExactly(data);
        return data;
    }

    [LibraryImport("libc", EntryPoint = "truncate", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Truncate(string path, long length);
}
