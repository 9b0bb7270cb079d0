using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// The EXAMPLE of vdmmirr(7) through a real mount: once as a shell script writing text commands to the control file,
/// once as c/mirror_example.c (gcc, packaging/include/vdmfuse/vdm.h) through ioctl(2) on the control file and on the
/// mirror's own file. Two physical disks, a partition of 10000 blocks on each, mirror c with automatic sync, minimum
/// 2 images and maximum 0 missing; opening it fails with ENXIO until image0 is synchronised to image1.
/// </summary>
public sealed class MirrorExampleTests
{
    private const int Blocks = 10000;

    /// <summary>
    /// The script: a function that sends one line to the control file and prints the reply (failing on an error reply),
    /// the page's steps, the wait of vdmmirrsyncimages (poll every image's role until none is a sync destination), and
    /// the checks. It prints "ok ..." per check and "mirror example: done" at the end.
    /// </summary>
    private const string Script = """
        set -u
        MNT=$1; A=$2; B=$3
        vdm() {
            exec 3<>"$MNT/vdm"
            echo "$*" >&3 2>/dev/null
            local reply
            reply=$(cat <&3)
            exec 3>&-
            echo "$reply"
            [[ $reply == ok* ]]
        }
        die() { echo "FAIL $*"; exit 1; }

        vdm create-instance subdriver=physical name=a path="$A" >/dev/null || die "create a"
        vdm create-instance subdriver=physical name=b path="$B" >/dev/null || die "create b"
        vdm create-instance subdriver=partition name=image0 child=a start=0 size=10000 >/dev/null || die "create image0"
        vdm create-instance subdriver=partition name=image1 child=b start=0 size=10000 >/dev/null || die "create image1"
        reply=$(vdm create-instance subdriver=mirror name=c images=image0,image1 automatic-sync=1 \
            minimum-images-required-to-use=2 maximum-images-missing-to-use=0) || die "create c: $reply"
        echo "ok $reply"
        reply=$(vdm get-attributes name=c) || die "get-attributes c: $reply"
        echo "ok $reply"

        if error=$(dd if="$MNT/dsk/c" of=/dev/null bs=512 count=1 status=none 2>&1); then die "dsk/c opened before the sync"; fi
        [[ $error == *"No such device or address"* ]] || die "open of dsk/c: $error"
        echo "ok open dsk/c fails with ENXIO"
        reply=$(vdm dsk-get name=c) && die "dsk-get of the unusable mirror: $reply"
        [[ $reply == "error EINVAL "* ]] || die "dsk-get of the unusable mirror: $reply"
        echo "ok dsk-get c fails: $reply"

        reply=$(vdm sync-images name=c source=image0 destinations=image1) || die "sync-images: $reply"
        echo "ok $reply"

        polls=0
        while :; do
            syncing=0; key=0
            while reply=$(vdm get-child-instance parent=c parent-subdriver=mirror available=1 key=$key); do
                [[ $reply == *" sync-destination=1"* ]] && syncing=1
                key=$(sed -n 's/^ok key=\([0-9]*\) .*/\1/p' <<<"$reply")
            done
            [[ $reply == "error ENOENT "* ]] || die "get-child-instance after the last image: $reply"
            [[ $syncing == 0 ]] && break
            polls=$((polls + 1))
            (( polls < 600 )) || die "the sync did not end"
            sleep 0.1
        done
        echo "ok sync ended, images seen: $key"

        for key in 0 1; do
            reply=$(vdm get-child-instance parent=c available=1 key=$key) || die "role $key: $reply"
            [[ $reply == *" corrupt=0 "* && $reply == *" state=usable "* ]] || die "role $key after the sync: $reply"
            echo "ok $reply"
        done
        cmp "$MNT/dsk/image0" "$MNT/dsk/image1" || die "the partitions differ after the sync"
        cmp -n $((10000 * 512)) "$A" "$B" || die "the images' ranges differ after the sync"
        echo "ok cmp: image0 and image1 are identical"
        dd if="$MNT/dsk/c" of=/dev/null bs=1M status=none || die "dsk/c does not open after the sync"
        echo "ok dsk/c opens after the sync"
        reply=$(vdm dsk-get name=c) || die "dsk-get c: $reply"
        echo "ok $reply"
        echo "mirror example: done"
        """;

    [Fact]
    public void ShellScript_ThePagesExampleOverTheControlFile_SynchronisesTheMirror()
    {
        using var workspace = new DaemonWorkspace();
        string imageA = NewImage(workspace, "a.img", 0x11), imageB = NewImage(workspace, "b.img", 0x77);
        string script = workspace.PathOf("mirror_example.sh");
        File.WriteAllText(script, Script);
        workspace.StartDaemon();

        var run = CommandRunner.Run("/bin/bash", script, workspace.Mountpoint, imageA, imageB);

        Assert.True(run.ExitCode == 0, $"the script failed\n{run}\n--- daemon ---\n{workspace.Daemon?.Output}");
        string output = run.StandardOutput;
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        Assert.Contains("ok ok device-number=5\n", output, StringComparison.Ordinal);
        Assert.Contains("ok ok subdriver=mirror automatic-sync=1 sync-in-progress=0 minimum-images-required-to-use=2 maximum-images-missing-to-use=0 " +
            "milliseconds-between-sync-io=0 images=image0,image1 image-count=2 region-size=0 dirty-regions=0\n", output, StringComparison.Ordinal);
        Assert.Contains("ok open dsk/c fails with ENXIO\n", output, StringComparison.Ordinal);
        Assert.Contains("ok dsk-get c fails: error EINVAL dsk-get: mirror 'c' is not usable (state unusable)\n", output, StringComparison.Ordinal);
        Assert.Contains("ok ok total-blocks=10000\n", output, StringComparison.Ordinal);
        Assert.Contains("ok sync ended, images seen: 2\n", output, StringComparison.Ordinal);
        Assert.Contains("ok cmp: image0 and image1 are identical\n", output, StringComparison.Ordinal);
        Assert.Contains("ok ok total-blocks=10000 sector-size=512", output, StringComparison.Ordinal);
        Assert.EndsWith("mirror example: done\n", output, StringComparison.Ordinal);
        Assert.Equal("usable", ControlFile.GetInstances(workspace.Mountpoint)["c"].Fields["state"]);
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void CProgram_ThePagesExampleThroughIoctl_SyncsFracturesAndResyncs()
    {
        using var workspace = new DaemonWorkspace();
        string program = workspace.PathOf("mirror_example");
        CommandRunner.Run("gcc", "-Wall", "-Werror", "-I", RepositoryLayout.IncludeDirectory, "-o", program,
            Path.Combine(RepositoryLayout.CSources, "mirror_example.c")).EnsureSuccess();
        string imageA = NewImage(workspace, "a.img", 0x33), imageB = NewImage(workspace, "b.img", 0x99);
        workspace.StartDaemon();

        var run = CommandRunner.Run(program, workspace.Mountpoint, imageA, imageB);

        Assert.True(run.ExitCode == 0, $"mirror_example failed\n{run}\n--- daemon ---\n{workspace.Daemon?.Output}");
        string output = run.StandardOutput;
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        foreach (var line in new[]
        {
            "ok create-instance subdriver=mirror name=c images=2 device-number=5\n",
            "ok get-attributes name=c flags=1 minimum=2 maximum=0 milliseconds=0 image-count=2\n",
            "ok open dsk/c of a mirror without a usable image fails with ENXIO\n",
            "ok DSKIOCGET of an unusable mirror fails with EINVAL\n",
            "ok get-child-instance parent=c: 2 corrupt images, no usable one\n",
            "ok ioctl-subdriver subdriver=mirror command=sync-images source=3 destinations=4 total-blocks=10000\n",
            "ok role of image0 during the sync: sync-source\n",
            "ok get-attributes name=c flags=3 minimum=2 maximum=0 milliseconds=0 image-count=2\n",
            "ok delete-instance c during a sync fails with EBUSY\n",
            "ok after the first sync: image0 and image1 are identical (10000 blocks)\n",
            "ok fracture-image on rdsk/c image=4 change-granularity=8: corrupt and fractured\n",
            "ok writes to blocks 0-7 and 800-807 mark 2 granules of image1\n",
            "ok sync-images on rdsk/c naming another instance fails with EINVAL\n",
            "ok sync-images from an instance that is not an image fails with ENOENT\n",
            "ok the sync after the fracture copied only the 16 blocks of the changed granules\n",
            "ok after the partial sync: image0 and image1 are identical (10000 blocks)\n",
            "ok get-attributes name=c flags=0 minimum=-1 maximum=-1 milliseconds=5 image-count=2\n",
            "ok delete-instance c while rdsk/c is open fails with EBUSY\n",
        })
        {
            Assert.True(output.Contains(line, StringComparison.Ordinal), $"no line `{line.TrimEnd()}` in\n{output}");
        }
        Assert.Matches(@"mirror_example: all \d+ checks passed", output);
        Assert.Empty(ControlFile.GetInstances(workspace.Mountpoint));
        Assert.Equal(0, workspace.StopDaemon());
    }

    /// <summary>A 64 MiB image whose first partition's blocks hold a pattern seeded by <paramref name="seed"/>, so the two differ before the sync.</summary>
    private static string NewImage(DaemonWorkspace workspace, string name, byte seed)
    {
        string path = workspace.PathOf(name);
        using var stream = File.Create(path);
        stream.SetLength(64L << 20);
        var block = new byte[512];
        for (int i = 0; i < Blocks; i++)
        {
            for (int j = 0; j < block.Length; j++)
            {
                block[j] = (byte)(seed + i * 31 + j);
            }
            stream.Write(block);
        }
        return path;
    }
}
