namespace VdmFuse.Engine.Mirror;

/// <summary>The state of one image of a mirror (vdmmirr(7)).</summary>
public enum ImageState
{
    /// <summary>Identical to the most up-to-date image: read from and written to.</summary>
    Usable,

    /// <summary>Not synchronised with the others: neither read from nor written to until a sync.</summary>
    Corrupt,

    /// <summary>The destination of a running sync: written to (so it keeps up), never read from; not corrupt.</summary>
    SyncDestination,

    /// <summary>Fractured off the mirror: no I/O reaches it; writes to the mirror mark its change map. Counts as corrupt.</summary>
    Fractured,
}
