using System.Net.Sockets;
using System.Text;
using VdmFuse.Daemon.Hosting;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public sealed class SystemdNotifierTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void NotifyReady_PathSocket_DatagramWithReadyAndStatus()
    {
        var path = _scratch["notify"];
        using var socket = Bind(path);

        Assert.True(new SystemdNotifier(path).NotifyReady("disabled: fewer than two good copies"));

        Assert.Equal($"READY=1\nSTATUS=disabled: fewer than two good copies\nMAINPID={Environment.ProcessId}\n", Receive(socket));
    }

    [Fact]
    public void NotifyStatus_AbstractSocket_Received()
    {
        var name = $"vdmfuse-test-{Guid.NewGuid():N}";
        using var socket = Bind("\0" + name);

        Assert.True(new SystemdNotifier("@" + name).NotifyStatus("enabled"));

        Assert.Equal("STATUS=enabled\n", Receive(socket));
    }

    [Fact]
    public void Send_NoSocket_FalseAndNothingSent()
    {
        Assert.Null(new SystemdNotifier(null).SocketName);
        Assert.False(new SystemdNotifier("").NotifyReady("enabled"));
    }

    [Fact]
    public void Send_NobodyListening_False() => Assert.False(new SystemdNotifier(_scratch["absent"]).NotifyStopping());

    private static Socket Bind(string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(name));
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        var n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
