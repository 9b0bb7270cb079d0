using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

/// <summary>The state of one configuration copy, as the load rules and later commits left it.</summary>
public enum CopyState
{
    /// <summary>Holds the current configuration.</summary>
    Good,

    /// <summary>Was exactly one change older at load and has been rewritten from the newest.</summary>
    RolledForward,

    /// <summary>More than one change older than the newest: ignored.</summary>
    Stale,

    /// <summary>Cannot be opened or read: ignored.</summary>
    IoError,

    /// <summary>Holds no valid record (torn, damaged, not a configuration): ignored.</summary>
    FormatError,

    /// <summary>Holds a newer on-disk format version.</summary>
    UnsupportedVersion,

    /// <summary>Disagrees with another copy of the same sequence, or holds another configuration id.</summary>
    Conflict,

    /// <summary>Blank: never initialised.</summary>
    Empty,

    /// <summary>A write to it failed after load; no longer written.</summary>
    Failed,
}

/// <summary>One configuration copy: where it is, its state, and what it holds.</summary>
/// <param name="Location">The copy's region.</param>
/// <param name="State">Its state.</param>
/// <param name="Id">The configuration id it holds, when it holds a valid record.</param>
/// <param name="Sequence">The sequence it holds, when it holds a valid record.</param>
/// <param name="Errno">The errno of an I/O error or failed write, otherwise 0.</param>
/// <param name="Detail">Why it is not good, in a sentence; null when good.</param>
public sealed record CopyStatus(RecordLocation Location, CopyState State, Guid? Id = null, ulong? Sequence = null, int Errno = 0, string? Detail = null)
{
    /// <summary>Whether the copy holds the current configuration and is written by commits.</summary>
    public bool IsGood => State is CopyState.Good or CopyState.RolledForward;

    /// <summary>good, rolled-forward, stale, io-error, format-error, unsupported-version, conflict, empty or failed.</summary>
    public string StateName => State switch
    {
        CopyState.Good => "good",
        CopyState.RolledForward => "rolled-forward",
        CopyState.Stale => "stale",
        CopyState.IoError => "io-error",
        CopyState.FormatError => "format-error",
        CopyState.UnsupportedVersion => "unsupported-version",
        CopyState.Conflict => "conflict",
        CopyState.Empty => "empty",
        _ => "failed",
    };

    /// <summary>One line: the copy, its state (with the errno), sequence and detail.</summary>
    public override string ToString()
        => $"{Location} {StateName}{(Errno != 0 ? $" ({Native.Errno.Name(Errno)})" : "")}"
            + (Sequence is { } s ? $" sequence {s}" : "") + (Detail is null ? "" : $": {Detail}");
}
