using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>A real file system on a loop device over rdsk/, surviving a restart of the daemon.</summary>
public sealed class LoopbackExt4Tests
{
    [Fact]
    public void Ext4OnLoopOverRawPartition_AfterDaemonRestart_FilesIntactAndFsckClean()
    {
        using var workspace = new DaemonWorkspace();
        string image = workspace.PathOf("disk0.img");
        workspace.Configuration.AddImage(image, 256L * MiB).AddPhysical("d0", image).AddPartition("p0", "d0", 2048, 409600);
        string mountDirectory = workspace.CreateDirectory("ext4");
        var files = new Dictionary<string, int> { ["a.bin"] = 3 * MiB, ["b.bin"] = MiB + 123, ["dir/c.bin"] = 2 * MiB };
        var hashes = new Dictionary<string, string>();

        workspace.StartDaemon();
        using (var loop = LoopDevice.Attach(workspace.Rdsk("p0")))
        {
            CommandRunner.Run("mkfs.ext4", "-q", "-F", loop.Device).EnsureSuccess();
            using (var ext4 = ExternalMount.Mount(loop.Device, mountDirectory))
            {
                foreach (var (relative, length) in files)
                {
                    string path = Path.Combine(mountDirectory, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllBytes(path, Random(length));
                    hashes[relative] = Sha256OfFile(path);
                }
                ext4.Unmount();
            }
            var fsck = CommandRunner.Run("fsck.ext4", "-n", "-f", loop.Device);
            Assert.True(fsck.ExitCode == 0, $"fsck after writing (loop direct I/O: {loop.DirectIo}): {fsck}");
        }

        Assert.Equal(0, workspace.StopDaemon());
        workspace.StartDaemon();

        using (var loop = LoopDevice.Attach(workspace.Rdsk("p0")))
        {
            using (var ext4 = ExternalMount.Mount(loop.Device, mountDirectory))
            {
                foreach (var (relative, hash) in hashes)
                {
                    Assert.Equal(hash, Sha256OfFile(Path.Combine(mountDirectory, relative)));
                }
                ext4.Unmount();
            }
            var fsck = CommandRunner.Run("fsck.ext4", "-n", "-f", loop.Device);
            Assert.True(fsck.ExitCode == 0, $"fsck after the restart: {fsck}");
        }
        Assert.Equal(0, workspace.StopDaemon());
    }
}
