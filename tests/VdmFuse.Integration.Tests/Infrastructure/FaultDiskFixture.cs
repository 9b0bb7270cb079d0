namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>A 64 MiB image <c>fd0</c> (physical, device 1) with the fault instance <c>f</c> (device 2) over it.</summary>
public sealed class FaultDiskFixture : MountedDaemonFixture
{
    public const long DiskSize = 64L << 20;

    public FaultDiskFixture()
        : base(workspace => workspace.Configuration
            .AddImage(workspace.PathOf("fault0.img"), DiskSize)
            .AddPhysical("fd0", workspace.PathOf("fault0.img"))
            .AddCommand("create-instance subdriver=fault name=f child=fd0"))
    {
    }

    public string Image => Workspace.PathOf("fault0.img");
}
