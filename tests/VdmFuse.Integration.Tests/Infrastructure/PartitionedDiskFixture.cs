namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// A 128 MiB image <c>d0</c> with a 64 MiB partition <c>p0</c> at block 2048, and a 64 MiB image <c>d1</c>.
/// </summary>
public sealed class PartitionedDiskFixture : MountedDaemonFixture
{
    public const long Disk0Size = 128L << 20;
    public const long Disk1Size = 64L << 20;
    public const long PartitionStartBlock = 2048;
    public const long PartitionSizeBlocks = 131072;
    public const long PartitionOffset = PartitionStartBlock * 512;
    public const long PartitionSize = PartitionSizeBlocks * 512;

    public PartitionedDiskFixture()
        : base(workspace => workspace.Configuration
            .AddImage(workspace.PathOf("disk0.img"), Disk0Size)
            .AddImage(workspace.PathOf("disk1.img"), Disk1Size)
            .AddPhysical("d0", workspace.PathOf("disk0.img"))
            .AddPartition("p0", "d0", PartitionStartBlock, PartitionSizeBlocks)
            .AddPhysical("d1", workspace.PathOf("disk1.img")))
    {
    }

    public string Disk0Image => Workspace.PathOf("disk0.img");

    public string Disk1Image => Workspace.PathOf("disk1.img");
}
