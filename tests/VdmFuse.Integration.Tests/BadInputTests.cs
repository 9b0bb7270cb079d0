using System.Buffers.Binary;
using System.Text;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using Codec = VdmFuse.Control;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Malformed requests through the real mount, one rule each: wrong magic, version, length, command, non-zero unused
/// bytes, bad names, numbers out of range. Each is refused with EINVAL and a sentence (text and packet doors), and
/// changes nothing.
/// </summary>
public sealed class BadInputTests : IClassFixture<ControlPlaneFixture>
{
    private const int Header = Codec.PacketCodec.RequestHeaderSize;

    private readonly ControlPlaneFixture _fixture;

    public BadInputTests(ControlPlaneFixture fixture) => _fixture = fixture;

    private string Mountpoint => _fixture.Mountpoint;

    private string ControlPath => _fixture.Workspace.ControlPath;

    [Fact]
    public void Packet_WrongVersionInHeader_FailsWithEinvalNamingTheVersion()
    {
        byte[] request = Request("get-attributes name=1");
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(4), 9);

        AssertRefused(request, "version");
    }

    [Fact]
    public void Packet_WrongVersionInPacket_FailsWithEinvalNamingTheVersion()
    {
        byte[] request = Request("get-attributes name=1");
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(Header), 1);

        AssertRefused(request, "version");
        AssertIoctlRefused(6, request.AsSpan(Header).ToArray());
    }

    [Fact]
    public void Packet_LengthNotThePacketSize_FailsWithEinval()
    {
        byte[] request = Request("get-attributes name=1");
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(12), (uint)(request.Length - Header - 8));

        AssertRefused(request, (request.Length - Header - 8).ToString(System.Globalization.CultureInfo.InvariantCulture));
        AssertRefused(request[..^8], "");
    }

    [Fact]
    public void Packet_TruncatedHeader_FailsWithEinval()
    {
        byte[] request = Request("get-attributes name=1");

        var (errno, reply) = PacketExchange.Send(ControlPath, request.AsSpan(0, 10));

        Assert.Equal(LinuxErrno.EINVAL, errno);
        Assert.NotEmpty(reply);
    }

    [Fact]
    public void Packet_UnknownCommandNumber_FailsWithEinvalNamingIt()
    {
        byte[] request = Request("delete-instance name=4000000");
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(8), 250);

        AssertRefused(request, "250");
    }

    [Fact]
    public void Packet_Oversized_FailsWithEinval()
    {
        byte[] request = new byte[256 << 10];
        Request("delete-instance name=4000000").CopyTo(request, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(12), (uint)(request.Length - Header));

        var (errno, _) = PacketExchange.Send(ControlPath, request);

        Assert.Equal(LinuxErrno.EINVAL, errno);
        AssertUnchanged();
    }

    [Fact]
    public void Packet_NonZeroReservedField_FailsWithEinvalNamingTheField()
    {
        byte[] request = Request("get-attributes name=1");
        request[Header + 12] = 1; // struct vdm_get_attributes_packet.reserved

        AssertRefused(request, "reserved");
        AssertIoctlRefused(6, request.AsSpan(Header).ToArray());
    }

    [Fact]
    public void Packet_NonZeroOutputFieldOnInput_FailsWithEinval()
    {
        byte[] request = Request("get-attributes name=1");
        request[Header + 40] = 0x41; // attributes, an output field

        AssertRefused(request, "");
    }

    [Fact]
    public void Packet_NameWithoutNul_FailsWithEinvalNamingTheName()
    {
        byte[] request = Request($"create-instance subdriver=physical name=x path={_fixture.Disk1Image}");
        request.AsSpan(Header + 8, 64).Fill((byte)'n');

        AssertRefused(request, "name");
        AssertIoctlRefused(1, request.AsSpan(Header).ToArray());
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007fb")]
    public void Packet_NameWithForbiddenCharacter_FailsWithEinval(string name)
    {
        byte[] request = Request($"create-instance subdriver=physical name=x path={_fixture.Disk1Image}");
        request.AsSpan(Header + 8, 64).Clear();
        Encoding.UTF8.GetBytes(name).CopyTo(request, Header + 8);

        AssertRefused(request, "name");
        AssertIoctlRefused(1, request.AsSpan(Header).ToArray());
    }

    [Fact]
    public void Packet_AvailableOutOfRange_FailsWithEinvalNamingTheField()
    {
        byte[] request = Request("get-child-instance parent=1 available=0");
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(Header + 12), 2); // available

        AssertRefused(request, "available");
    }

    [Fact]
    public void Packet_UnknownSubdriverId_FailsWithEinval()
    {
        byte[] request = Request($"create-instance subdriver=physical name=x path={_fixture.Disk1Image}");
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(Header + 4), 99);

        AssertRefused(request, "subdriver");
    }

    [Fact]
    public void Ioctl_UnknownCommandNumber_FailsWithEinval()
    {
        // _IOWR('v', 250, 8 bytes); get-attributes with the wrong size; delete-instance with no direction and no size.
        uint[] numbers = [0xc0000000u | (8u << 16) | ((uint)'v' << 8) | 250u, 0xc0000000u | (16u << 16) | ((uint)'v' << 8) | 6u, ((uint)'v' << 8) | 2u];
        var answers = numbers.Select(number => (number, IoctlCall.Invoke(ControlPath, number, new byte[16]).Errno)).ToList();

        Assert.True(answers.All(a => a.Errno == LinuxErrno.EINVAL),
            "expected EINVAL for each: " + string.Join(", ", answers.Select(a => $"0x{a.number:x8} -> errno {a.Errno}")));
        AssertUnchanged();
    }

    [Theory]
    [InlineData("get-attributes name=a/b", "name")]
    [InlineData("get-attributes name=d0 colour=blue", "colour")]
    [InlineData("create-instance subdriver=floppy name=x path=/tmp/x", "floppy")]
    [InlineData("create-instance subdriver=partition name=x child=d1 start=99999999999999999999999 size=1", "start")]
    [InlineData("get-child-instance parent=p0 available=7", "available")]
    [InlineData("dsk-get-address name=p0 block=-1", "block")]
    public void Text_BadLine_FailsWithEinvalNamingTheProblem(string line, string named)
    {
        ControlDoors.SendExpectingError(ControlDoor.Text, Mountpoint, line, LinuxErrno.EINVAL, named);
        AssertUnchanged();
    }

    [Fact]
    public void Text_NameTooLong_FailsWithEinval()
    {
        // 64 bytes do not fit struct vdm_create_instance_packet.name with its NUL: such a name could not be used by packet.
        string name = new('n', 64);
        try
        {
            ControlDoors.SendExpectingError(ControlDoor.Text, Mountpoint,
                $"create-instance subdriver=physical name={name} path={_fixture.NewImage("long-name.img", 1L << 20)}", LinuxErrno.EINVAL, "name");
            AssertUnchanged();
        }
        finally
        {
            ControlFile.Send(Mountpoint, $"delete-instance name={name}");
        }
    }

    private static byte[] Request(string line) => Codec.PacketCodec.EncodeRequest(Codec.TextCodec.Parse(line)!);

    /// <summary>Asserts write(2) fails with EINVAL and the reply header read back says so with a sentence containing <paramref name="named"/>.</summary>
    private void AssertRefused(byte[] request, string named)
    {
        var (errno, replyBytes) = PacketExchange.Send(ControlPath, request);
        Assert.True(errno == LinuxErrno.EINVAL, $"expected write(2) to fail with EINVAL, got {errno}");
        var reply = Codec.PacketCodec.DecodeReply(replyBytes);
        Assert.Equal(LinuxErrno.EINVAL, reply.Errno);
        Assert.False(string.IsNullOrWhiteSpace(reply.Message), "the reply carries no sentence");
        Assert.True(reply.Message.Contains(named, StringComparison.OrdinalIgnoreCase), $"the sentence does not name '{named}': {reply.Message}");
        AssertUnchanged();
    }

    private void AssertIoctlRefused(uint command, byte[] packet) =>
        AssertIoctlNumberRefused(Codec.PacketCodec.IoctlNumber(command), packet);

    private void AssertIoctlNumberRefused(uint number, byte[] packet)
    {
        var (errno, _) = IoctlCall.Invoke(ControlPath, number, packet);
        Assert.True(errno == LinuxErrno.EINVAL, $"ioctl 0x{number:x8}: expected EINVAL, got {errno}");
        AssertUnchanged();
    }

    private void AssertUnchanged() =>
        Assert.Equal(["d0", "d1", "p0"], ControlFile.GetInstances(Mountpoint).Keys.Order());
}
