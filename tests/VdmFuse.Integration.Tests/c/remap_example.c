/*
 * remap_example.c - the EXAMPLES of vdmremap(7) through ioctl(2) on the control file, against vdmfuse.
 *
 * Usage: remap_example MOUNTPOINT REMAP_INSTANCE BLOCK
 *
 * On MOUNTPOINT/vdm: finds the remap instance by name (VDM_IOC_GET_INSTANCES), forces BLOCK to be remapped with
 * VDM_IOC_IOCTL_SUBDRIVER (VDM_REMAP_CMD_FORCE_REMAP, the page's "Force a bad block to be remapped") and checks that
 * forcing it again fails with EINVAL; gets the children of the remap instance with their child_type (the page's
 * "Get the children of a remap instance"); and lists the bad blocks with VDM_REMAP_CMD_LIST_REMAP_TABLE from key 0
 * until ENOENT, printing the page's table ("List the bad blocks for a remap instance"). Check lines start with
 * "ok " or "FAIL "; it exits with 1 at the first failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <vdmfuse/vdm.h>

static int vdm_channel = -1;

static void fail(const char *what, int error) __attribute__((noreturn));

static void fail(const char *what, int error)
{
    printf("FAIL %s: %s\n", what, error ? strerrorname_np(error) : "unexpected result");
    fflush(stdout);
    exit(1);
}

/* The device number of the instance called name, by walking get-instances from key 0 until ENOENT. */
static uint32_t find_instance(const char *name)
{
    struct vdm_get_instances_packet packet;
    uint32_t key = 0;
    while (1) {
        /* Output fields go back in as zeros: only the key is an input. */
        memset(&packet, 0, sizeof packet);
        packet.key = key;
        if (ioctl(vdm_channel, VDM_IOC_GET_INSTANCES, &packet) != 0) {
            break;
        }
        if (strcmp(packet.name, name) == 0) {
            return packet.device_number;
        }
        key = packet.key;
    }
    fail("get-instances: no such instance", errno);
}

/* One remap subdriver command through VDM_IOC_IOCTL_SUBDRIVER; its packet is copied in and back out. */
static int remap_command(uint32_t remap_instance, uint32_t command, void *argument, size_t size)
{
    struct vdm_ioctl_subdriver_packet ioctl_pkt;
    memset(&ioctl_pkt, 0, sizeof ioctl_pkt);
    ioctl_pkt.version = VDM_PACKET_VERSION_0;
    ioctl_pkt.subdriver_id = VDM_SUBDRIVER_REMAP;
    ioctl_pkt.instance_device_number = remap_instance;
    ioctl_pkt.command = command;
    memcpy(ioctl_pkt.argument, argument, size);
    int status = ioctl(vdm_channel, VDM_IOC_IOCTL_SUBDRIVER, &ioctl_pkt);
    int error = status == -1 ? errno : 0;
    memcpy(argument, ioctl_pkt.argument, size);
    return error;
}

static void force_remap(uint32_t remap_instance, long bad_block)
{
    struct vdm_force_remap_packet force_remap_pkt;
    memset(&force_remap_pkt, 0, sizeof force_remap_pkt);
    force_remap_pkt.version = VDM_PACKET_VERSION_0;
    force_remap_pkt.block_number = (uint64_t)bad_block;
    int error = remap_command(remap_instance, VDM_REMAP_CMD_FORCE_REMAP, &force_remap_pkt, sizeof force_remap_pkt);
    if (error != 0) {
        fail("force-remap", error);
    }
    printf("ok force-remap block %ld\n", bad_block);

    error = remap_command(remap_instance, VDM_REMAP_CMD_FORCE_REMAP, &force_remap_pkt, sizeof force_remap_pkt);
    if (error != EINVAL) {
        fail("force-remap of a block already listed (expected EINVAL)", error);
    }
    printf("ok force-remap block %ld again fails with EINVAL\n", bad_block);
}

static void get_children(uint32_t remap_instance)
{
    struct vdm_get_child_instance_packet get_child_pkt;
    memset(&get_child_pkt, 0, sizeof get_child_pkt);
    get_child_pkt.version = VDM_PACKET_VERSION_0;
    get_child_pkt.key = 0;
    get_child_pkt.parent_device_number = remap_instance;
    get_child_pkt.parent_subdriver_id = VDM_SUBDRIVER_REMAP;
    get_child_pkt.available = 0;
    if (ioctl(vdm_channel, VDM_IOC_GET_CHILD_INSTANCE, &get_child_pkt) == -1) {
        fail("get-child-instance available=0", errno);
    }
    printf("Number of children = %u\n", get_child_pkt.count);

    get_child_pkt.key = 0;
    get_child_pkt.count = 0;
    get_child_pkt.available = 1;
    for (int i = 0;; i++) {
        /* vdm.h: bytes that are not inputs go in as zeros; the key carries the place in the list. */
        memset(&get_child_pkt.child_instance, 0, sizeof get_child_pkt.child_instance);
        get_child_pkt.child_subdriver_id = 0;
        memset(&get_child_pkt.child_role, 0, sizeof get_child_pkt.child_role);
        if (ioctl(vdm_channel, VDM_IOC_GET_CHILD_INSTANCE, &get_child_pkt) == -1) {
            if (errno == ENOENT) {
                break;
            }
            fail("get-child-instance available=1", errno);
        }
        printf("Child %d\n", i);
        switch (get_child_pkt.child_role.remap.child_type) {
        case VDM_REMAP_PRIMARY_TABLE_CHILD:
            printf("Primary table\n");
            break;
        case VDM_REMAP_SECONDARY_TABLE_CHILD:
            printf("Secondary table\n");
            break;
        case VDM_REMAP_REMAP_AREA_CHILD:
            printf("Remap area\n");
            break;
        default:
            printf("Unknown child type %u\n", get_child_pkt.child_role.remap.child_type);
            break;
        }
        if (get_child_pkt.child_instance.device_number_used) {
            printf("Child device number = %u\n", get_child_pkt.child_instance.device_number);
            printf("  Child subdriver %u\n", get_child_pkt.child_subdriver_id);
        } else {
            printf("  Missing child ID %08x,%08x\n", get_child_pkt.child_instance.id_generation,
                   get_child_pkt.child_instance.id_system_id);
        }
        printf("\n");
    }
}

static void list_bad_blocks(uint32_t remap_instance)
{
    int blocks_listed = 0;
    const char *status_text_ptr;
    struct vdm_list_remap_table_packet list_remap_pkt;
    memset(&list_remap_pkt, 0, sizeof list_remap_pkt);
    list_remap_pkt.version = VDM_PACKET_VERSION_0;
    list_remap_pkt.key = 0;

    printf("\n");
    printf(" Bad block   Remapped to    Status\n");
    printf("----------   -----------   --------\n");

    while (1) {
        list_remap_pkt.status = 0;
        list_remap_pkt.bad_block = 0;
        list_remap_pkt.remap_index = 0;
        int error = remap_command(remap_instance, VDM_REMAP_CMD_LIST_REMAP_TABLE, &list_remap_pkt, sizeof list_remap_pkt);
        if (error == ENOENT) {
            break;
        }
        if (error != 0) {
            fail("list-remap-table", error);
        }
        switch (list_remap_pkt.status) {
        case VDM_REMAP_UNMAPPED_BB_ENTRY:
            status_text_ptr = "Unmapped";
            break;
        case VDM_REMAP_MAPPED_BB_ENTRY:
            status_text_ptr = "Mapped";
            break;
        case VDM_REMAP_FORCED_BB_ENTRY:
            status_text_ptr = "Forced";
            break;
        case VDM_REMAP_PSEUDO_BB_ENTRY:
            status_text_ptr = "Pseudo";
            break;
        case VDM_REMAP_BAD_REMAP_BB_ENTRY:
            status_text_ptr = "Bad remap";
            break;
        default:
            status_text_ptr = "?";
            break;
        }
        printf("%10ld    %10ld   %s (%d)\n", (long)list_remap_pkt.bad_block, (long)list_remap_pkt.remap_index, status_text_ptr,
               (int)list_remap_pkt.status);
        blocks_listed++;
        if (blocks_listed > VDM_REMAP_MAX_BLOCKS_REMAPPABLE) {
            fail("list-remap-table does not end", 0);
        }
    }

    printf("\nNumber of blocks listed = %d\n", blocks_listed);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: remap_example MOUNTPOINT REMAP_INSTANCE BLOCK\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/vdm", argv[1]);
    vdm_channel = open(path, O_RDWR);
    if (vdm_channel < 0) {
        fail("open the control file", errno);
    }
    printf("ok constants: max table blocks %d, entries per block %d, max blocks remappable %d; states %u %u %u %u %u; children %u %u %u\n",
           VDM_REMAP_MAX_TABLE_BLOCKS, VDM_REMAP_TABLE_ENTRIES_PER_BLOCK, VDM_REMAP_MAX_BLOCKS_REMAPPABLE,
           VDM_REMAP_UNMAPPED_BB_ENTRY, VDM_REMAP_MAPPED_BB_ENTRY, VDM_REMAP_FORCED_BB_ENTRY, VDM_REMAP_PSEUDO_BB_ENTRY,
           VDM_REMAP_BAD_REMAP_BB_ENTRY, VDM_REMAP_PRIMARY_TABLE_CHILD, VDM_REMAP_SECONDARY_TABLE_CHILD, VDM_REMAP_REMAP_AREA_CHILD);
    uint32_t remap_instance = find_instance(argv[2]);
    printf("ok remap instance %s is device number %u\n", argv[2], remap_instance);

    force_remap(remap_instance, strtol(argv[3], NULL, 10));
    get_children(remap_instance);
    list_bad_blocks(remap_instance);
    close(vdm_channel);
    return 0;
}
