using VdmFuse.Fuse.Api;

namespace VdmFuse.Daemon.Tree;

/// <summary>Which view of an instance a file is.</summary>
public enum DiskView
{
    /// <summary>dsk/: buffered through the page cache, any offset and length.</summary>
    Buffered = 0,

    /// <summary>rdsk/: raw, direct I/O, 512-byte aligned only.</summary>
    Raw = 1,

    /// <summary>plex/: one image of a mirror, read-only, direct I/O at any offset and length; the id is the image instance's.</summary>
    Plex = 2,
}

/// <summary>
/// Node ids that describe themselves: fixed ids for the directories and the control file, and for an
/// instance's files an id derived from its device number and view. A restarted daemon can therefore
/// answer requests for nodes the kernel already knows without any saved state.
/// </summary>
public static class NodeIds
{
    public static readonly NodeId Root = NodeId.Root;
    public static readonly NodeId Control = new(2);
    public static readonly NodeId DskDir = new(3);
    public static readonly NodeId RdskDir = new(4);
    public static readonly NodeId PlexDir = new(5);
    public static readonly NodeId Diagnostic = new(6);

    /// <summary>Whether <paramref name="node"/> is one of the two control files (request or diagnostic).</summary>
    public static bool IsControlFile(NodeId node) => node == Control || node == Diagnostic;

    private const ulong InstanceBase = 0x1000;

    /// <summary>The node id of an instance's file in a view.</summary>
    public static NodeId ForInstance(uint deviceNumber, DiskView view) =>
        new(InstanceBase + ((ulong)deviceNumber << 2) + (ulong)view);

    /// <summary>Decodes an instance file's node id.</summary>
    public static bool TryDecode(NodeId node, out uint deviceNumber, out DiskView view)
    {
        if (node.Value < InstanceBase || ((node.Value - InstanceBase) & 3) == 3)
        {
            deviceNumber = 0;
            view = default;
            return false;
        }
        var rel = node.Value - InstanceBase;
        deviceNumber = (uint)(rel >> 2);
        view = (DiskView)(rel & 3);
        return true;
    }

    /// <summary>The directory that holds a view's files.</summary>
    public static NodeId DirectoryOf(DiskView view) => view switch
    {
        DiskView.Buffered => DskDir,
        DiskView.Raw => RdskDir,
        _ => PlexDir,
    };
}
