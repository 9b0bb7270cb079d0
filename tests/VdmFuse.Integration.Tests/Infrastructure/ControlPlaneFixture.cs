namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// Two 64 MiB images: <c>d0</c> with a 16 MiB partition <c>p0</c> at block 2048, and <c>d1</c>. Tests of the control
/// plane add their own instances with names of their own and delete them again.
/// </summary>
public class ControlPlaneFixture : MountedDaemonFixture
{
    public const long DiskSize = 64L << 20;
    public const long DiskBlocks = DiskSize / 512;
    public const long PartitionStartBlock = 2048;
    public const long PartitionSizeBlocks = 32768;

    public ControlPlaneFixture()
        : this(_ => { })
    {
    }

    /// <summary>The layout above plus whatever <paramref name="configure"/> adds (an admin group, say).</summary>
    protected ControlPlaneFixture(Action<DaemonWorkspace> configure)
        : base(workspace =>
        {
            workspace.Configuration
                .AddImage(workspace.PathOf("disk0.img"), DiskSize)
                .AddImage(workspace.PathOf("disk1.img"), DiskSize)
                .AddPhysical("d0", workspace.PathOf("disk0.img"))
                .AddPartition("p0", "d0", PartitionStartBlock, PartitionSizeBlocks)
                .AddPhysical("d1", workspace.PathOf("disk1.img"));
            configure(workspace);
        })
    {
    }

    public string Mountpoint => Workspace.Mountpoint;

    public string Disk0Image => Workspace.PathOf("disk0.img");

    public string Disk1Image => Workspace.PathOf("disk1.img");

    /// <summary>Creates a sparse image file of <paramref name="size"/> bytes in the scratch directory.</summary>
    public string NewImage(string name, long size)
    {
        string path = Workspace.PathOf(name);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            stream.SetLength(size);
        }
        return path;
    }
}

/// <summary>The <see cref="ControlPlaneFixture"/> layout with <c>admin-group = 4242</c> in the configuration.</summary>
public sealed class AdminGroupFixture : ControlPlaneFixture
{
    public const int AdminGid = 4242;

    public AdminGroupFixture()
        : base(workspace => workspace.Configuration.AdminGroup = "4242")
    {
    }
}
