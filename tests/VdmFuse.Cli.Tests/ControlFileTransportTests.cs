using System.Buffers.Binary;
using System.Text;
using VdmFuse.Cli.Transport;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>The channels' real system calls against real files (no daemon): errnos and the bytes written.</summary>
public sealed class ControlFileTransportTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vdmadm-test-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void TextChannel_MissingControlFile_EnoentDaemonAbsent()
    {
        var path = Path.Combine(_directory.FullName, "mnt", "vdm");
        var error = Assert.Throws<ControlTransportException>(() => new TextControlChannel(path).Send(new ControlCommand("help")));
        Assert.Equal(2, error.Errno);
        Assert.True(error.DaemonAbsent);
        Assert.Equal(path, error.Path);
        Assert.Equal($"cannot open {path}", error.Message);
    }

    [Fact]
    public void BinaryChannel_Directory_EisdirNotDaemonAbsent()
    {
        var error = Assert.Throws<ControlTransportException>(() =>
            new BinaryControlChannel(_directory.FullName).Send(new ControlCommand("dsk-get", new ControlField("name", "1"))));
        Assert.Equal(21, error.Errno);
        Assert.False(error.DaemonAbsent);
    }

    [Fact]
    public void TextChannel_RegularFile_WritesOneLineAndReportsMissingReply()
    {
        var path = Path.Combine(_directory.FullName, "vdm");
        File.WriteAllBytes(path, []);
        var reply = new TextControlChannel(path).Send(new ControlCommand("get-instances", new ControlField("key", "0")));
        Assert.Equal(5, reply.Errno);
        Assert.Equal($"get-instances: the daemon sent no reply on {path}", reply.Message);
        Assert.Equal("get-instances key=0\n", File.ReadAllText(path, Encoding.UTF8));
    }

    [Fact]
    public void BinaryChannel_RegularFile_WritesHeaderAndPacketInOneWrite()
    {
        var path = Path.Combine(_directory.FullName, "vdm");
        File.WriteAllBytes(path, []);
        var reply = new BinaryControlChannel(path).Send(new ControlCommand("dsk-get", new ControlField("name", "3")));
        Assert.Equal(5, reply.Errno);
        var written = File.ReadAllBytes(path);
        Assert.Equal(0x514d4456u, BinaryPrimitives.ReadUInt32LittleEndian(written));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(8)));
        Assert.Equal((uint)(written.Length - PacketCodec.RequestHeaderSize), BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(12)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(PacketCodec.RequestHeaderSize + 4)));
    }

    [Fact]
    public void BinaryChannel_NameNotResolved_EinvalFromCodecWithoutWriting()
    {
        var path = Path.Combine(_directory.FullName, "vdm");
        File.WriteAllBytes(path, []);
        var reply = new BinaryControlChannel(path).Send(new ControlCommand("dsk-get", new ControlField("name", "a")));
        Assert.Equal(ControlErrno.EINVAL, reply.Errno);
        Assert.Empty(File.ReadAllBytes(path));
    }
}
