using VdmFuse.Control;
using VdmFuse.Engine;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

/// <summary>The outcome of a binary request or an ioctl: errno 0 and the bytes to return, or an errno and its sentence.</summary>
/// <param name="Errno">0 on success, else the positive errno the write(2) or ioctl(2) fails with.</param>
/// <param name="Reply">
/// For a request written to the control file, the reply header and packet to queue for reading (also after an
/// error); for an ioctl, the packet with its output fields (empty after an error).
/// </param>
/// <param name="Message">The error's sentence; empty on success.</param>
public readonly record struct PacketOutcome(int Errno, byte[] Reply, string Message);

/// <summary>
/// The binary front doors of the dispatcher: request packets written to the control file, and ioctls on the
/// control file and on instance files. Both decode with <see cref="PacketCodec"/>, run through the one
/// <see cref="ControlDispatcher"/>, and encode the reply packet.
/// </summary>
public sealed class PacketDoor
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly ControlDispatcher _dispatcher;

    /// <summary>Creates the door in front of <paramref name="dispatcher"/>.</summary>
    public PacketDoor(ControlDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
    }

    /// <summary>Executes a request header and packet written to the control file.</summary>
    public PacketOutcome ExecuteRequest(ReadOnlySpan<byte> data, ControlCaller caller)
    {
        PacketCodec.TryReadCommand(data, out var command);
        var packet = data.Length > PacketCodec.RequestHeaderSize ? data[PacketCodec.RequestHeaderSize..] : [];
        ControlReply reply;
        try
        {
            reply = _dispatcher.Execute(PacketCodec.DecodeRequest(data), caller);
        }
        catch (ControlException e)
        {
            Log.Debug("control packet of {0} bytes refused: {1} {2}", data.Length, e.ErrnoName, e.Message);
            reply = ControlReply.Error(e);
        }
        return new PacketOutcome(reply.Errno, PacketCodec.EncodeReply(command, packet, reply), reply.Message);
    }

    /// <summary>
    /// Executes an ioctl whose number <see cref="PacketCodec.TryDecodeIoctlNumber"/> recognised as
    /// <paramref name="command"/> with a packet of <paramref name="packetSize"/> bytes.
    /// </summary>
    /// <param name="command">The command number.</param>
    /// <param name="packetSize">The packet's size, which the ioctl must copy in and out whole.</param>
    /// <param name="inSize">Bytes the kernel copied in.</param>
    /// <param name="outSize">Bytes the kernel may copy out.</param>
    /// <param name="input">The packet copied in.</param>
    /// <param name="implied">The instance whose file the ioctl was issued on, or null for the control file.</param>
    /// <param name="file">The file as messages name it ("vdm", "dsk/a").</param>
    /// <param name="caller">Who issued it.</param>
    public PacketOutcome ExecuteIoctl(uint command, int packetSize, uint inSize, uint outSize, ReadOnlySpan<byte> input,
        DiskInstance? implied, string file, ControlCaller caller)
    {
        var decoded = Decode(command, packetSize, inSize, outSize, input, implied, file);
        var reply = decoded.Command is { } request ? _dispatcher.Execute(request, caller) : decoded.Error!;
        return Finish(command, input, reply, file, caller);
    }

    /// <summary>
    /// Executes an ioctl as <see cref="ExecuteIoctl"/> does, for a command that may wait (DKIOCSTATE waits while the
    /// caller's state is the current one) until <paramref name="cancel"/> fires: then the outcome is EINTR.
    /// </summary>
    public async ValueTask<PacketOutcome> ExecuteIoctlAsync(uint command, int packetSize, uint inSize, uint outSize, byte[] input,
        DiskInstance? implied, string file, ControlCaller caller, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(input);
        var decoded = Decode(command, packetSize, inSize, outSize, input, implied, file);
        var reply = decoded.Command is { } request
            ? await _dispatcher.ExecuteWaitingAsync(request, caller, cancel).ConfigureAwait(false)
            : decoded.Error!;
        return Finish(command, input, reply, file, caller);
    }

    /// <summary>The ioctl's packet as a command (the instance of the file it was issued on implied), or the error that refuses it.</summary>
    private static (ControlCommand? Command, ControlReply? Error) Decode(uint command, int packetSize, uint inSize, uint outSize, ReadOnlySpan<byte> input,
        DiskInstance? implied, string file)
    {
        if (inSize != packetSize || outSize != packetSize || input.Length != packetSize)
        {
            return (null, ControlReply.Error(Errno.EINVAL,
                $"ioctl on {file}: the packet of command {command} is {packetSize} bytes, but {inSize} came in and {outSize} may go out"));
        }
        try
        {
            // On an instance's file the packet's instance field, when 0, is that instance; another number is refused.
            return (PacketCodec.DecodePacket(command, input, implied?.DeviceNumber ?? 0), null);
        }
        catch (ControlException e)
        {
            return (null, ControlReply.Error(e));
        }
    }

    /// <summary>The outcome of an executed ioctl: the packet with the reply's output fields, or the errno and its sentence.</summary>
    private static PacketOutcome Finish(uint command, ReadOnlySpan<byte> input, ControlReply reply, string file, ControlCaller caller)
    {
        if (!reply.IsOk)
        {
            Log.Debug("ioctl command {0} on {1} by uid {2}: {3} {4}", command, file, caller.Uid, reply.ErrnoName, reply.Message);
            return new PacketOutcome(reply.Errno, [], reply.Message);
        }
        try
        {
            return new PacketOutcome(0, PacketCodec.EncodePacket(command, input, reply), "");
        }
        catch (ControlException e)
        {
            // A reply that does not fit its packet (a value out of range): the caller gets the error, not a wrong packet.
            Log.Warn("ioctl command {0} on {1}: the reply does not fit its packet: {2}", command, file, e.Message);
            return new PacketOutcome(e.Errno, [], e.Message);
        }
    }
}
