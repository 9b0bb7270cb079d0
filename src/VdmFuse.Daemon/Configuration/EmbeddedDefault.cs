namespace VdmFuse.Daemon.Configuration;

/// <summary>
/// The layout used when no configuration is given: two sparse 1 GiB images in the state directory,
/// a physical instance over each and a partition on each from block 2048 to the end, so that a
/// newcomer sees real disks at once. It is written in the configuration language itself.
/// </summary>
public static class EmbeddedDefault
{
    /// <summary>The default configuration text (also shipped as vdmfuse.conf.example's example layout).</summary>
    public const string Text = """
        # vdmfuse embedded default layout
        mountpoint = /mnt/vdm
        state-dir = /var/lib/vdmfuse
        image = /var/lib/vdmfuse/disk0.img 1G
        image = /var/lib/vdmfuse/disk1.img 1G
        command = create-instance subdriver=physical name=disk0 path=/var/lib/vdmfuse/disk0.img
        command = create-instance subdriver=physical name=disk1 path=/var/lib/vdmfuse/disk1.img
        command = create-instance subdriver=partition name=disk0p1 child=disk0 start=2048 size=2095104
        command = create-instance subdriver=partition name=disk1p1 child=disk1 start=2048 size=2095104
        """;

    /// <summary>Parses <see cref="Text"/>.</summary>
    public static DaemonConfig Load() => DaemonConfig.Parse(Text, "embedded default");
}
