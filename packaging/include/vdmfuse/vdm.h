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

#endif /* VDMFUSE_VDM_H */
