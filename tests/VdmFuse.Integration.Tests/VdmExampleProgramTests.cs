using System.Globalization;
using System.Text.RegularExpressions;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using Codec = VdmFuse.Control;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// c/vdm_example.c, compiled with gcc against packaging/include/vdmfuse/vdm.h, does the physical and partition steps of
/// the EXAMPLE of vdmmirr(7) against a real mount through ioctl(2) and through packet writes, checking every result.
/// </summary>
public sealed partial class VdmExampleProgramTests
{
    [Fact]
    public void VdmExample_AgainstARealMount_PassesEveryCheckThroughBothDoors()
    {
        using var workspace = new DaemonWorkspace();
        string program = Compile(workspace);
        string imageA = NewImage(workspace, "a.img"), imageB = NewImage(workspace, "b.img");
        workspace.StartDaemon();

        var run = CommandRunner.Run(program, workspace.Mountpoint, imageA, imageB);

        Assert.True(run.ExitCode == 0, $"vdm_example failed\n{run}\n--- daemon ---\n{workspace.Daemon?.Output}");
        string output = run.StandardOutput;
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        Assert.Matches(@"vdm_example: all \d+ checks passed", output);
        foreach (var door in new[] { "ioctl", "packet" })
        {
            foreach (var line in new[]
            {
                $"ok {door}: create-instance subdriver=physical name=a device-number=",
                $"ok {door}: create-instance subdriver=partition name=image0 child=",
                $"ok {door}: get-child-instance parent=image0 available=0 count=1",
                $"ok {door}: get-child-instance parent=image1 iteration ends with ENOENT after 1",
                $"ok {door}: get-child-instance parent=a iteration ends with ENOENT after 0",
                $"ok {door}: get-attributes name=a subdriver=physical path={imageA} size=67108864",
                $"ok {door}: get-attributes name=image1 subdriver=partition child=",
                $"ok {door}: dsk-get name=image0 on vdm total-blocks=10000",
                $"ok {door}: dsk-get name=image0 on rdsk/image0 total-blocks=10000",
                $"ok {door}: dsk-get-address name=image1 block=1234 depth=2",
                $"ok {door}: delete-instance a, the child of image0 fails with EBUSY",
                $"ok {door}: get-attributes with a non-zero reserved field fails with EINVAL",
                $"ok {door}: delete-instance name=b",
            })
            {
                Assert.True(output.Contains(line, StringComparison.Ordinal), $"no line `{line}...` in\n{output}");
            }
        }
        Assert.Contains("ok packet: a request with a wrong magic fails with EINVAL", output, StringComparison.Ordinal);
        Assert.Empty(ControlFile.GetInstances(workspace.Mountpoint));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void VdmHeader_LayoutsAndIoctlNumbers_MatchTheCodec()
    {
        using var workspace = new DaemonWorkspace();
        string program = Compile(workspace);

        // Without a mount the program prints its layout lines and then fails to open the control file.
        var run = CommandRunner.Run(program, workspace.Mountpoint, "/nonexistent-a", "/nonexistent-b");

        var commands = LayoutLine().Matches(run.StandardOutput);
        Assert.True(commands.Count == 12, run.ToString());
        foreach (Match layout in commands)
        {
            uint command = uint.Parse(layout.Groups["command"].Value, CultureInfo.InvariantCulture);
            uint ioctl = uint.Parse(layout.Groups["ioctl"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            int size = int.Parse(layout.Groups["size"].Value, CultureInfo.InvariantCulture);
            Assert.True(Codec.PacketCodec.IoctlNumber(command) == ioctl,
                $"{layout.Groups["name"].Value}: the C header says ioctl 0x{ioctl:x8}, the codec 0x{Codec.PacketCodec.IoctlNumber(command):x8}");
            Assert.True(Codec.PacketCodec.TryDecodeIoctlNumber(ioctl, out uint decoded, out int packetSize) && decoded == command && packetSize == size,
                $"{layout.Groups["name"].Value}: the codec does not decode 0x{ioctl:x8} to command {command} with {size} bytes");
        }
        Assert.Contains($"layout request-header size={Codec.PacketCodec.RequestHeaderSize}\n", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"layout reply-header size={Codec.PacketCodec.ReplyHeaderSize}\n", run.StandardOutput, StringComparison.Ordinal);
    }

    private static string Compile(DaemonWorkspace workspace)
    {
        string output = workspace.PathOf("vdm_example");
        CommandRunner.Run("gcc", "-Wall", "-Werror", "-I", RepositoryLayout.IncludeDirectory, "-o", output,
            Path.Combine(RepositoryLayout.CSources, "vdm_example.c")).EnsureSuccess();
        return output;
    }

    private static string NewImage(DaemonWorkspace workspace, string name)
    {
        string path = workspace.PathOf(name);
        using var stream = File.Create(path);
        stream.SetLength(64L << 20);
        return path;
    }

    [GeneratedRegex(@"^layout command=(?<command>\d+) name=(?<name>\S+) ioctl=0x(?<ioctl>[0-9a-f]+) size=(?<size>\d+)$", RegexOptions.Multiline)]
    private static partial Regex LayoutLine();
}
