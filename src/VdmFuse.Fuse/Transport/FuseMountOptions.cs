namespace VdmFuse.Fuse.Transport;

/// <summary>Mount options that change what the kernel does for the file system's users.</summary>
public sealed record FuseMountOptions
{
    /// <summary>allow_other: users other than the mounting one may use the mount.</summary>
    public bool AllowOther { get; init; } = true;

    /// <summary>default_permissions: the kernel checks file modes itself before forwarding a request.</summary>
    public bool DefaultPermissions { get; init; } = true;

    /// <summary>The options as a comma-prefixed fragment of the mount data (",allow_other,default_permissions").</summary>
    internal string KernelOptions =>
        (AllowOther ? ",allow_other" : "") + (DefaultPermissions ? ",default_permissions" : "");
}
