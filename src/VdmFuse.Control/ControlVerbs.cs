namespace VdmFuse.Control;

/// <summary>The verbs of the control language.</summary>
public static class ControlVerbs
{
    /// <summary>Creates a disk instance.</summary>
    public const string CreateInstance = "create-instance";

    /// <summary>Deletes a disk instance.</summary>
    public const string DeleteInstance = "delete-instance";

    /// <summary>Lists the disk instances.</summary>
    public const string GetInstances = "get-instances";

    /// <summary>Lists the commands.</summary>
    public const string Help = "help";
}
