namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// Five 64 MiB images <c>d0</c>..<c>d4</c>, with 32 MiB partitions <c>p0</c> on d0 and <c>p2</c> on d2 at block 2048.
/// </summary>
public sealed class MultiDiskFixture : MountedDaemonFixture
{
    public const long DiskSize = 64L << 20;
    public const long PartitionStartBlock = 2048;
    public const long PartitionSizeBlocks = 65536;

    public MultiDiskFixture()
        : base(Describe)
    {
    }

    public string ImageOf(int disk) => Workspace.PathOf($"disk{disk}.img");

    private static void Describe(DaemonWorkspace workspace)
    {
        for (int disk = 0; disk < 5; disk++)
        {
            workspace.Configuration.AddImage(workspace.PathOf($"disk{disk}.img"), DiskSize);
            workspace.Configuration.AddPhysical($"d{disk}", workspace.PathOf($"disk{disk}.img"));
        }
        workspace.Configuration.AddPartition("p0", "d0", PartitionStartBlock, PartitionSizeBlocks);
        workspace.Configuration.AddPartition("p2", "d2", PartitionStartBlock, PartitionSizeBlocks);
    }
}
