/*
 * dkio_example.c - the disk ioctls of dkio(7) through ioctl(2) on the exported files of vdmfuse.
 *
 * Usage: dkio_example MODE FILE [ARGS...]
 *
 *   query FILE                 every query: DKIOCINFO, DKIOCGGEOM, DKIOCG_PHYGEOM, DKIOCG_VIRTGEOM, DKIOCGMEDIAINFO,
 *                              DKIOCREMOVABLE, DKIOCHOTPLUGGABLE, DKIOCPARTINFO, DKIOCEXTPARTINFO, DKIOCSTATE (DKIO_NONE),
 *                              DKIOCEJECT, DKIOCLOCK, DKIOCUNLOCK, DKIOCGETVOLCAP, DKIOCGVTOC, DKIOCGEXTVTOC,
 *                              DKIOCGAPART, DKIOCADDBAD
 *   setgeom FILE NCYL NHEAD NSECT
 *                              DKIOCSGEOM, then DKIOCGGEOM
 *   setvtoc FILE EXT VOLUME LABEL SLICE...
 *                              DKIOCSVTOC (EXT 0) or DKIOCSEXTVTOC (EXT 1) with the slices "N:TAG:FLAG:START:SIZE",
 *                              then DKIOCGVTOC, DKIOCGEXTVTOC, DKIOCGAPART and DKIOCSAPART with the map just read
 *   smboot FILE REL1 NUM1 REL2 NUM2
 *                              DKIOCSMBOOT with two Linux partitions, then the page's refusals: a bad signature and
 *                              overlapping partitions (both EINVAL)
 *   dmr FILE OFFSET NBYTES     DKIOCGETVOLCAP, DKIOCSETVOLCAP (DKV_DMR_CAP), DKIOCGETVOLCAP, then the page's DKIODMR
 *                              calling sequence from DKV_SIDE_INIT until DONE, ERROR or SHORT
 *   setvolcap FILE SET         DKIOCSETVOLCAP, then DKIOCGETVOLCAP
 *   state FILE KNOWN SECONDS   DKIOCSTATE with state KNOWN, under alarm(SECONDS) with a SIGALRM handler installed
 *                              without SA_RESTART
 *
 * Every call prints one line: "NAME result=0 FIELD=VALUE ..." or "NAME result=-1 errno=ENAME". Exit status 0 unless
 * the usage or open(2) fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <vdmfuse/vdm.h>

/* One ioctl: prints "NAME result=-1 errno=E\n" on failure (returns errno), or "NAME result=0" without the end of line. */
static int call(const char *name, int fd, unsigned long request, void *packet)
{
    int result = ioctl(fd, request, packet);
    if (result != 0) {
        int error = errno;
        /* ENOTSUP and EOPNOTSUPP are one value on Linux; the page says ENOTSUP. */
        printf("%s result=%d errno=%s\n", name, result, error == ENOTSUP ? "ENOTSUP" : strerrorname_np(error));
        return error;
    }
    printf("%s result=0", name);
    return 0;
}

/* A packet of any kind with version and device_number zero (the instance is the file's). */
#define NEW_PACKET(type, var) \
    struct type var;          \
    memset(&var, 0, sizeof var)

static void print_text(const char *key, const char *text, size_t size)
{
    printf(" %s=", key);
    for (size_t i = 0; i < size && text[i] != '\0'; i++) {
        putchar(text[i] == ' ' ? '_' : text[i]);
    }
}

static void query_geom(int fd, const char *name, unsigned long request)
{
    NEW_PACKET(vdm_dk_geom_packet, g);
    if (call(name, fd, request, &g) == 0) {
        printf(" ncyl=%u acyl=%u bcyl=%u nhead=%u obs1=%u nsect=%u intrlv=%u obs2=%u obs3=%u apc=%u rpm=%u pcyl=%u"
               " write_reinstruct=%u read_reinstruct=%u extra=%u,%u,%u,%u,%u,%u,%u\n",
               g.ncyl, g.acyl, g.bcyl, g.nhead, g.obs1, g.nsect, g.intrlv, g.obs2, g.obs3, g.apc, g.rpm, g.pcyl,
               g.write_reinstruct, g.read_reinstruct, g.extra[0], g.extra[1], g.extra[2], g.extra[3], g.extra[4],
               g.extra[5], g.extra[6]);
    }
}

static void query_vtoc(int fd)
{
    NEW_PACKET(vdm_dk_vtoc_packet, v);
    if (call("vtoc", fd, VDM_IOC_DK_GET_VTOC, &v) == 0) {
        printf(" bootinfo=%u,%u,%u sanity=0x%x version=%u", v.vtoc.bootinfo[0], v.vtoc.bootinfo[1], v.vtoc.bootinfo[2],
               v.vtoc.sanity, v.vtoc.version);
        print_text("volume", v.vtoc.volume, sizeof v.vtoc.volume);
        printf(" sectorsz=%u nparts=%u", v.vtoc.sectorsz, v.vtoc.nparts);
        print_text("asciilabel", v.vtoc.asciilabel, sizeof v.vtoc.asciilabel);
        for (int i = 0; i < VDM_V_NUMPAR; i++) {
            printf(" p%d=%u:%u:%d:%d", i, v.vtoc.part[i].tag, v.vtoc.part[i].flag, v.vtoc.part[i].start, v.vtoc.part[i].size);
        }
        int timestamps = 0;
        for (int i = 0; i < VDM_V_NUMPAR; i++) {
            timestamps |= v.vtoc.timestamp[i];
        }
        printf(" timestamps=%d\n", timestamps);
    }
}

static void query_extvtoc(int fd)
{
    NEW_PACKET(vdm_dk_extvtoc_packet, v);
    if (call("extvtoc", fd, VDM_IOC_DK_GET_EXTVTOC, &v) == 0) {
        printf(" bootinfo=%llu,%llu,%llu sanity=0x%llx version=%llu", (unsigned long long)v.vtoc.bootinfo[0],
               (unsigned long long)v.vtoc.bootinfo[1], (unsigned long long)v.vtoc.bootinfo[2],
               (unsigned long long)v.vtoc.sanity, (unsigned long long)v.vtoc.version);
        print_text("volume", v.vtoc.volume, sizeof v.vtoc.volume);
        printf(" sectorsz=%u nparts=%u", v.vtoc.sectorsz, v.vtoc.nparts);
        print_text("asciilabel", v.vtoc.asciilabel, sizeof v.vtoc.asciilabel);
        for (int i = 0; i < VDM_V_NUMPAR; i++) {
            printf(" p%d=%u:%u:%llu:%llu", i, v.vtoc.part[i].tag, v.vtoc.part[i].flag,
                   (unsigned long long)v.vtoc.part[i].start, (unsigned long long)v.vtoc.part[i].size);
        }
        unsigned long long timestamps = 0;
        for (int i = 0; i < VDM_V_NUMPAR; i++) {
            timestamps |= v.vtoc.timestamp[i];
        }
        printf(" timestamps=%llu\n", timestamps);
    }
}

/* DKIOCGAPART; the map is left in *map for DKIOCSAPART. Returns the errno. */
static int query_apart(int fd, struct vdm_dk_allmap_packet *map)
{
    memset(map, 0, sizeof *map);
    int error = call("apart", fd, VDM_IOC_DK_GET_APART, map);
    if (error == 0) {
        for (int i = 0; i < VDM_V_NUMPAR; i++) {
            printf(" m%d=%d:%d", i, map->map[i].cylno, map->map[i].nblk);
        }
        printf("\n");
    }
    return error;
}

static void simple(int fd, const char *name, unsigned long request)
{
    NEW_PACKET(vdm_dk_simple_packet, s);
    if (call(name, fd, request, &s) == 0) {
        printf("\n");
    }
}

static void query_volcap(int fd)
{
    NEW_PACKET(vdm_dk_volcap_packet, c);
    if (call("getvolcap", fd, VDM_IOC_DK_GET_VOLCAP, &c) == 0) {
        printf(" info=%u set=%u\n", c.info, c.set);
    }
}

static void query(int fd)
{
    NEW_PACKET(vdm_dk_cinfo_packet, ci);
    if (call("cinfo", fd, VDM_IOC_DK_INFO, &ci) == 0) {
        print_text("cname", ci.cname, sizeof ci.cname);
        printf(" ctype=%u flags=%u cnum=%u addr=%u space=%u prio=%u vec=%u", ci.ctype, ci.flags, ci.cnum, ci.addr, ci.space,
               ci.prio, ci.vec);
        print_text("dname", ci.dname, sizeof ci.dname);
        printf(" unit=%u slave=%u partition=%u maxtransfer=%u\n", ci.unit, ci.slave, ci.partition, ci.maxtransfer);
    }
    query_geom(fd, "geom", VDM_IOC_DK_GET_GEOM);
    query_geom(fd, "phygeom", VDM_IOC_DK_GET_PHYGEOM);
    query_geom(fd, "virtgeom", VDM_IOC_DK_GET_VIRTGEOM);

    NEW_PACKET(vdm_dk_minfo_packet, mi);
    if (call("minfo", fd, VDM_IOC_DK_MEDIA_INFO, &mi) == 0) {
        printf(" media_type=0x%x lbsize=%u capacity=%llu\n", mi.media_type, mi.lbsize, (unsigned long long)mi.capacity);
    }
    NEW_PACKET(vdm_dk_int_packet, removable);
    if (call("removable", fd, VDM_IOC_DK_REMOVABLE, &removable) == 0) {
        printf(" value=%d\n", removable.value);
    }
    NEW_PACKET(vdm_dk_int_packet, hotpluggable);
    if (call("hotpluggable", fd, VDM_IOC_DK_HOTPLUGGABLE, &hotpluggable) == 0) {
        printf(" value=%d\n", hotpluggable.value);
    }
    NEW_PACKET(vdm_dk_partinfo_packet, pi);
    if (call("partinfo", fd, VDM_IOC_DK_PARTINFO, &pi) == 0) {
        printf(" start=%d length=%d\n", pi.start, pi.length);
    }
    NEW_PACKET(vdm_dk_extpartinfo_packet, epi);
    if (call("extpartinfo", fd, VDM_IOC_DK_EXTPARTINFO, &epi) == 0) {
        printf(" start=%llu length=%llu\n", (unsigned long long)epi.start, (unsigned long long)epi.length);
    }
    NEW_PACKET(vdm_dk_state_packet, st);
    st.state = VDM_DKIO_NONE;
    if (call("state", fd, VDM_IOC_DK_STATE, &st) == 0) {
        printf(" state=%u\n", st.state);
    }
    simple(fd, "eject", VDM_IOC_DK_EJECT);
    simple(fd, "lock", VDM_IOC_DK_LOCK);
    simple(fd, "unlock", VDM_IOC_DK_UNLOCK);
    query_volcap(fd);
    query_vtoc(fd);
    query_extvtoc(fd);
    struct vdm_dk_allmap_packet map;
    query_apart(fd, &map);
    simple(fd, "addbad", VDM_IOC_DK_ADDBAD);
}

static void set_geom(int fd, int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "setgeom FILE NCYL NHEAD NSECT\n");
        exit(2);
    }
    NEW_PACKET(vdm_dk_geom_packet, g);
    g.ncyl = (uint16_t)atoi(argv[0]);
    g.nhead = (uint16_t)atoi(argv[1]);
    g.nsect = (uint16_t)atoi(argv[2]);
    g.intrlv = 1;
    g.rpm = 5400;
    g.pcyl = g.ncyl;
    if (call("setgeom", fd, VDM_IOC_DK_SET_GEOM, &g) == 0) {
        printf("\n");
    }
    query_geom(fd, "geom", VDM_IOC_DK_GET_GEOM);
}

static void set_vtoc(int fd, int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "setvtoc FILE EXT VOLUME LABEL SLICE...\n");
        exit(2);
    }
    int extended = atoi(argv[0]);
    NEW_PACKET(vdm_dk_vtoc_packet, v);
    NEW_PACKET(vdm_dk_extvtoc_packet, x);
    v.vtoc.sanity = VDM_VTOC_SANE;
    x.vtoc.sanity = VDM_VTOC_SANE;
    v.vtoc.version = VDM_V_VERSION;
    x.vtoc.version = VDM_V_VERSION;
    strncpy(v.vtoc.volume, argv[1], sizeof v.vtoc.volume);
    strncpy(x.vtoc.volume, argv[1], sizeof x.vtoc.volume);
    v.vtoc.sectorsz = 512;
    x.vtoc.sectorsz = 512;
    v.vtoc.nparts = VDM_V_NUMPAR;
    x.vtoc.nparts = VDM_V_NUMPAR;
    strncpy(v.vtoc.asciilabel, argv[2], sizeof v.vtoc.asciilabel - 1);
    strncpy(x.vtoc.asciilabel, argv[2], sizeof x.vtoc.asciilabel - 1);
    for (int i = 3; i < argc; i++) {
        unsigned slice, tag, flag;
        unsigned long long start, size;
        if (sscanf(argv[i], "%u:%u:%u:%llu:%llu", &slice, &tag, &flag, &start, &size) != 5 || slice >= VDM_V_NUMPAR) {
            fprintf(stderr, "bad slice %s\n", argv[i]);
            exit(2);
        }
        v.vtoc.part[slice].tag = (uint16_t)tag;
        v.vtoc.part[slice].flag = (uint16_t)flag;
        v.vtoc.part[slice].start = (int32_t)start;
        v.vtoc.part[slice].size = (int32_t)size;
        x.vtoc.part[slice].tag = (uint16_t)tag;
        x.vtoc.part[slice].flag = (uint16_t)flag;
        x.vtoc.part[slice].start = start;
        x.vtoc.part[slice].size = size;
    }
    int error = extended ? call("setextvtoc", fd, VDM_IOC_DK_SET_EXTVTOC, &x) : call("setvtoc", fd, VDM_IOC_DK_SET_VTOC, &v);
    if (error == 0) {
        printf("\n");
    }
    query_vtoc(fd);
    query_extvtoc(fd);
    struct vdm_dk_allmap_packet map;
    if (query_apart(fd, &map) == 0 && call("setapart", fd, VDM_IOC_DK_SET_APART, &map) == 0) {
        printf("\n");
    }
}

static void put_partition(struct vdm_ipart *part, uint8_t systid, uint32_t relsect, uint32_t numsect)
{
    memset(part, 0, sizeof *part);
    part->systid = systid;
    /* CHS fields at their LBA-only maximum, as current tools write them. */
    part->beghead = 0xfe;
    part->begsect = 0xff;
    part->begcyl = 0xff;
    part->endhead = 0xfe;
    part->endsect = 0xff;
    part->endcyl = 0xff;
    part->relsect = relsect;
    part->numsect = numsect;
}

static void smboot(int fd, int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "smboot FILE REL1 NUM1 REL2 NUM2\n");
        exit(2);
    }
    uint32_t rel1 = (uint32_t)strtoul(argv[0], NULL, 10), num1 = (uint32_t)strtoul(argv[1], NULL, 10);
    uint32_t rel2 = (uint32_t)strtoul(argv[2], NULL, 10), num2 = (uint32_t)strtoul(argv[3], NULL, 10);

    NEW_PACKET(vdm_dk_mboot_packet, bad);
    put_partition(&bad.mboot.parts[0], 0x83, rel1, num1);
    bad.mboot.signature = 0x55AA;
    call("smboot-bad-signature", fd, VDM_IOC_DK_SMBOOT, &bad);

    bad.mboot.signature = VDM_MBOOT_SIGNATURE;
    put_partition(&bad.mboot.parts[1], 0x83, rel1 + num1 / 2, num1);
    call("smboot-overlap", fd, VDM_IOC_DK_SMBOOT, &bad);

    NEW_PACKET(vdm_dk_mboot_packet, m);
    memcpy(m.mboot.bootinst, "vdmfuse dkio_example", 20);
    put_partition(&m.mboot.parts[0], 0x83, rel1, num1);
    put_partition(&m.mboot.parts[1], 0x83, rel2, num2);
    m.mboot.parts[0].bootid = 0x80;
    m.mboot.signature = VDM_MBOOT_SIGNATURE;
    if (call("smboot", fd, VDM_IOC_DK_SMBOOT, &m) == 0) {
        printf(" size=%zu\n", sizeof m.mboot);
    }
}

static void print_dmr(const struct vdm_dk_dmr_packet *d)
{
    printf(" flags=0x%x side=%d", d->flags, d->side);
    print_text("side_name", d->side_name, sizeof d->side_name);
    printf(" bytesread=%u data=", d->bytesread);
    for (uint32_t i = 0; i < d->bytesread && i < VDM_DMR_MAX_DATA; i++) {
        printf("%02x", d->data[i]);
    }
    printf("\n");
}

static void dmr(int fd, int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "dmr FILE OFFSET NBYTES\n");
        exit(2);
    }
    query_volcap(fd);
    NEW_PACKET(vdm_dk_volcap_packet, enable);
    enable.set = VDM_DKV_DMR_CAP;
    if (call("setvolcap", fd, VDM_IOC_DK_SET_VOLCAP, &enable) == 0) {
        printf("\n");
    }
    query_volcap(fd);

    static struct vdm_dk_dmr_packet d;
    memset(&d, 0, sizeof d);
    d.flags = VDM_DKV_DMR_NEXT_SIDE;
    d.side = VDM_DKV_SIDE_INIT;
    d.offset = strtoull(argv[0], NULL, 10);
    d.nbytes = (uint32_t)strtoul(argv[1], NULL, 10);
    /* The page's loop: the packet goes back unchanged until DONE, ERROR or SHORT (bounded here). */
    for (int step = 0; step < 8; step++) {
        if (call("dmr", fd, VDM_IOC_DK_DMR, &d) != 0) {
            break;
        }
        print_dmr(&d);
        if (d.flags & (VDM_DKV_DMR_DONE | VDM_DKV_DMR_ERROR | VDM_DKV_DMR_SHORT)) {
            break;
        }
        d.flags = VDM_DKV_DMR_NEXT_SIDE;
    }
}

static void set_volcap(int fd, int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "setvolcap FILE SET\n");
        exit(2);
    }
    NEW_PACKET(vdm_dk_volcap_packet, c);
    c.info = 0xffffffffu; /* ignored */
    c.set = (uint32_t)strtoul(argv[0], NULL, 0);
    if (call("setvolcap", fd, VDM_IOC_DK_SET_VOLCAP, &c) == 0) {
        printf("\n");
    }
    query_volcap(fd);
}

static void on_alarm(int signal)
{
    (void)signal;
}

static void state(int fd, int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "state FILE KNOWN SECONDS\n");
        exit(2);
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: the interrupted ioctl returns EINTR */
    sigaction(SIGALRM, &action, NULL);

    NEW_PACKET(vdm_dk_state_packet, st);
    st.state = (uint32_t)atoi(argv[0]);
    struct timespec begin, end;
    clock_gettime(CLOCK_MONOTONIC, &begin);
    alarm((unsigned)atoi(argv[1]));
    int error = call("state", fd, VDM_IOC_DK_STATE, &st);
    alarm(0);
    clock_gettime(CLOCK_MONOTONIC, &end);
    long ms = (end.tv_sec - begin.tv_sec) * 1000 + (end.tv_nsec - begin.tv_nsec) / 1000000;
    if (error == 0) {
        printf(" state=%u\n", st.state);
    }
    printf("elapsed ms=%ld\n", ms);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3) {
        fprintf(stderr, "usage: dkio_example MODE FILE [ARGS...]\n");
        return 2;
    }
    const char *mode = argv[1];
    int writes = strcmp(mode, "setvtoc") == 0 || strcmp(mode, "smboot") == 0;
    int fd = open(argv[2], writes ? O_RDWR : O_RDONLY);
    if (fd < 0) {
        printf("open result=-1 errno=%s\n", strerrorname_np(errno));
        return 1;
    }
    printf("constants result=0 dkc_md=%u fixed_disk=0x%x none=%u ejected=%u inserted=%u sane=0x%x numpar=%d abr=%u dmr=%u"
           " side_init=%d next_side=%u done=%u error=%u success=%u short=%u max_data=%d signature=0x%x\n",
           VDM_DKC_MD, VDM_DK_FIXED_DISK, VDM_DKIO_NONE, VDM_DKIO_EJECTED, VDM_DKIO_INSERTED, VDM_VTOC_SANE, VDM_V_NUMPAR,
           VDM_DKV_ABR_CAP, VDM_DKV_DMR_CAP, VDM_DKV_SIDE_INIT, VDM_DKV_DMR_NEXT_SIDE, VDM_DKV_DMR_DONE, VDM_DKV_DMR_ERROR,
           VDM_DKV_DMR_SUCCESS, VDM_DKV_DMR_SHORT, VDM_DMR_MAX_DATA, VDM_MBOOT_SIGNATURE);
    int rest = argc - 3;
    char **args = argv + 3;
    if (strcmp(mode, "query") == 0) {
        query(fd);
    } else if (strcmp(mode, "setgeom") == 0) {
        set_geom(fd, rest, args);
    } else if (strcmp(mode, "setvtoc") == 0) {
        set_vtoc(fd, rest, args);
    } else if (strcmp(mode, "smboot") == 0) {
        smboot(fd, rest, args);
    } else if (strcmp(mode, "dmr") == 0) {
        dmr(fd, rest, args);
    } else if (strcmp(mode, "setvolcap") == 0) {
        set_volcap(fd, rest, args);
    } else if (strcmp(mode, "state") == 0) {
        state(fd, rest, args);
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    close(fd);
    return 0;
}
