using static VdmFuse.Control.PacketDirection;
using static VdmFuse.Control.PacketFieldType;
using static VdmFuse.Control.PacketMapping;

namespace VdmFuse.Control;

/// <summary>
/// The binary packets, one explicit table: for each command, the C struct of <c>vdm.h</c>, its size,
/// and each field's name, offset, size, type, direction and text mapping. Decoding, reply encoding,
/// the ioctl numbers and the rule that every byte that is not an input must be zero all come from
/// this table; a test compiles <c>vdm.h</c> and checks every row against it.
/// </summary>
public static partial class PacketLayouts
{
    private static readonly PacketCondition[] Physical = [new("subdriver-id", VdmAbi.SubdriverPhysical)];
    private static readonly PacketCondition[] Partition = [new("subdriver-id", VdmAbi.SubdriverPartition)];
    private static readonly PacketCondition[] Fault = [new("subdriver-id", VdmAbi.SubdriverFault)];
    private static readonly PacketChoice[] FaultOps = [new("read", VdmAbi.FaultOpRead), new("write", VdmAbi.FaultOpWrite), new("both", VdmAbi.FaultOpBoth)];
    private static readonly PacketCondition[] Mirror = [new("subdriver-id", VdmAbi.SubdriverMirror)];
    private static readonly PacketCondition[] MirrorRole = [new("parent-subdriver-id", VdmAbi.SubdriverMirror), new("available", 1)];
    private static readonly PacketBit[] MirrorFlags = [new("automatic-sync", VdmAbi.MirrorAutomaticSync), new("sync-in-progress", VdmAbi.MirrorSyncInProgress)];
    private static readonly PacketBit[] MirrorRoleFlags =
    [
        new("corrupt", VdmAbi.MirrorCorrupt), new("sync-source", VdmAbi.MirrorSyncSource),
        new("sync-destination", VdmAbi.MirrorSyncDestination), new("fractured", VdmAbi.MirrorFractured),
    ];
    private static readonly PacketCondition[] Remap = [new("subdriver-id", VdmAbi.SubdriverRemap)];
    private static readonly PacketCondition[] RemapRole = [new("parent-subdriver-id", VdmAbi.SubdriverRemap), new("available", 1)];
    private static readonly PacketChoice[] RemapChildTypes =
    [
        new("primary-table", VdmAbi.RemapPrimaryTableChild), new("secondary-table", VdmAbi.RemapSecondaryTableChild), new("remap-area", VdmAbi.RemapAreaChild),
    ];
    private static readonly PacketChoice[] RemapTableStates = [new("in-use", VdmAbi.RemapTableInUse), new("failed", VdmAbi.RemapTableFailed)];
    private static readonly PacketCondition[] PhysicalGetInfo = [new("subdriver-id", VdmAbi.SubdriverPhysical), new("command", 2)];
    private static readonly PacketCondition[] Counting = [new("available", 0)];
    private static readonly PacketCondition[] Iterating = [new("available", 1)];
    private static readonly PacketCondition[] ChildByDevice = [new("available", 1), new("child-instance.device-number-used", 1)];
    private static readonly PacketCondition[] ChildById = [new("available", 1), new("child-instance.device-number-used", 0)];
    private static readonly PacketCondition[] LinkByDevice = [new("child-instance.device-number-used", 1)];
    private static readonly PacketBit[] PhysicalFlags = [new("direct", VdmAbi.PhysDirect), new("block-device", VdmAbi.PhysBlockDevice)];

    /// <summary><c>struct vdm_request_header</c>, which precedes a packet written to the control file.</summary>
    public static PacketLayout RequestHeader { get; } = new(0, "request-header", "vdm_request_header", 16, null,
    [
        Row("magic", 0, U32, Unused), Row("version", 4, U32, Unused), Row("command", 8, U32, Unused), Row("length", 12, U32, Unused),
    ]);

    /// <summary><c>struct vdm_reply_header</c>, which precedes a packet read back from the control file.</summary>
    public static PacketLayout ReplyHeader { get; } = new(0, "reply-header", "vdm_reply_header", 280, null,
    [
        Row("magic", 0, U32, Unused), Row("version", 4, U32, Unused), Row("command", 8, U32, Unused), Row("length", 12, U32, Unused),
        Row("error", 16, I32, Unused), Row("reserved", 20, U32, Unused), Row("message", 24, Bytes, Unused, size: VdmAbi.MessageSize),
    ]);

    /// <summary>The packets of every command, in command-number order.</summary>
    public static IReadOnlyList<PacketLayout> Commands { get; } =
    [
        new(VdmAbi.CmdCreateInstance, ControlVerbs.CreateInstance, "vdm_create_instance_packet", 1144, null,
        [
            Version("version", 0),
            Row("subdriver-id", 4, U32, In, Subdriver, "subdriver"),
            Row("name", 8, Name, In, Text, "name"),
            Row("persistent", 72, U32, In, Flag, "persistent"),
            Row("not-exported", 76, U32, In, NegatedFlag, "exported"),
            Row("device-number", 80, U32, Out, Number, "device-number"),
            Reserved("reserved", 84),
            Version("attributes.physical.version", 88) with { When = Physical },
            Row("attributes.physical.flags", 92, U32, Unused) with { When = Physical },
            Row("attributes.physical.size", 96, U64, Unused) with { When = Physical },
            Row("attributes.physical.sector-size", 104, U32, Unused) with { When = Physical },
            Reserved("attributes.physical.reserved", 108) with { When = Physical },
            Row("attributes.physical.path", 112, PacketFieldType.Path, In, Text, "path") with { When = Physical },
            Version("attributes.partition.version", 88) with { When = Partition },
            Row("attributes.partition.child-device-number", 92, U32, In, Device, "child") with { When = Partition },
            Row("attributes.partition.start", 96, U64, In, Number, "start") with { When = Partition },
            Row("attributes.partition.size", 104, U64, In, Number, "size") with { When = Partition },
            Row("attributes.partition.remap-device-number", 112, U32, In, DeviceOrNone, "remap") with { When = Partition },
            Reserved("attributes.partition.reserved", 116) with { When = Partition },
            Version("attributes.fault.version", 88) with { When = Fault },
            Row("attributes.fault.child-device-number", 92, U32, In, Device, "child") with { When = Fault },
            Row("attributes.fault.rules", 96, U32, Unused) with { When = Fault },
            Reserved("attributes.fault.reserved", 100) with { When = Fault },
            Row("attributes.fault.hits", 104, U64, Unused) with { When = Fault },
            Version("attributes.mirror.version", 88) with { When = Mirror },
            Row("attributes.mirror.automatic-sync", 92, U32, In, Flag, "automatic-sync") with { When = Mirror },
            Row("attributes.mirror.minimum-images-required-to-use", 96, I32, In, SignedNumber, "minimum-images-required-to-use") with { When = Mirror, RequiredInBinary = true },
            Row("attributes.mirror.maximum-images-missing-to-use", 100, I32, In, SignedNumber, "maximum-images-missing-to-use") with { When = Mirror, RequiredInBinary = true },
            Row("attributes.mirror.milliseconds-between-sync-io", 104, U32, In, NumberIfNonZero, "milliseconds-between-sync-io") with { When = Mirror },
            Row("attributes.mirror.number-of-images", 108, U32, In, ListCount) with { When = Mirror },
            Row("attributes.mirror.image-device-numbers", 112, Bytes, In, DeviceList, "images", size: 4 * VdmAbi.MirrorMaxImages) with
            {
                When = Mirror, CountField = "attributes.mirror.number-of-images",
            },
            Row("attributes.mirror.region-size", 124, U32, In, NumberIfNonZero, "region-size") with { When = Mirror },
            Version("attributes.remap.version", 88) with { When = Remap },
            Row("attributes.remap.primary-remap-table", 92, U32, In, Device, "primary-table") with { When = Remap },
            Row("attributes.remap.secondary-remap-table", 96, U32, In, Device, "secondary-table") with { When = Remap },
            Row("attributes.remap.remap-area", 100, U32, In, Device, "remap-area") with { When = Remap },
        ]),
        new(VdmAbi.CmdDeleteInstance, ControlVerbs.DeleteInstance, "vdm_delete_instance_packet", 8, "name",
        [
            .. InstanceHeader(),
        ]),
        new(VdmAbi.CmdLinkChildInstance, ControlVerbs.LinkChildInstance, "vdm_link_child_instance_packet", 88, "parent",
        [
            Version("version", 0),
            Row("parent-device-number", 4, U32, In, Device, "parent"),
            Row("child-instance.device-number-used", 8, U32, In, Selector, "child"),
            Row("child-instance.device-number", 12, U32, In, Device, "child") with { When = LinkByDevice },
            Row("child-instance.id-generation", 16, U32, Unused),
            Row("child-instance.id-system-id", 20, U32, Unused),
            Row("role", 24, Bytes, Unused, size: 64),
        ]),
        new(VdmAbi.CmdUnlinkChildInstance, ControlVerbs.UnlinkChildInstance, "vdm_unlink_child_instance_packet", 24, "parent",
        [
            Version("version", 0),
            Row("parent-device-number", 4, U32, In, Device, "parent"),
            Row("child-instance.device-number-used", 8, U32, In, Selector, "child"),
            Row("child-instance.device-number", 12, U32, In, Device, "child") with { When = LinkByDevice },
            Row("child-instance.id-generation", 16, U32, Unused),
            Row("child-instance.id-system-id", 20, U32, Unused),
        ]),
        new(VdmAbi.CmdGetChildInstance, ControlVerbs.GetChildInstance, "vdm_get_child_instance_packet", 112, "parent",
        [
            Version("version", 0),
            Row("parent-subdriver-id", 4, U32, In, Subdriver, "parent-subdriver"),
            Row("parent-device-number", 8, U32, In, Device, "parent"),
            Row("available", 12, U32, In, PacketMapping.Boolean, "available"),
            Row("key", 16, U32, InOut, NumberIfNonZero, "key") with { When = Iterating },
            Row("count", 20, U32, Out, Number, "count") with { When = Counting },
            Row("child-instance.device-number-used", 24, U32, Out, Number, "device-number-used") with { When = Iterating },
            Row("child-instance.device-number", 28, U32, Out, Device, "device-number") with { When = ChildByDevice },
            Row("child-instance.id-generation", 32, U32, Out, Number, "id-generation") with { When = ChildById },
            Row("child-instance.id-system-id", 36, U32, Out, Number, "id-system-id") with { When = ChildById },
            Row("child-subdriver-id", 40, U32, Out, Subdriver, "child-subdriver") with { When = Iterating },
            Reserved("reserved", 44),
            Row("child-role.mirror.version", 48, U32, Unused) with { When = MirrorRole },
            Row("child-role.mirror.flags", 52, U32, Out, Bits) with { When = MirrorRole, Bits = MirrorRoleFlags },
            Row("child-role.mirror.sync-block", 56, U64, Out, Number, "sync-block") with { When = MirrorRole },
            Row("child-role.mirror.change-granularity", 64, U32, Out, Number, "change-granularity") with { When = MirrorRole },
            Row("child-role.mirror.source-image", 68, U32, Out, DeviceOrNone, "source-device-number") with { When = MirrorRole },
            Row("child-role.mirror.sync-total-blocks", 72, U64, Out, Number, "sync-total-blocks") with { When = MirrorRole },
            Row("child-role.mirror.sync-percent", 80, U32, Out, Number, "sync-percent") with { When = MirrorRole },
            Row("child-role.mirror.sync-rate-kib", 84, U32, Out, Number, "sync-rate-kib") with { When = MirrorRole },
            Row("child-role.mirror.changed-granules", 88, U64, Out, Number, "changed-granules") with { When = MirrorRole },
            Row("child-role.mirror.reserved", 96, Bytes, Unused, size: 16) with { When = MirrorRole },
            Row("child-role.remap.version", 48, U32, Unused) with { When = RemapRole },
            Row("child-role.remap.child-type", 52, U32, Out, Choice, "child-type") with { When = RemapRole, Choices = RemapChildTypes },
        ]),
        new(VdmAbi.CmdGetAttributes, ControlVerbs.GetAttributes, "vdm_get_attributes_packet", 1072, "name",
        [
            .. InstanceHeader(),
            Row("subdriver-id", 8, U32, Out, Subdriver, "subdriver"),
            Reserved("reserved", 12),
            Row("attributes.physical.version", 16, U32, Unused) with { When = Physical },
            Row("attributes.physical.flags", 20, U32, Out, Bits) with { When = Physical, Bits = PhysicalFlags },
            Row("attributes.physical.size", 24, U64, Out, Number, "size") with { When = Physical },
            Row("attributes.physical.sector-size", 32, U32, Out, Number, "sector-size") with { When = Physical },
            Reserved("attributes.physical.reserved", 36) with { When = Physical },
            Row("attributes.physical.path", 40, PacketFieldType.Path, Out, Text, "path") with { When = Physical },
            Row("attributes.partition.version", 16, U32, Unused) with { When = Partition },
            Row("attributes.partition.child-device-number", 20, U32, Out, Device, "child-device-number") with { When = Partition, AlternateKey = "child" },
            Row("attributes.partition.start", 24, U64, Out, Number, "start") with { When = Partition },
            Row("attributes.partition.size", 32, U64, Out, Number, "size") with { When = Partition },
            Row("attributes.partition.remap-device-number", 40, U32, Out, DeviceOrNone, "remap-device-number") with { When = Partition, AlternateKey = "remap" },
            Reserved("attributes.partition.reserved", 44) with { When = Partition },
            Row("attributes.fault.version", 16, U32, Unused) with { When = Fault },
            Row("attributes.fault.child-device-number", 20, U32, Out, Device, "child-device-number") with { When = Fault, AlternateKey = "child" },
            Row("attributes.fault.rules", 24, U32, Out, Number, "rules") with { When = Fault },
            Reserved("attributes.fault.reserved", 28) with { When = Fault },
            Row("attributes.fault.hits", 32, U64, Out, Number, "hits") with { When = Fault },
            Row("attributes.mirror-get.version", 16, U32, Unused) with { When = Mirror },
            Row("attributes.mirror-get.flags", 20, U32, Out, Bits) with { When = Mirror, Bits = MirrorFlags },
            Row("attributes.mirror-get.minimum-images-required-to-use", 24, I32, Out, SignedNumber, "minimum-images-required-to-use") with { When = Mirror },
            Row("attributes.mirror-get.maximum-images-missing-to-use", 28, I32, Out, SignedNumber, "maximum-images-missing-to-use") with { When = Mirror },
            Row("attributes.mirror-get.milliseconds-between-sync-io", 32, U32, Out, Number, "milliseconds-between-sync-io") with { When = Mirror },
            Row("attributes.mirror-get.image-count", 36, U32, Out, Number, "image-count") with { When = Mirror },
            Row("attributes.mirror-get.region-size", 40, U32, Out, Number, "region-size") with { When = Mirror },
            Reserved("attributes.mirror-get.reserved", 44) with { When = Mirror },
            Row("attributes.mirror-get.dirty-regions", 48, U64, Out, Number, "dirty-regions") with { When = Mirror },
            Row("attributes.remap-get.version", 16, U32, Unused) with { When = Remap },
            Row("attributes.remap-get.primary-table", 20, U32, Out, Device, "primary-table-device-number") with { When = Remap },
            Row("attributes.remap-get.secondary-table", 24, U32, Out, Device, "secondary-table-device-number") with { When = Remap },
            Row("attributes.remap-get.remap-area", 28, U32, Out, Device, "remap-area-device-number") with { When = Remap },
            Row("attributes.remap-get.unit-size", 32, U32, Out, Number, "unit-size") with { When = Remap },
            Row("attributes.remap-get.area-blocks", 36, U32, Out, Number, "area-blocks") with { When = Remap },
            Row("attributes.remap-get.free-area-blocks", 40, U32, Out, Number, "free-area-blocks") with { When = Remap },
            Row("attributes.remap-get.table-blocks", 44, U32, Out, Number, "table-blocks") with { When = Remap },
            Row("attributes.remap-get.table-capacity", 48, U32, Out, Number, "table-capacity") with { When = Remap },
            Row("attributes.remap-get.entries", 52, U32, Out, Number, "entries") with { When = Remap },
            Row("attributes.remap-get.unmapped", 56, U32, Out, Number, "unmapped") with { When = Remap },
            Row("attributes.remap-get.mapped", 60, U32, Out, Number, "mapped") with { When = Remap },
            Row("attributes.remap-get.forced", 64, U32, Out, Number, "forced") with { When = Remap },
            Row("attributes.remap-get.pseudo", 68, U32, Out, Number, "pseudo") with { When = Remap },
            Row("attributes.remap-get.bad-remap", 72, U32, Out, Number, "bad-remap") with { When = Remap },
            Row("attributes.remap-get.primary-table-state", 76, U32, Out, Choice, "primary-table-state") with { When = Remap, Choices = RemapTableStates },
            Row("attributes.remap-get.secondary-table-state", 80, U32, Out, Choice, "secondary-table-state") with { When = Remap, Choices = RemapTableStates },
            Reserved("attributes.remap-get.reserved", 84) with { When = Remap },
            Row("attributes.remap-get.sequence", 88, U64, Out, Number, "sequence") with { When = Remap },
        ]),
        new(VdmAbi.CmdUpdateAttributes, ControlVerbs.UpdateAttributes, "vdm_update_attributes_packet", 1072, "name",
        [
            .. InstanceHeader(),
            Row("subdriver-id", 8, U32, In, Subdriver, "subdriver"),
            Reserved("reserved", 12),
            Version("attributes.physical.version", 16) with { When = Physical },
            Row("attributes.physical.flags", 20, U32, Unused) with { When = Physical },
            Row("attributes.physical.size", 24, U64, Unused) with { When = Physical },
            Row("attributes.physical.sector-size", 32, U32, Unused) with { When = Physical },
            Reserved("attributes.physical.reserved", 36) with { When = Physical },
            Row("attributes.physical.path", 40, PacketFieldType.Path, Unused) with { When = Physical },
            Version("attributes.partition.version", 16) with { When = Partition },
            Row("attributes.partition.child-device-number", 20, U32, Unused) with { When = Partition },
            Row("attributes.partition.start", 24, U64, In, Number, "start") with { When = Partition, RequiredInBinary = true },
            Row("attributes.partition.size", 32, U64, In, Number, "size") with { When = Partition, RequiredInBinary = true },
            Row("attributes.partition.remap-device-number", 40, U32, Unused) with { When = Partition },
            Reserved("attributes.partition.reserved", 44) with { When = Partition },
            Version("attributes.fault.version", 16) with { When = Fault },
            Row("attributes.fault.child-device-number", 20, U32, Unused) with { When = Fault },
            Row("attributes.fault.rules", 24, U32, Unused) with { When = Fault },
            Reserved("attributes.fault.reserved", 28) with { When = Fault },
            Row("attributes.fault.hits", 32, U64, Unused) with { When = Fault },
            Version("attributes.mirror-update.version", 16) with { When = Mirror },
            Row("attributes.mirror-update.automatic-sync", 20, U32, In, PacketMapping.Boolean, "automatic-sync") with { When = Mirror, RequiredInBinary = true },
            Row("attributes.mirror-update.minimum-images-required-to-use", 24, I32, In, SignedNumber, "minimum-images-required-to-use") with { When = Mirror, RequiredInBinary = true },
            Row("attributes.mirror-update.maximum-images-missing-to-use", 28, I32, In, SignedNumber, "maximum-images-missing-to-use") with { When = Mirror, RequiredInBinary = true },
            Row("attributes.mirror-update.milliseconds-between-sync-io", 32, U32, In, Number, "milliseconds-between-sync-io") with { When = Mirror, RequiredInBinary = true },
        ]),
        new(VdmAbi.CmdIoctlSubdriver, ControlVerbs.IoctlSubdriver, "vdm_ioctl_subdriver_packet", 1040, "name",
        [
            Version("version", 0),
            Row("subdriver-id", 4, U32, In, Subdriver, "subdriver"),
            Row("instance-device-number", 8, U32, In, Device, "name"),
            Row("command", 12, U32, In, SubdriverCommand, "command"),
            Version("argument.get-info.version", 16) with { When = PhysicalGetInfo, Inner = Info("version") },
            Row("argument.get-info.flags", 20, U32, Out, Bits) with { When = PhysicalGetInfo, Bits = PhysicalFlags, Inner = Info("flags") },
            Row("argument.get-info.size", 24, U64, Out, Number, "size") with { When = PhysicalGetInfo, Inner = Info("size") },
            Row("argument.get-info.sector-size", 32, U32, Out, Number, "sector-size") with { When = PhysicalGetInfo, Inner = Info("sector_size") },
            Reserved("argument.get-info.reserved", 36) with { When = PhysicalGetInfo, Inner = Info("reserved") },
            Row("argument.get-info.backing-device", 40, U64, Out, Number, "backing-device") with { When = PhysicalGetInfo, Inner = Info("backing_device") },
            Row("argument.get-info.backing-inode", 48, U64, Out, Number, "backing-inode") with { When = PhysicalGetInfo, Inner = Info("backing_inode") },
            Row("argument.get-info.path", 56, PacketFieldType.Path, Out, Text, "path", size: VdmAbi.PathSize - 40) with { When = PhysicalGetInfo, Inner = Info("path") },
            .. MirrorArgument("sync-images", MirrorSyncImagesStruct, MirrorSyncImagesRows),
            .. MirrorArgument("terminate-sync", MirrorTerminateSyncStruct, MirrorTerminateSyncRows),
            .. MirrorArgument("throttle-sync", MirrorThrottleSyncStruct, MirrorThrottleSyncRows),
            .. MirrorArgument("fracture-image", MirrorFractureImageStruct, MirrorFractureImageRows),
            .. SubdriverArgument("remap", ControlVerbs.ListRemapTable, RemapListStruct, RemapListRows),
            .. SubdriverArgument("remap", ControlVerbs.ForceRemap, RemapForceStruct, RemapForceRows),
            .. SubdriverArgument("remap", ControlVerbs.RecoverBadBlock, RemapRecoverStruct, RemapRecoverRows),
        ]),
        new(VdmAbi.CmdGetInstances, ControlVerbs.GetInstances, "vdm_get_instances_packet", 104, null,
        [
            Version("version", 0),
            Row("key", 4, U32, InOut, Number, "key"),
            Row("device-number", 8, U32, Out, Device, "device-number"),
            Row("subdriver-id", 12, U32, Out, Subdriver, "subdriver"),
            Row("name", 16, Name, Out, Text, "name"),
            Row("size", 80, U64, Out, Number, "size"),
            Row("children", 88, U32, Out, Number, "child-count"),
            Row("parents", 92, U32, Out, Number, "parent-count"),
            Row("exported", 96, U32, Out, PacketMapping.Boolean, "exported"),
            Row("open-count", 100, U32, Out, Number, "open"),
        ]),
        new(VdmAbi.CmdDskGet, ControlVerbs.DskGet, "vdm_dsk_get_packet", 32, "name",
        [
            .. InstanceHeader(),
            Row("total-blocks", 8, U64, Out, Number, "total-blocks"),
            Row("sector-size", 16, U32, Out, Number, "sector-size"),
            Row("sectors-per-track", 20, U32, Out, Number, "sectors-per-track"),
            Row("tracks-per-cylinder", 24, U32, Out, Number, "tracks-per-cylinder"),
            Row("cylinders", 28, U32, Out, Number, "cylinders"),
        ]),
        new(VdmAbi.CmdDskUsage, ControlVerbs.DskUsage, "vdm_dsk_usage_packet", 72, "name",
        [
            .. InstanceHeader(),
            Row("reads", 8, U64, Out, Number, "reads"),
            Row("writes", 16, U64, Out, Number, "writes"),
            Row("blocks-read", 24, U64, Out, Number, "blocks-read"),
            Row("blocks-written", 32, U64, Out, Number, "blocks-written"),
            Row("errors", 40, U64, Out, Number, "errors"),
            Row("read-time-us", 48, U64, Out, Number, "read-time-us"),
            Row("write-time-us", 56, U64, Out, Number, "write-time-us"),
            Row("remapped-blocks", 64, U64, Out, Number, "remapped-blocks"),
        ]),
        new(VdmAbi.CmdDskGetAddress, ControlVerbs.DskGetAddress, "vdm_dsk_get_address_packet", 152, "name",
        [
            .. InstanceHeader(),
            Row("block", 8, U64, In, Number, "block"),
            Row("depth", 16, U32, Out, Number, "depth"),
            Reserved("reserved", 20),
            Row("levels", 24, Bytes, Out, PacketMapping.Records, size: 16 * VdmAbi.MaxAddressDepth) with
            {
                Records = new PacketRecords("level", "depth", "vdm_address_level", 16, VdmAbi.MaxAddressDepth,
                [
                    Row("device-number", 0, U32, Out, Device, "device-number"),
                    Row("subdriver-id", 4, U32, Out, Subdriver, "subdriver"),
                    Row("block", 8, U64, Out, Number, "block"),
                ]),
            },
        ]),
        ModePacket(VdmAbi.CmdGetMode, ControlVerbs.GetMode, "vdm_get_mode_packet"),
        CopyListPacket(VdmAbi.CmdDbList, ControlVerbs.DbList, "vdm_db_list_packet"),
        CopyListPacket(VdmAbi.CmdDbCheck, ControlVerbs.DbCheck, "vdm_db_check_packet"),
        CopyPacket(VdmAbi.CmdDbAdd, ControlVerbs.DbAdd, "vdm_db_add_packet", "path"),
        CopyPacket(VdmAbi.CmdDbRemove, ControlVerbs.DbRemove, "vdm_db_remove_packet", "path"),
        CopyPacket(VdmAbi.CmdDbReinit, ControlVerbs.DbReinit, "vdm_db_reinit_packet", "path"),
        CopyPacket(VdmAbi.CmdDbRestore, ControlVerbs.DbRestore, "vdm_db_restore_packet", "from"),
        ModePacket(VdmAbi.CmdEnable, ControlVerbs.Enable, "vdm_enable_packet"),
        new(VdmAbi.CmdFaultAdd, ControlVerbs.FaultAdd, "vdm_fault_add_packet", 48, "name",
        [
            .. InstanceHeader(),
            Row("op", 8, U32, In, Choice, "op") with { Choices = FaultOps },
            Row("error", 12, U32, In, PacketMapping.Errno, "errno"),
            Row("start", 16, U64, In, NumberIfNonZero, "start"),
            Row("count", 24, U64, In, NumberIfNonZero, "count"),
            Row("all", 32, U32, In, Flag, "all"),
            Row("times", 36, U32, In, NumberIfNonZero, "times"),
            Row("id", 40, U32, Out, Number, "id"),
            Reserved("reserved", 44),
        ]),
        new(VdmAbi.CmdFaultClear, ControlVerbs.FaultClear, "vdm_fault_clear_packet", 16, "name",
        [
            .. InstanceHeader(),
            Row("id", 8, U32, In, NumberIfNonZero, "id"),
            Row("cleared", 12, U32, Out, Number, "cleared"),
        ]),
        new(VdmAbi.CmdFaultList, ControlVerbs.FaultList, "vdm_fault_list_packet", 16 + FaultRuleRecords.ElementSize * FaultRuleRecords.MaxCount, "name",
        [
            .. InstanceHeader(),
            Row("count", 8, U32, Out, Number, "count"),
            Reserved("reserved", 12),
            Row("rules", 16, Bytes, Out, PacketMapping.Records, size: FaultRuleRecords.ElementSize * FaultRuleRecords.MaxCount) with { Records = FaultRuleRecords },
        ]),
        new(VdmAbi.CmdSyncImages, ControlVerbs.SyncImages, MirrorSyncImagesStruct, 40, "name", MirrorSyncImagesRows),
        new(VdmAbi.CmdTerminateSync, ControlVerbs.TerminateSync, MirrorTerminateSyncStruct, 16, "name", MirrorTerminateSyncRows),
        new(VdmAbi.CmdThrottleSync, ControlVerbs.ThrottleSync, MirrorThrottleSyncStruct, 16, "name", MirrorThrottleSyncRows),
        new(VdmAbi.CmdFractureImage, ControlVerbs.FractureImage, MirrorFractureImageStruct, 16, "name", MirrorFractureImageRows),
        new(VdmAbi.CmdRemapFormat, ControlVerbs.RemapFormat, "vdm_remap_format_packet", 32, null,
        [
            Version("version", 0),
            Row("force", 4, U32, In, Flag, "force"),
            Row("primary-table", 8, U32, In, Device, "primary"),
            Row("secondary-table", 12, U32, In, Device, "secondary"),
            Row("remap-area", 16, U32, In, Device, "area"),
            Row("table-capacity", 20, U32, Out, Number, "table-capacity"),
            Row("area-blocks", 24, U64, Out, Number, "area-blocks"),
        ]),
        new(VdmAbi.CmdListRemapTable, ControlVerbs.ListRemapTable, RemapListStruct, 32, "name", RemapListRows),
        new(VdmAbi.CmdForceRemap, ControlVerbs.ForceRemap, RemapForceStruct, 16, "name", RemapForceRows),
        new(VdmAbi.CmdRecoverBadBlock, ControlVerbs.RecoverBadBlock, RemapRecoverStruct, 16, "name", RemapRecoverRows),
        new(VdmAbi.CmdFormatDev, ControlVerbs.FormatDev, "vdm_format_dev_packet", 16 + VdmAbi.PathSize, null,
        [
            Version("version", 0),
            Row("force", 4, U32, In, Flag, "force"),
            Row("quota", 8, U64, In, Number, "quota"),
            Row("device", 16, PacketFieldType.Path, In, Text, "device"),
        ]),
        new(VdmAbi.CmdMountDev, ControlVerbs.MountDev, "vdm_mount_dev_packet", 8 + VdmAbi.NameSize + VdmAbi.PathSize, null,
        [
            Version("version", 0),
            Row("volumes", 4, U32, Out, Number, "volumes"),
            Row("device-id", 8, Name, Out, Text, "device-id"),
            Row("device", 8 + VdmAbi.NameSize, PacketFieldType.Path, In, Text, "device"),
        ]),
        new(VdmAbi.CmdDismountDev, ControlVerbs.DismountDev, "vdm_dismount_dev_packet", 8 + VdmAbi.PathSize, null,
        [
            Version("version", 0),
            Row("force", 4, U32, In, Flag, "force"),
            Row("device", 8, PacketFieldType.Path, In, Text, "device"),
        ]),
        new(VdmAbi.CmdDismountAll, ControlVerbs.DismountAll, "vdm_dismount_all_packet", 8, null,
        [
            Version("version", 0),
            Reserved("reserved", 4),
        ]),
        new(VdmAbi.CmdListDevices, ControlVerbs.ListDevices, "vdm_list_devices_packet", 8 + DeviceRecords.ElementSize * DeviceRecords.MaxCount, null,
        [
            Version("version", 0),
            Row("count", 4, U32, Out, Number, "count"),
            Row("devices", 8, Bytes, Out, PacketMapping.Records, size: DeviceRecords.ElementSize * DeviceRecords.MaxCount) with { Records = DeviceRecords },
        ]),
        new(VdmAbi.CmdListVolumes, ControlVerbs.ListVolumes, "vdm_list_volumes_packet", 8 + VdmAbi.PathSize + VolumeRecords.ElementSize * VolumeRecords.MaxCount, null,
        [
            Version("version", 0),
            Row("count", 4, U32, Out, Number, "count"),
            Row("device", 8, PacketFieldType.Path, In, Text, "device"),
            Row("volumes", 8 + VdmAbi.PathSize, Bytes, Out, PacketMapping.Records, size: VolumeRecords.ElementSize * VolumeRecords.MaxCount) with { Records = VolumeRecords },
        ]),
        new(VdmAbi.CmdGetDeviceQuota, ControlVerbs.GetDeviceQuota, "vdm_get_device_quota_packet", 24 + VdmAbi.PathSize, null,
        [
            Version("version", 0),
            Reserved("reserved", 4),
            Row("quota-kb", 8, U64, Out, Number, "quota-kb"),
            Row("used-kb", 16, U64, Out, Number, "used-kb"),
            Row("device", 24, PacketFieldType.Path, In, Text, "device"),
        ]),
        new(VdmAbi.CmdCreateVolume, ControlVerbs.CreateVolume, "vdm_create_volume_packet", 24 + VdmAbi.NameSize + VdmAbi.PathSize, null,
        [
            Version("version", 0),
            Row("device-number", 4, U32, Out, Device, "device-number"),
            Row("lvid", 8, U64, Out, Number, "lvid"),
            Row("quota", 16, U64, In, Number, "quota"),
            Row("name", 24, Name, In, Text, "name"),
            Row("device", 24 + VdmAbi.NameSize, PacketFieldType.Path, In, Text, "device"),
        ]),
        new(VdmAbi.CmdDestroyVolume, ControlVerbs.DestroyVolume, "vdm_destroy_volume_packet", 16 + VdmAbi.PathSize, null,
        [
            Version("version", 0),
            Reserved("reserved", 4),
            Row("lvid", 8, U64, In, Number, "lvid"),
            Row("device", 16, PacketFieldType.Path, In, Text, "device"),
        ]),
        .. DkioCommands,
    ];

    /// <summary>
    /// The version and the instance's device number that start the packets of the subdriver and disk commands; 0 on an
    /// instance's own file means that instance.
    /// </summary>
    private static PacketField[] InstanceHeader() =>
    [
        Version("version", 0),
        Row("device-number", 4, U32, In, Device, "name"),
    ];

    private const string MirrorSyncImagesStruct = "vdm_mirror_sync_images_packet";
    private const string MirrorTerminateSyncStruct = "vdm_mirror_terminate_sync_packet";
    private const string MirrorThrottleSyncStruct = "vdm_mirror_throttle_sync_packet";
    private const string MirrorFractureImageStruct = "vdm_mirror_fracture_image_packet";

    // The mirror's command packets (vdmmirr(7) IOCTLS), with the mirror's device number after the version so that an
    // ioctl on the mirror's own file implies it. Computed on use: the static Commands table is built before any field
    // declared below it.

    /// <summary><c>struct vdm_mirror_sync_images_packet</c>: one source, one or two destinations.</summary>
    private static PacketField[] MirrorSyncImagesRows =>
    [
        .. InstanceHeader(),
        Row("milliseconds-between-sync-io", 8, U32, In, NumberIfNonZero, "milliseconds-between-sync-io"),
        Row("source-image", 12, U32, In, Device, "source"),
        Row("number-of-destinations", 16, U32, In, ListCount),
        Row("dest-images", 20, Bytes, In, DeviceList, "destinations", size: 4 * (VdmAbi.MirrorMaxImages - 1)) with { CountField = "number-of-destinations" },
        Reserved("reserved", 28),
        Row("total-blocks", 32, U64, Out, Number, "total-blocks"),
    ];

    /// <summary><c>struct vdm_mirror_terminate_sync_packet</c>.</summary>
    private static PacketField[] MirrorTerminateSyncRows =>
    [
        .. InstanceHeader(),
        Row("dest-image", 8, U32, In, Device, "destination"),
        Reserved("reserved", 12),
    ];

    /// <summary><c>struct vdm_mirror_throttle_sync_packet</c>.</summary>
    private static PacketField[] MirrorThrottleSyncRows =>
    [
        .. InstanceHeader(),
        Row("milliseconds-between-sync-io", 8, U32, In, Number, "milliseconds-between-sync-io"),
        Row("dest-image", 12, U32, In, Device, "destination"),
    ];

    /// <summary><c>struct vdm_mirror_fracture_image_packet</c>.</summary>
    private static PacketField[] MirrorFractureImageRows =>
    [
        .. InstanceHeader(),
        Row("change-granularity", 8, U32, In, NumberIfNonZero, "change-granularity"),
        Row("image-device-number", 12, U32, In, Device, "image"),
    ];

    private const string RemapListStruct = "vdm_list_remap_table_packet";
    private const string RemapForceStruct = "vdm_force_remap_packet";
    private const string RemapRecoverStruct = "vdm_recover_block_packet";

    // The remap's command packets (vdmremap(7) SUBDRIVER-SPECIFIC COMMANDS), with the instance's device number after
    // the version as the mirror's have it. Computed on use, like the mirror's.

    /// <summary>
    /// <c>struct vdm_list_remap_table_packet</c>: the entry at key (0 first) and the next key; the status is the
    /// entry's state as its number (VDM_REMAP_*_BB_ENTRY), the remap index -1 when the block is not mapped.
    /// </summary>
    private static PacketField[] RemapListRows =>
    [
        .. InstanceHeader(),
        Row("key", 8, U32, InOut, NumberIfNonZero, "key"),
        Row("status", 12, U32, Out, Choice, "status") with { Choices = RemapEntryStates },
        Row("bad-block", 16, I64, Out, SignedNumber, "bad-block"),
        Row("remap-index", 24, I64, Out, SignedNumber, "remap-index"),
    ];

    /// <summary><c>struct vdm_force_remap_packet</c>: a 512-byte block of the disk.</summary>
    private static PacketField[] RemapForceRows =>
    [
        .. InstanceHeader(),
        Row("block-number", 8, U64, In, Number, "block"),
    ];

    /// <summary><c>struct vdm_recover_block_packet</c>: a 512-byte block of the disk.</summary>
    private static PacketField[] RemapRecoverRows =>
    [
        .. InstanceHeader(),
        Row("block-number", 8, U64, In, Number, "block"),
    ];

    /// <summary>The states of a bad-block entry and their numbers (VDM_REMAP_*_BB_ENTRY).</summary>
    private static PacketChoice[] RemapEntryStates =>
    [
        new("unmapped", VdmAbi.RemapUnmappedEntry), new("mapped", VdmAbi.RemapMappedEntry), new("forced", VdmAbi.RemapForcedEntry),
        new("pseudo", VdmAbi.RemapPseudoEntry), new("bad-remap", VdmAbi.RemapBadRemapEntry),
    ];

    /// <summary>A mirror command packet laid over the argument of ioctl-subdriver: see <see cref="SubdriverArgument"/>.</summary>
    private static IEnumerable<PacketField> MirrorArgument(string command, string structName, PacketField[] rows) =>
        SubdriverArgument("mirror", command, structName, rows);

    /// <summary>
    /// A subdriver command packet laid over the argument of ioctl-subdriver (the subdriver, the command's number):
    /// the same struct, its device number unused (the ioctl-subdriver packet's instance names the instance).
    /// </summary>
    private static IEnumerable<PacketField> SubdriverArgument(string subdriver, string command, string structName, PacketField[] rows)
    {
        var number = CommandTable.SubdriverCommands.Single(spec => spec.Subdriver == subdriver && spec.Command == command).Number;
        PacketCondition[] when = [new("subdriver-id", VdmAbi.SubdriverId(subdriver)), new("command", number)];
        var prefix = $"argument.{command}.";
        return rows.Select(row =>
        {
            var inner = row with
            {
                Name = prefix + row.Name,
                Offset = 16 + row.Offset,
                When = when,
                Inner = new PacketCMember("argument", structName, row.Name.Replace('-', '_')),
                CountField = row.CountField is null ? null : prefix + row.CountField,
            };
            return row.Name == "device-number" ? inner with { Direction = Unused, Mapping = PacketMapping.None, Key = null } : inner;
        });
    }

    private static readonly Dictionary<uint, PacketLayout> ByCommand = Commands.ToDictionary(layout => layout.Command);
    private static readonly Dictionary<string, PacketLayout> ByVerb = Commands.ToDictionary(layout => layout.Verb, StringComparer.Ordinal);

    /// <summary>The packet of command number <paramref name="command"/>, or <see langword="null"/>.</summary>
    public static PacketLayout? Find(uint command) => ByCommand.GetValueOrDefault(command);

    /// <summary>The packet of the verb <paramref name="verb"/>, or <see langword="null"/> for a verb with no binary form (help).</summary>
    public static PacketLayout? Find(string verb) => ByVerb.GetValueOrDefault(verb);

    /// <summary><c>struct vdm_db_copy</c>: one configuration copy of a db-* reply.</summary>
    /// <remarks>Computed on use: the static <see cref="Commands"/> table is built before any field declared below it.</remarks>
    private static PacketRecords CopyRecords => new("copy", "count", "vdm_db_copy", 24 + 2 * VdmAbi.NameSize + VdmAbi.PathSize, VdmAbi.MaxDbCopies,
    [
        Row("offset", 0, U64, Out, Number, "offset"),
        Row("length", 8, U64, Out, Number, "length"),
        Row("sequence", 16, U64, Out, Number, "sequence"),
        Row("state", 24, Name, Out, Text, "state"),
        Row("id", 24 + VdmAbi.NameSize, Name, Out, Text, "id"),
        Row("path", 24 + 2 * VdmAbi.NameSize, PacketFieldType.Path, Out, Text, "path"),
    ]);

    /// <summary><c>struct vdm_fault_rule</c>: one rule of a fault-list reply.</summary>
    private static PacketRecords FaultRuleRecords => new("rule", "count", "vdm_fault_rule", 40, VdmAbi.MaxFaultRules,
    [
        Row("id", 0, U32, Out, Number, "id"),
        Row("op", 4, U32, Out, Choice, "op") with { Choices = FaultOps },
        Row("error", 8, U32, Out, PacketMapping.Errno, "errno"),
        Row("times", 12, U32, Out, Number, "times"),
        Row("start", 16, U64, Out, Number, "start"),
        Row("count", 24, U64, Out, Number, "count"),
        Row("hits", 32, U64, Out, Number, "hits"),
    ]);

    /// <summary>get-mode and enable: the mode, the copies' count and the reason.</summary>
    private static PacketRecords DeviceRecords => new("device", "count", "vdm_device_info", 24 + VdmAbi.NameSize + VdmAbi.PathSize, VdmAbi.MaxDevices,
    [
        Row("quota-kb", 0, U64, Out, Number, "quota-kb"),
        Row("used-kb", 8, U64, Out, Number, "used-kb"),
        Row("volumes", 16, U64, Out, Number, "volumes"),
        Row("device-id", 24, Name, Out, Text, "device-id"),
        Row("path", 24 + VdmAbi.NameSize, PacketFieldType.Path, Out, Text, "path"),
    ]);

    private static PacketRecords VolumeRecords => new("volume", "count", "vdm_volume_info", 24 + VdmAbi.NameSize, VdmAbi.MaxVolumes,
    [
        Row("lvid", 0, U64, Out, Number, "lvid"),
        Row("quota-kb", 8, U64, Out, Number, "quota-kb"),
        Row("device-number", 16, U32, Out, Device, "device-number"),
        Row("open", 20, U32, Out, Number, "open"),
        Row("name", 24, Name, Out, Text, "name"),
    ]);

    private static PacketLayout ModePacket(uint command, string verb, string cStruct) => new(command, verb, cStruct, 16 + VdmAbi.PathSize, null,
    [
        Version("version", 0),
        Row("enabled", 4, U32, Out, PacketMapping.Boolean, "enabled"),
        Row("copies", 8, U32, Out, Number, "copies"),
        Row("good", 12, U32, Out, Number, "good"),
        Row("reason", 16, PacketFieldType.Path, Out, Text, "reason"),
    ]);

    /// <summary>db-list and db-check: every copy.</summary>
    private static PacketLayout CopyListPacket(uint command, string verb, string cStruct) =>
        new(command, verb, cStruct, 16 + CopyRecords.ElementSize * CopyRecords.MaxCount, null,
        [
            Version("version", 0),
            Row("count", 4, U32, Out, Number, "count"),
            Row("good", 8, U32, Out, Number, "good"),
            Reserved("reserved", 12),
            Row("copies", 16, Bytes, Out, PacketMapping.Records, size: CopyRecords.ElementSize * CopyRecords.MaxCount) with { Records = CopyRecords },
        ]);

    /// <summary>db-add, db-remove, db-reinit and db-restore: a copy in (<paramref name="pathKey"/>, offset, length), every copy out.</summary>
    private static PacketLayout CopyPacket(uint command, string verb, string cStruct, string pathKey) =>
        new(command, verb, cStruct, 32 + VdmAbi.PathSize + CopyRecords.ElementSize * CopyRecords.MaxCount, null,
        [
            Version("version", 0),
            Row("count", 4, U32, Out, Number, "count"),
            Row("good", 8, U32, Out, Number, "good"),
            Reserved("reserved", 12),
            Row("offset", 16, U64, In, NumberIfNonZero, "offset"),
            Row("length", 24, U64, In, NumberIfNonZero, "length"),
            Row(pathKey, 32, PacketFieldType.Path, In, Text, pathKey),
            Row("copies", 32 + VdmAbi.PathSize, Bytes, Out, PacketMapping.Records, size: CopyRecords.ElementSize * CopyRecords.MaxCount) with { Records = CopyRecords },
        ]);

    private static PacketField Row(string name, int offset, PacketFieldType type, PacketDirection direction,
        PacketMapping mapping = PacketMapping.None, string? key = null, int size = 0) =>
        new(name, offset, size != 0 ? size : SizeOf(type), type, direction, mapping, key);

    private static PacketField Version(string name, int offset) => new(name, offset, 4, U32, In, PacketMapping.Version);

    private static PacketField Reserved(string name, int offset) => new(name, offset, 4, U32, Unused, PacketMapping.None);

    private static PacketCMember Info(string member) => new("argument", "vdm_physical_info", member);

    private static int SizeOf(PacketFieldType type) => type switch
    {
        U16 => 2,
        U32 or I32 => 4,
        U64 or I64 => 8,
        Name => VdmAbi.NameSize,
        PacketFieldType.Path => VdmAbi.PathSize,
        _ => throw new ArgumentException("a bytes field needs an explicit size", nameof(type)),
    };
}
