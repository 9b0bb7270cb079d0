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

    /// <summary>VDM_SUBDRIVER_SLICE: a slice of a VTOC (dkio(7)), made from the label, never by create-instance.</summary>
    public const uint SubdriverSlice = 7;

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

    /// <summary>VDM_CMD_DK_INFO: dk-info (dkio(7) DKIOCINFO).</summary>
    public const uint CmdDkInfo = 64;

    /// <summary>VDM_CMD_DK_GET_GEOM: dk-get-geom (dkio(7) DKIOCGGEOM).</summary>
    public const uint CmdDkGetGeom = 65;

    /// <summary>VDM_CMD_DK_SET_GEOM: dk-set-geom (dkio(7) DKIOCSGEOM).</summary>
    public const uint CmdDkSetGeom = 66;

    /// <summary>VDM_CMD_DK_GET_PHYGEOM: dk-get-phygeom (dkio(7) DKIOCG_PHYGEOM).</summary>
    public const uint CmdDkGetPhygeom = 67;

    /// <summary>VDM_CMD_DK_GET_VIRTGEOM: dk-get-virtgeom (dkio(7) DKIOCG_VIRTGEOM).</summary>
    public const uint CmdDkGetVirtgeom = 68;

    /// <summary>VDM_CMD_DK_GET_VTOC: dk-get-vtoc (dkio(7) DKIOCGVTOC).</summary>
    public const uint CmdDkGetVtoc = 69;

    /// <summary>VDM_CMD_DK_SET_VTOC: dk-set-vtoc (dkio(7) DKIOCSVTOC).</summary>
    public const uint CmdDkSetVtoc = 70;

    /// <summary>VDM_CMD_DK_GET_EXTVTOC: dk-get-extvtoc (dkio(7) DKIOCGEXTVTOC).</summary>
    public const uint CmdDkGetExtvtoc = 71;

    /// <summary>VDM_CMD_DK_SET_EXTVTOC: dk-set-extvtoc (dkio(7) DKIOCSEXTVTOC).</summary>
    public const uint CmdDkSetExtvtoc = 72;

    /// <summary>VDM_CMD_DK_GET_APART: dk-get-apart (dkio(7) DKIOCGAPART).</summary>
    public const uint CmdDkGetApart = 73;

    /// <summary>VDM_CMD_DK_SET_APART: dk-set-apart (dkio(7) DKIOCSAPART).</summary>
    public const uint CmdDkSetApart = 74;

    /// <summary>VDM_CMD_DK_MEDIA_INFO: dk-media-info (dkio(7) DKIOCGMEDIAINFO).</summary>
    public const uint CmdDkMediaInfo = 75;

    /// <summary>VDM_CMD_DK_REMOVABLE: dk-removable (dkio(7) DKIOCREMOVABLE).</summary>
    public const uint CmdDkRemovable = 76;

    /// <summary>VDM_CMD_DK_HOTPLUGGABLE: dk-hotpluggable (dkio(7) DKIOCHOTPLUGGABLE).</summary>
    public const uint CmdDkHotpluggable = 77;

    /// <summary>VDM_CMD_DK_STATE: dk-state (dkio(7) DKIOCSTATE).</summary>
    public const uint CmdDkState = 78;

    /// <summary>VDM_CMD_DK_EJECT: dk-eject (dkio(7) DKIOCEJECT).</summary>
    public const uint CmdDkEject = 79;

    /// <summary>VDM_CMD_DK_LOCK: dk-lock (dkio(7) DKIOCLOCK).</summary>
    public const uint CmdDkLock = 80;

    /// <summary>VDM_CMD_DK_UNLOCK: dk-unlock (dkio(7) DKIOCUNLOCK).</summary>
    public const uint CmdDkUnlock = 81;

    /// <summary>VDM_CMD_DK_PARTINFO: dk-partinfo (dkio(7) DKIOCPARTINFO).</summary>
    public const uint CmdDkPartinfo = 82;

    /// <summary>VDM_CMD_DK_EXTPARTINFO: dk-extpartinfo (dkio(7) DKIOCEXTPARTINFO).</summary>
    public const uint CmdDkExtpartinfo = 83;

    /// <summary>VDM_CMD_DK_SMBOOT: dk-smboot (dkio(7) DKIOCSMBOOT).</summary>
    public const uint CmdDkSmboot = 84;

    /// <summary>VDM_CMD_DK_GET_VOLCAP: dk-get-volcap (dkio(7) DKIOCGETVOLCAP).</summary>
    public const uint CmdDkGetVolcap = 85;

    /// <summary>VDM_CMD_DK_SET_VOLCAP: dk-set-volcap (dkio(7) DKIOCSETVOLCAP).</summary>
    public const uint CmdDkSetVolcap = 86;

    /// <summary>VDM_CMD_DK_DMR: dk-dmr (dkio(7) DKIODMR).</summary>
    public const uint CmdDkDmr = 87;

    /// <summary>VDM_CMD_DK_ADDBAD: dk-addbad (dkio(7) DKIOCADDBAD).</summary>
    public const uint CmdDkAddbad = 88;

    /// <summary>VDM_DK_DEVLEN: bytes of dk-info's controller and drive names, the NUL included.</summary>
    public const int DkDevLen = 16;

    /// <summary>VDM_DKC_MD: dk-info's controller type, a meta-disk (virtual disk) driver.</summary>
    public const uint DkcMd = 16;

    /// <summary>VDM_DK_FIXED_DISK: dk-media-info's media type of every instance.</summary>
    public const uint DkFixedDisk = 0x10001;

    /// <summary>VDM_DKIO_NONE: dk-state's 'tell me the current state'.</summary>
    public const uint DkioNone = 0;

    /// <summary>VDM_DKIO_EJECTED: the instance is gone or cannot do I/O.</summary>
    public const uint DkioEjected = 1;

    /// <summary>VDM_DKIO_INSERTED: the instance can do I/O.</summary>
    public const uint DkioInserted = 2;

    /// <summary>VDM_VTOC_SANE: a VTOC's sanity word.</summary>
    public const uint VtocSane = 0x600DDEEE;

    /// <summary>VDM_V_VERSION: the VTOC layout version.</summary>
    public const uint VVersion = 1;

    /// <summary>VDM_V_NUMPAR: slices in a VTOC (and maps in dk-get-apart).</summary>
    public const int VNumPar = 16;

    /// <summary>VDM_LEN_DKL_VVOL: bytes of a VTOC's volume name (no NUL needed).</summary>
    public const int LenDklVvol = 8;

    /// <summary>VDM_LEN_DKL_ASCII: bytes of a VTOC's ASCII label.</summary>
    public const int LenDklAscii = 128;

    /// <summary>VDM_V_UNASSIGNED: slice tag.</summary>
    public const uint VUnassigned = 0x00;

    /// <summary>VDM_V_BOOT: slice tag.</summary>
    public const uint VBoot = 0x01;

    /// <summary>VDM_V_ROOT: slice tag.</summary>
    public const uint VRoot = 0x02;

    /// <summary>VDM_V_SWAP: slice tag.</summary>
    public const uint VSwap = 0x03;

    /// <summary>VDM_V_USR: slice tag.</summary>
    public const uint VUsr = 0x04;

    /// <summary>VDM_V_BACKUP: slice tag of the whole disk, which may overlap the others.</summary>
    public const uint VBackup = 0x05;

    /// <summary>VDM_V_STAND: slice tag.</summary>
    public const uint VStand = 0x06;

    /// <summary>VDM_V_VAR: slice tag.</summary>
    public const uint VVar = 0x07;

    /// <summary>VDM_V_HOME: slice tag.</summary>
    public const uint VHome = 0x08;

    /// <summary>VDM_V_ALTSCTR: slice tag of the alternate sectors.</summary>
    public const uint VAltsctr = 0x09;

    /// <summary>VDM_V_RESERVED: slice tag.</summary>
    public const uint VReserved = 0x0b;

    /// <summary>VDM_V_SYSTEM: slice tag.</summary>
    public const uint VSystem = 0x0c;

    /// <summary>VDM_V_UNMNT: slice flag, not mountable.</summary>
    public const uint VUnmnt = 0x01;

    /// <summary>VDM_V_RONLY: slice flag, read-only (writes fail with EROFS).</summary>
    public const uint VRonly = 0x10;

    /// <summary>VDM_DKV_ABR_CAP: volume capability, application-based recovery.</summary>
    public const uint DkvAbrCap = 0x1;

    /// <summary>VDM_DKV_DMR_CAP: volume capability, directed mirror reads.</summary>
    public const uint DkvDmrCap = 0x2;

    /// <summary>VDM_DKV_SIDE_INIT: dk-dmr's side before the first call.</summary>
    public const int DkvSideInit = -1;

    /// <summary>VDM_DKV_DMR_NEXT_SIDE: dk-dmr flag set by the caller.</summary>
    public const uint DkvDmrNextSide = 0x1;

    /// <summary>VDM_DKV_DMR_DONE: dk-dmr flag, every usable side has been read.</summary>
    public const uint DkvDmrDone = 0x2;

    /// <summary>VDM_DKV_DMR_ERROR: dk-dmr flag, no usable side to read.</summary>
    public const uint DkvDmrError = 0x4;

    /// <summary>VDM_DKV_DMR_SUCCESS: dk-dmr flag, the side was read.</summary>
    public const uint DkvDmrSuccess = 0x10;

    /// <summary>VDM_DKV_DMR_SHORT: dk-dmr flag, fewer bytes than asked were read.</summary>
    public const uint DkvDmrShort = 0x20;

    /// <summary>VDM_DMR_MAX_DATA: the bytes one dk-dmr returns at most.</summary>
    public const int DmrMaxData = 8192;

    /// <summary>VDM_MBOOT_SIGNATURE: the signature a master boot record must carry.</summary>
    public const uint MbootSignature = 0xAA55;

    /// <summary>VDM_BOOTSZ: bytes of a master boot record's boot code.</summary>
    public const int BootSize = 446;

    /// <summary>VDM_FD_NUMPART: partitions of a master boot record.</summary>
    public const int FdNumPart = 4;

    /// <summary>VDM_SUNIXOS: the old Solaris partition id of a master boot record.</summary>
    public const uint SunIxOs = 0x82;

    /// <summary>VDM_SUNIXOS2: the Solaris partition id of a master boot record.</summary>
    public const uint SunIxOs2 = 0xBF;

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
