namespace VdmFuse.Control;

/// <summary>
/// The constants of the C header <c>packaging/include/vdmfuse/vdm.h</c>: magics, version, field sizes,
/// subdriver ids, command numbers and flags. A test compiles the header and compares every one.
/// </summary>
public static class VdmAbi
{
    /// <summary>VDM_PACKET_VERSION_0: the only packet version.</summary>
    public const uint PacketVersion0 = 0;

    /// <summary>VDM_REQUEST_MAGIC: "VDMQ" little-endian, the first word of a request.</summary>
    public const uint RequestMagic = 0x514d4456;

    /// <summary>VDM_REPLY_MAGIC: "VDMR" little-endian, the first word of a reply.</summary>
    public const uint ReplyMagic = 0x524d4456;

    /// <summary>VDM_NAME_SIZE: bytes of a name field, its NUL included.</summary>
    public const int NameSize = 64;

    /// <summary>VDM_PATH_SIZE: bytes of a path field, its NUL included.</summary>
    public const int PathSize = 1024;

    /// <summary>VDM_MESSAGE_SIZE: bytes of the reply header's message, its NUL included.</summary>
    public const int MessageSize = 256;

    /// <summary>VDM_NODEV: the device number that means "none".</summary>
    public const uint NoDevice = 0xffffffff;

    /// <summary>VDM_MAX_ADDRESS_DEPTH: the levels a dsk-get-address packet holds.</summary>
    public const int MaxAddressDepth = 8;

    /// <summary>VDM_SUBDRIVER_NON_VDM: a child that is not a vdmfuse instance.</summary>
    public const uint SubdriverNonVdm = 0xffffffff;

    /// <summary>VDM_SUBDRIVER_PHYSICAL.</summary>
    public const uint SubdriverPhysical = 1;

    /// <summary>VDM_SUBDRIVER_PARTITION.</summary>
    public const uint SubdriverPartition = 2;

    /// <summary>VDM_SUBDRIVER_MIRROR.</summary>
    public const uint SubdriverMirror = 3;

    /// <summary>VDM_SUBDRIVER_REMAP.</summary>
    public const uint SubdriverRemap = 4;

    /// <summary>VDM_SUBDRIVER_FAULT.</summary>
    public const uint SubdriverFault = 5;

    /// <summary>VDM_SUBDRIVER_VOLUME: a volume of a mounted device.</summary>
    public const uint SubdriverVolume = 6;

    /// <summary>VDM_CMD_CREATE_INSTANCE.</summary>
    public const uint CmdCreateInstance = 1;

    /// <summary>VDM_CMD_DELETE_INSTANCE.</summary>
    public const uint CmdDeleteInstance = 2;

    /// <summary>VDM_CMD_LINK_CHILD_INSTANCE.</summary>
    public const uint CmdLinkChildInstance = 3;

    /// <summary>VDM_CMD_UNLINK_CHILD_INSTANCE.</summary>
    public const uint CmdUnlinkChildInstance = 4;

    /// <summary>VDM_CMD_GET_CHILD_INSTANCE.</summary>
    public const uint CmdGetChildInstance = 5;

    /// <summary>VDM_CMD_GET_ATTRIBUTES.</summary>
    public const uint CmdGetAttributes = 6;

    /// <summary>VDM_CMD_UPDATE_ATTRIBUTES.</summary>
    public const uint CmdUpdateAttributes = 7;

    /// <summary>VDM_CMD_IOCTL_SUBDRIVER.</summary>
    public const uint CmdIoctlSubdriver = 8;

    /// <summary>VDM_CMD_GET_INSTANCES.</summary>
    public const uint CmdGetInstances = 9;

    /// <summary>VDM_CMD_FORMAT_DEV: format-dev.</summary>
    public const uint CmdFormatDev = 10;

    /// <summary>VDM_CMD_MOUNT_DEV: mount-dev.</summary>
    public const uint CmdMountDev = 11;

    /// <summary>VDM_CMD_DISMOUNT_DEV: dismount-dev.</summary>
    public const uint CmdDismountDev = 12;

    /// <summary>VDM_CMD_DISMOUNT_ALL: dismount-all.</summary>
    public const uint CmdDismountAll = 13;

    /// <summary>VDM_CMD_LIST_DEVICES: list-devices.</summary>
    public const uint CmdListDevices = 14;

    /// <summary>VDM_CMD_LIST_VOLUMES: list-volumes.</summary>
    public const uint CmdListVolumes = 15;

    /// <summary>VDM_CMD_GET_DEVICE_QUOTA: get-device-quota.</summary>
    public const uint CmdGetDeviceQuota = 19;

    /// <summary>VDM_CMD_CREATE_VOLUME: create-volume.</summary>
    public const uint CmdCreateVolume = 20;

    /// <summary>VDM_CMD_DESTROY_VOLUME: destroy-volume.</summary>
    public const uint CmdDestroyVolume = 21;

    /// <summary>VDM_CMD_DSK_GET (DSKIOCGET).</summary>
    public const uint CmdDskGet = 16;

    /// <summary>VDM_CMD_DSK_USAGE (DSKIOCUSAGE).</summary>
    public const uint CmdDskUsage = 17;

    /// <summary>VDM_CMD_DSK_GET_ADDRESS (DSKIOCGETADDRESS).</summary>
    public const uint CmdDskGetAddress = 18;

    /// <summary>VDM_CMD_GET_MODE.</summary>
    public const uint CmdGetMode = 32;

    /// <summary>VDM_CMD_DB_LIST.</summary>
    public const uint CmdDbList = 33;

    /// <summary>VDM_CMD_DB_CHECK.</summary>
    public const uint CmdDbCheck = 34;

    /// <summary>VDM_CMD_DB_ADD.</summary>
    public const uint CmdDbAdd = 35;

    /// <summary>VDM_CMD_DB_REMOVE.</summary>
    public const uint CmdDbRemove = 36;

    /// <summary>VDM_CMD_DB_REINIT.</summary>
    public const uint CmdDbReinit = 37;

    /// <summary>VDM_CMD_DB_RESTORE.</summary>
    public const uint CmdDbRestore = 38;

    /// <summary>VDM_CMD_ENABLE.</summary>
    public const uint CmdEnable = 39;

    /// <summary>VDM_CMD_FAULT_ADD: fault-add.</summary>
    public const uint CmdFaultAdd = 40;

    /// <summary>VDM_CMD_FAULT_CLEAR: fault-clear.</summary>
    public const uint CmdFaultClear = 41;

    /// <summary>VDM_CMD_FAULT_LIST: fault-list.</summary>
    public const uint CmdFaultList = 42;

    /// <summary>VDM_CMD_SYNC_IMAGES: sync-images (vdmmirr(7) DGVDMMIRRSYNCIMAGES).</summary>
    public const uint CmdSyncImages = 48;

    /// <summary>VDM_CMD_TERMINATE_SYNC: terminate-sync (DGVDMMIRRTERMINATESYNC).</summary>
    public const uint CmdTerminateSync = 49;

    /// <summary>VDM_CMD_THROTTLE_SYNC: throttle-sync (DGVDMMIRRTHROTTLESYNC).</summary>
    public const uint CmdThrottleSync = 50;

    /// <summary>VDM_CMD_FRACTURE_IMAGE: fracture-image (DGVDMMIRRFRACTUREIMAGE).</summary>
    public const uint CmdFractureImage = 51;

    /// <summary>VDM_CMD_REMAP_FORMAT: remap-format (admpdisk(1M)'s formatting of the bad-block tables).</summary>
    public const uint CmdRemapFormat = 56;

    /// <summary>VDM_CMD_LIST_REMAP_TABLE: list-remap-table (vdmremap(7) DG_VDMREMAP_LIST_REMAP_TABLE).</summary>
    public const uint CmdListRemapTable = 57;

    /// <summary>VDM_CMD_FORCE_REMAP: force-remap (DG_VDMREMAP_FORCE_REMAP).</summary>
    public const uint CmdForceRemap = 58;

    /// <summary>VDM_CMD_RECOVER_BAD_BLOCK: recover-bad-block (DG_VDMREMAP_RECOVER_BAD_BLOCK).</summary>
    public const uint CmdRecoverBadBlock = 59;

    /// <summary>VDM_REMAP_PRIMARY_TABLE_CHILD: the child-type of a remap instance's primary bad-block table.</summary>
    public const uint RemapPrimaryTableChild = 1;

    /// <summary>VDM_REMAP_SECONDARY_TABLE_CHILD: the child-type of a remap instance's secondary bad-block table.</summary>
    public const uint RemapSecondaryTableChild = 2;

    /// <summary>VDM_REMAP_REMAP_AREA_CHILD: the child-type of a remap instance's remap area.</summary>
    public const uint RemapAreaChild = 3;

    /// <summary>VDM_REMAP_UNMAPPED_BB_ENTRY: a bad block noticed by a failed read, not yet remapped.</summary>
    public const uint RemapUnmappedEntry = 1;

    /// <summary>VDM_REMAP_MAPPED_BB_ENTRY: a bad block remapped to the remap area.</summary>
    public const uint RemapMappedEntry = 2;

    /// <summary>VDM_REMAP_FORCED_BB_ENTRY: a block the operator listed as bad (force-remap).</summary>
    public const uint RemapForcedEntry = 3;

    /// <summary>VDM_REMAP_PSEUDO_BB_ENTRY: a block whose contents are undetermined.</summary>
    public const uint RemapPseudoEntry = 4;

    /// <summary>VDM_REMAP_BAD_REMAP_BB_ENTRY: a bad block of the remap area, mapped to itself.</summary>
    public const uint RemapBadRemapEntry = 5;

    /// <summary>VDM_REMAP_TABLE_IN_USE: a bad-block table the remap instance reads and writes.</summary>
    public const uint RemapTableInUse = 1;

    /// <summary>VDM_REMAP_TABLE_FAILED: a bad-block table the remap instance gave up on (it runs on the other).</summary>
    public const uint RemapTableFailed = 2;

    /// <summary>VDM_REMAP_MAX_TABLE_BLOCKS: the blocks of a bad-block table at most (DG_VDMREMAP_MAX_REMAP_TABLE_BLOCKS).</summary>
    public const int RemapMaxTableBlocks = 2048;

    /// <summary>VDM_REMAP_TABLE_ENTRIES_PER_BLOCK: the entries of one 512-byte table block.</summary>
    public const int RemapTableEntriesPerBlock = 64;

    /// <summary>VDM_REMAP_MAX_BLOCKS_REMAPPABLE: the entries a bad-block table holds at most (one per disk).</summary>
    public const int RemapMaxBlocksRemappable = 131064;

    /// <summary>VDM_MIRROR_MAX_IMAGES: the images a mirror holds (DGVDMMIRRMAXIMAGES).</summary>
    public const int MirrorMaxImages = 3;

    /// <summary>VDM_MIRROR_AUTOMATIC_SYNC: bit of a mirror's get-attributes flags.</summary>
    public const uint MirrorAutomaticSync = 0x1;

    /// <summary>VDM_MIRROR_SYNC_IN_PROGRESS: bit of a mirror's get-attributes flags.</summary>
    public const uint MirrorSyncInProgress = 0x2;

    /// <summary>VDM_MIRROR_CORRUPT: bit of a mirror image's role flags.</summary>
    public const uint MirrorCorrupt = 0x1;

    /// <summary>VDM_MIRROR_SYNC_SOURCE: bit of a mirror image's role flags.</summary>
    public const uint MirrorSyncSource = 0x2;

    /// <summary>VDM_MIRROR_SYNC_DESTINATION: bit of a mirror image's role flags.</summary>
    public const uint MirrorSyncDestination = 0x4;

    /// <summary>VDM_MIRROR_FRACTURED: bit of a mirror image's role flags.</summary>
    public const uint MirrorFractured = 0x8;

    /// <summary>VDM_FAULT_OP_READ: a fault rule fails reads.</summary>
    public const uint FaultOpRead = 1;

    /// <summary>VDM_FAULT_OP_WRITE: a fault rule fails writes.</summary>
    public const uint FaultOpWrite = 2;

    /// <summary>VDM_FAULT_OP_BOTH: a fault rule fails reads and writes.</summary>
    public const uint FaultOpBoth = 3;

    /// <summary>VDM_MAX_FAULT_RULES: the rules a fault instance holds, and a fault-list packet lists.</summary>
    public const int MaxFaultRules = 64;

    /// <summary>VDM_MAX_DB_COPIES: the configuration copies a db-* packet lists.</summary>
    public const int MaxDbCopies = 8;

    /// <summary>VDM_MAX_DEVICES: the devices a list-devices packet holds.</summary>
    public const int MaxDevices = 8;

    /// <summary>VDM_MAX_VOLUMES: the volumes a list-volumes packet holds.</summary>
    public const int MaxVolumes = 64;

    /// <summary>VDM_PHYS_DIRECT: the physical instance's backing file is opened with O_DIRECT.</summary>
    public const uint PhysDirect = 0x1;

    /// <summary>VDM_PHYS_BLOCK_DEVICE: the physical instance is backed by a block device.</summary>
    public const uint PhysBlockDevice = 0x2;

    /// <summary>VDM_IOC_TYPE: the type letter of the ioctl numbers.</summary>
    public const byte IoctlType = (byte)'v';

    /// <summary>
    /// The subdriver id of a subdriver name: its position in <see cref="CommandTable.Subdrivers"/> ("physical" is 1,
    /// "volume", the instances mount-dev creates, is 6), or 0 when there is none.
    /// </summary>
    public static uint SubdriverId(string name)
    {
        var index = CommandTable.Subdrivers.IndexOf(name);
        return index < 0 ? 0 : (uint)index + 1;
    }

    /// <summary>The subdriver name of an id (1 is "physical", 6 is "volume"), or <see langword="null"/> when there is none.</summary>
    public static string? SubdriverName(uint id) =>
        id >= 1 && id <= CommandTable.Subdrivers.Count ? CommandTable.Subdrivers[(int)id - 1] : null;

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }
        return -1;
    }
}
