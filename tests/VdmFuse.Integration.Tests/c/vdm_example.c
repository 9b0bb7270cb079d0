/*
 * vdm_example.c - the physical and partition steps of the EXAMPLE of vdmmirr(7), against vdmfuse.
 *
 * Usage: vdm_example MOUNTPOINT IMAGE_A IMAGE_B
 *
 * Creates physical instances "a" and "b" over the two images and partitions "image0" and "image1"
 * (start 0, 10000 blocks) on them, gets the children and the attributes of every instance, the size and
 * geometry of the partitions (DSKIOCGET), where a block of a partition lives (DSKIOCGETADDRESS), and deletes
 * them again: once through ioctl(2) on MOUNTPOINT/vdm and once through packets written to and read back from
 * MOUNTPOINT/vdm. It checks every result and every errno, prints one line per check ("ok ..." or "FAIL ...")
 * and exits with 1 at the first failure. It starts with one "layout" line per command (number, ioctl number,
 * packet size) so that the caller can compare the header with its own codec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vdmfuse/vdm.h>

#define BLOCKS 10000u

enum front_door { FRONT_IOCTL, FRONT_PACKET };

struct command_info {
    uint32_t      number;
    unsigned long ioctl_number;
    size_t        size;
    const char   *name;
};

static const struct command_info commands[] = {
    { VDM_CMD_CREATE_INSTANCE, VDM_IOC_CREATE_INSTANCE, sizeof(struct vdm_create_instance_packet), "create-instance" },
    { VDM_CMD_DELETE_INSTANCE, VDM_IOC_DELETE_INSTANCE, sizeof(struct vdm_delete_instance_packet), "delete-instance" },
    { VDM_CMD_LINK_CHILD_INSTANCE, VDM_IOC_LINK_CHILD_INSTANCE, sizeof(struct vdm_link_child_instance_packet), "link-child-instance" },
    { VDM_CMD_UNLINK_CHILD_INSTANCE, VDM_IOC_UNLINK_CHILD_INSTANCE, sizeof(struct vdm_unlink_child_instance_packet), "unlink-child-instance" },
    { VDM_CMD_GET_CHILD_INSTANCE, VDM_IOC_GET_CHILD_INSTANCE, sizeof(struct vdm_get_child_instance_packet), "get-child-instance" },
    { VDM_CMD_GET_ATTRIBUTES, VDM_IOC_GET_ATTRIBUTES, sizeof(struct vdm_get_attributes_packet), "get-attributes" },
    { VDM_CMD_UPDATE_ATTRIBUTES, VDM_IOC_UPDATE_ATTRIBUTES, sizeof(struct vdm_update_attributes_packet), "update-attributes" },
    { VDM_CMD_IOCTL_SUBDRIVER, VDM_IOC_IOCTL_SUBDRIVER, sizeof(struct vdm_ioctl_subdriver_packet), "ioctl-subdriver" },
    { VDM_CMD_GET_INSTANCES, VDM_IOC_GET_INSTANCES, sizeof(struct vdm_get_instances_packet), "get-instances" },
    { VDM_CMD_DSK_GET, VDM_IOC_DSK_GET, sizeof(struct vdm_dsk_get_packet), "dsk-get" },
    { VDM_CMD_DSK_USAGE, VDM_IOC_DSK_USAGE, sizeof(struct vdm_dsk_usage_packet), "dsk-usage" },
    { VDM_CMD_DSK_GET_ADDRESS, VDM_IOC_DSK_GET_ADDRESS, sizeof(struct vdm_dsk_get_address_packet), "dsk-get-address" },
};

/* The largest request: header and the largest packet. */
#define MAX_REQUEST (sizeof(struct vdm_reply_header) + 4096)

static enum front_door door;
static const char *door_name;
static int control_fd = -1;
static const char *mountpoint;
static char last_message[VDM_MESSAGE_SIZE];
static int checks;

static void pass(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));

static void pass(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    printf("ok %s: ", door_name);
    vprintf(format, arguments);
    printf("\n");
    va_end(arguments);
    fflush(stdout);
    checks++;
}

static void fail(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    printf("FAIL %s: ", door_name);
    vprintf(format, arguments);
    printf("\n");
    va_end(arguments);
    fflush(stdout);
    exit(1);
}

static const struct command_info *command_of(uint32_t number)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (commands[i].number == number) {
            return &commands[i];
        }
    }
    fprintf(stderr, "vdm_example: no command %u\n", number);
    exit(2);
}

/*
 * Sends one packet through the current front door on fd; the packet is updated with the output fields.
 * Returns 0 or the errno; for packets, last_message holds the reply's sentence.
 */
static int call_on(int fd, uint32_t number, void *packet)
{
    const struct command_info *command = command_of(number);
    last_message[0] = '\0';
    if (door == FRONT_IOCTL || fd != control_fd) {
        return ioctl(fd, command->ioctl_number, packet) == 0 ? 0 : errno;
    }

    unsigned char request[MAX_REQUEST];
    struct vdm_request_header header = {
        .magic = VDM_REQUEST_MAGIC,
        .version = VDM_PACKET_VERSION_0,
        .command = number,
        .length = (uint32_t)command->size,
    };
    memcpy(request, &header, sizeof header);
    memcpy(request + sizeof header, packet, command->size);
    size_t total = sizeof header + command->size;
    ssize_t written = write(fd, request, total);
    int write_errno = written < 0 ? errno : 0;
    if (written >= 0 && (size_t)written != total) {
        fail("%s: write returned %zd, expected %zu", command->name, written, total);
    }

    unsigned char reply[MAX_REQUEST];
    ssize_t n = read(fd, reply, sizeof reply);
    if (n < (ssize_t)sizeof(struct vdm_reply_header)) {
        fail("%s: read of the reply returned %zd (errno %d), expected at least %zu bytes",
             command->name, n, n < 0 ? errno : 0, sizeof(struct vdm_reply_header));
    }
    struct vdm_reply_header reply_header;
    memcpy(&reply_header, reply, sizeof reply_header);
    if (reply_header.magic != VDM_REPLY_MAGIC || reply_header.version != VDM_PACKET_VERSION_0 ||
        reply_header.command != number) {
        fail("%s: reply header magic 0x%x version %u command %u", command->name, reply_header.magic,
             reply_header.version, reply_header.command);
    }
    if (reply_header.error != write_errno) {
        fail("%s: the reply says error %d but write(2) failed with %d", command->name, reply_header.error, write_errno);
    }
    if (memchr(reply_header.message, '\0', sizeof reply_header.message) == NULL) {
        fail("%s: the reply's message is not NUL-terminated", command->name);
    }
    memcpy(last_message, reply_header.message, sizeof last_message);
    if (write_errno != 0) {
        if (reply_header.length != 0 || n != (ssize_t)sizeof reply_header) {
            fail("%s: an error reply carries %u packet bytes (read %zd)", command->name, reply_header.length, n);
        }
        if (last_message[0] == '\0') {
            fail("%s: the error reply (errno %d) carries no message", command->name, write_errno);
        }
        return write_errno;
    }
    if (reply_header.length != command->size || (size_t)n != sizeof reply_header + command->size) {
        fail("%s: reply length %u, read %zd bytes; expected a %zu-byte packet", command->name,
             reply_header.length, n, command->size);
    }
    if (last_message[0] != '\0') {
        fail("%s: a successful reply carries the message '%s'", command->name, last_message);
    }
    memcpy(packet, reply + sizeof reply_header, command->size);
    return 0;
}

static int call(uint32_t number, void *packet)
{
    return call_on(control_fd, number, packet);
}

static void expect_errno(int got, int expected, const char *what)
{
    if (got != expected) {
        fail("%s: expected %s, got %s", what, expected ? strerrorname_np(expected) : "success",
             got ? strerrorname_np(got) : "success");
    }
    if (expected != 0 && door == FRONT_PACKET) {
        pass("%s fails with %s (%s)", what, strerrorname_np(expected), last_message);
    } else if (expected != 0) {
        pass("%s fails with %s", what, strerrorname_np(expected));
    }
}

/* ---- the steps of the example ------------------------------------------------------------ */

static uint32_t create_physical(const char *name, const char *path)
{
    struct vdm_create_instance_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.subdriver_id = VDM_SUBDRIVER_PHYSICAL;
    strncpy(packet.name, name, sizeof packet.name - 1);
    packet.attributes.physical.version = VDM_PACKET_VERSION_0;
    strncpy(packet.attributes.physical.path, path, sizeof packet.attributes.physical.path - 1);
    expect_errno(call(VDM_CMD_CREATE_INSTANCE, &packet), 0, "create-instance physical");
    if (packet.device_number == 0 || packet.device_number == VDM_NODEV) {
        fail("create-instance %s returned device number %u", name, packet.device_number);
    }
    pass("create-instance subdriver=physical name=%s device-number=%u", name, packet.device_number);
    return packet.device_number;
}

static uint32_t create_partition(const char *name, uint32_t child, uint64_t start, uint64_t size)
{
    struct vdm_create_instance_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.subdriver_id = VDM_SUBDRIVER_PARTITION;
    strncpy(packet.name, name, sizeof packet.name - 1);
    packet.attributes.partition.version = VDM_PACKET_VERSION_0;
    packet.attributes.partition.child_device_number = child;
    packet.attributes.partition.start = start;
    packet.attributes.partition.size = size;
    packet.attributes.partition.remap_device_number = VDM_NODEV;
    expect_errno(call(VDM_CMD_CREATE_INSTANCE, &packet), 0, "create-instance partition");
    if (packet.device_number == 0 || packet.device_number == VDM_NODEV || packet.device_number == child) {
        fail("create-instance %s returned device number %u", name, packet.device_number);
    }
    pass("create-instance subdriver=partition name=%s child=%u start=%llu size=%llu device-number=%u", name, child,
         (unsigned long long)start, (unsigned long long)size, packet.device_number);
    return packet.device_number;
}

/* get-child-instance: available=0 for the count, then available=1 with the key until ENOENT. */
static void check_children(const char *name, uint32_t parent, uint32_t parent_subdriver, uint32_t expected_child,
                           uint32_t expected_child_subdriver)
{
    struct vdm_get_child_instance_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.parent_subdriver_id = parent_subdriver;
    packet.parent_device_number = parent;
    packet.available = 0;
    expect_errno(call(VDM_CMD_GET_CHILD_INSTANCE, &packet), 0, "get-child-instance available=0");
    uint32_t expected_count = expected_child == VDM_NODEV ? 0 : 1;
    if (packet.count != expected_count) {
        fail("get-child-instance %s available=0: count %u, expected %u", name, packet.count, expected_count);
    }
    pass("get-child-instance parent=%s available=0 count=%u", name, packet.count);

    uint32_t key = 0;
    uint32_t seen = 0;
    for (;;) {
        memset(&packet, 0, sizeof packet);
        packet.version = VDM_PACKET_VERSION_0;
        packet.parent_subdriver_id = parent_subdriver;
        packet.parent_device_number = parent;
        packet.available = 1;
        packet.key = key;
        int status = call(VDM_CMD_GET_CHILD_INSTANCE, &packet);
        if (status == ENOENT) {
            break;
        }
        expect_errno(status, 0, "get-child-instance available=1");
        if (seen >= expected_count) {
            fail("get-child-instance %s: child %u returned beyond count %u", name, seen + 1, expected_count);
        }
        if (!packet.child_instance.device_number_used) {
            fail("get-child-instance %s: device_number_used is 0 for a present child", name);
        }
        if (packet.child_instance.device_number != expected_child) {
            fail("get-child-instance %s: child device number %u, expected %u", name,
                 packet.child_instance.device_number, expected_child);
        }
        if (packet.child_subdriver_id != expected_child_subdriver) {
            fail("get-child-instance %s: child subdriver %u, expected %u", name, packet.child_subdriver_id,
                 expected_child_subdriver);
        }
        if (packet.key == key) {
            fail("get-child-instance %s: the key did not advance from %u", name, key);
        }
        pass("get-child-instance parent=%s available=1 key=%u -> key=%u device-number=%u child-subdriver=%u", name, key,
             packet.key, packet.child_instance.device_number, packet.child_subdriver_id);
        key = packet.key;
        seen++;
        if (seen > 16) {
            fail("get-child-instance %s: no ENOENT after 16 children", name);
        }
    }
    if (seen != expected_count) {
        fail("get-child-instance %s: iterated %u children, count said %u", name, seen, expected_count);
    }
    pass("get-child-instance parent=%s iteration ends with ENOENT after %u", name, seen);
}

static void check_physical_attributes(const char *name, uint32_t device, const char *path)
{
    struct stat image;
    if (stat(path, &image) != 0) {
        fail("stat %s: %s", path, strerror(errno));
    }
    struct vdm_get_attributes_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.device_number = device;
    expect_errno(call(VDM_CMD_GET_ATTRIBUTES, &packet), 0, "get-attributes physical");
    const struct vdm_physical_attributes *physical = &packet.attributes.physical;
    if (packet.subdriver_id != VDM_SUBDRIVER_PHYSICAL) {
        fail("get-attributes %s: subdriver %u, expected %u", name, packet.subdriver_id, VDM_SUBDRIVER_PHYSICAL);
    }
    if (strncmp(physical->path, path, sizeof physical->path) != 0) {
        fail("get-attributes %s: path '%.1024s', expected '%s'", name, physical->path, path);
    }
    if (physical->size != (uint64_t)image.st_size) {
        fail("get-attributes %s: size %llu, expected %lld", name, (unsigned long long)physical->size,
             (long long)image.st_size);
    }
    if (physical->sector_size < 512 || (physical->sector_size & (physical->sector_size - 1)) != 0) {
        fail("get-attributes %s: sector size %u", name, physical->sector_size);
    }
    if ((physical->flags & VDM_PHYS_BLOCK_DEVICE) != 0) {
        fail("get-attributes %s: an image file is reported as a block device (flags 0x%x)", name, physical->flags);
    }
    pass("get-attributes name=%s subdriver=physical path=%s size=%llu sector-size=%u", name, physical->path,
         (unsigned long long)physical->size, physical->sector_size);
}

static void check_partition_attributes(const char *name, uint32_t device, uint32_t child, uint64_t start,
                                       uint64_t size)
{
    struct vdm_get_attributes_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.device_number = device;
    expect_errno(call(VDM_CMD_GET_ATTRIBUTES, &packet), 0, "get-attributes partition");
    const struct vdm_partition_attributes *partition = &packet.attributes.partition;
    if (packet.subdriver_id != VDM_SUBDRIVER_PARTITION || partition->child_device_number != child ||
        partition->start != start || partition->size != size || partition->remap_device_number != VDM_NODEV) {
        fail("get-attributes %s: subdriver %u child %u start %llu size %llu remap 0x%x; expected %u %u %llu %llu 0x%x",
             name, packet.subdriver_id, partition->child_device_number, (unsigned long long)partition->start,
             (unsigned long long)partition->size, partition->remap_device_number, VDM_SUBDRIVER_PARTITION, child,
             (unsigned long long)start, (unsigned long long)size, VDM_NODEV);
    }
    pass("get-attributes name=%s subdriver=partition child=%u start=%llu size=%llu", name, child,
         (unsigned long long)start, (unsigned long long)size);
}

static void check_dsk_get(int fd, const char *name, uint32_t device, uint64_t blocks, const char *where)
{
    struct vdm_dsk_get_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.device_number = device;
    expect_errno(call_on(fd, VDM_CMD_DSK_GET, &packet), 0, "dsk-get");
    uint32_t cylinders = (uint32_t)(blocks / (255 * 63));
    if (packet.total_blocks != blocks || packet.sector_size != 512 || packet.sectors_per_track != 63 ||
        packet.tracks_per_cylinder != 255 || packet.cylinders != cylinders) {
        fail("dsk-get %s on %s: total-blocks %llu sector-size %u sectors-per-track %u tracks-per-cylinder %u "
             "cylinders %u; expected %llu 512 63 255 %u", name, where, (unsigned long long)packet.total_blocks,
             packet.sector_size, packet.sectors_per_track, packet.tracks_per_cylinder, packet.cylinders,
             (unsigned long long)blocks, cylinders);
    }
    pass("dsk-get name=%s on %s total-blocks=%llu geometry=%u/%u/%u", name, where,
         (unsigned long long)packet.total_blocks, packet.cylinders, packet.tracks_per_cylinder,
         packet.sectors_per_track);
}

static void check_dsk_usage(const char *name, uint32_t device)
{
    struct vdm_dsk_usage_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.device_number = device;
    expect_errno(call(VDM_CMD_DSK_USAGE, &packet), 0, "dsk-usage");
    if (packet.errors != 0) {
        fail("dsk-usage %s: %llu errors on a fresh instance", name, (unsigned long long)packet.errors);
    }
    pass("dsk-usage name=%s reads=%llu writes=%llu errors=0", name, (unsigned long long)packet.reads,
         (unsigned long long)packet.writes);
}

static void check_address(const char *name, uint32_t partition, uint32_t physical, uint64_t block)
{
    struct vdm_dsk_get_address_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.device_number = partition;
    packet.block = block;
    expect_errno(call(VDM_CMD_DSK_GET_ADDRESS, &packet), 0, "dsk-get-address");
    if (packet.depth != 2 || packet.levels[0].device_number != partition ||
        packet.levels[0].subdriver_id != VDM_SUBDRIVER_PARTITION || packet.levels[0].block != block ||
        packet.levels[1].device_number != physical || packet.levels[1].subdriver_id != VDM_SUBDRIVER_PHYSICAL ||
        packet.levels[1].block != block) {
        fail("dsk-get-address %s block %llu: depth %u, levels %u/%u/%llu %u/%u/%llu", name, (unsigned long long)block,
             packet.depth, packet.levels[0].device_number, packet.levels[0].subdriver_id,
             (unsigned long long)packet.levels[0].block, packet.levels[1].device_number,
             packet.levels[1].subdriver_id, (unsigned long long)packet.levels[1].block);
    }
    pass("dsk-get-address name=%s block=%llu depth=2 -> device-number=%u block=%llu", name, (unsigned long long)block,
         physical, (unsigned long long)packet.levels[1].block);

    packet.version = VDM_PACKET_VERSION_0;
    packet.depth = 0;
    memset(packet.levels, 0, sizeof packet.levels);
    packet.block = BLOCKS;
    expect_errno(call(VDM_CMD_DSK_GET_ADDRESS, &packet), EINVAL, "dsk-get-address past the end");
}

static void delete_instance(const char *name, uint32_t device, int expected)
{
    struct vdm_delete_instance_packet packet;
    char what[128];
    snprintf(what, sizeof what, "delete-instance %s", name);
    int status;
    /* The RELEASE of a file just closed reaches the daemon after close(2) returns: allow it two seconds. */
    for (int attempt = 0;; attempt++) {
        memset(&packet, 0, sizeof packet);
        packet.version = VDM_PACKET_VERSION_0;
        packet.device_number = device;
        status = call(VDM_CMD_DELETE_INSTANCE, &packet);
        if (expected != 0 || status != EBUSY || attempt >= 40) {
            break;
        }
        usleep(50 * 1000);
    }
    expect_errno(status, expected, what);
    if (expected == 0) {
        pass("delete-instance name=%s", name);
    }
}

/* Packets the rules refuse: a non-zero reserved byte, a wrong version. */
static void check_refusals(uint32_t physical)
{
    struct vdm_get_attributes_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.device_number = physical;
    packet.reserved = 1;
    expect_errno(call(VDM_CMD_GET_ATTRIBUTES, &packet), EINVAL, "get-attributes with a non-zero reserved field");

    memset(&packet, 0, sizeof packet);
    packet.version = 7;
    packet.device_number = physical;
    expect_errno(call(VDM_CMD_GET_ATTRIBUTES, &packet), EINVAL, "get-attributes with version 7");

    memset(&packet, 0, sizeof packet);
    packet.version = VDM_PACKET_VERSION_0;
    packet.device_number = 0x7ffffff0u;
    expect_errno(call(VDM_CMD_GET_ATTRIBUTES, &packet), ENOENT, "get-attributes of a device number that is not in use");

    struct vdm_create_instance_packet create;
    memset(&create, 0, sizeof create);
    create.version = VDM_PACKET_VERSION_0;
    create.subdriver_id = VDM_SUBDRIVER_PHYSICAL;
    memset(create.name, 'n', sizeof create.name);   /* no NUL within the field */
    strcpy(create.attributes.physical.path, "/nonexistent");
    expect_errno(call(VDM_CMD_CREATE_INSTANCE, &create), EINVAL, "create-instance with a name of 64 bytes and no NUL");

    memset(&create, 0, sizeof create);
    create.version = VDM_PACKET_VERSION_0;
    create.subdriver_id = VDM_SUBDRIVER_PHYSICAL;
    strcpy(create.name, "a/b");
    strcpy(create.attributes.physical.path, "/nonexistent");
    expect_errno(call(VDM_CMD_CREATE_INSTANCE, &create), EINVAL, "create-instance with a '/' in the name");

    memset(&create, 0, sizeof create);
    create.version = VDM_PACKET_VERSION_0;
    create.subdriver_id = VDM_SUBDRIVER_PHYSICAL;
    strcpy(create.name, "a");
    strcpy(create.attributes.physical.path, "/nonexistent");
    expect_errno(call(VDM_CMD_CREATE_INSTANCE, &create), EEXIST, "create-instance of a name in use");
}

/* The header's own refusals, on the write/read front door only. */
static void check_header_refusals(void)
{
    struct {
        struct vdm_request_header header;
        struct vdm_delete_instance_packet packet;
    } request;
    const struct { uint32_t magic, version, command, length; const char *what; } cases[] = {
        { 0x12345678u, 0, VDM_CMD_DELETE_INSTANCE, sizeof request.packet, "a request with a wrong magic" },
        { VDM_REQUEST_MAGIC, 3, VDM_CMD_DELETE_INSTANCE, sizeof request.packet, "a request with version 3" },
        { VDM_REQUEST_MAGIC, 0, 77, sizeof request.packet, "a request with command 77" },
        { VDM_REQUEST_MAGIC, 0, VDM_CMD_DELETE_INSTANCE, sizeof request.packet + 4, "a request whose length is too long" },
        { VDM_REQUEST_MAGIC, 0, VDM_CMD_DELETE_INSTANCE, sizeof request.packet - 4, "a request whose length is too short" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&request, 0, sizeof request);
        request.header.magic = cases[i].magic;
        request.header.version = cases[i].version;
        request.header.command = cases[i].command;
        request.header.length = cases[i].length;
        request.packet.device_number = 1;
        ssize_t n = write(control_fd, &request, sizeof request);
        if (n >= 0 || errno != EINVAL) {
            fail("%s: write returned %zd errno %s, expected EINVAL", cases[i].what, n, n < 0 ? strerrorname_np(errno) : "-");
        }
        char reply[MAX_REQUEST];
        ssize_t got = read(control_fd, reply, sizeof reply);
        /* A request too broken to be a packet may be answered as text; either way the reply names the error. */
        if (got <= 0) {
            fail("%s: no reply to read back (read returned %zd)", cases[i].what, got);
        }
        pass("%s fails with EINVAL", cases[i].what);
    }
}

static uint32_t instance_count(void)
{
    uint32_t count = 0;
    uint32_t key = 0;
    for (;;) {
        struct vdm_get_instances_packet packet;
        memset(&packet, 0, sizeof packet);
        packet.version = VDM_PACKET_VERSION_0;
        packet.key = key;
        int status = call(VDM_CMD_GET_INSTANCES, &packet);
        if (status == ENOENT) {
            return count;
        }
        expect_errno(status, 0, "get-instances");
        if (packet.key == key || packet.device_number == 0 || packet.name[0] == '\0') {
            fail("get-instances key %u: next key %u, device number %u, name '%.64s'", key, packet.key,
                 packet.device_number, packet.name);
        }
        key = packet.key;
        if (++count > 1000) {
            fail("get-instances: no ENOENT after 1000 instances");
        }
    }
}

static void run_example(const char *image_a, const char *image_b)
{
    uint32_t before = instance_count();
    pass("get-instances count=%u", before);

    uint32_t a = create_physical("a", image_a);
    uint32_t b = create_physical("b", image_b);
    uint32_t image0 = create_partition("image0", a, 0, BLOCKS);
    uint32_t image1 = create_partition("image1", b, 0, BLOCKS);

    check_children("image0", image0, VDM_SUBDRIVER_PARTITION, a, VDM_SUBDRIVER_PHYSICAL);
    check_children("image1", image1, VDM_SUBDRIVER_PARTITION, b, VDM_SUBDRIVER_PHYSICAL);
    check_children("a", a, VDM_SUBDRIVER_PHYSICAL, VDM_NODEV, 0);

    struct vdm_get_child_instance_packet wrong;
    memset(&wrong, 0, sizeof wrong);
    wrong.version = VDM_PACKET_VERSION_0;
    wrong.parent_subdriver_id = VDM_SUBDRIVER_PHYSICAL;
    wrong.parent_device_number = image0;
    expect_errno(call(VDM_CMD_GET_CHILD_INSTANCE, &wrong), EINVAL, "get-child-instance with the wrong parent subdriver");

    check_physical_attributes("a", a, image_a);
    check_physical_attributes("b", b, image_b);
    check_partition_attributes("image0", image0, a, 0, BLOCKS);
    check_partition_attributes("image1", image1, b, 0, BLOCKS);

    check_dsk_get(control_fd, "image0", image0, BLOCKS, "vdm");
    check_dsk_get(control_fd, "image1", image1, BLOCKS, "vdm");
    check_dsk_usage("image0", image0);
    check_address("image1", image1, b, 1234);

    /* A disk command on an exported file: the instance is implied by the file. */
    char path[4096];
    snprintf(path, sizeof path, "%s/rdsk/image0", mountpoint);
    int disk = open(path, O_RDONLY | O_CLOEXEC);
    if (disk < 0) {
        fail("open %s: %s", path, strerror(errno));
    }
    enum front_door saved = door;
    door = FRONT_IOCTL;
    check_dsk_get(disk, "image0", 0, BLOCKS, "rdsk/image0");
    struct vdm_dsk_get_packet mismatch;
    memset(&mismatch, 0, sizeof mismatch);
    mismatch.version = VDM_PACKET_VERSION_0;
    mismatch.device_number = image1;
    expect_errno(call_on(disk, VDM_CMD_DSK_GET, &mismatch), EINVAL, "dsk-get on rdsk/image0 naming image1");
    door = saved;
    delete_instance("image0 while rdsk/image0 is open", image0, EBUSY);
    close(disk);

    check_refusals(a);
    delete_instance("a, the child of image0", a, EBUSY);
    delete_instance("image0", image0, 0);
    delete_instance("image1", image1, 0);
    delete_instance("a", a, 0);
    delete_instance("b", b, 0);
    delete_instance("b again", b, ENOENT);

    uint32_t after = instance_count();
    if (after != before) {
        fail("get-instances: %u instances after the example, %u before", after, before);
    }
    pass("get-instances count=%u after deleting everything", after);
}

static void print_layout(void)
{
    printf("layout request-header size=%zu\n", sizeof(struct vdm_request_header));
    printf("layout reply-header size=%zu\n", sizeof(struct vdm_reply_header));
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        printf("layout command=%u name=%s ioctl=0x%08lx size=%zu\n", commands[i].number, commands[i].name,
               commands[i].ioctl_number, commands[i].size);
    }
    printf("layout offset create.attributes=%zu get-child.child_instance=%zu get-attributes.attributes=%zu "
           "get-instances.size=%zu dsk-get-address.levels=%zu\n",
           offsetof(struct vdm_create_instance_packet, attributes),
           offsetof(struct vdm_get_child_instance_packet, child_instance),
           offsetof(struct vdm_get_attributes_packet, attributes),
           offsetof(struct vdm_get_instances_packet, size),
           offsetof(struct vdm_dsk_get_address_packet, levels));
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s MOUNTPOINT IMAGE_A IMAGE_B\n", argv[0]);
        return 2;
    }
    mountpoint = argv[1];
    print_layout();

    char control[4096];
    snprintf(control, sizeof control, "%s/vdm", mountpoint);

    const enum front_door doors[] = { FRONT_IOCTL, FRONT_PACKET };
    const char *names[] = { "ioctl", "packet" };
    for (int i = 0; i < 2; i++) {
        door = doors[i];
        door_name = names[i];
        control_fd = open(control, O_RDWR | O_CLOEXEC);
        if (control_fd < 0) {
            fail("open %s: %s", control, strerror(errno));
        }
        run_example(argv[2], argv[3]);
        if (door == FRONT_PACKET) {
            check_header_refusals();
        }
        close(control_fd);
    }
    door_name = "all";
    printf("vdm_example: all %d checks passed\n", checks);
    return 0;
}
