using Codec = VdmFuse.Control;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// The answer to one command through one front door: the errno (of write(2) or ioctl(2); 0 on success), the error's
/// sentence where the door carries one (text and packet replies; an ioctl has only its errno), and the decoded reply.
/// </summary>
public sealed class DoorReply
{
    public DoorReply(ControlDoor door, string command, int errno, string message, Codec.ControlReply? reply)
    {
        Door = door;
        Command = command;
        Errno = errno;
        Message = message;
        Reply = reply;
    }

    public ControlDoor Door { get; }

    /// <summary>The command as sent (names already turned into device numbers for the binary doors).</summary>
    public string Command { get; }

    public int Errno { get; }

    public string Message { get; }

    /// <summary>The decoded reply, or null for a failed ioctl.</summary>
    public Codec.ControlReply? Reply { get; }

    public bool IsOk => Errno == 0;

    /// <summary>The record lines of the reply (<c>level ...</c>, <c>instance ...</c>).</summary>
    public IReadOnlyList<Codec.ControlRecord> Records => Reply?.Records ?? [];

    /// <summary>A field of the reply's first line; throws naming the reply when it is missing.</summary>
    public string this[string key] => Find(key)
        ?? throw new KeyNotFoundException($"the reply has no field '{key}'; {this}");

    /// <summary>A field of the reply's first line, or null.</summary>
    public string? Find(string key) => Reply?.Find(key);

    /// <summary>A numeric field of the reply's first line.</summary>
    public long Number(string key) => long.Parse(this[key], System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Door} `{Command}`: errno {Errno} ({(Errno == 0 ? "ok" : Codec.ControlErrno.Name(Errno))}), message '{Message}', reply:\n{(Reply is null ? "(none)" : Codec.TextCodec.Format(Reply))}";
}
