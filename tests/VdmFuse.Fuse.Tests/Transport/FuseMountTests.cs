using System.Runtime.InteropServices;
using Tmds.Linux;
using VdmFuse.Fuse.Session;
using VdmFuse.Fuse.Tests.Support;
using VdmFuse.Fuse.Transport;
using VdmFuse.Native;

namespace VdmFuse.Fuse.Tests.Transport;

/// <summary>Real mounts on a temporary directory: mount, serve, read a file through the kernel, unmount.</summary>
[Collection("real mounts")]
public sealed class FuseMountTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mount_ServeAndReadAFile_ReturnsItsContentAndRunEndsOnUnmount(bool viaFusermount)
    {
        var directory = Directory.CreateTempSubdirectory("vdmfuse-mount-");
        string mountpoint = Path.Combine(directory.FullName, "mnt");
        try
        {
            using var mount = viaFusermount ? FuseMount.MountWithFusermount(mountpoint) : FuseMount.MountDirectly(mountpoint);
            // Nothing may touch the mount before the session runs: the kernel would wait for INIT's answer.
            var fileSystem = new ScriptedFileSystem();
            using var session = new FuseSession(mount.DeviceFd, fileSystem);
            var thread = new Thread(session.Run) { IsBackground = true };
            thread.Start();
            Assert.Contains(File.ReadAllLines("/proc/self/mounts"), line => line.Contains(" " + mountpoint + " fuse.vdmfuse ", StringComparison.Ordinal));

            Assert.Equal(ScriptedFileSystem.Content, File.ReadAllBytes(Path.Combine(mountpoint, "hello")));
            Assert.Contains("hello", Directory.GetFileSystemEntries(mountpoint).Select(Path.GetFileName));
            Assert.NotNull(fileSystem.InitInfo);
            Assert.True(session.Statistics.RequestsOf(15) >= 1); // FUSE_READ

            mount.Unmount(lazy: false);
            Assert.True(thread.Join(10_000), "Run did not return after the unmount");
            Assert.False(mount.IsMounted);
            Assert.DoesNotContain(File.ReadAllLines("/proc/self/mounts"), line => line.Contains(" " + mountpoint + " ", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public unsafe void DetachIfStale_MountWhoseDaemonClosedTheDevice_DetachesIt()
    {
        var directory = Directory.CreateTempSubdirectory("vdmfuse-stale-");
        string mountpoint = Path.Combine(directory.FullName, "mnt");
        try
        {
            var mount = FuseMount.MountDirectly(mountpoint);
            mount.CloseDevice(); // the daemon dies: the mount stays, its connection is gone
            Assert.Equal(Errno.ENOTCONN, StatErrno(mountpoint));

            Assert.True(FuseMount.DetachIfStale(mountpoint));

            Assert.Equal(0, StatErrno(mountpoint));
            Assert.DoesNotContain(File.ReadAllLines("/proc/self/mounts"), line => line.Contains(" " + mountpoint + " ", StringComparison.Ordinal));
            Assert.False(FuseMount.DetachIfStale(mountpoint));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Mount_MountpointUnderARegularFile_ThrowsErrnoExceptionNamingIt()
    {
        var directory = Directory.CreateTempSubdirectory("vdmfuse-badpath-");
        try
        {
            string file = Path.Combine(directory.FullName, "file");
            File.WriteAllText(file, "x");
            string mountpoint = Path.Combine(file, "mnt");
            var e = Assert.Throws<ErrnoException>(() => FuseMount.Mount(mountpoint));
            Assert.Contains(mountpoint, e.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Unmount_Twice_SecondIsANoOp()
    {
        var directory = Directory.CreateTempSubdirectory("vdmfuse-twice-");
        string mountpoint = Path.Combine(directory.FullName, "mnt");
        try
        {
            using var mount = FuseMount.MountDirectly(mountpoint);
            mount.Unmount(lazy: true);
            mount.Unmount(lazy: true);
            Assert.False(mount.IsMounted);
            Assert.DoesNotContain(File.ReadAllLines("/proc/self/mounts"), line => line.Contains(" " + mountpoint + " ", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static unsafe int StatErrno(string path)
    {
        stat st;
        fixed (byte* p = FuseMount.CString(path))
        {
            return LibC.stat(p, &st) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }
}
