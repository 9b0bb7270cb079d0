/*
 * mirror_example.c - the EXAMPLE of vdmmirr(7) through ioctl(2), against vdmfuse, extended.
 *
 * Usage: mirror_example MOUNTPOINT IMAGE_A IMAGE_B
 *
 * On MOUNTPOINT/vdm: creates physical instances "a" and "b", partitions "image0" and "image1" (start 0, 10000
 * blocks) on them and mirror "c" over the two with automatic sync, minimum 2 images and maximum 0 missing (the
 * page's vdmmirrcreateinstance); checks its attributes, that opening it fails with ENXIO and DSKIOCGET with
 * EINVAL; finds the corrupt images as the page's vdmmirrsyncmirror does, syncs image0 to image1 with
 * VDM_IOC_IOCTL_SUBDRIVER (VDM_MIRROR_CMD_SYNC_IMAGES), watches the role packets while it runs, throttles it,
 * and waits as vdmmirrsyncimages does. Then, on the mirror's own file: fractures image1 with a change
 * granularity, writes two granules, syncs again (VDM_IOC_SYNC_IMAGES, the mirror implied) and checks that only
 * those granules were copied. Compares the images byte for byte after each sync, checks the errors the page
 * gives, updates the attributes with -1, and deletes everything. Prints one line per check ("ok ..." or
 * "FAIL ...") and exits with 1 at the first failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <vdmfuse/vdm.h>

#define BLOCKS       10000u
#define GRANULARITY  8u

static int control_fd = -1;
static int checks;

static void pass(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));

static void pass(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    printf("ok ");
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
    printf("FAIL ");
    vprintf(format, arguments);
    printf("\n");
    va_end(arguments);
    fflush(stdout);
    exit(1);
}

/* ioctl(2): 0 or the errno. */
static int call_on(int fd, unsigned long number, void *packet)
{
    return ioctl(fd, number, packet) == 0 ? 0 : errno;
}

static void expect(int got, int expected, const char *what)
{
    if (got != expected) {
        fail("%s: expected %s, got %s", what, expected ? strerrorname_np(expected) : "success",
             got ? strerrorname_np(got) : "success");
    }
    if (expected != 0) {
        pass("%s fails with %s", what, strerrorname_np(expected));
    }
}

static void sleep_ms(long milliseconds)
{
    struct timespec delay = { .tv_sec = milliseconds / 1000, .tv_nsec = (milliseconds % 1000) * 1000000L };
    nanosleep(&delay, NULL);
}

static uint32_t create_physical(const char *name, const char *path)
{
    struct vdm_create_instance_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.subdriver_id = VDM_SUBDRIVER_PHYSICAL;
    strncpy(packet.name, name, sizeof packet.name - 1);
    strncpy(packet.attributes.physical.path, path, sizeof packet.attributes.physical.path - 1);
    expect(call_on(control_fd, VDM_IOC_CREATE_INSTANCE, &packet), 0, "create-instance physical");
    if (packet.device_number == 0 || packet.device_number == VDM_NODEV) {
        fail("create-instance %s returned device number %u", name, packet.device_number);
    }
    pass("create-instance subdriver=physical name=%s device-number=%u", name, packet.device_number);
    return packet.device_number;
}

static uint32_t create_partition(const char *name, uint32_t child)
{
    struct vdm_create_instance_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.subdriver_id = VDM_SUBDRIVER_PARTITION;
    strncpy(packet.name, name, sizeof packet.name - 1);
    packet.attributes.partition.child_device_number = child;
    packet.attributes.partition.start = 0;
    packet.attributes.partition.size = BLOCKS;
    packet.attributes.partition.remap_device_number = VDM_NODEV;
    expect(call_on(control_fd, VDM_IOC_CREATE_INSTANCE, &packet), 0, "create-instance partition");
    pass("create-instance subdriver=partition name=%s child=%u device-number=%u", name, child, packet.device_number);
    return packet.device_number;
}

/* The page's vdmmirrsetpacket and vdmmirrcreateinstance. */
static uint32_t create_mirror(const char *name, uint32_t count, const uint32_t *images, uint32_t automatic_sync,
                              int32_t minimum, int32_t maximum)
{
    struct vdm_create_instance_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.subdriver_id = VDM_SUBDRIVER_MIRROR;
    strncpy(packet.name, name, sizeof packet.name - 1);
    packet.attributes.mirror.version = VDM_PACKET_VERSION_0;
    packet.attributes.mirror.automatic_sync = automatic_sync;
    packet.attributes.mirror.minimum_images_required_to_use = minimum;
    packet.attributes.mirror.maximum_images_missing_to_use = maximum;
    packet.attributes.mirror.milliseconds_between_sync_io = 0;
    packet.attributes.mirror.number_of_images = count;
    for (uint32_t i = 0; i < count; i++) {
        packet.attributes.mirror.image_device_numbers[i] = images[i];
    }
    expect(call_on(control_fd, VDM_IOC_CREATE_INSTANCE, &packet), 0, "create-instance mirror");
    if (packet.device_number == 0 || packet.device_number == VDM_NODEV) {
        fail("create-instance %s returned device number %u", name, packet.device_number);
    }
    pass("create-instance subdriver=mirror name=%s images=%u device-number=%u", name, count, packet.device_number);
    return packet.device_number;
}

static struct vdm_mirror_get_attributes get_mirror_attributes(uint32_t mirror)
{
    struct vdm_get_attributes_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.device_number = mirror;
    expect(call_on(control_fd, VDM_IOC_GET_ATTRIBUTES, &packet), 0, "get-attributes mirror");
    if (packet.subdriver_id != VDM_SUBDRIVER_MIRROR || packet.attributes.mirror_get.version != 0) {
        fail("get-attributes: subdriver %u version %u", packet.subdriver_id, packet.attributes.mirror_get.version);
    }
    return packet.attributes.mirror_get;
}

static void check_mirror_attributes(uint32_t mirror, uint32_t flags, int32_t minimum, int32_t maximum, uint32_t delay)
{
    struct vdm_mirror_get_attributes got = get_mirror_attributes(mirror);
    if (got.flags != flags || got.minimum_images_required_to_use != minimum ||
        got.maximum_images_missing_to_use != maximum || got.milliseconds_between_sync_io != delay ||
        got.image_count != 2 || got.region_size != 0 || got.reserved != 0 || got.dirty_regions != 0) {
        fail("get-attributes c: flags %u minimum %d maximum %d delay %u images %u region %u dirty %llu; expected %u %d %d %u 2 0 0",
             got.flags, got.minimum_images_required_to_use, got.maximum_images_missing_to_use,
             got.milliseconds_between_sync_io, got.image_count, got.region_size,
             (unsigned long long)got.dirty_regions, flags, minimum, maximum, delay);
    }
    pass("get-attributes name=c flags=%u minimum=%d maximum=%d milliseconds=%u image-count=2", flags, minimum, maximum, delay);
}

/* One image of the mirror (get-child-instance with the key): its device number and role packet; ENOENT at the end. */
static int get_image(uint32_t mirror, uint32_t key, uint32_t *device, struct vdm_mirror_child_role *role)
{
    struct vdm_get_child_instance_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.parent_subdriver_id = VDM_SUBDRIVER_MIRROR;
    packet.parent_device_number = mirror;
    packet.available = 1;
    packet.key = key;
    int error = call_on(control_fd, VDM_IOC_GET_CHILD_INSTANCE, &packet);
    if (error != 0) {
        return error;
    }
    if (packet.key != key + 1 || packet.child_instance.device_number_used != 1 ||
        packet.child_subdriver_id != VDM_SUBDRIVER_PARTITION || packet.child_role.mirror.version != 0 ||
        packet.child_role.mirror.sync_percent > 100) {
        fail("get-child-instance key %u: next key %u, device-number-used %u, subdriver %u, role version %u, percent %u",
             key, packet.key, packet.child_instance.device_number_used, packet.child_subdriver_id,
             packet.child_role.mirror.version, packet.child_role.mirror.sync_percent);
    }
    for (size_t i = 0; i < sizeof packet.child_role.mirror.reserved; i++) {
        if (packet.child_role.mirror.reserved[i] != 0) {
            fail("get-child-instance key %u: reserved byte %zu of the role is %u", key, i, packet.child_role.mirror.reserved[i]);
        }
    }
    *device = packet.child_instance.device_number;
    *role = packet.child_role.mirror;
    return 0;
}

static struct vdm_mirror_child_role role_of(uint32_t mirror, uint32_t image)
{
    uint32_t device;
    struct vdm_mirror_child_role role;
    for (uint32_t key = 0; get_image(mirror, key, &device, &role) == 0; key++) {
        if (device == image) {
            return role;
        }
    }
    fail("image %u is not a child of mirror %u", image, mirror);
}

/* The page's vdmmirrsyncimages with wait: polls the role packets until no destination is a sync destination. */
static void wait_for_sync(uint32_t mirror, uint32_t destination)
{
    for (int polls = 0;; polls++) {
        struct vdm_mirror_child_role role = role_of(mirror, destination);
        if (!(role.flags & VDM_MIRROR_SYNC_DESTINATION)) {
            pass("sync to image %u ended after %d polls", destination, polls);
            return;
        }
        if (polls > 3000) {
            fail("the sync to image %u did not end within 60 s (block %llu)", destination, (unsigned long long)role.sync_block);
        }
        sleep_ms(20);
    }
}

/* Reads both images through their raw files and compares them. */
static void compare_images(const char *mountpoint, const char *when)
{
    char path0[4096], path1[4096];
    snprintf(path0, sizeof path0, "%s/rdsk/image0", mountpoint);
    snprintf(path1, sizeof path1, "%s/rdsk/image1", mountpoint);
    int fd0 = open(path0, O_RDONLY), fd1 = open(path1, O_RDONLY);
    if (fd0 < 0 || fd1 < 0) {
        fail("open rdsk/image0 and rdsk/image1: %s", strerror(errno));
    }
    void *buffer0, *buffer1;
    size_t chunk = 1 << 20;
    if (posix_memalign(&buffer0, 4096, chunk) != 0 || posix_memalign(&buffer1, 4096, chunk) != 0) {
        fail("aligned buffers");
    }
    for (off_t offset = 0; offset < (off_t)BLOCKS * 512; offset += (off_t)chunk) {
        size_t length = (size_t)((off_t)BLOCKS * 512 - offset < (off_t)chunk ? (off_t)BLOCKS * 512 - offset : (off_t)chunk);
        if (pread(fd0, buffer0, length, offset) != (ssize_t)length || pread(fd1, buffer1, length, offset) != (ssize_t)length) {
            fail("read the images at %lld: %s", (long long)offset, strerror(errno));
        }
        if (memcmp(buffer0, buffer1, length) != 0) {
            fail("%s: image0 and image1 differ in the %zu bytes at %lld", when, length, (long long)offset);
        }
    }
    free(buffer0);
    free(buffer1);
    close(fd0);
    close(fd1);
    pass("%s: image0 and image1 are identical (%u blocks)", when, BLOCKS);
}

static uint64_t blocks_written(uint32_t device)
{
    struct vdm_dsk_usage_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.device_number = device;
    expect(call_on(control_fd, VDM_IOC_DSK_USAGE, &packet), 0, "dsk-usage");
    return packet.blocks_written;
}

static void delete_instance(uint32_t device, int expected, const char *what)
{
    struct vdm_delete_instance_packet packet;
    memset(&packet, 0, sizeof packet);
    packet.device_number = device;
    expect(call_on(control_fd, VDM_IOC_DELETE_INSTANCE, &packet), expected, what);
    if (expected == 0) {
        pass("%s", what);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mirror_example MOUNTPOINT IMAGE_A IMAGE_B\n");
        return 2;
    }
    const char *mountpoint = argv[1];
    char path[4096];
    snprintf(path, sizeof path, "%s/vdm", mountpoint);
    control_fd = open(path, O_RDWR);
    if (control_fd < 0) {
        fail("open %s: %s", path, strerror(errno));
    }

    /* The page's vdmmirrexample: two physical disks, a partition on each, mirror c. */
    uint32_t a = create_physical("a", argv[2]);
    uint32_t b = create_physical("b", argv[3]);
    uint32_t images[2] = { create_partition("image0", a), create_partition("image1", b) };
    uint32_t c = create_mirror("c", 2, images, 1, 2, 0);
    check_mirror_attributes(c, VDM_MIRROR_AUTOMATIC_SYNC, 2, 0, 0);

    snprintf(path, sizeof path, "%s/dsk/c", mountpoint);
    int refused = open(path, O_RDONLY);
    expect(refused < 0 ? errno : 0, ENXIO, "open dsk/c of a mirror without a usable image");
    struct vdm_dsk_get_packet geometry;
    memset(&geometry, 0, sizeof geometry);
    geometry.device_number = c;
    expect(call_on(control_fd, VDM_IOC_DSK_GET, &geometry), EINVAL, "DSKIOCGET of an unusable mirror");

    /* vdmmirrsyncmirror: every image is corrupt, so no good image is found. */
    uint32_t device, corrupt = 0, good = VDM_NODEV, key = 0;
    struct vdm_mirror_child_role role;
    int error;
    while ((error = get_image(c, key, &device, &role)) == 0) {
        if (role.flags != VDM_MIRROR_CORRUPT || role.sync_block != 0 || role.change_granularity != 0 ||
            role.source_image != VDM_NODEV || role.sync_total_blocks != 0 || role.sync_percent != 0 ||
            role.sync_rate_kib != 0 || role.changed_granules != 0 || device != images[key]) {
            fail("role of image %u: flags %u block %llu granularity %u source %u total %llu; expected a corrupt image %u",
                 device, role.flags, (unsigned long long)role.sync_block, role.change_granularity, role.source_image,
                 (unsigned long long)role.sync_total_blocks, images[key]);
        }
        if (role.flags & VDM_MIRROR_CORRUPT) {
            corrupt++;
        } else {
            good = device;
        }
        key++;
    }
    expect(error, ENOENT, "get-child-instance after the last image");
    if (corrupt != 2 || good != VDM_NODEV) {
        fail("found %u corrupt images and good image %u; expected 2 and none", corrupt, good);
    }
    pass("get-child-instance parent=c: 2 corrupt images, no usable one");

    /* Sync image0 to image1 with the second form (VDM_IOC_IOCTL_SUBDRIVER), slowly enough to watch it. */
    struct vdm_ioctl_subdriver_packet subdriver;
    memset(&subdriver, 0, sizeof subdriver);
    subdriver.subdriver_id = VDM_SUBDRIVER_MIRROR;
    subdriver.instance_device_number = c;
    subdriver.command = VDM_MIRROR_CMD_SYNC_IMAGES;
    struct vdm_mirror_sync_images_packet sync;
    memset(&sync, 0, sizeof sync);
    sync.milliseconds_between_sync_io = 300;
    sync.source_image = images[0];
    sync.number_of_destinations = 1;
    sync.dest_images[0] = images[1];
    memcpy(subdriver.argument, &sync, sizeof sync);
    expect(call_on(control_fd, VDM_IOC_IOCTL_SUBDRIVER, &subdriver), 0, "ioctl-subdriver sync-images");
    memcpy(&sync, subdriver.argument, sizeof sync);
    if (sync.total_blocks != BLOCKS || sync.source_image != images[0] || sync.dest_images[0] != images[1]) {
        fail("sync-images: total-blocks %llu", (unsigned long long)sync.total_blocks);
    }
    pass("ioctl-subdriver subdriver=mirror command=sync-images source=%u destinations=%u total-blocks=%llu", images[0],
         images[1], (unsigned long long)sync.total_blocks);

    struct vdm_mirror_child_role destination = role_of(c, images[1]);
    if (destination.flags != VDM_MIRROR_SYNC_DESTINATION || destination.source_image != images[0] ||
        destination.sync_total_blocks != BLOCKS || destination.sync_block > BLOCKS) {
        fail("role of image1 during the sync: flags %u source %u total %llu block %llu", destination.flags,
             destination.source_image, (unsigned long long)destination.sync_total_blocks,
             (unsigned long long)destination.sync_block);
    }
    pass("role of image1 during the sync: sync-destination source=%u sync-block=%llu of %llu (%u%%)", destination.source_image,
         (unsigned long long)destination.sync_block, (unsigned long long)destination.sync_total_blocks, destination.sync_percent);
    struct vdm_mirror_child_role source = role_of(c, images[0]);
    if (source.flags != VDM_MIRROR_SYNC_SOURCE || source.source_image != VDM_NODEV) {
        fail("role of image0 during the sync: flags %u source %u", source.flags, source.source_image);
    }
    pass("role of image0 during the sync: sync-source");
    check_mirror_attributes(c, VDM_MIRROR_AUTOMATIC_SYNC | VDM_MIRROR_SYNC_IN_PROGRESS, 2, 0, 0);
    delete_instance(c, EBUSY, "delete-instance c during a sync");

    struct vdm_mirror_throttle_sync_packet throttle;
    memset(&throttle, 0, sizeof throttle);
    throttle.device_number = c;
    throttle.milliseconds_between_sync_io = 0;
    throttle.dest_image = images[1];
    expect(call_on(control_fd, VDM_IOC_THROTTLE_SYNC, &throttle), 0, "throttle-sync");
    pass("throttle-sync name=c destination=%u milliseconds-between-sync-io=0", images[1]);
    wait_for_sync(c, images[1]);
    check_mirror_attributes(c, VDM_MIRROR_AUTOMATIC_SYNC, 2, 0, 0);
    for (uint32_t i = 0; i < 2; i++) {
        role = role_of(c, images[i]);
        if (role.flags != 0 || role.source_image != VDM_NODEV || role.sync_total_blocks != 0) {
            fail("role of image %u after the sync: flags %u source %u", images[i], role.flags, role.source_image);
        }
    }
    pass("both images are usable after the sync");
    compare_images(mountpoint, "after the first sync");

    /* The mirror is usable now: open its raw file; the ioctls on it imply the mirror. */
    snprintf(path, sizeof path, "%s/rdsk/c", mountpoint);
    int mirror_fd = open(path, O_RDWR);
    if (mirror_fd < 0) {
        fail("open rdsk/c after the sync: %s", strerror(errno));
    }
    pass("open rdsk/c after the sync");
    memset(&geometry, 0, sizeof geometry);
    expect(call_on(mirror_fd, VDM_IOC_DSK_GET, &geometry), 0, "DSKIOCGET on rdsk/c");
    if (geometry.total_blocks != BLOCKS || geometry.sector_size != 512) {
        fail("DSKIOCGET on rdsk/c: %llu blocks of %u bytes", (unsigned long long)geometry.total_blocks, geometry.sector_size);
    }
    pass("DSKIOCGET on rdsk/c total-blocks=%llu", (unsigned long long)geometry.total_blocks);

    struct vdm_mirror_fracture_image_packet fracture;
    memset(&fracture, 0, sizeof fracture);
    fracture.change_granularity = GRANULARITY;
    fracture.image_device_number = images[1];
    expect(call_on(mirror_fd, VDM_IOC_FRACTURE_IMAGE, &fracture), 0, "fracture-image on rdsk/c");
    role = role_of(c, images[1]);
    if (role.flags != (VDM_MIRROR_CORRUPT | VDM_MIRROR_FRACTURED) || role.change_granularity != GRANULARITY ||
        role.changed_granules != 0) {
        fail("role of image1 after the fracture: flags %u granularity %u changed %llu", role.flags,
             role.change_granularity, (unsigned long long)role.changed_granules);
    }
    pass("fracture-image on rdsk/c image=%u change-granularity=%u: corrupt and fractured", images[1], GRANULARITY);

    void *data;
    if (posix_memalign(&data, 4096, 4096) != 0) {
        fail("aligned buffer");
    }
    memset(data, 0xa5, 4096);
    if (pwrite(mirror_fd, data, 4096, 0) != 4096 || pwrite(mirror_fd, data, 4096, 800 * 512) != 4096) {
        fail("pwrite rdsk/c: %s", strerror(errno));
    }
    role = role_of(c, images[1]);
    if (role.changed_granules != 2) {
        fail("changed granules after writing blocks 0-7 and 800-807: %llu", (unsigned long long)role.changed_granules);
    }
    pass("writes to blocks 0-7 and 800-807 mark 2 granules of image1");

    uint64_t written_before = blocks_written(images[1]);
    memset(&sync, 0, sizeof sync);
    sync.device_number = images[0];
    sync.source_image = images[0];
    sync.number_of_destinations = 1;
    sync.dest_images[0] = images[1];
    expect(call_on(mirror_fd, VDM_IOC_SYNC_IMAGES, &sync), EINVAL, "sync-images on rdsk/c naming another instance");
    sync.device_number = 0;
    sync.source_image = a;
    expect(call_on(mirror_fd, VDM_IOC_SYNC_IMAGES, &sync), ENOENT, "sync-images from an instance that is not an image");
    sync.source_image = images[1];
    sync.dest_images[0] = images[0];
    expect(call_on(mirror_fd, VDM_IOC_SYNC_IMAGES, &sync), EINVAL, "sync-images from a fractured image to a usable one");
    sync.source_image = images[0];
    sync.dest_images[0] = images[1];
    expect(call_on(mirror_fd, VDM_IOC_SYNC_IMAGES, &sync), 0, "sync-images on rdsk/c");
    if (sync.total_blocks != BLOCKS || sync.device_number != 0) {
        fail("sync-images on rdsk/c: total-blocks %llu device %u", (unsigned long long)sync.total_blocks, sync.device_number);
    }
    pass("sync-images on rdsk/c source=%u destinations=%u total-blocks=%llu", images[0], images[1],
         (unsigned long long)sync.total_blocks);
    wait_for_sync(c, images[1]);
    uint64_t copied = blocks_written(images[1]) - written_before;
    if (copied != 2 * GRANULARITY) {
        fail("the sync after the fracture wrote %llu blocks to image1; expected the 2 changed granules (%u)",
             (unsigned long long)copied, 2 * GRANULARITY);
    }
    pass("the sync after the fracture copied only the %llu blocks of the changed granules", (unsigned long long)copied);
    role = role_of(c, images[1]);
    if (role.flags != 0 || role.changed_granules != 0) {
        fail("role of image1 after the partial sync: flags %u changed %llu", role.flags, (unsigned long long)role.changed_granules);
    }
    compare_images(mountpoint, "after the partial sync");

    struct vdm_mirror_terminate_sync_packet terminate;
    memset(&terminate, 0, sizeof terminate);
    terminate.dest_image = images[1];
    expect(call_on(mirror_fd, VDM_IOC_TERMINATE_SYNC, &terminate), EINVAL, "terminate-sync of an image no sync writes");

    /* update-attributes with -1 (no test), then get-attributes reads them back. */
    struct vdm_update_attributes_packet update;
    memset(&update, 0, sizeof update);
    update.device_number = c;
    update.subdriver_id = VDM_SUBDRIVER_MIRROR;
    update.attributes.mirror_update.automatic_sync = 0;
    update.attributes.mirror_update.minimum_images_required_to_use = -1;
    update.attributes.mirror_update.maximum_images_missing_to_use = -1;
    update.attributes.mirror_update.milliseconds_between_sync_io = 5;
    expect(call_on(control_fd, VDM_IOC_UPDATE_ATTRIBUTES, &update), 0, "update-attributes mirror");
    check_mirror_attributes(c, 0, -1, -1, 5);
    update.attributes.mirror_update.minimum_images_required_to_use = 4;
    expect(call_on(control_fd, VDM_IOC_UPDATE_ATTRIBUTES, &update), EINVAL, "update-attributes with minimum 4");

    delete_instance(c, EBUSY, "delete-instance c while rdsk/c is open");
    close(mirror_fd);
    free(data);
    delete_instance(c, 0, "delete-instance name=c");
    delete_instance(images[0], 0, "delete-instance name=image0");
    delete_instance(images[1], 0, "delete-instance name=image1");
    delete_instance(a, 0, "delete-instance name=a");
    delete_instance(b, 0, "delete-instance name=b");
    close(control_fd);
    printf("mirror_example: all %d checks passed\n", checks);
    return 0;
}
