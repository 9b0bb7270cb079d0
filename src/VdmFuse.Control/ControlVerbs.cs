namespace VdmFuse.Control;

/// <summary>The verbs of the control language.</summary>
public static class ControlVerbs
{
    /// <summary>Creates a disk instance.</summary>
    public const string CreateInstance = "create-instance";

    /// <summary>Deletes a disk instance.</summary>
    public const string DeleteInstance = "delete-instance";

    /// <summary>Links a child instance under a parent instance.</summary>
    public const string LinkChildInstance = "link-child-instance";

    /// <summary>Unlinks a child instance from its parent instance.</summary>
    public const string UnlinkChildInstance = "unlink-child-instance";

    /// <summary>Counts the children of an instance, or returns them one per call.</summary>
    public const string GetChildInstance = "get-child-instance";

    /// <summary>Returns the subdriver attributes of an instance.</summary>
    public const string GetAttributes = "get-attributes";

    /// <summary>Changes the subdriver attributes of an instance.</summary>
    public const string UpdateAttributes = "update-attributes";

    /// <summary>Runs a command of an instance's subdriver.</summary>
    public const string IoctlSubdriver = "ioctl-subdriver";

    /// <summary>Lists the disk instances.</summary>
    public const string GetInstances = "get-instances";

    /// <summary>Writes a new label (device id, quota, no volumes) on a device: an image file or a block device.</summary>
    public const string FormatDev = "format-dev";

    /// <summary>Mounts a device: its volumes become exported instances.</summary>
    public const string MountDev = "mount-dev";

    /// <summary>Flushes a device and deletes its volume instances and its physical instance.</summary>
    public const string DismountDev = "dismount-dev";

    /// <summary>Dismounts every mounted device.</summary>
    public const string DismountAll = "dismount-all";

    /// <summary>Lists the mounted devices, one record each.</summary>
    public const string ListDevices = "list-devices";

    /// <summary>Lists the volumes of a mounted device, one record each.</summary>
    public const string ListVolumes = "list-volumes";

    /// <summary>Returns the quota of a mounted device and the part its volumes use, in KB.</summary>
    public const string GetDeviceQuota = "get-device-quota";

    /// <summary>Creates a volume on a mounted device.</summary>
    public const string CreateVolume = "create-volume";

    /// <summary>Destroys a volume of a mounted device.</summary>
    public const string DestroyVolume = "destroy-volume";

    /// <summary>Returns the size and geometry of an instance (DSKIOCGET).</summary>
    public const string DskGet = "dsk-get";

    /// <summary>Returns the I/O statistics of an instance (DSKIOCUSAGE).</summary>
    public const string DskUsage = "dsk-usage";

    /// <summary>Returns where a block of an instance lives, down to the physical disk (DSKIOCGETADDRESS).</summary>
    public const string DskGetAddress = "dsk-get-address";

    /// <summary>Shows the daemon's mode (enabled or disabled, and why) and the configuration copies' count.</summary>
    public const string GetMode = "get-mode";

    /// <summary>Lists the copies of the configuration database, one record each.</summary>
    public const string DbList = "db-list";

    /// <summary>Checks every copy of the configuration database (both slots of each).</summary>
    public const string DbCheck = "db-check";

    /// <summary>Adds a copy of the configuration database, initialised from the current configuration.</summary>
    public const string DbAdd = "db-add";

    /// <summary>Removes a copy of the configuration database.</summary>
    public const string DbRemove = "db-remove";

    /// <summary>Rewrites a copy of the configuration database from the current configuration.</summary>
    public const string DbReinit = "db-reinit";

    /// <summary>Rewrites every other copy of the configuration database from the copy the administrator names.</summary>
    public const string DbRestore = "db-restore";

    /// <summary>Runs the load rules again and enters enabled mode when they allow it.</summary>
    public const string Enable = "enable";

    /// <summary>Adds a rule to a fault instance: fail reads, writes or both on a block range with an errno.</summary>
    public const string FaultAdd = "fault-add";

    /// <summary>Removes one rule of a fault instance, or all of them.</summary>
    public const string FaultClear = "fault-clear";

    /// <summary>Lists the rules of a fault instance, one record each.</summary>
    public const string FaultList = "fault-list";

    /// <summary>Starts copying one image of a mirror to one or more corrupt images (vdmmirr(7)).</summary>
    public const string SyncImages = "sync-images";

    /// <summary>Ends the sync to one destination image of a mirror, leaving it corrupt.</summary>
    public const string TerminateSync = "terminate-sync";

    /// <summary>Changes the delay between the I/Os of a running mirror sync.</summary>
    public const string ThrottleSync = "throttle-sync";

    /// <summary>Fractures a usable image of a mirror: no more I/O to it, with optional change tracking.</summary>
    public const string FractureImage = "fracture-image";

    /// <summary>Formats the bad-block tables of a remap instance-to-be for its remap area (vdmremap(7), admpdisk's role).</summary>
    public const string RemapFormat = "remap-format";

    /// <summary>Returns one entry of the bad-block table of a remap instance per call (DG_VDMREMAP_LIST_REMAP_TABLE).</summary>
    public const string ListRemapTable = "list-remap-table";

    /// <summary>Lists a block as bad in a remap instance's table, so that the next write remaps it (DG_VDMREMAP_FORCE_REMAP).</summary>
    public const string ForceRemap = "force-remap";

    /// <summary>Tries to bring a listed bad block back into use (DG_VDMREMAP_RECOVER_BAD_BLOCK).</summary>
    public const string RecoverBadBlock = "recover-bad-block";

    /// <summary>dkio(7) DKIOCINFO on an instance.</summary>
    public const string DkInfo = "dk-info";

    /// <summary>dkio(7) DKIOCGGEOM on an instance.</summary>
    public const string DkGetGeom = "dk-get-geom";

    /// <summary>dkio(7) DKIOCSGEOM on an instance.</summary>
    public const string DkSetGeom = "dk-set-geom";

    /// <summary>dkio(7) DKIOCG_PHYGEOM on an instance.</summary>
    public const string DkGetPhygeom = "dk-get-phygeom";

    /// <summary>dkio(7) DKIOCG_VIRTGEOM on an instance.</summary>
    public const string DkGetVirtgeom = "dk-get-virtgeom";

    /// <summary>dkio(7) DKIOCGVTOC on an instance.</summary>
    public const string DkGetVtoc = "dk-get-vtoc";

    /// <summary>dkio(7) DKIOCSVTOC on an instance.</summary>
    public const string DkSetVtoc = "dk-set-vtoc";

    /// <summary>dkio(7) DKIOCGEXTVTOC on an instance.</summary>
    public const string DkGetExtvtoc = "dk-get-extvtoc";

    /// <summary>dkio(7) DKIOCSEXTVTOC on an instance.</summary>
    public const string DkSetExtvtoc = "dk-set-extvtoc";

    /// <summary>dkio(7) DKIOCGAPART on an instance.</summary>
    public const string DkGetApart = "dk-get-apart";

    /// <summary>dkio(7) DKIOCSAPART on an instance.</summary>
    public const string DkSetApart = "dk-set-apart";

    /// <summary>dkio(7) DKIOCGMEDIAINFO on an instance.</summary>
    public const string DkMediaInfo = "dk-media-info";

    /// <summary>dkio(7) DKIOCREMOVABLE on an instance.</summary>
    public const string DkRemovable = "dk-removable";

    /// <summary>dkio(7) DKIOCHOTPLUGGABLE on an instance.</summary>
    public const string DkHotpluggable = "dk-hotpluggable";

    /// <summary>dkio(7) DKIOCSTATE on an instance.</summary>
    public const string DkState = "dk-state";

    /// <summary>dkio(7) DKIOCEJECT on an instance.</summary>
    public const string DkEject = "dk-eject";

    /// <summary>dkio(7) DKIOCLOCK on an instance.</summary>
    public const string DkLock = "dk-lock";

    /// <summary>dkio(7) DKIOCUNLOCK on an instance.</summary>
    public const string DkUnlock = "dk-unlock";

    /// <summary>dkio(7) DKIOCPARTINFO on an instance.</summary>
    public const string DkPartinfo = "dk-partinfo";

    /// <summary>dkio(7) DKIOCEXTPARTINFO on an instance.</summary>
    public const string DkExtpartinfo = "dk-extpartinfo";

    /// <summary>dkio(7) DKIOCSMBOOT on an instance.</summary>
    public const string DkSmboot = "dk-smboot";

    /// <summary>dkio(7) DKIOCGETVOLCAP on an instance.</summary>
    public const string DkGetVolcap = "dk-get-volcap";

    /// <summary>dkio(7) DKIOCSETVOLCAP on an instance.</summary>
    public const string DkSetVolcap = "dk-set-volcap";

    /// <summary>dkio(7) DKIODMR on an instance.</summary>
    public const string DkDmr = "dk-dmr";

    /// <summary>dkio(7) DKIOCADDBAD on an instance.</summary>
    public const string DkAddbad = "dk-addbad";

    /// <summary>Lists the commands.</summary>
    public const string Help = "help";
}
