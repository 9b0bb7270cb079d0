using VdmFuse.Fuse.Abi;

namespace VdmFuse.Fuse.Protocol;

/// <summary>What became of a buffer read from the device.</summary>
internal enum ParseStatus
{
    /// <summary>Header and body are valid; <see cref="ParsedRequest.Operation"/> is set.</summary>
    Ok,

    /// <summary>The header is readable but the request is malformed: answer EINVAL.</summary>
    Invalid,

    /// <summary>Not even the header is readable: there is nobody to answer, log and drop.</summary>
    Dropped,
}

/// <summary>The outcome of parsing one request.</summary>
/// <param name="Status">Whether the request is usable, answerable with EINVAL, or dropped.</param>
/// <param name="Header">The request header (default when dropped).</param>
/// <param name="Operation">The typed body when <paramref name="Status"/> is Ok.</param>
/// <param name="Problem">What was wrong, for the log, when not Ok.</param>
internal readonly record struct ParsedRequest(ParseStatus Status, fuse_in_header Header, FuseOperation? Operation, string? Problem)
{
    public fuse_opcode Opcode => (fuse_opcode)Header.opcode;
}
