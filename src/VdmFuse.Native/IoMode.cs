namespace VdmFuse.Native;

/// <summary>How the FUSE loop issues backing I/O. The modes exist so that the design can be measured.</summary>
public enum IoMode
{
    /// <summary>Synchronously and inline for a lone request, through Linux AIO for a burst (the default).</summary>
    Hybrid,

    /// <summary>Always synchronously on the loop thread: one disk I/O at a time.</summary>
    Inline,

    /// <summary>Always through Linux AIO, even for a lone request.</summary>
    Queued,
}
