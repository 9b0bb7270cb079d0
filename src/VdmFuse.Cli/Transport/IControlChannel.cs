using VdmFuse.Control;

namespace VdmFuse.Cli.Transport;

/// <summary>
/// A way to send one control command to the vdmfuse daemon and receive its reply. A reply with an
/// errno is the daemon's answer and is returned; a failure to reach the daemon at all is thrown
/// as <see cref="ControlTransportException"/>.
/// </summary>
public interface IControlChannel
{
    /// <summary>Sends <paramref name="command"/> and returns the daemon's reply.</summary>
    /// <exception cref="ControlTransportException">The control file could not be opened, written or read.</exception>
    ControlReply Send(ControlCommand command);
}
