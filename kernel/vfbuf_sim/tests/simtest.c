// SPDX-License-Identifier: GPL-2.0-only
/*
 * simtest: vfbuf_sim's own proof, run in the rig's guest on a real kernel.
 *
 *   simtest [--uapi v1|v2|v4|v5] [--undeclared]
 *           [EDU_BDF EDU_GROUP IVSHMEM_BDF IVSHMEM_GROUP]
 *   simtest [--uapi REV] --reset BDF GROUP   (a device whose VFIO_DEVICE_RESET works)
 *
 * Defaults come from the rig's environment (VFBUF_EDU, VFBUF_EDU_GROUP,
 * VFBUF_IVSHMEM, VFBUF_IVSHMEM_GROUP; VFBUF_BOCHS and VFBUF_BOCHS_GROUP for
 * the multi-BAR cases on QEMU's bochs-display, skipped without them) and
 * the revision from /sys/module/vfbuf_sim/parameters/uapi. --undeclared
 * (the module loaded with undeclared=1) needs --uapi, since nothing in
 * sysfs says the revision then, and checks that nothing does. Drives the
 * series' test cases through the VFIO group/container path and prints one
 * PASS/FAIL line per check, then "N passed, N failed". Exit status 0 only
 * if all passed. SIMTEST_RACE_ROUNDS sets the rounds of faults racing a
 * revoke (100).
 *
 * Self-contained: the series' uAPI and mainline's DMA_BUF feature are
 * defined here, so it builds against any libc's kernel headers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vfio.h>

#define PG 4096UL

/* mainline (7.2+) */
#define F_DMA_BUF 11
struct sim_range {
	uint64_t offset, length;
};
struct sim_dma_buf {
	uint32_t region_index, open_flags, flags, nr_ranges;
	struct sim_range r[];
};

/* the series: v1/v2 revoke ioctl, v4/v5 features (kernel/vfbuf_sim/README.md) */
#define V1_REVOKE _IO(VFIO_TYPE, VFIO_BASE + 22)
struct v1_revoke {
	uint32_t argsz, dmabuf_fd;
};
#define V1_ATTR_WC (1U << 28)
#define V4_F_REVOKE 13
#define V4_F_MEMATTR 14
#define V2_F_MEMATTR 13
#define F_LOW_POWER_ENTRY 3
#define F_LOW_POWER_EXIT 5
#define ENOTSUPP_KERNEL 524	/* the kernel's ENOTSUPP, as userspace sees it */

static int uapi = 4;		/* 1, 2, 4 (= 3) or 5 */
static int undeclared;
static int npass, nfail;
static sigjmp_buf jb;
static volatile sig_atomic_t armed;

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %-52s ", ok ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		npass++;
	else
		nfail++;
}

static void on_sigbus(int sig)
{
	(void)sig;
	if (armed)
		siglongjmp(jb, 1);
	_exit(99);
}

/* 0 and *val, or -1 on SIGBUS */
static int peek32(volatile void *p, uint32_t *val)
{
	armed = 1;
	if (sigsetjmp(jb, 1)) {
		armed = 0;
		return -1;
	}
	*val = *(volatile uint32_t *)p;
	armed = 0;
	return 0;
}

static int poke32(volatile void *p, uint32_t val)
{
	armed = 1;
	if (sigsetjmp(jb, 1)) {
		armed = 0;
		return -1;
	}
	*(volatile uint32_t *)p = val;
	armed = 0;
	return 0;
}

static int feature(int devfd, uint32_t flags, void *payload, size_t len)
{
	size_t sz = sizeof(struct vfio_device_feature) + len;
	struct vfio_device_feature *f = calloc(1, sz);
	int ret, e;

	f->argsz = sz;
	f->flags = flags;
	if (len)
		memcpy(f->data, payload, len);
	ret = ioctl(devfd, VFIO_DEVICE_FEATURE, f);
	e = errno;
	if (len)	/* a GET's answer */
		memcpy(payload, f->data, len);
	free(f);
	errno = e;
	return ret;
}

/* export; returns fd or -1 with errno */
static int export_ranges(int devfd, uint32_t bar, uint32_t flags,
			 const struct sim_range *r, uint32_t n)
{
	size_t len = sizeof(struct sim_dma_buf) + n * sizeof(*r);
	struct sim_dma_buf *d = calloc(1, len);
	int ret, e;

	d->region_index = bar;
	d->open_flags = O_RDWR | O_CLOEXEC;
	d->flags = flags;
	d->nr_ranges = n;
	memcpy(d->r, r, n * sizeof(*r));
	ret = feature(devfd, VFIO_DEVICE_FEATURE_GET | F_DMA_BUF, d, len);
	e = errno;
	free(d);
	errno = e;
	return ret;
}

static int export1(int devfd, uint32_t bar, uint64_t off, uint64_t len)
{
	struct sim_range r = { off, len };

	return export_ranges(devfd, bar, 0, &r, 1);
}

static int do_revoke(int devfd, int dfd)
{
	if (uapi <= 2) {
		struct v1_revoke r = { sizeof(r), (uint32_t)dfd };

		return ioctl(devfd, V1_REVOKE, &r);
	}
	int32_t fd = dfd;

	return feature(devfd, VFIO_DEVICE_FEATURE_SET | V4_F_REVOKE, &fd, sizeof(fd));
}

static int has_memattr(void)
{
	return uapi == 2 || uapi == 4;
}

/* MEMATTR SET (v2: feature 13, v4: feature 14) */
static int set_memattr(int devfd, int dfd, uint32_t attr)
{
	struct { int32_t fd; uint32_t attr; } m = { dfd, attr };

	return feature(devfd, VFIO_DEVICE_FEATURE_SET | (uapi == 2 ? V2_F_MEMATTR : V4_F_MEMATTR),
		       &m, sizeof(m));
}

/* WC export in any revision that has an attribute (v5: -1, EOPNOTSUPP) */
static int export_wc(int devfd, uint32_t bar, uint64_t off, uint64_t len)
{
	struct sim_range r = { off, len };
	int dfd;

	if (uapi == 1)
		return export_ranges(devfd, bar, V1_ATTR_WC, &r, 1);
	if (!has_memattr()) {
		errno = EOPNOTSUPP;
		return -1;
	}
	dfd = export_ranges(devfd, bar, 0, &r, 1);
	if (dfd >= 0) {
		if (set_memattr(devfd, dfd, 1)) {
			int e = errno;

			close(dfd);
			errno = e;
			return -1;
		}
	}
	return dfd;
}

/* 0 or the errno of a PROBE of @feat with @op */
static int probe(int devfd, uint32_t op, uint32_t feat)
{
	return feature(devfd, VFIO_DEVICE_FEATURE_PROBE | op | feat, NULL, 0) ? errno : 0;
}

/* fdinfo exp_name of fd @fd, or "" */
static const char *exp_name(int fd)
{
	static char name[64];
	char path[64], line[256];
	FILE *f;

	name[0] = 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "exp_name: %63s", name) == 1)
			break;
	if (f)
		fclose(f);
	return name;
}

static void *map(int fd, size_t len, off_t off)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
}

static const char *en(int ok_errno)
{
	return strerrorname_np(ok_errno) ? strerrorname_np(ok_errno) : "?";
}

/* ---- VFIO plumbing ---- */

static int container = -1;

static int open_group(const char *group)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	char path[64];
	int g;

	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	g = open(path, O_RDWR | O_CLOEXEC);
	if (g < 0) {
		perror(path);
		exit(2);
	}
	if (ioctl(g, VFIO_GROUP_GET_STATUS, &gs) || !(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fprintf(stderr, "group %s not viable\n", group);
		exit(2);
	}
	if (ioctl(g, VFIO_GROUP_SET_CONTAINER, &container)) {
		perror("VFIO_GROUP_SET_CONTAINER");
		exit(2);
	}
	return g;
}

static int open_dev(int group, const char *bdf)
{
	int d = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);

	if (d < 0) {
		perror("VFIO_GROUP_GET_DEVICE_FD");
		exit(2);
	}
	return d;
}

static uint64_t region_offset(int devfd, uint32_t index, uint64_t *size)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };

	if (ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &ri)) {
		perror("VFIO_DEVICE_GET_REGION_INFO");
		exit(2);
	}
	if (size)
		*size = ri.size;
	return ri.offset;
}

/* the /proc/self/maps line for address p, or "" */
static const char *maps_line(void *p)
{
	static char line[512];
	unsigned long a = (unsigned long)p, s, e;
	FILE *f = fopen("/proc/self/maps", "r");

	line[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && a >= s && a < e) {
			line[strcspn(line, "\n")] = 0;
			fclose(f);
			return line;
		}
	}
	if (f)
		fclose(f);
	line[0] = 0;
	return line;
}

/*
 * The driver's debugfs line for dma-buf fd @dfd of device @bdf, or NULL when
 * debugfs is not there.
 */
static const char *debugfs_line(const char *bdf, int dfd)
{
	static char line[512];
	char path[128], key[48];
	struct stat st;
	FILE *f;

	if (fstat(dfd, &st))
		return NULL;
	snprintf(path, sizeof(path), "/sys/kernel/debug/vfbuf_sim/%s/buffers", bdf);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	snprintf(key, sizeof(key), "ino %llu ", (unsigned long long)st.st_ino);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key))) {
			line[strcspn(line, "\n")] = 0;
			fclose(f);
			return line;
		}
	}
	fclose(f);
	return "";
}

/*
 * Vending: a subordinate process that inherited dma-buf fd @dfd maps it and
 * reads; the primary revokes; the subordinate's next access must fault.
 * Returns 1 on the expected story.
 */
static int vend_and_revoke(int devfd, int dfd, uint32_t expect)
{
	int up[2], down[2], st;
	char c;
	pid_t pid;

	if (pipe(up) || pipe(down))
		return 0;
	pid = fork();
	if (pid == 0) {
		volatile uint8_t *sm = map(dfd, PG, 0);
		uint32_t x = 0;

		close(devfd);	/* the subordinate has no device fd */
		if (sm == MAP_FAILED || peek32(sm, &x) || x != expect)
			_exit(10);
		if (write(up[1], "r", 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(11);
		_exit(peek32(sm, &x) == -1 ? 0 : 12);
	}
	if (read(up[0], &c, 1) != 1) {
		waitpid(pid, &st, 0);
		return 0;
	}
	if (do_revoke(devfd, dfd))
		printf("  revoke: %s\n", en(errno));
	if (write(down[1], "g", 1) != 1)
		return 0;
	waitpid(pid, &st, 0);
	close(up[0]); close(up[1]); close(down[0]); close(down[1]);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("  subordinate: status 0x%x\n", st);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * Faults racing revocation: a child reads the mapping in a tight loop while
 * the parent revokes; the child must end with SIGBUS, never hang or read
 * after the revoke returned. @rounds export/map/revoke cycles.
 */
static int race_revoke(int devfd, uint32_t bar, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		int dfd = export1(devfd, bar, 0, PG), st;
		volatile uint8_t *rm;
		pid_t pid;

		if (dfd < 0)
			return 0;
		rm = map(dfd, PG, 0);
		if (rm == MAP_FAILED)
			return 0;
		pid = fork();
		if (pid == 0) {
			uint32_t x;

			for (;;)
				if (peek32(rm, &x))
					_exit(0);
		}
		usleep(i % 7 * 300);
		if (do_revoke(devfd, dfd))
			return 0;
		waitpid(pid, &st, 0);
		munmap((void *)rm, PG);
		close(dfd);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			return 0;
	}
	return 1;
}

/*
 * Faults racing the device's close: a child reads a mapping in a tight loop
 * while the parent closes its only device fd; the child must end with
 * SIGBUS. The device is opened again each round.
 */
static int race_close(int group, const char *bdf, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		int dev = open_dev(group, bdf), dfd, st;
		volatile uint8_t *rm;
		pid_t pid;

		dfd = export1(dev, 0, 0, PG);
		rm = dfd >= 0 ? map(dfd, PG, 0) : MAP_FAILED;
		close(dfd);
		if (rm == MAP_FAILED)
			return 0;
		pid = fork();
		if (pid == 0) {
			uint32_t x;

			close(dev);	/* only the parent's fd keeps it open */
			for (;;)
				if (peek32(rm, &x))
					_exit(0);
		}
		usleep(i % 5 * 400);
		close(dev);
		waitpid(pid, &st, 0);
		munmap((void *)rm, PG);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			return 0;
	}
	return 1;
}

/* ---- bochs-display: two memory BARs, a 16 MiB one ---- */

static int peek16(volatile void *p, uint16_t *val)
{
	armed = 1;
	if (sigsetjmp(jb, 1)) {
		armed = 0;
		return -1;
	}
	*val = *(volatile uint16_t *)p;
	armed = 0;
	return 0;
}

/* the word written at BAR0 offset @off by bochs_tests() (never 0) */
static uint32_t pat(uint64_t off)
{
	return 0xb0c50000u ^ (uint32_t)(off >> 12) ^ 0x5a000000u;
}

/* the number of /proc/self/maps lines inside [lo, hi) */
static int maps_count(void *lo, void *hi)
{
	unsigned long s, e;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s >= (unsigned long)lo &&
		    e <= (unsigned long)hi)
			n++;
	if (f)
		fclose(f);
	return n;
}

/*
 * Multi-BAR, a large BAR, a non-zero mmap offset, a VMA split by munmap,
 * two-range buffers. The BAR0 (VRAM) pattern is written with pwrite() on
 * the device fd, vfio-pci-core's own path, not through any mapping.
 */
static void bochs_tests(const char *bdf, const char *grp)
{
	static const uint64_t offs[] = { 0, PG, 2 * PG, 3 * PG, 0x100000, 0x105000, 0x106000,
					 0x800000, 0x1000000 - PG };
	uint64_t b0_off, b0_size, b2_off, b2_size;
	volatile uint8_t *m, *m2, *c;
	int g, dev, d0, d2, d, ok, e;
	uint32_t v, w, x;
	uint16_t id = 0;
	size_t i;

	g = open_group(grp);
	dev = open_dev(g, bdf);
	b0_off = region_offset(dev, 0, &b0_size);
	b2_off = region_offset(dev, 2, &b2_size);
	check(b0_size == 16 << 20 && b2_size == PG, "bochs: BAR0 16 MiB, BAR2 4K",
	      "0x%llx 0x%llx", (unsigned long long)b0_size, (unsigned long long)b2_size);
	ok = 1;
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		v = pat(offs[i]);
		ok &= pwrite(dev, &v, 4, b0_off + offs[i]) == 4;
	}
	check(ok, "bochs: pattern written to BAR0 with pwrite", "");

	/* multi-BAR: one buffer per BAR of one device */
	d0 = export1(dev, 0, 0, PG);
	d2 = export1(dev, 2, 0, PG);
	m = d0 >= 0 ? map(d0, PG, 0) : MAP_FAILED;
	m2 = d2 >= 0 ? map(d2, PG, 0) : MAP_FAILED;
	v = 0;
	ok = m != MAP_FAILED && !peek32(m, &v) && v == pat(0);
	check(ok, "multi-BAR: BAR0 buffer reads VRAM", "0x%08x", v);
	/* the bochs DISPI interface in BAR2: ID register, 0xb0c0..0xb0c5 */
	ok = m2 != MAP_FAILED && !peek16(m2 + 0x500, &id) && (id & 0xfff0) == 0xb0c0;
	check(ok, "multi-BAR: BAR2 buffer reads the DISPI ID register", "0x%04x", id);
	ok = !do_revoke(dev, d0) && peek32(m, &v) == -1 && m2 != MAP_FAILED &&
	     !peek16(m2 + 0x500, &id) && (id & 0xfff0) == 0xb0c0;
	check(ok, "multi-BAR: revoking BAR0's buffer leaves BAR2's mapped", "0x%04x", id);
	if (m != MAP_FAILED)
		munmap((void *)m, PG);
	if (m2 != MAP_FAILED)
		munmap((void *)m2, PG);
	close(d0);
	close(d2);

	/* the whole 16 MiB BAR */
	d = export1(dev, 0, 0, b0_size);
	m = d >= 0 ? map(d, b0_size, 0) : MAP_FAILED;
	v = w = 0;
	ok = m != MAP_FAILED && !peek32(m + 0x800000, &v) && !peek32(m + b0_size - PG, &w) &&
	     v == pat(0x800000) && w == pat(b0_size - PG);
	check(ok, "large buffer: 16 MiB export maps; middle and last page", "0x%08x 0x%08x", v, w);
	if (m != MAP_FAILED)
		munmap((void *)m, b0_size);
	close(d);
	d = export1(dev, 0, b0_size - PG, 2 * PG);
	e = errno;
	check(d < 0 && e == EINVAL, "large BAR: straddling its end -> EINVAL", "%s", en(e));

	/* a non-zero mmap offset into a buffer that starts at 1 MiB */
	d = export1(dev, 0, 0x100000, 16 * PG);
	m = d >= 0 ? map(d, 2 * PG, 5 * PG) : MAP_FAILED;
	v = w = 0;
	ok = m != MAP_FAILED && !peek32(m, &v) && !peek32(m + PG, &w) &&
	     v == pat(0x105000) && w == pat(0x106000);
	check(ok, "non-zero offset: mmap at page 5 of a buffer at 1 MiB", "0x%08x 0x%08x", v, w);
	if (m != MAP_FAILED)
		munmap((void *)m, 2 * PG);
	close(d);

	/* a VMA split by munmap: both pieces keep faulting right, both are revoked */
	d = export1(dev, 0, 0, 4 * PG);
	m = d >= 0 ? map(d, 4 * PG, 0) : MAP_FAILED;
	if (m != MAP_FAILED) {
		ok = !peek32(m, &v) && v == pat(0);	/* fault before the split */
		ok &= !munmap((void *)(m + PG), PG);
		ok &= maps_count((void *)m, (void *)(m + 4 * PG)) == 2;
		v = w = x = 0;
		ok &= !peek32(m, &v) && !peek32(m + 2 * PG, &w) && !peek32(m + 3 * PG, &x) &&
		      v == pat(0) && w == pat(2 * PG) && x == pat(3 * PG);
		check(ok, "VMA split by munmap: both pieces map their pages",
		      "0x%08x 0x%08x 0x%08x", v, w, x);
		ok = !do_revoke(dev, d) && peek32(m, &v) == -1 && peek32(m + 3 * PG, &x) == -1;
		check(ok, "VMA split by munmap: revoke reaches both pieces (SIGBUS)", "");
		munmap((void *)m, 4 * PG);
	} else {
		check(0, "VMA split by munmap: mmap 4 pages", "%s", en(errno));
	}
	close(d);

	/* two ranges, out of order and far apart */
	{
		struct sim_range r[2] = { { 0x800000, PG }, { PG, 2 * PG } };

		d = export_ranges(dev, 0, 0, r, 2);
		m = d >= 0 ? map(d, 3 * PG, 0) : MAP_FAILED;
		v = w = x = 0;
		ok = m != MAP_FAILED && !peek32(m, &v) && !peek32(m + PG, &w) &&
		     !peek32(m + 2 * PG, &x) && v == pat(0x800000) && w == pat(PG) &&
		     x == pat(2 * PG);
		check(ok, "two-range buffer on bochs BAR0: {8M,4K},{4K,8K}",
		      "0x%08x 0x%08x 0x%08x", v, w, x);
		if (m != MAP_FAILED)
			munmap((void *)m, 3 * PG);
		close(d);
	}

	/* classic mmap of BAR0 at a non-zero offset: named, offset column kept */
	c = map(dev, 16 * PG, b0_off + 0x100000);
	if (c != MAP_FAILED) {
		char want[64], name[64];
		const char *l = maps_line((void *)c);

		snprintf(want, sizeof(want), " %08llx ", (unsigned long long)(b0_off + 0x100000));
		snprintf(name, sizeof(name), ":%s/0", bdf);
		v = 0;
		printf("  maps: %s\n", l);
		ok = !peek32(c, &v) && v == pat(0x100000) && strstr(l, want) &&
		     strstr(l, "/dmabuf:vfio") && strstr(l, name);
		check(ok, "classic mmap of BAR0 at 1 MiB: data, name, offset column", "0x%08x", v);
		munmap((void *)c, 16 * PG);
	} else {
		check(0, "classic mmap of BAR0 at 1 MiB", "%s", en(errno));
	}
	(void)b2_off;
	close(dev);
	close(g);
}

static int dmesg_clean(void)
{
	/* WARN/BUG/Oops/lockdep lines in the kernel log */
	FILE *p = popen("dmesg 2>/dev/null | grep -E 'WARNING:|BUG:|Oops|Call Trace|possible circular|INFO: task' ", "r");
	char l[512];
	int bad = 0;

	if (!p)
		return 1;
	while (fgets(l, sizeof(l), p)) {
		printf("  dmesg: %s", l);
		bad++;
	}
	pclose(p);
	return bad == 0;
}

/* temporary revocation around VFIO_DEVICE_RESET, on a device that can */
static int reset_test(const char *bdf, const char *grp)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	int g, dev, d, w, ret;
	volatile uint8_t *m;
	uint32_t v0 = 0, v = 0;

	g = open_group(grp);
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		perror("VFIO_SET_IOMMU");
		return 2;
	}
	dev = open_dev(g, bdf);
	ioctl(dev, VFIO_DEVICE_GET_INFO, &di);
	check(di.flags & VFIO_DEVICE_FLAGS_RESET, "reset: device reports reset", "flags 0x%x", di.flags);
	d = export1(dev, 0, 0, PG);
	m = d >= 0 ? map(d, PG, 0) : MAP_FAILED;
	ret = m != MAP_FAILED ? peek32(m, &v0) : -1;
	check(!ret, "reset: map BAR0 and read", "0x%08x", v0);
	ret = ioctl(dev, VFIO_DEVICE_RESET);
	check(ret == 0, "reset: VFIO_DEVICE_RESET", "%s", ret ? en(errno) : "");
	w = m != MAP_FAILED ? peek32(m, &v) : -1;
	check(!w && v == v0, "reset: mapping faults in again after the reset", "0x%08x", v);
	{
		const char *l = debugfs_line(bdf, d);

		if (l)
			check(strstr(l, "state live") != NULL, "reset: debugfs state live again", "%s", l);
	}
	ret = do_revoke(dev, d);
	w = peek32(m, &v);
	check(!ret && w == -1, "reset: revoke after reset -> SIGBUS", "");
	close(d);
	close(dev);
	close(g);
	check(dmesg_clean(), "dmesg: no WARN/BUG/Oops", "");
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *edu_bdf = getenv("VFBUF_EDU"), *edu_grp = getenv("VFBUF_EDU_GROUP");
	const char *ivs_bdf = getenv("VFBUF_IVSHMEM"), *ivs_grp = getenv("VFBUF_IVSHMEM_GROUP");
	int ge, gi, edu, ivs, d, d2, ret;
	uint64_t edu0_off, ivs2_off, ivs2_size;
	uint32_t v, w;
	volatile uint8_t *m, *m2, *c;
	char buf[64], declared[32];
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	int given = 0;

	for (;;) {
		if (argc > 2 && !strcmp(argv[1], "--uapi")) {
			uapi = atoi(argv[2] + (argv[2][0] == 'v'));
			given = 1;
			argc -= 2;
			argv += 2;
		} else if (argc > 1 && !strcmp(argv[1], "--undeclared")) {
			undeclared = 1;
			argc--;
			argv++;
		} else {
			break;
		}
	}
	declared[0] = 0;
	if ((f = fopen("/sys/module/vfbuf_sim/parameters/uapi", "r"))) {
		if (fgets(declared, sizeof(declared), f))
			declared[strcspn(declared, "\n")] = 0;
		fclose(f);
	}
	if (!given && declared[0] == 'v')
		uapi = atoi(declared + 1);
	if (uapi == 3)
		uapi = 4;
	if ((undeclared && !given) || (uapi != 1 && uapi != 2 && uapi != 4 && uapi != 5)) {
		fprintf(stderr, "simtest: %s\n", undeclared && !given ?
			"--undeclared needs --uapi (nothing in sysfs says the revision)" :
			"the revision must be v1, v2, v3, v4 or v5");
		return 2;
	}
	if (argc == 4 && !strcmp(argv[1], "--reset")) {
		signal(SIGBUS, on_sigbus);
		container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
		if (container < 0) {
			perror("/dev/vfio/vfio");
			return 2;
		}
		printf("simtest: uapi v%d, reset test on %s (group %s)\n", uapi, argv[2], argv[3]);
		return reset_test(argv[2], argv[3]);
	}
	if (argc == 5) {
		edu_bdf = argv[1]; edu_grp = argv[2]; ivs_bdf = argv[3]; ivs_grp = argv[4];
	}
	if (!edu_bdf || !edu_grp || !ivs_bdf || !ivs_grp) {
		fprintf(stderr, "usage: simtest [--uapi v1|v2|v4|v5] [--undeclared] [EDU_BDF EDU_GROUP IVSHMEM_BDF IVSHMEM_GROUP]\n");
		return 2;
	}
	signal(SIGBUS, on_sigbus);
	printf("simtest: uapi v%d%s, edu %s (group %s), ivshmem %s (group %s)\n",
	       uapi, undeclared ? " undeclared" : "", edu_bdf, edu_grp, ivs_bdf, ivs_grp);
	/* what the module says of itself, in sysfs */
	if (undeclared)
		check(!declared[0] && access("/sys/module/vfbuf_sim/parameters/uapi", F_OK),
		      "undeclared: no parameters/uapi file", "%s", declared[0] ? declared : "absent");
	else
		check(declared[0] == 'v' && atoi(declared + 1) == uapi,
		      "declared: parameters/uapi names the revision", "'%s'", declared);

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0) {
		perror("/dev/vfio/vfio");
		return 2;
	}
	ge = open_group(edu_grp);
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		perror("VFIO_SET_IOMMU");
		return 2;
	}
	gi = open_group(ivs_grp);
	edu = open_dev(ge, edu_bdf);
	ivs = open_dev(gi, ivs_bdf);
	edu0_off = region_offset(edu, 0, NULL);
	ivs2_off = region_offset(ivs, 2, &ivs2_size);

	/* ---- mainline export checks ---- */
	{
		struct sim_range r[2] = { { 0, PG }, { 2 * PG, 2 * PG } };
		int e;

		ret = feature(edu, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET | F_DMA_BUF, NULL, 0);
		check(ret == 0, "export: PROBE|GET", "ret=%d", ret);
		ret = feature(edu, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET | F_DMA_BUF, NULL, 0);
		e = errno;
		check(ret < 0 && e == EINVAL, "export: PROBE|SET -> EINVAL", "%s", en(e));
		ret = export_ranges(edu, 0, 1, r, 1);
		e = errno;
		check(ret < 0 && e == EINVAL, "export: flags 1 -> EINVAL", "%s", en(e));
		ret = export_ranges(edu, 0, uapi == 1 ? 2U << 28 : 1U << 28, r, 1);
		e = errno;
		check(ret < 0 && e == EINVAL, "export: unknown attribute/flag bit -> EINVAL", "%s", en(e));
		ret = export_ranges(edu, 0, 0, r, 0);
		e = errno;
		check(ret < 0 && e == EINVAL, "export: nr_ranges 0 -> EINVAL", "%s", en(e));
		ret = export1(edu, 0, 0x800, PG);
		e = errno;
		check(ret < 0 && e == EINVAL, "export: unaligned offset -> EINVAL", "%s", en(e));
		ret = export1(edu, 0, 0, 0);
		e = errno;
		check(ret < 0 && e == EINVAL, "export: length 0 -> EINVAL", "%s", en(e));
		ret = export1(edu, 0, (1 << 20) - PG, 2 * PG);
		e = errno;
		check(ret < 0 && e == EINVAL, "export: straddling the BAR end -> EINVAL", "%s", en(e));
		ret = export1(edu, 0, 0xfffffffffffff000ULL, 2 * PG);
		e = errno;
		check(ret < 0 && e == EOVERFLOW, "export: offset wraps -> EOVERFLOW", "%s", en(e));
		{
			struct sim_dma_buf big = { 0, O_RDWR, 0, 1U << 28 };

			ret = feature(edu, VFIO_DEVICE_FEATURE_GET | F_DMA_BUF, &big, sizeof(big));
			e = errno;
			check(ret < 0 && e == ENOMEM, "export: nr_ranges 1<<28 -> ENOMEM", "%s", en(e));
		}
		ret = export1(edu, 1, 0, PG);
		e = errno;
		check(ret < 0 && e == ENODEV, "export: BAR without resource -> ENODEV", "%s", en(e));
		ret = export1(edu, 7, 0, PG);
		e = errno;
		check(ret < 0 && e == ENODEV, "export: config region -> ENODEV", "%s", en(e));
		ret = export1(ivs, 0, 0, PG);
		e = errno;
		check(ret < 0 && e == EINVAL, "export: 4K of a 256-byte BAR -> EINVAL", "%s", en(e));
		d = export_ranges(ivs, 2, 0, r, 2);
		check(d >= 0 && lseek(d, 0, SEEK_END) == 3 * (off_t)PG, "export: two ranges, size 12K",
		      "fd=%d", d);
		if (d >= 0)
			close(d);
	}

	/* ---- the revision's entry points, and only those ---- */
	{
		struct v1_revoke r = { sizeof(r), (uint32_t)container };
		int p13s, p13g, p14s, p14g, io, e;

		p13s = probe(edu, VFIO_DEVICE_FEATURE_SET, 13);
		p13g = probe(edu, VFIO_DEVICE_FEATURE_GET, 13);
		p14s = probe(edu, VFIO_DEVICE_FEATURE_SET, 14);
		p14g = probe(edu, VFIO_DEVICE_FEATURE_GET, 14);
		/* the container fd is not a dma-buf: EINVAL where the ioctl is */
		io = ioctl(edu, V1_REVOKE, &r) ? errno : 0;
		switch (uapi) {
		case 1:
			check(p13s == ENOTTY && p14s == ENOTTY && io == EINVAL,
			      "v1: features 13/14 ENOTTY, revoke ioctl(non-dma-buf) EINVAL",
			      "%s %s %s", en(p13s), en(p14s), en(io));
			break;
		case 2:
			check(!p13s && !p13g && p14s == ENOTTY && io == EINVAL,
			      "v2: MEMATTR 13 probes GET and SET, 14 ENOTTY, ioctl EINVAL",
			      "%s %s %s %s", en(p13s), en(p13g), en(p14s), en(io));
			break;
		case 4:
			check(!p13s && p13g == EINVAL && !p14s && p14g == EINVAL && io == ENOTTY,
			      "v4: features 13/14 probe SET only, v1 ioctl ENOTTY",
			      "%s %s %s %s %s", en(p13s), en(p13g), en(p14s), en(p14g), en(io));
			break;
		case 5:
			check(!p13s && p13g == EINVAL && p14s == ENOTTY && p14g == ENOTTY && io == ENOTTY,
			      "v5: feature 13 probes SET, no MEMATTR (14 ENOTTY), ioctl ENOTTY",
			      "%s %s %s %s %s", en(p13s), en(p13g), en(p14s), en(p14g), en(io));
			break;
		}
		/* the revoke's own argument checks */
		d = export1(edu, 0, 0, PG);
		if (uapi <= 2) {
			struct v1_revoke s4 = { 4, (uint32_t)d };

			ret = ioctl(edu, V1_REVOKE, &s4);
			e = errno;
			check(ret < 0 && e == EINVAL, "revoke ioctl argsz 4 -> EINVAL", "%s", en(e));
		} else {
			ret = feature(edu, VFIO_DEVICE_FEATURE_SET | V4_F_REVOKE, NULL, 0);
			e = errno;
			check(ret < 0 && e == EINVAL, "REVOKE without its payload -> EINVAL", "%s", en(e));
			ret = feature(edu, VFIO_DEVICE_FEATURE_GET | V4_F_REVOKE, &d, sizeof(int32_t));
			e = errno;
			check(ret < 0 && e == EINVAL, "REVOKE GET -> EINVAL", "%s", en(e));
		}
		m = d >= 0 ? map(d, PG, 0) : MAP_FAILED;
		check(m != MAP_FAILED, "a refused revoke leaves the buffer live", "%s",
		      m == MAP_FAILED ? en(errno) : "");
		if (m != MAP_FAILED)
			munmap((void *)m, PG);
		/* the exporter's name in fdinfo */
		check(!strcmp(exp_name(d), undeclared ? "vfio_pci_core" : "vfbuf_sim"),
		      undeclared ? "undeclared: exp_name vfio_pci_core" : "declared: exp_name vfbuf_sim",
		      "'%s'", exp_name(d));
		close(d);
	}

	/* ---- v1: the region is checked before the attribute ---- */
	{
		int e;

		ret = export_ranges(edu, 1, 2U << 28, (struct sim_range[]){ { 0, PG } }, 1);
		e = errno;
		if (uapi == 1)
			check(ret < 0 && e == ENODEV, "v1: bad region and bad attribute -> ENODEV first",
			      "%s", en(e));
		else
			check(ret < 0 && e == EINVAL, "flags and bad region -> EINVAL first (mainline)",
			      "%s", en(e));
		ret = export_ranges(edu, 0, 2U << 28, (struct sim_range[]){ { 0, PG } }, 1);
		e = errno;
		check(ret < 0 && e == EINVAL, "attribute 2 -> EINVAL", "%s", en(e));
		ret = export_ranges(edu, 0, V1_ATTR_WC | 1, (struct sim_range[]){ { 0, PG } }, 1);
		e = errno;
		check(ret < 0 && e == EINVAL, "WC attribute with another flag bit -> EINVAL", "%s", en(e));
		ret = export_ranges(edu, 0, V1_ATTR_WC, (struct sim_range[]){ { 0, PG } }, 1);
		e = errno;
		if (uapi == 1)
			check(ret >= 0, "v1: WC attribute at export", "%s", ret < 0 ? en(e) : "");
		else
			check(ret < 0 && e == EINVAL, "no attribute in the export's flags -> EINVAL",
			      "%s", en(e));
		if (ret >= 0)
			close(ret);
	}

	/* ---- MEMATTR (v2, v4): fd checks first, then the value ---- */
	if (has_memattr()) {
		int own = export1(edu, 0, 0, PG), other = export1(ivs, 2, 0, PG), e;
		int unknown = uapi == 2 ? ENOTSUPP_KERNEL : ENOENT;

		ret = set_memattr(edu, 1000, 7);
		e = errno;
		check(ret < 0 && e == EBADF, "MEMATTR bad fd, bad value -> EBADF", "%s", en(e));
		ret = set_memattr(edu, container, 7);
		e = errno;
		check(ret < 0 && e == EINVAL, "MEMATTR non-dma-buf, bad value -> EINVAL", "%s", en(e));
		ret = set_memattr(edu, other, 7);
		e = errno;
		check(ret < 0 && e == ENODEV, "MEMATTR other device's, bad value -> ENODEV", "%s", en(e));
		ret = set_memattr(edu, own, 7);
		e = errno;
		check(ret < 0 && e == unknown, uapi == 2 ? "v2: MEMATTR unknown value -> ENOTSUPP (524)" :
		      "v4: MEMATTR unknown value -> ENOENT", "%s (%d)", en(e), e);
		ret = set_memattr(edu, own, 1);
		check(ret == 0, "MEMATTR WC", "%s", ret ? en(errno) : "");
		if (uapi == 2) {
			struct { int32_t fd; uint32_t attr; } g = { own, 99 };

			ret = feature(edu, VFIO_DEVICE_FEATURE_GET | V2_F_MEMATTR, &g, sizeof(g));
			e = errno;
			check(ret == 0 && g.attr == 1, "v2: MEMATTR GET reads WC back", "%s attr %u",
			      ret ? en(e) : "", g.attr);
			ret = feature(edu, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET | V2_F_MEMATTR,
				      &g, sizeof(g));
			e = errno;
			check(ret < 0 && e == EINVAL, "v2: MEMATTR GET|SET together -> EINVAL", "%s", en(e));
		} else {
			struct { int32_t fd; uint32_t attr; } g = { own, 0 };

			ret = feature(edu, VFIO_DEVICE_FEATURE_GET | V4_F_MEMATTR, &g, sizeof(g));
			e = errno;
			check(ret < 0 && e == EINVAL, "v4: MEMATTR GET -> EINVAL", "%s", en(e));
		}
		ret = do_revoke(edu, own);
		check(ret == 0, "revoke for the next case", "%s", ret ? en(errno) : "");
		ret = set_memattr(edu, own, 0);
		check(ret == 0, "MEMATTR of a revoked buffer succeeds", "%s", ret ? en(errno) : "");
		ret = set_memattr(edu, own, 7);
		e = errno;
		check(ret < 0 && e == unknown, "MEMATTR of a revoked buffer, bad value -> the value's errno",
		      "%s", en(e));
		close(own);
		close(other);
	}

	/* ---- mmap and MMIO through a dma-buf ---- */
	d = export1(edu, 0, 0, PG);
	check(d >= 0, "export edu BAR0 [0,4K)", "fd=%d %s", d, d < 0 ? en(errno) : "");
	if (d < 0)
		goto out;
	m = map(d, PG, 0);
	check(m != MAP_FAILED, "mmap dma-buf", "%s", m == MAP_FAILED ? en(errno) : "");
	if (m == MAP_FAILED)
		goto out;
	ret = peek32(m, &v);
	check(!ret && v == 0x010000ed, "MMIO: edu ID register", "0x%08x", v);
	poke32(m + 4, 0x12345678);
	ret = peek32(m + 4, &v);
	check(!ret && v == ~0x12345678u, "MMIO: edu liveness register", "0x%08x", v);
	printf("  maps: %s\n", maps_line((void *)m));
	check(strstr(maps_line((void *)m), "/dmabuf:") != NULL, "maps: dma-buf mapping", "");

	m2 = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, d, 0);
	check(m2 == MAP_FAILED && errno == EINVAL, "oversize mmap refused", "%s",
	      m2 == MAP_FAILED ? en(errno) : "mapped");
	m2 = mmap(NULL, PG, PROT_READ, MAP_SHARED, d, PG);
	check(m2 == MAP_FAILED && errno == EINVAL, "off-the-end mmap refused", "%s",
	      m2 == MAP_FAILED ? en(errno) : "mapped");
	m2 = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, d, 0);
	check(m2 == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE refused", "%s",
	      m2 == MAP_FAILED ? en(errno) : "mapped");

	/* double mmap */
	m2 = map(d, PG, 0);
	ret = m2 != MAP_FAILED ? peek32(m2, &v) : -1;
	check(!ret && v == 0x010000ed, "double mmap of one buffer", "0x%08x", v);

	/* classic mmap still works, dma-buf backed and named */
	c = map(edu, 1 << 20, edu0_off);
	check(c != MAP_FAILED, "classic mmap of BAR0", "%s", c == MAP_FAILED ? en(errno) : "");
	if (c != MAP_FAILED) {
		const char *l = maps_line((void *)c);

		snprintf(buf, sizeof(buf), ":%s/0", edu_bdf);
		ret = peek32(c, &v);
		check(!ret && v == 0x010000ed, "classic mmap: edu ID register", "0x%08x", v);
		printf("  maps: %s\n", l);
		check(strstr(l, "/dmabuf:vfio") && strstr(l, buf), "classic mmap: /dmabuf:vfioN:BDF/0", "");
	}

	/* ---- revoke ---- */
	ret = do_revoke(edu, d);
	check(ret == 0, "revoke", "%s", ret ? en(errno) : "");
	ret = peek32(m, &v);
	check(ret == -1, "access after revoke -> SIGBUS", "%s", ret ? "SIGBUS" : "read");
	ret = peek32(m2, &v);
	check(ret == -1, "second mapping after revoke -> SIGBUS", "%s", ret ? "SIGBUS" : "read");
	if (c != MAP_FAILED) {
		ret = peek32(c, &v);
		check(!ret && v == 0x010000ed, "classic mapping still works after revoke", "0x%08x", v);
	}
	ret = do_revoke(edu, d);
	check(ret < 0 && errno == EBADFD, "double revoke -> EBADFD", "%s", ret ? en(errno) : "ok");
	m2 = map(d, PG, 0);
	check(m2 == MAP_FAILED && errno == ENODEV, "mmap of revoked -> ENODEV", "%s",
	      m2 == MAP_FAILED ? en(errno) : "mapped");
	m2 = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, d, 0);
	check(m2 == MAP_FAILED && errno == ENODEV, "MAP_PRIVATE of revoked -> ENODEV (before EINVAL)",
	      "%s", m2 == MAP_FAILED ? en(errno) : "mapped");
	close(d);

	ret = do_revoke(edu, 1000);
	check(ret < 0 && errno == EBADF, "revoke bad fd -> EBADF", "%s", ret ? en(errno) : "ok");
	ret = do_revoke(edu, container);
	check(ret < 0 && errno == EINVAL, "revoke non-dma-buf -> EINVAL", "%s", ret ? en(errno) : "ok");
	d = export1(ivs, 2, 0, PG);
	ret = do_revoke(edu, d);
	check(ret < 0 && errno == ENODEV, "revoke other device's buffer -> ENODEV", "%s",
	      ret ? en(errno) : "ok");
	close(d);

	/* re-export of the same range */
	d = export1(edu, 0, 0, PG);
	m = d >= 0 ? map(d, PG, 0) : MAP_FAILED;
	ret = m != MAP_FAILED ? peek32(m, &v) : -1;
	check(!ret && v == 0x010000ed, "re-export of the revoked range works", "0x%08x", v);

	{
		const char *l = debugfs_line(edu_bdf, d);

		if (l)
			check(strstr(l, "attr uc") && strstr(l, "kind export"),
			      "debugfs: buffer listed with attr uc", "%s", l);
	}

	/* vending: a subordinate process maps, the primary revokes */
	{
		int dv = export1(edu, 0, 0, PG);

		check(dv >= 0 && vend_and_revoke(edu, dv, 0x010000ed),
		      "vending: subordinate faults after the primary revokes", "");
		if (dv >= 0) {
			const char *l = debugfs_line(edu_bdf, dv);

			if (l)
				check(strstr(l, "state revoked") != NULL,
				      "debugfs: revoked buffer listed as revoked", "%s", l);
			close(dv);
		}
	}
	{
		int rounds = getenv("SIMTEST_RACE_ROUNDS") ? atoi(getenv("SIMTEST_RACE_ROUNDS")) : 100;

		check(race_revoke(edu, 0, rounds), "faults racing revoke: every round ends in SIGBUS",
		      "%d rounds", rounds);
	}

	/* revoke through a dup'd fd */
	d2 = dup(d);
	ret = do_revoke(edu, d2);
	check(ret == 0 && peek32(m, &v) == -1, "revoke through a dup'd fd", "%s",
	      ret ? en(errno) : "");
	close(d);
	close(d2);

	/* ---- ivshmem BAR2 (RAM): aliasing, offsets, two ranges ---- */
	{
		volatile uint8_t *ci = map(ivs, ivs2_size, ivs2_off);
		int da, db;

		check(ci != MAP_FAILED, "classic mmap of ivshmem BAR2", "");
		if (ci == MAP_FAILED)
			goto out;
		printf("  maps: %s\n", maps_line((void *)ci));
		snprintf(buf, sizeof(buf), "%llx ", (unsigned long long)ivs2_off);
		check(strstr(maps_line((void *)ci), buf) != NULL, "classic mmap: offset column index<<40",
		      "");
		for (int i = 0; i < 4; i++)
			*(volatile uint32_t *)(ci + i * PG) = 0xa0 + i;

		da = export1(ivs, 2, 0, 2 * PG);
		db = export1(ivs, 2, 0, 2 * PG);
		m = map(da, 2 * PG, 0);
		m2 = map(db, 2 * PG, 0);
		poke32(m + 16, 0xfeedf00d);
		ret = peek32(m2 + 16, &v);
		check(!ret && v == 0xfeedf00d, "aliasing buffers see each other's writes", "0x%08x", v);
		munmap((void *)m2, 2 * PG);
		m2 = map(db, PG, PG);
		ret = peek32(m2, &v);
		check(!ret && v == 0xa1, "non-zero mmap offset", "0x%x", v);
		close(da);
		ret = peek32(m, &v);
		check(!ret && v == 0xa0, "access after closing the dma-buf fd", "0x%x", v);
		close(db);

		{
			struct sim_range r[2] = { { 0, PG }, { 3 * PG, PG } };

			d = export_ranges(ivs, 2, 0, r, 2);
			m = d >= 0 ? map(d, 2 * PG, 0) : MAP_FAILED;
			ret = m != MAP_FAILED ? peek32(m, &v) : -1;
			ret |= m != MAP_FAILED ? peek32(m + PG, &w) : -1;
			check(!ret && v == 0xa0 && w == 0xa3, "two-range buffer", "0x%x 0x%x", v, w);
			close(d);
		}

		d = uapi == 5 ? -1 : export_wc(ivs, 2, PG, PG);
		if (uapi == 5)
			goto no_wc;	/* v5 has no attribute (checked above) */
		m = d >= 0 ? map(d, PG, 0) : MAP_FAILED;
		ret = m != MAP_FAILED ? poke32(m + 8, 0x5ca1ab1e) : -1;
		ret |= m != MAP_FAILED ? peek32(m + 8, &v) : -1;
		check(!ret && v == 0x5ca1ab1e && *(volatile uint32_t *)(ci + PG + 8) == v,
		      "WC buffer: mmap, write, read back", "%s", d < 0 ? en(errno) : "");
		{
			const char *l = debugfs_line(ivs_bdf, d);

			if (l) {
				printf("  debugfs: %s\n", l);
				check(strstr(l, "attr wc") && strstr(l, "state live") &&
				      strstr(l, "ranges 0x1000+0x1000"),
				      "debugfs: WC buffer listed with attr wc", "");
			}
		}
		close(d);
no_wc:;
	}

	/* ---- temporary revocation: memory decode off, then on ---- */
	{
		uint64_t cfg = region_offset(edu, VFIO_PCI_CONFIG_REGION_INDEX, NULL);
		uint16_t cmd, off;

		d = export1(edu, 0, 0, PG);
		m = map(d, PG, 0);
		peek32(m, &v);
		if (pread(edu, &cmd, 2, cfg + 4) == 2) {
			int dt;
			volatile uint8_t *mt;

			off = cmd & ~2;	/* PCI_COMMAND_MEMORY */
			ret = pwrite(edu, &off, 2, cfg + 4);
			w = peek32(m, &v);
			check(ret == 2 && w == (uint32_t)-1, "memory decode off -> SIGBUS", "");
			mt = map(d, PG, 0);
			check(mt == MAP_FAILED && errno == ENODEV,
			      "memory decode off: mmap -> ENODEV (temporarily revoked)", "%s",
			      mt == MAP_FAILED ? en(errno) : "mapped");
			mt = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, d, 0);
			check(mt == MAP_FAILED && errno == ENODEV,
			      "memory decode off: MAP_PRIVATE -> ENODEV first", "%s",
			      mt == MAP_FAILED ? en(errno) : "mapped");
			dt = export1(edu, 0, PG, PG);
			mt = dt >= 0 ? map(dt, PG, 0) : MAP_FAILED;
			check(dt >= 0 && mt == MAP_FAILED && errno == ENODEV,
			      "exported while decode is off: starts revoked (mmap ENODEV)", "%s",
			      dt < 0 ? "export failed" : mt == MAP_FAILED ? en(errno) : "mapped");
			ret = pwrite(edu, &cmd, 2, cfg + 4);
			w = peek32(m, &v);
			check(ret == 2 && !w && v == 0x010000ed, "memory decode back on -> maps again",
			      "0x%08x", v);
			mt = dt >= 0 ? map(dt, PG, 0) : MAP_FAILED;
			check(mt != MAP_FAILED, "decode back on: the buffer exported meanwhile maps",
			      "%s", mt == MAP_FAILED ? en(errno) : "");
			if (mt != MAP_FAILED)
				munmap((void *)mt, PG);
			if (dt >= 0)
				close(dt);
		}
		/* low power: temporarily revoked too, where the kernel lets the device enter it */
		ret = feature(edu, VFIO_DEVICE_FEATURE_SET | F_LOW_POWER_ENTRY, NULL, 0);
		if (ret == 0) {
			volatile uint8_t *mt = map(d, PG, 0);
			int e = errno;

			w = peek32(m, &v);
			check(mt == MAP_FAILED && e == ENODEV && w == (uint32_t)-1,
			      "low power: mmap -> ENODEV, mapping -> SIGBUS", "%s",
			      mt == MAP_FAILED ? en(e) : "mapped");
			ret = feature(edu, VFIO_DEVICE_FEATURE_SET | F_LOW_POWER_EXIT, NULL, 0);
			w = peek32(m, &v);
			check(!ret && !w && v == 0x010000ed, "low power exit -> maps again", "0x%08x", v);
		} else {
			printf("SKIP low power (edu): LOW_POWER_ENTRY %s\n", en(errno));
		}
		ret = ioctl(edu, VFIO_DEVICE_RESET);
		if (ret == 0) {
			w = peek32(m, &v);
			check(!w && v == 0x010000ed, "after device reset -> maps again", "0x%08x", v);
		} else {
			printf("SKIP device reset (edu): %s\n", en(errno));
		}
		{
			int di = export1(ivs, 2, 0, PG);
			volatile uint8_t *mi = di >= 0 ? map(di, PG, 0) : MAP_FAILED;

			if (mi != MAP_FAILED && !poke32(mi + 64, 0x600dcafe) &&
			    !ioctl(ivs, VFIO_DEVICE_RESET)) {
				w = peek32(mi + 64, &v);
				check(!w && v == 0x600dcafe, "after device reset (ivshmem) -> maps again",
				      "0x%08x", v);
			} else {
				printf("SKIP device reset (ivshmem): %s\n", en(errno));
			}
			if (mi != MAP_FAILED)
				munmap((void *)mi, PG);
			close(di);
		}

		/* ---- device closed while mapped ---- */
		if (c != MAP_FAILED) {
			close(edu);	/* the classic mapping keeps the device open */
			ret = peek32(m, &v);
			check(!ret && v == 0x010000ed, "device fd closed, classic map live: still works",
			      "0x%08x", v);
			munmap((void *)c, 1 << 20);
			ret = peek32(m, &v);
			check(ret == -1, "classic map gone: device closed -> SIGBUS", "");
		} else {
			close(edu);
			ret = peek32(m, &v);
			check(ret == -1, "device closed -> SIGBUS", "");
		}
		m2 = map(d, PG, 0);
		check(m2 == MAP_FAILED && errno == ENODEV, "device closed: mmap -> ENODEV", "%s",
		      m2 == MAP_FAILED ? en(errno) : "mapped");
		/* d stays open: REVOKE and MEMATTR of it once the device reopens */
	}

	{
		int rounds = getenv("SIMTEST_RACE_ROUNDS") ? atoi(getenv("SIMTEST_RACE_ROUNDS")) / 4 : 25;

		check(race_close(ge, edu_bdf, rounds), "faults racing device close: every round SIGBUS",
		      "%d rounds", rounds);
	}

	/* the device opens again and exports */
	edu = open_dev(ge, edu_bdf);
	ret = do_revoke(edu, d);
	check(ret < 0 && errno == ENODEV, "closed device's buffer: REVOKE -> ENODEV (not EBADFD)",
	      "%s", ret ? en(errno) : "ok");
	if (has_memattr()) {
		ret = set_memattr(edu, d, 1);
		check(ret < 0 && errno == ENODEV, "closed device's buffer: MEMATTR -> ENODEV", "%s",
		      ret ? en(errno) : "ok");
	}
	close(d);
	d = export1(edu, 0, 0, PG);
	m = d >= 0 ? map(d, PG, 0) : MAP_FAILED;
	ret = m != MAP_FAILED ? peek32(m, &v) : -1;
	check(!ret && v == 0x010000ed, "device reopened: export and map", "0x%08x", v);
	close(d);
	munmap((void *)m, PG);
	close(edu);
	close(ivs);
	{
		const char *bb = getenv("VFBUF_BOCHS"), *bg = getenv("VFBUF_BOCHS_GROUP");

		if (bb && *bb && bg && *bg)
			bochs_tests(bb, bg);
		else
			printf("SKIP bochs-display cases: no VFBUF_BOCHS/VFBUF_BOCHS_GROUP (tests/vm/run adds one)\n");
	}
	close(gi);
	close(ge);
	close(container);
out:
	check(dmesg_clean(), "dmesg: no WARN/BUG/Oops", "");
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
