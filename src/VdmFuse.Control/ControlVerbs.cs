namespace VdmFuse.Control;

/// <summary>The verbs of the control language.</summary>
public static class ControlVerbs
{
    /// <summary>Creates a disk instance.</summary>
    public const string CreateInstance = "create-instance";

    /// <summary>Deletes a disk instance.</summary>
    public const string DeleteInstance = "delete-instance";

    /// <summary>Links a child instance under a parent instance.</summary>
    public const string LinkChildInstance = "link-child-instance";

    /// <summary>Unlinks a child instance from its parent instance.</summary>
    public const string UnlinkChildInstance = "unlink-child-instance";

    /// <summary>Counts the children of an instance, or returns them one per call.</summary>
    public const string GetChildInstance = "get-child-instance";

    /// <summary>Returns the subdriver attributes of an instance.</summary>
    public const string GetAttributes = "get-attributes";

    /// <summary>Changes the subdriver attributes of an instance.</summary>
    public const string UpdateAttributes = "update-attributes";

    /// <summary>Runs a command of an instance's subdriver.</summary>
    public const string IoctlSubdriver = "ioctl-subdriver";

    /// <summary>Lists the disk instances.</summary>
    public const string GetInstances = "get-instances";

    /// <summary>Returns the size and geometry of an instance (DSKIOCGET).</summary>
    public const string DskGet = "dsk-get";

    /// <summary>Returns the I/O statistics of an instance (DSKIOCUSAGE).</summary>
    public const string DskUsage = "dsk-usage";

    /// <summary>Returns where a block of an instance lives, down to the physical disk (DSKIOCGETADDRESS).</summary>
    public const string DskGetAddress = "dsk-get-address";

    /// <summary>Lists the commands.</summary>
    public const string Help = "help";
}
