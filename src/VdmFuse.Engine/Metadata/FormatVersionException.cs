using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

/// <summary>
/// A record written in a newer on-disk format version than this program reads (the daemon exits with code 6).
/// The errno is ENOTSUP.
/// </summary>
public sealed class FormatVersionException : ErrnoException
{
    /// <summary>Creates the error for <paramref name="location"/> holding <paramref name="version"/>.</summary>
    public FormatVersionException(RecordLocation location, uint version)
        : base(Native.Errno.ENOTSUP, $"configuration copy {location} holds on-disk format version {version}; this vdmfuse reads version {SlotFormat.Version} only")
    {
        Location = location;
        Version = version;
    }

    /// <summary>The copy that holds the newer format.</summary>
    public RecordLocation Location { get; }

    /// <summary>The format version found.</summary>
    public uint Version { get; }
}
