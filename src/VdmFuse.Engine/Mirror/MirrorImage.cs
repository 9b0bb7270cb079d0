namespace VdmFuse.Engine.Mirror;

/// <summary>
/// One image of a mirror: the child instance (null while it is missing), its state, and what is known about
/// which parts of it differ (<see cref="Changes"/>). Mutated only under the mirror's lock.
/// </summary>
public sealed class MirrorImage
{
    internal MirrorImage(string name, DiskInstance? instance, ImageState state)
    {
        Name = name;
        Instance = instance;
        State = state;
        DeviceNumber = instance?.DeviceNumber ?? 0;
    }

    /// <summary>The image instance's name (kept while it is missing).</summary>
    public string Name { get; }

    /// <summary>The image instance, or null while it is missing.</summary>
    public DiskInstance? Instance { get; internal set; }

    /// <summary>The device number the image had when last present.</summary>
    public uint DeviceNumber { get; internal set; }

    /// <summary>Whether the image instance is present.</summary>
    public bool IsPresent => Instance is not null;

    /// <summary>The state.</summary>
    public ImageState State { get; internal set; }

    /// <summary>Whether the image is the source of a running sync.</summary>
    public bool IsSyncSource { get; internal set; }

    /// <summary>The sync the image is the destination of, or null.</summary>
    public MirrorSync? Sync { get; internal set; }

    /// <summary>
    /// The granules that may differ from the usable images: kept while the image is fractured (or corrupt after
    /// a crash or a terminated partial sync); null when a sync must copy everything.
    /// </summary>
    public GranuleMap? Changes { get; internal set; }

    /// <summary>The change granularity in blocks asked for at the fracture (0: no map).</summary>
    public long ChangeGranularity { get; internal set; }

    /// <summary>Whether the image counts as corrupt in the page's sense (corrupt or fractured; a sync destination does not).</summary>
    public bool IsCorrupt => State is ImageState.Corrupt or ImageState.Fractured;

    /// <summary>Whether writes to the mirror reach the image.</summary>
    internal bool TakesWrites => IsPresent && State is ImageState.Usable or ImageState.SyncDestination;

    /// <summary>The state as the operator reads it: usable, corrupt, sync-destination, fractured, or missing.</summary>
    public string StateName => !IsPresent ? "missing" : StateText(State);

    internal static string StateText(ImageState state) => state switch
    {
        ImageState.Usable => "usable",
        ImageState.Corrupt => "corrupt",
        ImageState.SyncDestination => "sync-destination",
        _ => "fractured",
    };

    internal static ImageState ParseState(string text) => text switch
    {
        "usable" => ImageState.Usable,
        "sync-destination" => ImageState.SyncDestination,
        "fractured" => ImageState.Fractured,
        _ => ImageState.Corrupt,
    };

    /// <inheritdoc/>
    public override string ToString() => $"image '{Name}'";
}
