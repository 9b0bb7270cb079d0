using System.Buffers.Binary;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// DKIOCSMBOOT through the real mount: the C program writes a master boot record with two partitions through ioctl(2)
/// on dsk/d, and a read-only loop device over dsk/d shows them to partx and blkid; a bad
/// signature and overlapping partitions are refused with EINVAL, through ioctl(2) and through the text form.
/// Physical d: 32 MiB of random data.
/// </summary>
public sealed class DkioMbootTests : IDisposable
{
    private const long DiskBlocks = 32L * MiB / DkioRig.Block;

    private readonly DkioRig _rig = new();
    private readonly string _image;

    public DkioMbootTests()
    {
        try
        {
            _image = _rig.CreatePhysical("d", DiskBlocks * DkioRig.Block);
        }
        catch
        {
            _rig.Dispose();
            throw;
        }
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Smboot_TwoPartitionsThroughIoctl_PartxAndBlkidSeeThemOnALoopDevice()
    {
        byte[] rest = ReadFileRange(_image, DkioRig.Block, 4096);

        var output = _rig.Run("smboot", _rig.Dsk("d"), "2048", "20480", "22528", "40960");

        output.AssertFails("smboot-bad-signature", "EINVAL");
        output.AssertFails("smboot-overlap", "EINVAL");
        output.AssertOk("smboot", "size=512");
        byte[] sector = ReadFileRange(_image, 0, DkioRig.Block);
        Assert.Equal(0xAA55, BinaryPrimitives.ReadUInt16LittleEndian(sector.AsSpan(510)));
        Assert.Equal("vdmfuse dkio_example"u8.ToArray(), sector[..20]);
        AssertBytes.Equal(rest, ReadFileRange(_image, DkioRig.Block, 4096), "the sectors after sector 0");

        // This kernel is built without CONFIG_MSDOS_PARTITION, so its own partition scan finds nothing; sfdisk, fdisk,
        // partx and blkid read the table themselves (libfdisk, libblkid) from the loop device.
        string loop = CommandRunner.Run("losetup", "--find", "--show", "--read-only", _rig.Dsk("d")).EnsureSuccess().StandardOutput.Trim();
        try
        {
            var sfdisk = CommandRunner.Run("sfdisk", "--dump", loop).EnsureSuccess();
            Assert.Contains($"{loop}p1 : start=        2048, size=       20480, type=83", sfdisk.StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"{loop}p2 : start=       22528, size=       40960, type=83", sfdisk.StandardOutput, StringComparison.Ordinal);
            var fdisk = CommandRunner.Run("fdisk", "-l", loop).EnsureSuccess();
            Assert.Contains("Disklabel type: dos", fdisk.StandardOutput, StringComparison.Ordinal);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(fdisk.StandardOutput, $@"(?m)^{loop}p1\s+\*\s+2048\s+22527\s+20480\s") &&
                System.Text.RegularExpressions.Regex.IsMatch(fdisk.StandardOutput, $@"(?m)^{loop}p2\s+22528\s+63487\s+40960\s"),
                $"fdisk -l {loop} printed:\n{fdisk.StandardOutput}");
            var partx = CommandRunner.Run("partx", "--raw", "--noheadings", "--output", "NR,START,SECTORS,TYPE", loop).EnsureSuccess();
            Assert.Equal(["1 2048 20480 0x83", "2 22528 40960 0x83"], partx.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            var blkid = CommandRunner.Run("blkid", "--probe", "--output", "export", loop).EnsureSuccess();
            Assert.Contains("PTTYPE=dos\n", blkid.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            CommandRunner.Run("losetup", "-d", loop);
            string backingFile = $"/sys/block/{Path.GetFileName(loop)}/loop/backing_file";
            for (int attempt = 0; attempt < 100 && File.Exists(backingFile); attempt++)
            {
                Thread.Sleep(50);
            }
        }
    }

    [Fact]
    public void Smboot_TextForm_WritesAValidRecordAndRefusesBadOnesWithASentence()
    {
        byte[] good = Mboot((0x83, 2048, 4096), (0xBF, 8192, 50000));
        byte[] badSignature = Mboot((0x83, 2048, 4096));
        badSignature[510] = 0x00;
        byte[] overlapping = Mboot((0x83, 2048, 4096), (0x83, 4000, 100));
        byte[] pastTheEnd = Mboot((0x83, 2048, (uint)DiskBlocks));

        _rig.SendExpectingError($"dk-smboot name=d mboot={Hex(badSignature)}", LinuxErrno.EINVAL, "EINVAL", "signature", "0xAA55");
        _rig.SendExpectingError($"dk-smboot name=d mboot={Hex(overlapping)}", LinuxErrno.EINVAL, "EINVAL", "overlap");
        _rig.SendExpectingError($"dk-smboot name=d mboot={Hex(pastTheEnd)}", LinuxErrno.EINVAL, "EINVAL", "past the end");
        _rig.SendExpectingError($"dk-smboot name=d mboot={Hex(good[..256])}", LinuxErrno.EINVAL, "EINVAL", "512");
        Assert.NotEqual(0xAA55, BinaryPrimitives.ReadUInt16LittleEndian(ReadFileRange(_image, 510, 2)));

        _rig.Send($"dk-smboot name=d mboot={Hex(good)}");

        AssertBytes.Equal(good, ReadFileRange(_image, 0, DkioRig.Block), "sector 0 of d.img");
        // A new Solaris partition: the driver's VTOC becomes the page's x86 VTOC_16 default over it, in cylinders of
        // 16065 sectors: slice 2 the partition less two cylinders, slice 8 its first cylinder, slice 9 the two after.
        var vtoc = _rig.Send("dk-get-vtoc name=d").Fields;
        Assert.Equal(("5", "8192", "17870"), (vtoc["p2-tag"], vtoc["p2-start"], vtoc["p2-size"]));
        Assert.Equal(("8192", "16065"), (vtoc["p8-start"], vtoc["p8-size"]));
        Assert.Equal(("24257", "32130"), (vtoc["p9-start"], vtoc["p9-size"]));
        Assert.Equal("0", vtoc["p0-size"]);
    }

    /// <summary>A master boot record with the given partitions (system id, first sector, sectors) and the 0xAA55 signature.</summary>
    private static byte[] Mboot(params (byte SystemId, uint Start, uint Sectors)[] partitions)
    {
        var sector = new byte[DkioRig.Block];
        for (int i = 0; i < partitions.Length; i++)
        {
            var entry = sector.AsSpan(446 + 16 * i, 16);
            entry[4] = partitions[i].SystemId;
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], partitions[i].Start);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], partitions[i].Sectors);
        }
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(510), 0xAA55);
        return sector;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
