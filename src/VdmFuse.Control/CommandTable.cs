namespace VdmFuse.Control;

/// <summary>
/// The commands of the control language, one entry per verb, and the commands of each subdriver.
/// Adding a command means adding an entry here (and its verb to <see cref="ControlVerbs"/>; its
/// binary packet to <see cref="PacketLayouts"/>); nothing is discovered by reflection.
/// </summary>
public static partial class CommandTable
{
    /// <summary>The subdriver names, in the order of their ids in the binary packets (1 = physical).</summary>
    public static IReadOnlyList<string> Subdrivers { get; } = ["physical", "partition", "mirror", "remap", "fault", "volume", "slice"];

    /// <summary>The commands the daemon understands, in the order <c>help</c> lists them.</summary>
    public static IReadOnlyList<CommandSpec> Commands { get; } =
    [
        new(ControlVerbs.CreateInstance, "create a disk instance", Privileged: true,
        [
            FieldSpec.Required("subdriver"),
            FieldSpec.Required("name"),
            FieldSpec.RequiredWhen("path", FieldType.Text, "subdriver", "physical"),
            FieldSpec.RequiredWhen("child", FieldType.Text, "subdriver", "partition"),
            FieldSpec.RequiredWhen("start", FieldType.Blocks, "subdriver", "partition"),
            FieldSpec.RequiredWhen("size", FieldType.Blocks, "subdriver", "partition"),
            FieldSpec.Optional("remap"),
            FieldSpec.RequiredWhen("images", FieldType.Text, "subdriver", "mirror"),
            FieldSpec.Optional("automatic-sync", FieldType.Boolean),
            FieldSpec.Optional("minimum-images-required-to-use", FieldType.Integer),
            FieldSpec.Optional("maximum-images-missing-to-use", FieldType.Integer),
            FieldSpec.Optional("milliseconds-between-sync-io", FieldType.Integer),
            FieldSpec.Optional("region-size", FieldType.Blocks),
            FieldSpec.RequiredWhen("primary-table", FieldType.Text, "subdriver", "remap"),
            FieldSpec.RequiredWhen("secondary-table", FieldType.Text, "subdriver", "remap"),
            FieldSpec.RequiredWhen("remap-area", FieldType.Text, "subdriver", "remap"),
            FieldSpec.Optional("exported", FieldType.Boolean),
            FieldSpec.Optional("persistent", FieldType.Boolean),
        ]),
        new(ControlVerbs.DeleteInstance, "delete a disk instance", Privileged: true,
        [
            FieldSpec.Required("name"),
        ]),
        new(ControlVerbs.LinkChildInstance, "link a child instance under a parent", Privileged: true,
        [
            FieldSpec.Required("parent"),
            FieldSpec.Required("child"),
        ]),
        new(ControlVerbs.UnlinkChildInstance, "unlink a child instance from its parent", Privileged: true,
        [
            FieldSpec.Required("parent"),
            FieldSpec.Required("child"),
        ]),
        new(ControlVerbs.GetChildInstance, "count the children of an instance (available=0) or return the next one (available=1)", Privileged: false,
        [
            FieldSpec.Required("parent"),
            FieldSpec.Optional("parent-subdriver"),
            FieldSpec.Required("available", FieldType.Boolean),
            FieldSpec.Optional("key", FieldType.Integer),
        ]),
        new(ControlVerbs.GetAttributes, "show the subdriver attributes of an instance", Privileged: false,
        [
            FieldSpec.Required("name"),
        ]),
        new(ControlVerbs.UpdateAttributes, "change the subdriver attributes of an instance", Privileged: true,
        [
            FieldSpec.Required("name"),
            FieldSpec.Optional("subdriver"),
            FieldSpec.Optional("start", FieldType.Blocks),
            FieldSpec.Optional("size", FieldType.Blocks),
            FieldSpec.Optional("automatic-sync", FieldType.Boolean),
            FieldSpec.Optional("minimum-images-required-to-use", FieldType.Integer),
            FieldSpec.Optional("maximum-images-missing-to-use", FieldType.Integer),
            FieldSpec.Optional("milliseconds-between-sync-io", FieldType.Integer),
        ]),
        new(ControlVerbs.IoctlSubdriver, "run a subdriver command (privileged when it changes state)", Privileged: false,
        [
            FieldSpec.Required("subdriver"),
            FieldSpec.Required("name"),
            FieldSpec.Required("command"),
        ]),
        new(ControlVerbs.GetInstances, "list the disk instances (with key=K: the one after K)", Privileged: false,
        [
            FieldSpec.Optional("key", FieldType.Integer),
        ]),
        new(ControlVerbs.DskGet, "show the size and geometry of an instance", Privileged: false,
        [
            FieldSpec.Required("name"),
        ]),
        new(ControlVerbs.DskUsage, "show the I/O statistics of an instance", Privileged: false,
        [
            FieldSpec.Required("name"),
        ]),
        new(ControlVerbs.DskGetAddress, "show where a block of an instance lives, down to the physical disk", Privileged: false,
        [
            FieldSpec.Required("name"),
            FieldSpec.Required("block", FieldType.Blocks),
        ]),
        new(ControlVerbs.GetMode, "show the daemon's mode (enabled or disabled, and why) and its configuration copies", Privileged: false, []),
        new(ControlVerbs.DbList, "list the copies of the configuration database", Privileged: false, []),
        new(ControlVerbs.DbCheck, "check every copy of the configuration database", Privileged: false, []),
        new(ControlVerbs.DbAdd, "add a copy of the configuration database (a file, or a range of a file or block device)", Privileged: true,
        [
            FieldSpec.Required("path"),
            FieldSpec.Optional("offset", FieldType.Size),
            FieldSpec.Optional("length", FieldType.Size),
        ]),
        new(ControlVerbs.DbRemove, "remove a copy of the configuration database", Privileged: true,
        [
            FieldSpec.Required("path"),
            FieldSpec.Optional("offset", FieldType.Size),
            FieldSpec.Optional("length", FieldType.Size),
        ]),
        new(ControlVerbs.DbReinit, "rewrite a copy of the configuration database from the current configuration", Privileged: true,
        [
            FieldSpec.Required("path"),
            FieldSpec.Optional("offset", FieldType.Size),
            FieldSpec.Optional("length", FieldType.Size),
        ]),
        new(ControlVerbs.DbRestore, "rewrite every copy of the configuration database from the copy at FROM (then enable)", Privileged: true,
        [
            FieldSpec.Required("from"),
            FieldSpec.Optional("offset", FieldType.Size),
            FieldSpec.Optional("length", FieldType.Size),
        ]),
        new(ControlVerbs.Enable, "enter enabled mode when the configuration copies allow it", Privileged: true, []),
        new(ControlVerbs.FormatDev, "write a new volume label (device id, quota in KB) on a device: an image file (created if missing) or a block device", Privileged: true,
        [
            FieldSpec.Required("device"),
            FieldSpec.Required("quota", FieldType.Integer),
            FieldSpec.Optional("force", FieldType.Boolean),
        ]),
        new(ControlVerbs.MountDev, "mount a device: its volumes become exported instances", Privileged: true,
        [
            FieldSpec.Required("device"),
        ]),
        new(ControlVerbs.DismountDev, "flush a device and remove its volumes' instances (refused while a volume is open)", Privileged: true,
        [
            FieldSpec.Required("device"),
            FieldSpec.Optional("force", FieldType.Boolean),
        ]),
        new(ControlVerbs.DismountAll, "dismount every mounted device", Privileged: true, []),
        new(ControlVerbs.ListDevices, "list the mounted devices", Privileged: false, []),
        new(ControlVerbs.ListVolumes, "list the volumes of a mounted device", Privileged: false,
        [
            FieldSpec.Required("device"),
        ]),
        new(ControlVerbs.GetDeviceQuota, "show the quota of a mounted device and the part its volumes use, in KB", Privileged: false,
        [
            FieldSpec.Required("device"),
        ]),
        new(ControlVerbs.CreateVolume, "create a volume (quota in KB) on a mounted device", Privileged: true,
        [
            FieldSpec.Required("device"),
            FieldSpec.Required("name"),
            FieldSpec.Required("quota", FieldType.Integer),
        ]),
        new(ControlVerbs.DestroyVolume, "destroy a volume of a mounted device", Privileged: true,
        [
            FieldSpec.Required("device"),
            FieldSpec.Required("lvid", FieldType.Integer),
        ]),
        new(ControlVerbs.FaultAdd, "add a rule to a fault instance: fail op I/O on blocks start to start+count-1 (all=1: every block) with errno, for times I/Os (0: until cleared)", Privileged: true,
        [
            FieldSpec.Required("name"),
            FieldSpec.Required("op"),
            FieldSpec.Optional("start", FieldType.Blocks),
            FieldSpec.Optional("count", FieldType.Blocks),
            FieldSpec.Optional("all", FieldType.Boolean),
            FieldSpec.Optional("errno"),
            FieldSpec.Optional("times", FieldType.Integer),
        ]),
        new(ControlVerbs.FaultClear, "remove the rule id=N of a fault instance, or every rule", Privileged: true,
        [
            FieldSpec.Required("name"),
            FieldSpec.Optional("id", FieldType.Integer),
        ]),
        new(ControlVerbs.FaultList, "list the rules of a fault instance", Privileged: false,
        [
            FieldSpec.Required("name"),
        ]),
        new(ControlVerbs.SyncImages, "copy image source of a mirror to its corrupt images destinations (a comma list), in the background", Privileged: true, SyncImagesFields),
        new(ControlVerbs.TerminateSync, "end the sync to one destination image of a mirror, leaving it corrupt", Privileged: true, TerminateSyncFields),
        new(ControlVerbs.ThrottleSync, "change the delay between the I/Os of the sync a destination image of a mirror belongs to", Privileged: true, ThrottleSyncFields),
        new(ControlVerbs.FractureImage, "stop I/O to a usable image of a mirror, tracking changed granules of change-granularity blocks (0: none)", Privileged: true, FractureImageFields),
        new(ControlVerbs.RemapFormat, "format the partitions primary and secondary as empty bad-block tables for the remap area area (force=1: even over listed bad blocks)", Privileged: true,
        [
            FieldSpec.Required("primary"),
            FieldSpec.Required("secondary"),
            FieldSpec.Required("area"),
            FieldSpec.Optional("force", FieldType.Boolean),
        ]),
        new(ControlVerbs.ListRemapTable, "return the bad-block table entry at key of a remap instance (or of a partition's remap), and the next key", Privileged: false, ListRemapTableFields),
        new(ControlVerbs.ForceRemap, "list block of the disk as bad in a remap instance's table: the next write remaps it", Privileged: true, ForceRemapFields),
        new(ControlVerbs.RecoverBadBlock, "try to bring a listed bad block of a remap instance's disk back into use", Privileged: true, RecoverBadBlockFields),
        .. DkioCommands,
        new(ControlVerbs.Help, "list the commands", Privileged: false, []),
    ];

    /// <summary>
    /// The subdriver commands that <c>ioctl-subdriver</c> runs, with the privilege each needs: the
    /// commands that change state are privileged, the ones that only report are open to all.
    /// </summary>
    public static IReadOnlyList<SubdriverCommandSpec> SubdriverCommands { get; } =
    [
        new("physical", "flush", 1, "write the backing file's cached data to its disk (fdatasync)", Privileged: true, []),
        new("physical", "get-info", 2, "show the backing file: path, size, sector size, direct I/O, block device, identity", Privileged: false, []),
        new("mirror", ControlVerbs.SyncImages, 1, "copy image source to the corrupt images destinations, in the background", Privileged: true, SyncImagesFields[1..]),
        new("mirror", ControlVerbs.TerminateSync, 2, "end the sync to one destination image, leaving it corrupt", Privileged: true, TerminateSyncFields[1..]),
        new("mirror", ControlVerbs.ThrottleSync, 3, "change the delay between the I/Os of a running sync", Privileged: true, ThrottleSyncFields[1..]),
        new("mirror", ControlVerbs.FractureImage, 4, "stop I/O to a usable image, tracking changed granules", Privileged: true, FractureImageFields[1..]),
        new("remap", ControlVerbs.ListRemapTable, 1, "return the bad-block table entry at key, and the next key", Privileged: false, ListRemapTableFields[1..]),
        new("remap", ControlVerbs.ForceRemap, 2, "list block of the disk as bad: the next write remaps it", Privileged: true, ForceRemapFields[1..]),
        new("remap", ControlVerbs.RecoverBadBlock, 3, "try to bring a listed bad block back into use", Privileged: true, RecoverBadBlockFields[1..]),
    ];

    // The mirror's commands take the same fields as verbs and as ioctl-subdriver commands (vdmmirr(7) IOCTLS, both forms).
    // Computed on use: the static tables above are built before any member declared below them.

    private static FieldSpec[] SyncImagesFields =>
    [
        FieldSpec.Required("name"),
        FieldSpec.Required("source"),
        FieldSpec.Required("destinations"),
        FieldSpec.Optional("milliseconds-between-sync-io", FieldType.Integer),
    ];

    private static FieldSpec[] TerminateSyncFields =>
    [
        FieldSpec.Required("name"),
        FieldSpec.Required("destination"),
    ];

    private static FieldSpec[] ThrottleSyncFields =>
    [
        FieldSpec.Required("name"),
        FieldSpec.Required("destination"),
        FieldSpec.Required("milliseconds-between-sync-io", FieldType.Integer),
    ];

    private static FieldSpec[] FractureImageFields =>
    [
        FieldSpec.Required("name"),
        FieldSpec.Required("image"),
        FieldSpec.Optional("change-granularity", FieldType.Integer),
    ];

    // The remap's commands take the same fields as verbs and as ioctl-subdriver commands (vdmremap(7)).

    private static FieldSpec[] ListRemapTableFields =>
    [
        FieldSpec.Required("name"),
        FieldSpec.Optional("key", FieldType.Integer),
    ];

    private static FieldSpec[] ForceRemapFields =>
    [
        FieldSpec.Required("name"),
        FieldSpec.Required("block", FieldType.Blocks),
    ];

    private static FieldSpec[] RecoverBadBlockFields =>
    [
        FieldSpec.Required("name"),
        FieldSpec.Required("block", FieldType.Blocks),
    ];
}
