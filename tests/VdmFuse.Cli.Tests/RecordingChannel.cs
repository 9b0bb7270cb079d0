using VdmFuse.Cli.Transport;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>
/// A test double for the transport: records every command sent and answers with the reply the test
/// gives for it (by default an empty success).
/// </summary>
internal sealed class RecordingChannel : IControlChannel
{
    private readonly Func<ControlCommand, ControlReply> _answer;

    public RecordingChannel(Func<ControlCommand, ControlReply>? answer = null)
    {
        _answer = answer ?? (_ => ControlReply.Ok());
    }

    public List<ControlCommand> Sent { get; } = [];

    public ControlReply Send(ControlCommand command)
    {
        Sent.Add(command);
        return _answer(command);
    }

    /// <summary>The commands sent, as control lines.</summary>
    public string[] Lines => Sent.Select(command => command.ToString()).ToArray();
}
