using System.Net.Sockets;
using System.Text;

namespace VdmFuse.Daemon.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: datagrams such as <c>READY=1\nSTATUS=...</c> sent to the unix socket
/// named by <c>$NOTIFY_SOCKET</c> (a path, or an abstract name written with a leading '@').
/// Does nothing when the variable is not set (not started by systemd with Type=notify).
/// </summary>
public sealed class SystemdNotifier
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    /// <summary>Creates a notifier for the socket <paramref name="socketName"/>, or one that does nothing for null or empty.</summary>
    public SystemdNotifier(string? socketName)
    {
        SocketName = string.IsNullOrEmpty(socketName) ? null : socketName;
    }

    /// <summary>The socket named by the environment's <c>NOTIFY_SOCKET</c>.</summary>
    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    /// <summary>The socket's name as given, or null when notifications are off.</summary>
    public string? SocketName { get; }

    /// <summary>Sends READY=1 with a STATUS line for the mode entered.</summary>
    public bool NotifyReady(string status) => Send($"READY=1\nSTATUS={OneLine(status)}\nMAINPID={Environment.ProcessId}\n");

    /// <summary>Sends a STATUS line (a mode change after start).</summary>
    public bool NotifyStatus(string status) => Send($"STATUS={OneLine(status)}\n");

    /// <summary>Sends STOPPING=1.</summary>
    public bool NotifyStopping() => Send("STOPPING=1\n");

    /// <summary>Sends one notification datagram; false (logged) when there is no socket or sending fails.</summary>
    public bool Send(string message)
    {
        if (SocketName is null)
        {
            return false;
        }
        // An abstract socket name starts with a NUL byte; systemd writes it with '@'.
        var name = SocketName[0] == '@' ? "\0" + SocketName[1..] : SocketName;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(name));
            socket.Send(Encoding.UTF8.GetBytes(message));
            Log.Debug("sd_notify to {0}: {1}", SocketName, message.Replace('\n', ' ').TrimEnd());
            return true;
        }
        catch (SocketException e)
        {
            Log.Warn("cannot notify systemd through '{0}': {1}", SocketName, e.Message);
            return false;
        }
    }

    private static string OneLine(string text) => text.Replace('\n', ' ');
}
