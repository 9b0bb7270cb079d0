/*
 * fault_ioctl.c - fault injection through ioctl(2), against vdmfuse.
 *
 * Usage: fault_ioctl MOUNTPOINT FAULT_NAME FAULT_DEVICE_NUMBER
 *
 * On MOUNTPOINT/rdsk/FAULT_NAME (the instance implied by the file): adds a rule that fails the next write
 * of blocks 8-9 with ENOSPC (VDM_IOC_FAULT_ADD), lists it (VDM_IOC_FAULT_LIST), checks that one write there
 * fails with ENOSPC and the next succeeds, that a read elsewhere works; then on MOUNTPOINT/vdm, naming the
 * instance by its device number, adds a read rule on every block, checks that a read fails with EIO, and
 * clears every rule (VDM_IOC_FAULT_CLEAR). Prints one line per check ("ok ..." or "FAIL ...") and exits
 * with 1 at the first failure.
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

static int checks;

static void check(int condition, const char *what, long detail)
{
    if (!condition) {
        printf("FAIL %s (%ld, errno %d %s)\n", what, detail, errno, strerror(errno));
        exit(1);
    }
    checks++;
    printf("ok %s\n", what);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: fault_ioctl MOUNTPOINT FAULT_NAME FAULT_DEVICE_NUMBER\n");
        return 2;
    }
    char raw_path[4096], control_path[4096];
    snprintf(raw_path, sizeof raw_path, "%s/rdsk/%s", argv[1], argv[2]);
    snprintf(control_path, sizeof control_path, "%s/vdm", argv[1]);
    uint32_t device = (uint32_t)strtoul(argv[3], NULL, 10);

    int raw = open(raw_path, O_RDWR);
    check(raw >= 0, "open rdsk/FAULT", raw);
    void *block;
    check(posix_memalign(&block, 4096, 1024) == 0, "aligned buffer", 0);
    memset(block, 0x5a, 1024);

    struct vdm_fault_add_packet add;
    memset(&add, 0, sizeof add);
    add.version = VDM_PACKET_VERSION_0;
    add.op = VDM_FAULT_OP_WRITE;
    add.error = ENOSPC;
    add.start = 8;
    add.count = 2;
    add.times = 1;
    int result = ioctl(raw, VDM_IOC_FAULT_ADD, &add);
    check(result == 0 && add.id >= 1, "VDM_IOC_FAULT_ADD on rdsk/FAULT gives a rule id", add.id);
    printf("rule id=%u\n", add.id);

    struct vdm_fault_list_packet list;
    memset(&list, 0, sizeof list);
    list.version = VDM_PACKET_VERSION_0;
    result = ioctl(raw, VDM_IOC_FAULT_LIST, &list);
    check(result == 0 && list.count == 1, "VDM_IOC_FAULT_LIST on rdsk/FAULT lists one rule", list.count);
    check(list.rules[0].id == add.id && list.rules[0].op == VDM_FAULT_OP_WRITE && list.rules[0].error == ENOSPC
          && list.rules[0].start == 8 && list.rules[0].count == 2 && list.rules[0].times == 1 && list.rules[0].hits == 0,
          "the listed rule is the one added", (long)list.rules[0].start);
    printf("listed id=%u op=%u error=%u start=%llu count=%llu times=%u hits=%llu\n", list.rules[0].id, list.rules[0].op,
           list.rules[0].error, (unsigned long long)list.rules[0].start, (unsigned long long)list.rules[0].count,
           list.rules[0].times, (unsigned long long)list.rules[0].hits);

    errno = 0;
    ssize_t n = pwrite(raw, block, 1024, 9 * 512);
    check(n < 0 && errno == ENOSPC, "a write over block 9 fails with ENOSPC", (long)n);
    n = pwrite(raw, block, 1024, 9 * 512);
    check(n == 1024, "the next write over block 9 succeeds (times=1 spent)", (long)n);
    n = pread(raw, block, 1024, 8 * 512);
    check(n == 1024, "a read of blocks 8-9 succeeds", (long)n);

    memset(&list, 0, sizeof list);
    result = ioctl(raw, VDM_IOC_FAULT_LIST, &list);
    check(result == 0 && list.count == 0, "the spent rule is gone from VDM_IOC_FAULT_LIST", list.count);

    int control = open(control_path, O_RDWR);
    check(control >= 0, "open the control file", control);
    memset(&add, 0, sizeof add);
    add.device_number = device;
    add.op = VDM_FAULT_OP_READ;
    add.all = 1;
    result = ioctl(control, VDM_IOC_FAULT_ADD, &add);
    check(result == 0 && add.id >= 2, "VDM_IOC_FAULT_ADD on the control file by device number", add.id);
    errno = 0;
    n = pread(raw, block, 512, 0);
    check(n < 0 && errno == EIO, "a read of block 0 fails with EIO (errno 0 in the packet means EIO)", (long)n);

    memset(&add, 0, sizeof add);
    add.device_number = device;
    add.op = 7;
    errno = 0;
    result = ioctl(control, VDM_IOC_FAULT_ADD, &add);
    check(result < 0 && errno == EINVAL, "VDM_IOC_FAULT_ADD with op 7 fails with EINVAL", result);

    struct vdm_fault_clear_packet clear;
    memset(&clear, 0, sizeof clear);
    clear.device_number = device;
    clear.id = 999;
    errno = 0;
    result = ioctl(control, VDM_IOC_FAULT_CLEAR, &clear);
    check(result < 0 && errno == ENOENT, "VDM_IOC_FAULT_CLEAR of rule 999 fails with ENOENT", result);
    clear.id = 0;
    result = ioctl(control, VDM_IOC_FAULT_CLEAR, &clear);
    check(result == 0 && clear.cleared == 1, "VDM_IOC_FAULT_CLEAR of every rule clears one", clear.cleared);
    n = pread(raw, block, 512, 0);
    check(n == 512, "a read of block 0 works again", (long)n);

    close(control);
    close(raw);
    free(block);
    printf("fault_ioctl: all %d checks passed\n", checks);
    return 0;
}
