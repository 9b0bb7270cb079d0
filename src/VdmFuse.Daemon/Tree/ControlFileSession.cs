using System.Text;
using VdmFuse.Daemon.ControlPlane;

namespace VdmFuse.Daemon.Tree;

/// <summary>
/// One open file description of the control file: the replies to the commands written through it,
/// waiting to be read back on the same open file. Thread-safe: a waiting ioctl (DKIOCSTATE) appends its error from
/// another thread.
/// </summary>
internal sealed class ControlFileSession
{
    private readonly Lock _lock = new();
    private readonly MemoryStream _pending = new();
    private long _readPosition;

    /// <summary>The uid that opened the file (the writer's uid is checked per request too).</summary>
    public uint OpenerUid { get; init; }

    /// <summary>Which control file was opened.</summary>
    public ControlDoor Door { get; init; }

    /// <summary>Appends reply text for the reader.</summary>
    public void Append(string text) => Append(Encoding.UTF8.GetBytes(text));

    /// <summary>Appends a reply (text, or a binary reply packet) for the reader.</summary>
    public void Append(ReadOnlySpan<byte> reply)
    {
        if (reply.IsEmpty)
        {
            return;
        }
        lock (_lock)
        {
            // What has been read back is dropped when a new reply arrives.
            if (_readPosition == _pending.Length)
            {
                _pending.SetLength(0);
                _readPosition = 0;
            }
            _pending.Seek(0, SeekOrigin.End);
            _pending.Write(reply);
        }
    }

    /// <summary>Takes up to <paramref name="max"/> bytes of pending reply; empty at end of reply.</summary>
    public byte[] Take(int max)
    {
        lock (_lock)
        {
            var available = (int)Math.Min(max, _pending.Length - _readPosition);
            var taken = _pending.GetBuffer().AsSpan((int)_readPosition, available).ToArray();
            _readPosition += available;
            return taken;
        }
    }
}
