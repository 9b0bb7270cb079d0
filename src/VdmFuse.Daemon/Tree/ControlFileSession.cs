using System.Text;

namespace VdmFuse.Daemon.Tree;

/// <summary>
/// One open file description of the control file: the replies to the commands written through it,
/// waiting to be read back on the same open file.
/// </summary>
internal sealed class ControlFileSession
{
    private readonly MemoryStream _pending = new();
    private long _readPosition;

    /// <summary>The uid that opened the file (the writer's uid is checked per request too).</summary>
    public uint OpenerUid { get; init; }

    /// <summary>Appends reply text for the reader.</summary>
    public void Append(string text)
    {
        if (text.Length == 0)
        {
            return;
        }
        // Replies not read back are dropped when a new command arrives after them were read fully.
        if (_readPosition == _pending.Length)
        {
            _pending.SetLength(0);
            _readPosition = 0;
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        _pending.Seek(0, SeekOrigin.End);
        _pending.Write(bytes);
    }

    /// <summary>Takes up to <paramref name="max"/> bytes of pending reply; empty at end of reply.</summary>
    public ReadOnlySpan<byte> Take(int max)
    {
        var available = (int)Math.Min(max, _pending.Length - _readPosition);
        var span = new ReadOnlySpan<byte>(_pending.GetBuffer(), (int)_readPosition, available);
        _readPosition += available;
        return span;
    }
}
