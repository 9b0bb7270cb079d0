/*
 * vdmfuse/vdm.h - the packets of the vdmfuse control plane.
 *
 * vdmfuse is driven with the Virtual Disk Manager's ioctl packets (DG/UX vdm(7),
 * vdmphys(7), vdmpart(7), vdmmirr(7), vdmremap(7)), flattened: every pointer of the
 * original packets is replaced by the pointed-to packet inline, so a packet is one
 * flat, fixed-size, little-endian structure. The same packet travels three ways:
 *
 *   1. ioctl(fd, VDM_IOC_<COMMAND>, &packet) on /mnt/vdm/vdm, or on an exported
 *      instance file (dsk/NAME, rdsk/NAME, plex/NAME) where an instance is implied;
 *   2. write(fd, &request, sizeof request) on /mnt/vdm/vdm, where request is a
 *      struct vdm_request_header followed by the packet, then read(fd, &reply, ...)
 *      of a struct vdm_reply_header followed by the packet with its output fields;
 *   3. a text line "verb key=value ..." on /mnt/vdm/vdm (docs/CONTROL.md).
 *
 * Rules, as in the manual pages: set version to VDM_PACKET_VERSION_0; every byte
 * that is not an input field of the command must be zero (EINVAL otherwise); names
 * are NUL-terminated within their field (at most VDM_NAME_SIZE - 1 bytes, no '/').
 * Device numbers name instances; VDM_NODEV means "none".
 */
#ifndef VDMFUSE_VDM_H
#define VDMFUSE_VDM_H

#include <stdint.h>
#include <linux/ioctl.h>

#define VDM_PACKET_VERSION_0     0u
#define VDM_REQUEST_MAGIC        0x514d4456u   /* "VDMQ" little-endian */
#define VDM_REPLY_MAGIC          0x524d4456u   /* "VDMR" little-endian */
#define VDM_NAME_SIZE            64
#define VDM_PATH_SIZE            1024
#define VDM_MESSAGE_SIZE         256
#define VDM_NODEV                0xffffffffu
#define VDM_MAX_ADDRESS_DEPTH    8

/* Subdriver ids. */
#define VDM_SUBDRIVER_NON_VDM    0xffffffffu   /* a child that is not a vdmfuse instance */
#define VDM_SUBDRIVER_PHYSICAL   1u
#define VDM_SUBDRIVER_PARTITION  2u
#define VDM_SUBDRIVER_MIRROR     3u
#define VDM_SUBDRIVER_REMAP      4u
#define VDM_SUBDRIVER_FAULT      5u
#define VDM_SUBDRIVER_VOLUME     6u   /* a volume of a mounted device (device management) */
#define VDM_SUBDRIVER_SLICE      7u   /* a slice of a VTOC (dkio(7)): made from the label, never by create-instance */

/* Command numbers (the command field of the headers; the nr of the ioctl numbers). */
#define VDM_CMD_CREATE_INSTANCE        1u
#define VDM_CMD_DELETE_INSTANCE        2u
#define VDM_CMD_LINK_CHILD_INSTANCE    3u
#define VDM_CMD_UNLINK_CHILD_INSTANCE  4u
#define VDM_CMD_GET_CHILD_INSTANCE     5u
#define VDM_CMD_GET_ATTRIBUTES         6u
#define VDM_CMD_UPDATE_ATTRIBUTES      7u
#define VDM_CMD_IOCTL_SUBDRIVER        8u
#define VDM_CMD_GET_INSTANCES          9u
/* Device management (Shore's device methods): format-dev, mount-dev, dismount-dev, dismount-all, create-volume
 * and destroy-volume are privileged; list-devices, list-volumes and get-device-quota are open to all. */
#define VDM_CMD_FORMAT_DEV            10u
#define VDM_CMD_MOUNT_DEV             11u
#define VDM_CMD_DISMOUNT_DEV          12u
#define VDM_CMD_DISMOUNT_ALL          13u
#define VDM_CMD_LIST_DEVICES          14u
#define VDM_CMD_LIST_VOLUMES          15u
#define VDM_CMD_GET_DEVICE_QUOTA      19u
#define VDM_CMD_CREATE_VOLUME         20u
#define VDM_CMD_DESTROY_VOLUME        21u
#define VDM_CMD_DSK_GET               16u   /* DSKIOCGET */
#define VDM_CMD_DSK_USAGE             17u   /* DSKIOCUSAGE */
#define VDM_CMD_DSK_GET_ADDRESS       18u   /* DSKIOCGETADDRESS */
/* Diagnostic commands (the configuration database and the daemon's mode): accepted in both modes and on
 * the diagnostic control file (vdmdiag). get-mode, db-list and db-check are open to all; the others are
 * privileged. */
#define VDM_CMD_GET_MODE              32u
#define VDM_CMD_DB_LIST               33u
#define VDM_CMD_DB_CHECK              34u
#define VDM_CMD_DB_ADD                35u
#define VDM_CMD_DB_REMOVE             36u
#define VDM_CMD_DB_REINIT             37u
#define VDM_CMD_DB_RESTORE            38u
#define VDM_CMD_ENABLE                39u
/* Fault injection (the fault subdriver): fault-add and fault-clear are privileged, fault-list is open to all. */
#define VDM_CMD_FAULT_ADD             40u
#define VDM_CMD_FAULT_CLEAR           41u
#define VDM_CMD_FAULT_LIST            42u
/* The mirror subdriver's commands (vdmmirr(7) IOCTLS), all privileged; also run as ioctl-subdriver commands
 * VDM_MIRROR_CMD_* with the same packet as the argument. 52 to 55 are reserved for the mirror. */
#define VDM_CMD_SYNC_IMAGES           48u
#define VDM_CMD_TERMINATE_SYNC        49u
#define VDM_CMD_THROTTLE_SYNC         50u
#define VDM_CMD_FRACTURE_IMAGE        51u
/* The remap subdriver's commands (vdmremap(7)): remap-format (admpdisk(1M)'s formatting of the bad-block tables,
 * privileged); list-remap-table (open to all), force-remap and recover-bad-block (privileged), which are also its
 * ioctl-subdriver commands VDM_REMAP_CMD_* with the same packet as the argument. 60 to 63 are reserved for it. */
#define VDM_CMD_REMAP_FORMAT          56u
#define VDM_CMD_LIST_REMAP_TABLE      57u
#define VDM_CMD_FORCE_REMAP           58u
#define VDM_CMD_RECOVER_BAD_BLOCK     59u

/* ---- headers of the write/read front door ------------------------------------ */

struct vdm_request_header {
    uint32_t magic;            /* VDM_REQUEST_MAGIC */
    uint32_t version;          /* VDM_PACKET_VERSION_0 */
    uint32_t command;          /* VDM_CMD_* */
    uint32_t length;           /* bytes of the packet that follows: sizeof its struct */
};

struct vdm_reply_header {
    uint32_t magic;            /* VDM_REPLY_MAGIC */
    uint32_t version;
    uint32_t command;
    uint32_t length;           /* bytes of the packet that follows (0 after an error) */
    int32_t  error;            /* 0, or the positive errno the write(2) failed with */
    uint32_t reserved;
    char     message[VDM_MESSAGE_SIZE]; /* the error's sentence, NUL-terminated; empty on success */
};

/* ---- common pieces --------------------------------------------------------------- */

/* Names an instance: by device number, or (for a missing child) by its id. */
struct vdm_instance_specifier {
    uint32_t device_number_used;   /* 1: device_number is valid; 0: the id is */
    uint32_t device_number;
    uint32_t id_generation;
    uint32_t id_system_id;
};

/* Subdriver attribute packets (vdmphys(7), vdmpart(7), vdmmirr(7), vdmremap(7)). */
struct vdm_physical_attributes {
    uint32_t version;
    uint32_t flags;                /* out: VDM_PHYS_DIRECT | VDM_PHYS_BLOCK_DEVICE */
    uint64_t size;                 /* out: bytes */
    uint32_t sector_size;          /* out: logical sector size */
    uint32_t reserved;
    char     path[VDM_PATH_SIZE];  /* in (create), out (get): image file or block device */
};
#define VDM_PHYS_DIRECT        0x1u
#define VDM_PHYS_BLOCK_DEVICE  0x2u

struct vdm_partition_attributes {
    uint32_t version;
    uint32_t child_device_number;  /* in (create), out: the instance partitioned */
    uint64_t start;                /* 512-byte blocks on the child */
    uint64_t size;                 /* 512-byte blocks */
    uint32_t remap_device_number;  /* VDM_NODEV, or a remap instance linked as a child */
    uint32_t reserved;
};

/* Fault subdriver (fault injection over one child; its rules are set with fault-add, not here). */
struct vdm_fault_attributes {
    uint32_t version;
    uint32_t child_device_number;  /* in (create), out: the instance whose I/O is passed on or failed */
    uint32_t rules;                /* out: rules in force */
    uint32_t reserved;
    uint64_t hits;                 /* out: I/Os failed by the rules, cleared rules included */
};

/* Mirror subdriver (vdmmirr(7)): up to VDM_MIRROR_MAX_IMAGES images. The page's create, get and update packets,
 * flattened; the limits are compared with the non-corrupt and the missing images on open (-1: no test). */
#define VDM_MIRROR_MAX_IMAGES        3
#define VDM_MIRROR_AUTOMATIC_SYNC    0x1u   /* get-attributes flags */
#define VDM_MIRROR_SYNC_IN_PROGRESS  0x2u

/* create-instance (member mirror): every image given is corrupt until a sync, unless there is one. */
struct vdm_mirror_create_attributes {
    uint32_t version;
    uint32_t automatic_sync;                  /* in: 1 = sync on its own after a crash */
    int32_t  minimum_images_required_to_use;  /* in: -1 = no test */
    int32_t  maximum_images_missing_to_use;   /* in: -1 = no test */
    uint32_t milliseconds_between_sync_io;    /* in: delay of automatic syncs */
    uint32_t number_of_images;                /* in: 1 to VDM_MIRROR_MAX_IMAGES */
    uint32_t image_device_numbers[VDM_MIRROR_MAX_IMAGES];  /* in: the first number_of_images, the rest 0 */
    uint32_t region_size;                     /* in: dirty-region size in 512-byte blocks, 0 = 8192 */
};

/* get-attributes (member mirror_get). */
struct vdm_mirror_get_attributes {
    uint32_t version;
    uint32_t flags;                           /* out: VDM_MIRROR_AUTOMATIC_SYNC | VDM_MIRROR_SYNC_IN_PROGRESS */
    int32_t  minimum_images_required_to_use;  /* out */
    int32_t  maximum_images_missing_to_use;   /* out */
    uint32_t milliseconds_between_sync_io;    /* out */
    uint32_t image_count;                     /* out: images, missing ones included */
    uint32_t region_size;                     /* out: dirty-region size in blocks (0 without a journal) */
    uint32_t reserved;
    uint64_t dirty_regions;                   /* out: regions marked dirty on disk now */
};

/* update-attributes (member mirror_update): all four are set; allowed while the mirror is open. */
struct vdm_mirror_update_attributes {
    uint32_t version;
    uint32_t automatic_sync;                  /* in: 0 or 1 */
    int32_t  minimum_images_required_to_use;  /* in */
    int32_t  maximum_images_missing_to_use;   /* in */
    uint32_t milliseconds_between_sync_io;    /* in */
};

/* Remap subdriver (vdmremap(7)): three partitions of one disk, formatted with remap-format first. A remap
 * instance has no size, is never exported and has nothing to update (update-attributes: EINVAL). */
#define VDM_REMAP_MAX_TABLE_BLOCKS         2048     /* DG_VDMREMAP_MAX_REMAP_TABLE_BLOCKS: 512-byte blocks of a table */
#define VDM_REMAP_TABLE_ENTRIES_PER_BLOCK  64       /* DG_VDMREMAP_TABLE_ENTRIES_PER_BLOCK */
#define VDM_REMAP_MAX_BLOCKS_REMAPPABLE    131064   /* DG_VDMREMAP_MAX_BLOCKS_REMAPPABLE: entries of a table at most */
#define VDM_REMAP_TABLE_IN_USE             1u       /* get-attributes: a table the instance reads and writes */
#define VDM_REMAP_TABLE_FAILED             2u       /* get-attributes: a table given up on (the other one is used) */

/* create-instance (member remap, dg_vdmremap_create_packet): the device numbers of the three partitions. */
struct vdm_remap_create_attributes {
    uint32_t version;
    uint32_t primary_remap_table;             /* in: the primary bad-block table's partition */
    uint32_t secondary_remap_table;           /* in: the secondary bad-block table's partition */
    uint32_t remap_area;                      /* in: the remap area's partition */
};

/* get-attributes (member remap_get): the numbers of the text form's attributes. */
struct vdm_remap_get_attributes {
    uint32_t version;
    uint32_t primary_table;                   /* out: device number of the primary table's partition */
    uint32_t secondary_table;                 /* out */
    uint32_t remap_area;                      /* out */
    uint32_t unit_size;                       /* out: bytes of a remap unit (the disk's sector size) */
    uint32_t area_blocks;                     /* out: units of the remap area */
    uint32_t free_area_blocks;                /* out: units not used by a mapped or bad remap-area block */
    uint32_t table_blocks;                    /* out: 512-byte blocks of each table */
    uint32_t table_capacity;                  /* out: entries each table holds */
    uint32_t entries;                         /* out: entries listed */
    uint32_t unmapped;                        /* out: entries in each state */
    uint32_t mapped;
    uint32_t forced;
    uint32_t pseudo;
    uint32_t bad_remap;
    uint32_t primary_table_state;             /* out: VDM_REMAP_TABLE_IN_USE or VDM_REMAP_TABLE_FAILED */
    uint32_t secondary_table_state;           /* out */
    uint32_t reserved;
    uint64_t sequence;                        /* out: the tables' update sequence */
};

union vdm_subdriver_attributes {
    struct vdm_physical_attributes      physical;
    struct vdm_partition_attributes     partition;
    struct vdm_fault_attributes         fault;
    struct vdm_mirror_create_attributes mirror;         /* create-instance */
    struct vdm_mirror_get_attributes    mirror_get;     /* get-attributes */
    struct vdm_mirror_update_attributes mirror_update;  /* update-attributes */
    struct vdm_remap_create_attributes  remap;          /* create-instance */
    struct vdm_remap_get_attributes     remap_get;      /* get-attributes */
    uint8_t                             raw[1056];
};

/* ---- the framework commands (vdm(7)) -------------------------------------------- */

struct vdm_create_instance_packet {
    uint32_t version;
    uint32_t subdriver_id;         /* VDM_SUBDRIVER_* */
    char     name[VDM_NAME_SIZE];
    uint32_t persistent;           /* 1: recorded in the configuration database */
    uint32_t not_exported;         /* 1: no files under dsk/ and rdsk/ */
    uint32_t device_number;        /* out */
    uint32_t reserved;
    union vdm_subdriver_attributes attributes;  /* in: the subdriver's create packet */
};

struct vdm_delete_instance_packet {
    uint32_t version;
    uint32_t device_number;
};

/* Role packets of children (filled in by the parent's subdriver). */

/* A mirror's image (vdmmirr(7) dgvdmmirrgetchildpacket): filled by get-child-instance when parent_subdriver_id
 * is VDM_SUBDRIVER_MIRROR. */
#define VDM_MIRROR_CORRUPT           0x1u   /* not identical to the up-to-date images (fractured ones too) */
#define VDM_MIRROR_SYNC_SOURCE       0x2u
#define VDM_MIRROR_SYNC_DESTINATION  0x4u   /* written, not read from, until the sync ends */
#define VDM_MIRROR_FRACTURED         0x8u
struct vdm_mirror_child_role {
    uint32_t version;
    uint32_t flags;                /* out: VDM_MIRROR_CORRUPT | _SYNC_SOURCE | _SYNC_DESTINATION | _FRACTURED */
    uint64_t sync_block;           /* out: the block the sync to this image has reached */
    uint32_t change_granularity;   /* out: blocks per granule of a fractured image's change map (0: none) */
    uint32_t source_image;         /* out: device number of the sync's source, VDM_NODEV when none */
    uint64_t sync_total_blocks;    /* out: blocks the sync copies in all */
    uint32_t sync_percent;         /* out */
    uint32_t sync_rate_kib;        /* out: KiB per second */
    uint64_t changed_granules;     /* out: granules marked in the change map */
    uint8_t  reserved[16];
};

/* A remap instance's child (vdmremap(7) dg_vdmremap_get_child_packet): filled by get-child-instance when
 * parent_subdriver_id is VDM_SUBDRIVER_REMAP. */
#define VDM_REMAP_PRIMARY_TABLE_CHILD    1u
#define VDM_REMAP_SECONDARY_TABLE_CHILD  2u
#define VDM_REMAP_REMAP_AREA_CHILD       3u
struct vdm_remap_child_role {
    uint32_t version;
    uint32_t child_type;           /* out: VDM_REMAP_PRIMARY_TABLE_CHILD, _SECONDARY_TABLE_CHILD or _REMAP_AREA_CHILD */
};

union vdm_child_role {
    struct vdm_mirror_child_role mirror;
    struct vdm_remap_child_role  remap;
    uint8_t raw[64];
};

struct vdm_link_child_instance_packet {
    uint32_t version;
    uint32_t parent_device_number;
    struct vdm_instance_specifier child_instance;
    union vdm_child_role role;     /* in: the child's role, where the parent's subdriver has one */
};

struct vdm_unlink_child_instance_packet {
    uint32_t version;
    uint32_t parent_device_number;
    struct vdm_instance_specifier child_instance;
};

struct vdm_get_child_instance_packet {
    uint32_t version;
    uint32_t parent_subdriver_id;  /* in: must match the parent's */
    uint32_t parent_device_number;
    uint32_t available;            /* in: 0 = count the children, 1 = return the next one */
    uint32_t key;                  /* in/out: 0 to start; the daemon advances it */
    uint32_t count;                /* out (available = 0): number of children */
    /* out (available = 1): the child (dgvdmchildinstancepacket, inline) */
    struct vdm_instance_specifier child_instance;
    uint32_t child_subdriver_id;
    uint32_t reserved;
    union vdm_child_role child_role;
};

struct vdm_get_attributes_packet {
    uint32_t version;
    uint32_t device_number;
    uint32_t subdriver_id;         /* out */
    uint32_t reserved;
    union vdm_subdriver_attributes attributes;   /* out */
};

struct vdm_update_attributes_packet {
    uint32_t version;
    uint32_t device_number;
    uint32_t subdriver_id;         /* in: must match the instance's */
    uint32_t reserved;
    union vdm_subdriver_attributes attributes;   /* in */
};

struct vdm_ioctl_subdriver_packet {
    uint32_t version;
    uint32_t subdriver_id;
    uint32_t instance_device_number;
    uint32_t command;              /* the subdriver's command number */
    uint8_t  argument[1024];       /* in/out: the subdriver command's packet, inline */
};

/* Listing: one instance per call, iterated with a key, ENOENT after the last. */
struct vdm_get_instances_packet {
    uint32_t version;
    uint32_t key;                  /* in/out: 0 to start */
    uint32_t device_number;        /* out */
    uint32_t subdriver_id;         /* out */
    char     name[VDM_NAME_SIZE];  /* out */
    uint64_t size;                 /* out: bytes */
    uint32_t children;             /* out: number of children */
    uint32_t parents;              /* out: number of parents */
    uint32_t exported;             /* out */
    uint32_t open_count;           /* out */
};

/* ---- common disk commands on every instance -------------------------------------- */

/* DSKIOCGET: size and geometry; EINVAL when the instance is not usable. */
struct vdm_dsk_get_packet {
    uint32_t version;
    uint32_t device_number;        /* in (ignored on an instance file) */
    uint64_t total_blocks;         /* out: 512-byte blocks */
    uint32_t sector_size;          /* out */
    uint32_t sectors_per_track;    /* out */
    uint32_t tracks_per_cylinder;  /* out */
    uint32_t cylinders;            /* out */
};

/* DSKIOCUSAGE: the I/O statistics, and the blocks remapped by bad-block remapping (0 without a remap).
 * A remap instance answers neither DSKIOCGET nor DSKIOCUSAGE (ENOTSUP). */
struct vdm_dsk_usage_packet {
    uint32_t version;
    uint32_t device_number;
    uint64_t reads;
    uint64_t writes;
    uint64_t blocks_read;          /* 512-byte blocks */
    uint64_t blocks_written;
    uint64_t errors;
    uint64_t read_time_us;
    uint64_t write_time_us;
    uint64_t remapped_blocks;      /* mapped bad blocks inside the instance (a partition with a remap linked) */
};

/* DSKIOCGETADDRESS: where a block lives, from the instance down to the physical disk. */
struct vdm_address_level {
    uint32_t device_number;
    uint32_t subdriver_id;
    uint64_t block;                /* 512-byte block within that instance */
};

struct vdm_dsk_get_address_packet {
    uint32_t version;
    uint32_t device_number;
    uint64_t block;                /* in: 512-byte block of the instance */
    uint32_t depth;                /* out: number of levels */
    uint32_t reserved;
    struct vdm_address_level levels[VDM_MAX_ADDRESS_DEPTH];  /* out: levels[0] is the instance itself */
};

/* ---- diagnostic commands: the daemon's mode and the configuration database's copies ---- */

#define VDM_MAX_DB_COPIES 8        /* copies a db-* packet lists (the text form lists them all) */

/* get-mode, and enable (which answers with the mode it entered). */
struct vdm_get_mode_packet {
    uint32_t version;
    uint32_t enabled;              /* out: 1 enabled, 0 disabled */
    uint32_t copies;               /* out: configuration copies listed */
    uint32_t good;                 /* out: copies that hold the current configuration */
    char     reason[VDM_PATH_SIZE];  /* out: why the daemon is disabled; empty when enabled */
};

struct vdm_enable_packet {
    uint32_t version;
    uint32_t enabled;              /* out */
    uint32_t copies;               /* out */
    uint32_t good;                 /* out */
    char     reason[VDM_PATH_SIZE];  /* out */
};

/* One configuration copy: a whole file (offset 0, length of the file's region) or a range of a device. */
struct vdm_db_copy {
    uint64_t offset;               /* bytes */
    uint64_t length;               /* bytes of the region (two slots) */
    uint64_t sequence;             /* the configuration sequence it holds; 0 when none */
    char     state[VDM_NAME_SIZE]; /* good, rolled-forward, stale, io-error, format-error, unsupported-version, conflict, empty, failed */
    char     id[VDM_NAME_SIZE];    /* the configuration id it holds, or "-" */
    char     path[VDM_PATH_SIZE];
};

/* db-list and db-check: every copy (db-check reads and verifies each first). */
struct vdm_db_list_packet {
    uint32_t version;
    uint32_t count;                /* out: copies in copies[] */
    uint32_t good;                 /* out */
    uint32_t reserved;
    struct vdm_db_copy copies[VDM_MAX_DB_COPIES];  /* out */
};

struct vdm_db_check_packet {
    uint32_t version;
    uint32_t count;                /* out */
    uint32_t good;                 /* out */
    uint32_t reserved;
    struct vdm_db_copy copies[VDM_MAX_DB_COPIES];  /* out */
};

/* db-add, db-remove, db-reinit: the copy at path (with offset and length for a range, both 0 for a
 * whole file); the reply lists every copy afterwards. */
struct vdm_db_add_packet {
    uint32_t version;
    uint32_t count;                /* out */
    uint32_t good;                 /* out */
    uint32_t reserved;
    uint64_t offset;               /* in */
    uint64_t length;               /* in */
    char     path[VDM_PATH_SIZE];  /* in */
    struct vdm_db_copy copies[VDM_MAX_DB_COPIES];  /* out */
};

struct vdm_db_remove_packet {
    uint32_t version;
    uint32_t count;                /* out */
    uint32_t good;                 /* out */
    uint32_t reserved;
    uint64_t offset;               /* in */
    uint64_t length;               /* in */
    char     path[VDM_PATH_SIZE];  /* in */
    struct vdm_db_copy copies[VDM_MAX_DB_COPIES];  /* out */
};

struct vdm_db_reinit_packet {
    uint32_t version;
    uint32_t count;                /* out */
    uint32_t good;                 /* out */
    uint32_t reserved;
    uint64_t offset;               /* in */
    uint64_t length;               /* in */
    char     path[VDM_PATH_SIZE];  /* in */
    struct vdm_db_copy copies[VDM_MAX_DB_COPIES];  /* out */
};

/* db-restore: every copy is rewritten from the copy at from; then enable. */
struct vdm_db_restore_packet {
    uint32_t version;
    uint32_t count;                /* out */
    uint32_t good;                 /* out */
    uint32_t reserved;
    uint64_t offset;               /* in: of the copy restored from */
    uint64_t length;               /* in */
    char     from[VDM_PATH_SIZE];  /* in */
    struct vdm_db_copy copies[VDM_MAX_DB_COPIES];  /* out */
};

/* ---- device management: devices (image files or block devices with a label) and their volumes ---- */

#define VDM_MAX_DEVICES 8          /* devices a list-devices packet lists (the text form lists them all) */
#define VDM_MAX_VOLUMES 64         /* volumes a list-volumes packet lists (the text form lists them all) */

/* format-dev: writes a new label (new device id, the quota, no volumes); creates a missing file. */
struct vdm_format_dev_packet {
    uint32_t version;
    uint32_t force;                /* in: 1 = overwrite an existing label */
    uint64_t quota;                /* in: KB */
    char     device[VDM_PATH_SIZE];  /* in */
};

/* mount-dev: the device's volumes become exported instances of subdriver volume. */
struct vdm_mount_dev_packet {
    uint32_t version;
    uint32_t volumes;              /* out */
    char     device_id[VDM_NAME_SIZE];  /* out: the device id (a GUID) */
    char     device[VDM_PATH_SIZE];     /* in */
};

/* dismount-dev: flush, then delete the device's instances (EBUSY while a volume is open). */
struct vdm_dismount_dev_packet {
    uint32_t version;
    uint32_t force;                /* in: 1 = dismount even when the flush fails */
    char     device[VDM_PATH_SIZE];  /* in */
};

struct vdm_dismount_all_packet {
    uint32_t version;
    uint32_t reserved;
};

struct vdm_device_info {
    uint64_t quota_kb;
    uint64_t used_kb;
    uint64_t volumes;
    char     device_id[VDM_NAME_SIZE];
    char     path[VDM_PATH_SIZE];
};

struct vdm_list_devices_packet {
    uint32_t version;
    uint32_t count;                /* out: devices in devices[] */
    struct vdm_device_info devices[VDM_MAX_DEVICES];  /* out */
};

struct vdm_volume_info {
    uint64_t lvid;
    uint64_t quota_kb;
    uint32_t device_number;
    uint32_t open;                 /* opens of the volume's instance */
    char     name[VDM_NAME_SIZE];
};

struct vdm_list_volumes_packet {
    uint32_t version;
    uint32_t count;                /* out: volumes in volumes[] */
    char     device[VDM_PATH_SIZE];  /* in */
    struct vdm_volume_info volumes[VDM_MAX_VOLUMES];  /* out */
};

struct vdm_get_device_quota_packet {
    uint32_t version;
    uint32_t reserved;
    uint64_t quota_kb;             /* out */
    uint64_t used_kb;              /* out: the sum of the volumes' quotas */
    char     device[VDM_PATH_SIZE];  /* in */
};

struct vdm_create_volume_packet {
    uint32_t version;
    uint32_t device_number;        /* out: the volume's instance */
    uint64_t lvid;                 /* out */
    uint64_t quota;                /* in: KB */
    char     name[VDM_NAME_SIZE];  /* in */
    char     device[VDM_PATH_SIZE];  /* in */
};

struct vdm_destroy_volume_packet {
    uint32_t version;
    uint32_t reserved;
    uint64_t lvid;                 /* in */
    char     device[VDM_PATH_SIZE];  /* in */
};

/* ---- fault injection: the rules of a fault instance ------------------------------- */

#define VDM_FAULT_OP_READ      1u
#define VDM_FAULT_OP_WRITE     2u
#define VDM_FAULT_OP_BOTH      3u
#define VDM_MAX_FAULT_RULES    64  /* rules one fault instance holds; a fault-list packet lists them all */

/* fault-add: fail op I/O that overlaps blocks [start, start + count) (count 0 = 1 block; all = 1: the whole
 * instance, start and count 0) with error (0 = EIO), for the next times matching I/Os (0 = until cleared).
 * An I/O that overlaps the range fails whole and does not reach the child. */
struct vdm_fault_add_packet {
    uint32_t version;
    uint32_t device_number;        /* in: the fault instance (0 on its own file) */
    uint32_t op;                   /* in: VDM_FAULT_OP_* */
    uint32_t error;                /* in: the errno to inject, 0 = EIO */
    uint64_t start;                /* in: 512-byte block */
    uint64_t count;                /* in: 512-byte blocks, 0 = 1 */
    uint32_t all;                  /* in: 1 = every block of the instance */
    uint32_t times;                /* in: 0 = until cleared */
    uint32_t id;                   /* out: the rule's number */
    uint32_t reserved;
};

/* fault-clear: remove rule id, or every rule when id is 0 (ENOENT for an unknown id). */
struct vdm_fault_clear_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint32_t id;                   /* in: 0 = every rule */
    uint32_t cleared;              /* out: rules removed */
};

struct vdm_fault_rule {
    uint32_t id;
    uint32_t op;                   /* VDM_FAULT_OP_* */
    uint32_t error;                /* the errno injected */
    uint32_t times;                /* I/Os it still fails; 0 = until cleared */
    uint64_t start;                /* 512-byte block */
    uint64_t count;                /* 512-byte blocks */
    uint64_t hits;                 /* I/Os it has failed */
};

struct vdm_fault_list_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint32_t count;                /* out: rules in rules[] */
    uint32_t reserved;
    struct vdm_fault_rule rules[VDM_MAX_FAULT_RULES];  /* out */
};

/* ---- the mirror's commands (vdmmirr(7) IOCTLS) -------------------------------------- */

/* Each is issued as VDM_IOC_<COMMAND> on vdm (device_number names the mirror) or on the mirror's own file
 * (device_number 0), or as VDM_IOC_IOCTL_SUBDRIVER with subdriver VDM_SUBDRIVER_MIRROR, command
 * VDM_MIRROR_CMD_<COMMAND> and the same packet as the argument (its device_number 0: instance_device_number
 * names the mirror). Images are named by their device numbers. */

/* sync-images: copy source_image to the corrupt images dest_images in one pass, in the background. The source
 * must be usable unless every image is corrupt; syncs running at once share their source. */
struct vdm_mirror_sync_images_packet {
    uint32_t version;
    uint32_t device_number;                  /* in: the mirror */
    uint32_t milliseconds_between_sync_io;   /* in: delay between the sync's I/Os, 0 = none */
    uint32_t source_image;                   /* in */
    uint32_t number_of_destinations;         /* in: 1 to VDM_MIRROR_MAX_IMAGES - 1 */
    uint32_t dest_images[VDM_MIRROR_MAX_IMAGES - 1];  /* in: the first number_of_destinations, the rest 0 */
    uint32_t reserved;
    uint64_t total_blocks;                   /* out: blocks the sync copies */
};

/* terminate-sync: end the sync to dest_image only, leaving it corrupt. */
struct vdm_mirror_terminate_sync_packet {
    uint32_t version;
    uint32_t device_number;                  /* in */
    uint32_t dest_image;                     /* in */
    uint32_t reserved;
};

/* throttle-sync: the new delay for the whole sync dest_image belongs to. */
struct vdm_mirror_throttle_sync_packet {
    uint32_t version;
    uint32_t device_number;                  /* in */
    uint32_t milliseconds_between_sync_io;   /* in */
    uint32_t dest_image;                     /* in */
};

/* fracture-image: no more I/O to the usable image image_device_number; with change_granularity > 0 every write
 * to the mirror marks its granule of that many blocks, so a later sync copies only those. */
struct vdm_mirror_fracture_image_packet {
    uint32_t version;
    uint32_t device_number;                  /* in */
    uint32_t change_granularity;             /* in: blocks, 0 = no change map (full sync later) */
    uint32_t image_device_number;            /* in */
};

/* ---- the remap's commands (vdmremap(7)) -------------------------------------------------- */

/* Each of list-remap-table, force-remap and recover-bad-block is issued as VDM_IOC_<COMMAND> on vdm (device_number
 * names the remap instance; for list-remap-table also a partition with a remap linked, which names its remap) or
 * on a remapped partition's own file (device_number 0, list-remap-table only), or as VDM_IOC_IOCTL_SUBDRIVER with
 * subdriver VDM_SUBDRIVER_REMAP, command VDM_REMAP_CMD_<COMMAND> and the same packet as the argument (its
 * device_number 0: instance_device_number names the remap instance). Block numbers are 512-byte blocks of the disk. */

/* Bad-block entry states (the status of list-remap-table). */
#define VDM_REMAP_UNMAPPED_BB_ENTRY   1u   /* noticed by a failed read; the next write remaps it */
#define VDM_REMAP_MAPPED_BB_ENTRY     2u   /* remapped to remap_index of the remap area */
#define VDM_REMAP_FORCED_BB_ENTRY     3u   /* listed by the operator (force-remap) */
#define VDM_REMAP_PSEUDO_BB_ENTRY     4u   /* contents undetermined */
#define VDM_REMAP_BAD_REMAP_BB_ENTRY  5u   /* a bad block of the remap area, mapped to itself */

/* remap-format: write empty bad-block tables on primary_table and secondary_table for the remap area remap_area
 * (three partitions of one disk, not in a remap instance); EEXIST when a table lists bad blocks and force is 0. */
struct vdm_remap_format_packet {
    uint32_t version;
    uint32_t force;                /* in: 1 = format over tables that list bad blocks */
    uint32_t primary_table;        /* in: device numbers of the partitions */
    uint32_t secondary_table;      /* in */
    uint32_t remap_area;           /* in */
    uint32_t table_capacity;       /* out: entries each table holds */
    uint64_t area_blocks;          /* out: units of the remap area */
};

/* list-remap-table (dg_vdmremap_list_remap_table): the entry at key, sorted by bad block; key is advanced; ENOENT
 * after the last. The listing can shift when blocks are remapped between calls. */
struct vdm_list_remap_table_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint32_t key;                  /* in/out: 0 to start */
    uint32_t status;               /* out: VDM_REMAP_*_BB_ENTRY */
    int64_t  bad_block;            /* out: 512-byte block of the disk */
    int64_t  remap_index;          /* out: block of the remap area (remap units), -1 when not mapped */
};

/* force-remap (dg_vdmremap_force_remap): list block_number as Forced; the next write maps it. EINVAL outside the
 * disk, outside every remapped partition, or already listed; ENOSPC table full. */
struct vdm_force_remap_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint64_t block_number;         /* in */
};

/* recover-bad-block (dg_vdmremap_recover_block): write the block's data back to it and read it back; on success the
 * entry is removed. ENOENT no entry; EIO still bad. */
struct vdm_recover_block_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint64_t block_number;         /* in */
};

/* ---- subdriver commands (the command field of struct vdm_ioctl_subdriver_packet) --- */

/* Physical subdriver. flush: fdatasync of the backing file (privileged; no argument).
 * get-info: the backing file or device (open to all; argument struct vdm_physical_info, out). */
#define VDM_PHYS_CMD_FLUSH     1u
#define VDM_PHYS_CMD_GET_INFO  2u

/* Mirror subdriver: the commands above, each with its packet as the argument (all privileged). */
#define VDM_MIRROR_CMD_SYNC_IMAGES     1u
#define VDM_MIRROR_CMD_TERMINATE_SYNC  2u
#define VDM_MIRROR_CMD_THROTTLE_SYNC   3u
#define VDM_MIRROR_CMD_FRACTURE_IMAGE  4u

/* Remap subdriver: the commands above, each with its packet as the argument (list open to all, the others privileged). */
#define VDM_REMAP_CMD_LIST_REMAP_TABLE   1u
#define VDM_REMAP_CMD_FORCE_REMAP        2u
#define VDM_REMAP_CMD_RECOVER_BAD_BLOCK  3u

struct vdm_physical_info {
    uint32_t version;
    uint32_t flags;                /* VDM_PHYS_DIRECT | VDM_PHYS_BLOCK_DEVICE */
    uint64_t size;                 /* bytes */
    uint32_t sector_size;
    uint32_t reserved;
    uint64_t backing_device;       /* st_dev of the image file, or st_rdev of the block device */
    uint64_t backing_inode;        /* st_ino of the image file (0 for a block device) */
    char     path[VDM_PATH_SIZE - 40];
};

/* ---- ioctl numbers: _IOWR('v', command, packet) ------------------------------------ */

#define VDM_IOC_TYPE 'v'
#define VDM_IOC_CREATE_INSTANCE       _IOWR(VDM_IOC_TYPE, VDM_CMD_CREATE_INSTANCE, struct vdm_create_instance_packet)
#define VDM_IOC_DELETE_INSTANCE       _IOWR(VDM_IOC_TYPE, VDM_CMD_DELETE_INSTANCE, struct vdm_delete_instance_packet)
#define VDM_IOC_LINK_CHILD_INSTANCE   _IOWR(VDM_IOC_TYPE, VDM_CMD_LINK_CHILD_INSTANCE, struct vdm_link_child_instance_packet)
#define VDM_IOC_UNLINK_CHILD_INSTANCE _IOWR(VDM_IOC_TYPE, VDM_CMD_UNLINK_CHILD_INSTANCE, struct vdm_unlink_child_instance_packet)
#define VDM_IOC_GET_CHILD_INSTANCE    _IOWR(VDM_IOC_TYPE, VDM_CMD_GET_CHILD_INSTANCE, struct vdm_get_child_instance_packet)
#define VDM_IOC_GET_ATTRIBUTES        _IOWR(VDM_IOC_TYPE, VDM_CMD_GET_ATTRIBUTES, struct vdm_get_attributes_packet)
#define VDM_IOC_UPDATE_ATTRIBUTES     _IOWR(VDM_IOC_TYPE, VDM_CMD_UPDATE_ATTRIBUTES, struct vdm_update_attributes_packet)
#define VDM_IOC_IOCTL_SUBDRIVER       _IOWR(VDM_IOC_TYPE, VDM_CMD_IOCTL_SUBDRIVER, struct vdm_ioctl_subdriver_packet)
#define VDM_IOC_GET_INSTANCES         _IOWR(VDM_IOC_TYPE, VDM_CMD_GET_INSTANCES, struct vdm_get_instances_packet)
#define VDM_IOC_FORMAT_DEV            _IOWR(VDM_IOC_TYPE, VDM_CMD_FORMAT_DEV, struct vdm_format_dev_packet)
#define VDM_IOC_MOUNT_DEV             _IOWR(VDM_IOC_TYPE, VDM_CMD_MOUNT_DEV, struct vdm_mount_dev_packet)
#define VDM_IOC_DISMOUNT_DEV          _IOWR(VDM_IOC_TYPE, VDM_CMD_DISMOUNT_DEV, struct vdm_dismount_dev_packet)
#define VDM_IOC_DISMOUNT_ALL          _IOWR(VDM_IOC_TYPE, VDM_CMD_DISMOUNT_ALL, struct vdm_dismount_all_packet)
#define VDM_IOC_LIST_DEVICES          _IOWR(VDM_IOC_TYPE, VDM_CMD_LIST_DEVICES, struct vdm_list_devices_packet)
#define VDM_IOC_LIST_VOLUMES          _IOWR(VDM_IOC_TYPE, VDM_CMD_LIST_VOLUMES, struct vdm_list_volumes_packet)
#define VDM_IOC_GET_DEVICE_QUOTA      _IOWR(VDM_IOC_TYPE, VDM_CMD_GET_DEVICE_QUOTA, struct vdm_get_device_quota_packet)
#define VDM_IOC_CREATE_VOLUME         _IOWR(VDM_IOC_TYPE, VDM_CMD_CREATE_VOLUME, struct vdm_create_volume_packet)
#define VDM_IOC_DESTROY_VOLUME        _IOWR(VDM_IOC_TYPE, VDM_CMD_DESTROY_VOLUME, struct vdm_destroy_volume_packet)
#define VDM_IOC_DSK_GET               _IOWR(VDM_IOC_TYPE, VDM_CMD_DSK_GET, struct vdm_dsk_get_packet)
#define VDM_IOC_DSK_USAGE             _IOWR(VDM_IOC_TYPE, VDM_CMD_DSK_USAGE, struct vdm_dsk_usage_packet)
#define VDM_IOC_DSK_GET_ADDRESS       _IOWR(VDM_IOC_TYPE, VDM_CMD_DSK_GET_ADDRESS, struct vdm_dsk_get_address_packet)
#define VDM_IOC_GET_MODE              _IOWR(VDM_IOC_TYPE, VDM_CMD_GET_MODE, struct vdm_get_mode_packet)
#define VDM_IOC_DB_LIST               _IOWR(VDM_IOC_TYPE, VDM_CMD_DB_LIST, struct vdm_db_list_packet)
#define VDM_IOC_DB_CHECK              _IOWR(VDM_IOC_TYPE, VDM_CMD_DB_CHECK, struct vdm_db_check_packet)
#define VDM_IOC_DB_ADD                _IOWR(VDM_IOC_TYPE, VDM_CMD_DB_ADD, struct vdm_db_add_packet)
#define VDM_IOC_DB_REMOVE             _IOWR(VDM_IOC_TYPE, VDM_CMD_DB_REMOVE, struct vdm_db_remove_packet)
#define VDM_IOC_DB_REINIT             _IOWR(VDM_IOC_TYPE, VDM_CMD_DB_REINIT, struct vdm_db_reinit_packet)
#define VDM_IOC_DB_RESTORE            _IOWR(VDM_IOC_TYPE, VDM_CMD_DB_RESTORE, struct vdm_db_restore_packet)
#define VDM_IOC_ENABLE                _IOWR(VDM_IOC_TYPE, VDM_CMD_ENABLE, struct vdm_enable_packet)
#define VDM_IOC_FAULT_ADD             _IOWR(VDM_IOC_TYPE, VDM_CMD_FAULT_ADD, struct vdm_fault_add_packet)
#define VDM_IOC_FAULT_CLEAR           _IOWR(VDM_IOC_TYPE, VDM_CMD_FAULT_CLEAR, struct vdm_fault_clear_packet)
#define VDM_IOC_FAULT_LIST            _IOWR(VDM_IOC_TYPE, VDM_CMD_FAULT_LIST, struct vdm_fault_list_packet)
#define VDM_IOC_SYNC_IMAGES           _IOWR(VDM_IOC_TYPE, VDM_CMD_SYNC_IMAGES, struct vdm_mirror_sync_images_packet)
#define VDM_IOC_TERMINATE_SYNC        _IOWR(VDM_IOC_TYPE, VDM_CMD_TERMINATE_SYNC, struct vdm_mirror_terminate_sync_packet)
#define VDM_IOC_THROTTLE_SYNC         _IOWR(VDM_IOC_TYPE, VDM_CMD_THROTTLE_SYNC, struct vdm_mirror_throttle_sync_packet)
#define VDM_IOC_FRACTURE_IMAGE        _IOWR(VDM_IOC_TYPE, VDM_CMD_FRACTURE_IMAGE, struct vdm_mirror_fracture_image_packet)
#define VDM_IOC_REMAP_FORMAT          _IOWR(VDM_IOC_TYPE, VDM_CMD_REMAP_FORMAT, struct vdm_remap_format_packet)
#define VDM_IOC_LIST_REMAP_TABLE      _IOWR(VDM_IOC_TYPE, VDM_CMD_LIST_REMAP_TABLE, struct vdm_list_remap_table_packet)
#define VDM_IOC_FORCE_REMAP           _IOWR(VDM_IOC_TYPE, VDM_CMD_FORCE_REMAP, struct vdm_force_remap_packet)
#define VDM_IOC_RECOVER_BAD_BLOCK     _IOWR(VDM_IOC_TYPE, VDM_CMD_RECOVER_BAD_BLOCK, struct vdm_recover_block_packet)

/* ---- the disk ioctls (dkio(7)) ------------------------------------------------------- */

/* Each is issued as VDM_IOC_DK_<COMMAND> on dsk/NAME, rdsk/NAME or plex/M.I (device_number 0: that instance) or on
 * vdm (device_number names the instance), or written to vdm as a request, or as the text verb dk-<command>. All are
 * open to every user except DKIOCSGEOM, DKIOCSVTOC, DKIOCSEXTVTOC, DKIOCSAPART, DKIOCSMBOOT, DKIOCSETVOLCAP and
 * DKIOCADDBAD (privileged). Sectors are 512-byte (DEV_BSIZE). Errors: see docs/CONTROL.md. */
#define VDM_CMD_DK_INFO               64u   /* DKIOCINFO */
#define VDM_CMD_DK_GET_GEOM           65u   /* DKIOCGGEOM */
#define VDM_CMD_DK_SET_GEOM           66u   /* DKIOCSGEOM */
#define VDM_CMD_DK_GET_PHYGEOM        67u   /* DKIOCG_PHYGEOM */
#define VDM_CMD_DK_GET_VIRTGEOM       68u   /* DKIOCG_VIRTGEOM: EINVAL over 8 GiB */
#define VDM_CMD_DK_GET_VTOC           69u   /* DKIOCGVTOC: EOVERFLOW over 1 TiB */
#define VDM_CMD_DK_SET_VTOC           70u   /* DKIOCSVTOC */
#define VDM_CMD_DK_GET_EXTVTOC        71u   /* DKIOCGEXTVTOC */
#define VDM_CMD_DK_SET_EXTVTOC        72u   /* DKIOCSEXTVTOC */
#define VDM_CMD_DK_GET_APART          73u   /* DKIOCGAPART */
#define VDM_CMD_DK_SET_APART          74u   /* DKIOCSAPART */
#define VDM_CMD_DK_MEDIA_INFO         75u   /* DKIOCGMEDIAINFO */
#define VDM_CMD_DK_REMOVABLE          76u   /* DKIOCREMOVABLE */
#define VDM_CMD_DK_HOTPLUGGABLE       77u   /* DKIOCHOTPLUGGABLE */
#define VDM_CMD_DK_STATE              78u   /* DKIOCSTATE: the ioctl waits while state is the current one */
#define VDM_CMD_DK_EJECT              79u   /* DKIOCEJECT: ENOTSUP */
#define VDM_CMD_DK_LOCK               80u   /* DKIOCLOCK: ENOTSUP */
#define VDM_CMD_DK_UNLOCK             81u   /* DKIOCUNLOCK: ENOTSUP */
#define VDM_CMD_DK_PARTINFO           82u   /* DKIOCPARTINFO: EOVERFLOW past 2^31 - 1 sectors */
#define VDM_CMD_DK_EXTPARTINFO        83u   /* DKIOCEXTPARTINFO */
#define VDM_CMD_DK_SMBOOT             84u   /* DKIOCSMBOOT */
#define VDM_CMD_DK_GET_VOLCAP         85u   /* DKIOCGETVOLCAP: mirrors only */
#define VDM_CMD_DK_SET_VOLCAP         86u   /* DKIOCSETVOLCAP: mirrors only */
#define VDM_CMD_DK_DMR                87u   /* DKIODMR: mirrors only */
#define VDM_CMD_DK_ADDBAD             88u   /* DKIOCADDBAD */

#define VDM_DK_DEVLEN           16          /* DK_DEVLEN */
#define VDM_DKC_MD              16u         /* DKC_MD: meta-disk (virtual disk) controller */
#define VDM_DK_FIXED_DISK       0x10001u    /* DK_FIXED_DISK */
#define VDM_DKIO_NONE           0u          /* enum dkio_state */
#define VDM_DKIO_EJECTED        1u
#define VDM_DKIO_INSERTED       2u
#define VDM_VTOC_SANE           0x600DDEEEu
#define VDM_V_VERSION           1u
#define VDM_V_NUMPAR            16
#define VDM_LEN_DKL_VVOL        8
#define VDM_LEN_DKL_ASCII       128
#define VDM_V_UNASSIGNED        0x00u       /* slice tags */
#define VDM_V_BOOT              0x01u
#define VDM_V_ROOT              0x02u
#define VDM_V_SWAP              0x03u
#define VDM_V_USR               0x04u
#define VDM_V_BACKUP            0x05u       /* the whole disk: may overlap the other slices */
#define VDM_V_STAND             0x06u
#define VDM_V_VAR               0x07u
#define VDM_V_HOME              0x08u
#define VDM_V_ALTSCTR           0x09u
#define VDM_V_RESERVED          0x0bu
#define VDM_V_SYSTEM            0x0cu
#define VDM_V_UNMNT             0x01u       /* slice flags */
#define VDM_V_RONLY             0x10u       /* the slice's instance refuses writes (EROFS) */
#define VDM_DKV_ABR_CAP         0x1u        /* volume capabilities */
#define VDM_DKV_DMR_CAP         0x2u
#define VDM_DKV_SIDE_INIT       (-1)
#define VDM_DKV_DMR_NEXT_SIDE   0x1u        /* set by the caller */
#define VDM_DKV_DMR_DONE        0x2u
#define VDM_DKV_DMR_ERROR       0x4u
#define VDM_DKV_DMR_SUCCESS     0x10u
#define VDM_DKV_DMR_SHORT       0x20u
#define VDM_DMR_MAX_DATA        8192
#define VDM_MBOOT_SIGNATURE     0xAA55u
#define VDM_BOOTSZ              446
#define VDM_FD_NUMPART          4
#define VDM_SUNIXOS             0x82u
#define VDM_SUNIXOS2            0xBFu

/* DKIOCINFO (struct dk_cinfo). */
struct vdm_dk_cinfo_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    char     cname[VDM_DK_DEVLEN]; /* out: "vdmfuse" */
    uint16_t ctype;                /* out: VDM_DKC_MD */
    uint16_t flags;                /* out */
    uint16_t cnum;                 /* out */
    uint16_t pad;
    uint32_t addr;                 /* out */
    uint32_t space;                /* out */
    uint32_t prio;                 /* out */
    uint32_t vec;                  /* out */
    char     dname[VDM_DK_DEVLEN]; /* out: the subdriver */
    uint32_t unit;                 /* out: the device number */
    uint32_t slave;                /* out */
    uint16_t partition;            /* out: the slice number of a slice, else 0xffff */
    uint16_t maxtransfer;          /* out: in 512-byte sectors */
};

/* DKIOCGGEOM, DKIOCSGEOM, DKIOCG_PHYGEOM, DKIOCG_VIRTGEOM (struct dk_geom). */
struct vdm_dk_geom_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint16_t ncyl;                 /* data cylinders */
    uint16_t acyl;                 /* alternate cylinders */
    uint16_t bcyl;                 /* cylinder offset */
    uint16_t nhead;                /* heads */
    uint16_t obs1;
    uint16_t nsect;                /* sectors per track */
    uint16_t intrlv;               /* interleave */
    uint16_t obs2;
    uint16_t obs3;
    uint16_t apc;                  /* alternates per cylinder */
    uint16_t rpm;
    uint16_t pcyl;                 /* physical cylinders */
    uint16_t write_reinstruct;
    uint16_t read_reinstruct;
    uint16_t extra[7];
    uint16_t pad;
};

/* DKIOCGVTOC, DKIOCSVTOC (struct vtoc, 32-bit: disks of at most 1 TiB). Slice starts are absolute sectors. */
struct vdm_partition {
    uint16_t tag;                  /* VDM_V_* tag */
    uint16_t flag;                 /* VDM_V_UNMNT | VDM_V_RONLY */
    int32_t  start;
    int32_t  size;
};
struct vdm_vtoc {
    uint32_t bootinfo[3];          /* unsupported: zero */
    uint32_t sanity;               /* VDM_VTOC_SANE */
    uint32_t version;              /* VDM_V_VERSION */
    char     volume[VDM_LEN_DKL_VVOL];  /* NUL-padded, no NUL needed */
    uint16_t sectorsz;             /* 512 */
    uint16_t nparts;               /* VDM_V_NUMPAR */
    uint32_t reserved[10];
    struct vdm_partition part[VDM_V_NUMPAR];
    int32_t  timestamp[VDM_V_NUMPAR];   /* unsupported: zero */
    char     asciilabel[VDM_LEN_DKL_ASCII];
};
struct vdm_dk_vtoc_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    struct vdm_vtoc vtoc;          /* out (get) or in (set) */
};

/* DKIOCGEXTVTOC, DKIOCSEXTVTOC (struct extvtoc). */
struct vdm_extpartition {
    uint16_t tag;
    uint16_t flag;
    uint16_t pad[2];
    uint64_t start;
    uint64_t size;
};
struct vdm_extvtoc {
    uint64_t bootinfo[3];          /* unsupported: zero */
    uint64_t sanity;
    uint64_t version;
    char     volume[VDM_LEN_DKL_VVOL];
    uint16_t sectorsz;
    uint16_t nparts;
    uint16_t pad[2];
    uint64_t reserved[10];
    struct vdm_extpartition part[VDM_V_NUMPAR];
    uint64_t timestamp[VDM_V_NUMPAR];   /* unsupported: zero */
    char     asciilabel[VDM_LEN_DKL_ASCII];
};
struct vdm_dk_extvtoc_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    struct vdm_extvtoc vtoc;       /* out (get) or in (set) */
};

/* DKIOCGAPART, DKIOCSAPART (struct dk_allmap): start cylinder and blocks of each slice. */
struct vdm_dk_map {
    int32_t cylno;
    int32_t nblk;
};
struct vdm_dk_allmap_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    struct vdm_dk_map map[VDM_V_NUMPAR];   /* out (get) or in (set) */
};

/* DKIOCGMEDIAINFO (struct dk_minfo). */
struct vdm_dk_minfo_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint32_t media_type;           /* out: VDM_DK_FIXED_DISK */
    uint32_t lbsize;               /* out: the logical block size */
    uint64_t capacity;             /* out: in lbsize blocks */
};

/* DKIOCREMOVABLE, DKIOCHOTPLUGGABLE: an int. */
struct vdm_dk_int_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    int32_t  value;                /* out: non-zero when removable (hot-pluggable) */
    uint32_t pad;
};

/* DKIOCSTATE (enum dkio_state): the ioctl waits while state is the current state (EINTR when interrupted); the
 * request written to vdm never waits. */
struct vdm_dk_state_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint32_t state;                /* in: the last state known (VDM_DKIO_NONE: any); out: the current state */
    uint32_t pad;
};

/* DKIOCEJECT, DKIOCLOCK, DKIOCUNLOCK, DKIOCADDBAD: nothing but the instance. */
struct vdm_dk_simple_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
};

/* DKIOCPARTINFO (struct part_info): start and length in sectors of a partition or slice (0 and the size otherwise). */
struct vdm_dk_partinfo_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    int32_t  start;                /* out */
    int32_t  length;               /* out */
};

/* DKIOCEXTPARTINFO (struct extpart_info). */
struct vdm_dk_extpartinfo_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint64_t start;                /* out */
    uint64_t length;               /* out */
};

/* DKIOCSMBOOT (struct mboot): written to sector 0 after the page's checks (signature, no overlap, within the disk). */
struct vdm_ipart {
    uint8_t  bootid;
    uint8_t  beghead;
    uint8_t  begsect;
    uint8_t  begcyl;
    uint8_t  systid;               /* VDM_SUNIXOS2 for a Solaris partition */
    uint8_t  endhead;
    uint8_t  endsect;
    uint8_t  endcyl;
    uint32_t relsect;
    uint32_t numsect;
} __attribute__((packed));
struct vdm_mboot {
    uint8_t  bootinst[VDM_BOOTSZ];
    struct vdm_ipart parts[VDM_FD_NUMPART];
    uint16_t signature;            /* VDM_MBOOT_SIGNATURE */
} __attribute__((packed));
struct vdm_dk_mboot_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    struct vdm_mboot mboot;        /* in: the 512-byte sector */
};

/* DKIOCGETVOLCAP, DKIOCSETVOLCAP (volcap_t): a mirror's capabilities. */
struct vdm_dk_volcap_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint32_t info;                 /* out: capable (VDM_DKV_ABR_CAP | VDM_DKV_DMR_CAP); ignored by DKIOCSETVOLCAP */
    uint32_t set;                  /* out (get) or in (set): enabled */
};

/* DKIODMR (vol_directed_rd): the round-robin read of a mirror's sides. Start with flags VDM_DKV_DMR_NEXT_SIDE and side
 * VDM_DKV_SIDE_INIT and pass the packet back unchanged; bytesread, side_name and data may hold the last answer. */
struct vdm_dk_dmr_packet {
    uint32_t version;
    uint32_t device_number;        /* in */
    uint32_t flags;                /* in: VDM_DKV_DMR_NEXT_SIDE; out: VDM_DKV_DMR_SUCCESS, _DONE, _ERROR, _SHORT */
    int32_t  side;                 /* in/out: the side read */
    uint64_t offset;               /* in: byte offset */
    uint32_t nbytes;               /* in: 1 to VDM_DMR_MAX_DATA */
    uint32_t bytesread;            /* out */
    char     side_name[VDM_NAME_SIZE];  /* out: the image read (its plex file is plex/MIRROR.IMAGE) */
    uint8_t  data[VDM_DMR_MAX_DATA];    /* out */
};

#define VDM_IOC_DK_INFO               _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_INFO, struct vdm_dk_cinfo_packet)
#define VDM_IOC_DK_GET_GEOM           _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_GET_GEOM, struct vdm_dk_geom_packet)
#define VDM_IOC_DK_SET_GEOM           _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_SET_GEOM, struct vdm_dk_geom_packet)
#define VDM_IOC_DK_GET_PHYGEOM        _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_GET_PHYGEOM, struct vdm_dk_geom_packet)
#define VDM_IOC_DK_GET_VIRTGEOM       _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_GET_VIRTGEOM, struct vdm_dk_geom_packet)
#define VDM_IOC_DK_GET_VTOC           _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_GET_VTOC, struct vdm_dk_vtoc_packet)
#define VDM_IOC_DK_SET_VTOC           _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_SET_VTOC, struct vdm_dk_vtoc_packet)
#define VDM_IOC_DK_GET_EXTVTOC        _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_GET_EXTVTOC, struct vdm_dk_extvtoc_packet)
#define VDM_IOC_DK_SET_EXTVTOC        _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_SET_EXTVTOC, struct vdm_dk_extvtoc_packet)
#define VDM_IOC_DK_GET_APART          _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_GET_APART, struct vdm_dk_allmap_packet)
#define VDM_IOC_DK_SET_APART          _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_SET_APART, struct vdm_dk_allmap_packet)
#define VDM_IOC_DK_MEDIA_INFO         _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_MEDIA_INFO, struct vdm_dk_minfo_packet)
#define VDM_IOC_DK_REMOVABLE          _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_REMOVABLE, struct vdm_dk_int_packet)
#define VDM_IOC_DK_HOTPLUGGABLE       _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_HOTPLUGGABLE, struct vdm_dk_int_packet)
#define VDM_IOC_DK_STATE              _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_STATE, struct vdm_dk_state_packet)
#define VDM_IOC_DK_EJECT              _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_EJECT, struct vdm_dk_simple_packet)
#define VDM_IOC_DK_LOCK               _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_LOCK, struct vdm_dk_simple_packet)
#define VDM_IOC_DK_UNLOCK             _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_UNLOCK, struct vdm_dk_simple_packet)
#define VDM_IOC_DK_PARTINFO           _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_PARTINFO, struct vdm_dk_partinfo_packet)
#define VDM_IOC_DK_EXTPARTINFO        _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_EXTPARTINFO, struct vdm_dk_extpartinfo_packet)
#define VDM_IOC_DK_SMBOOT             _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_SMBOOT, struct vdm_dk_mboot_packet)
#define VDM_IOC_DK_GET_VOLCAP         _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_GET_VOLCAP, struct vdm_dk_volcap_packet)
#define VDM_IOC_DK_SET_VOLCAP         _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_SET_VOLCAP, struct vdm_dk_volcap_packet)
#define VDM_IOC_DK_DMR                _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_DMR, struct vdm_dk_dmr_packet)
#define VDM_IOC_DK_ADDBAD             _IOWR(VDM_IOC_TYPE, VDM_CMD_DK_ADDBAD, struct vdm_dk_simple_packet)

#endif /* VDMFUSE_VDM_H */
