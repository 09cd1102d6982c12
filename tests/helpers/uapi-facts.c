// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uapi-facts: drive the VFIO dma-buf and dma-heap uAPI facts that vfbuf
 * relies on (shared/docs/uapi.md section 1) on the running kernel, and
 * print what the kernel answered, one fact per line:
 *
 *   NAME: RESULT [key=value...]
 *
 * RESULT is "ok" for success or the errno name (EINVAL, ...); some facts
 * print a value instead ("same"/"differ ..." for comparisons, a path for
 * readlink). tests/bats/vm/kernel-uapi.bats asserts each line, so a kernel
 * that changes behaviour fails a named test. The program itself exits 0
 * unless it cannot set up (open the device, allocate the heap buffer).
 *
 * usage: uapi-facts device BDF BAR   facts about exporting BAR of BDF
 *        uapi-facts heap [NAME]      dma-heap facts (NAME: the name given
 *                                    to the buffer, default vfio0:0000:00:03.0/2)
 *        uapi-facts two-devices BDF1 BDF2
 *                                    two devices in one process: the device
 *                                    fds share one anonymous inode (BAR0 of
 *                                    each is mapped: both need a BAR0)
 *        uapi-facts write BDF BAR OFFSET STRING
 *                                    pwrite STRING (and a NUL) into the BAR
 *                                    through the device fd
 *        uapi-facts read BDF BAR OFFSET LEN
 *                                    pread LEN bytes of the BAR, print them
 *                                    up to the first NUL
 */
#define _GNU_SOURCE
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define GET (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF)
#define NAME31 "abcdefghijklmnopqrstuvwxyz01234"
#define NAME32 "abcdefghijklmnopqrstuvwxyz012345"
#define NAME42 "0123456789abcdef0123456789abcdef0123456789"

/* ok or the errno name of a call that returned ret. */
static const char *res(long ret, int err)
{
	return ret < 0 ? errname(err) : "ok";
}

/* One range, all else ordinary: the export most facts vary one thing of. */
static int export1(int devfd, uint32_t region, uint64_t off, uint64_t len, int *err)
{
	struct vfio_region_dma_range r = { .offset = off, .length = len };
	int fd = dmabuf_export(devfd, region, O_RDWR | O_CLOEXEC, &r, 1);

	*err = errno;
	return fd;
}

/* Print "NAME: RESULT" for a one-range export and close what it made. */
static void fact_export1(const char *name, int devfd, uint32_t region, uint64_t off,
			 uint64_t len)
{
	int err, fd = export1(devfd, region, off, len, &err);

	printf("%s: %s\n", name, res(fd, err));
	if (fd >= 0)
		close(fd);
}

static uint64_t fd_size(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	return end < 0 ? 0 : (uint64_t)end;
}

/* fdinfo KEY, or "-" when absent. */
static const char *fdinfo(int fd, const char *key, char *buf, size_t len)
{
	if (fdinfo_get(fd, key, buf, len) < 0)
		snprintf(buf, len, "-");
	return buf;
}

/* The whole fdinfo text of fd (for before/after comparisons). */
static void fdinfo_all(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n = -1;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	if (f >= 0) {
		n = read(f, buf, len - 1);
		close(f);
	}
	buf[n < 0 ? 0 : n] = 0;
}

/* A parsed /proc/self/maps line. */
struct maps_entry {
	unsigned long start, end;
	char perms[8];
	unsigned long long offset;
	unsigned dev_major, dev_minor;
	unsigned long long inode;
	char path[512];
};

static int maps_entry(const void *addr, struct maps_entry *e)
{
	char line[1024];
	int n = 0;

	memset(e, 0, sizeof(*e));
	if (maps_line(addr, line, sizeof(line)) < 0)
		return -1;
	if (sscanf(line, "%lx-%lx %7s %llx %x:%x %llu %n", &e->start, &e->end, e->perms,
		   &e->offset, &e->dev_major, &e->dev_minor, &e->inode, &n) < 7)
		return -1;
	snprintf(e->path, sizeof(e->path), "%s", line + n);
	return 0;
}

static const char *same(unsigned long long a, unsigned long long b, char *buf, size_t len)
{
	if (a == b)
		snprintf(buf, len, "same");
	else
		snprintf(buf, len, "differ %llu %llu", a, b);
	return buf;
}

static int is_edu(const char *bdf)
{
	char path[128], v[16] = "", d[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", bdf);
	if ((f = fopen(path, "r"))) {
		if (!fgets(v, sizeof(v), f))
			v[0] = 0;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", bdf);
	if ((f = fopen(path, "r"))) {
		if (!fgets(d, sizeof(d), f))
			d[0] = 0;
		fclose(f);
	}
	return !strncmp(v, "0x1234", 6) && !strncmp(d, "0x11e8", 6);
}

static int device_facts(const char *bdf, uint32_t bar)
{
	struct vfio_region_dma_range r[3];
	struct vfio_region_info ri;
	struct vfio_dev d;
	struct maps_entry me;
	struct stat st;
	char buf[512], buf2[512], info_before[1024], info_after[1024], name[64];
	uint64_t size;
	int ret, err, fd, keep;
	void *m;

	ret = vfio_open(bdf, &d);
	if (ret < 0) {
		errno = -ret;
		die("open VFIO device %s", bdf);
	}
	ret = vfio_region(&d, bar, &ri);
	if (ret < 0) {
		errno = -ret;
		die("region info of %s BAR%u", bdf, bar);
	}
	size = ri.size;
	printf("container-api: %d\n", ioctl(d.container, VFIO_GET_API_VERSION));
	printf("container-type1v2: %d\n",
	       ioctl(d.container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	printf("bar-size: %llu\n", (unsigned long long)size);
	printf("region-offset: %s\n",
	       same(ri.offset, (unsigned long long)bar << VFIO_PCI_OFFSET_SHIFT, buf, sizeof(buf)));

	/* the device fd */
	fd_link(d.device, buf, sizeof(buf));
	printf("devfd-link: %s\n", buf);
	printf("devfd-syspath: %s\n", fdinfo(d.device, "vfio-device-syspath", buf, sizeof(buf)));

	/* PROBE and SET */
	r[0].offset = 0;
	r[0].length = PAGE;
	ret = dmabuf_feature(d.device, VFIO_DEVICE_FEATURE_PROBE | GET, bar,
			     O_RDWR | O_CLOEXEC, 0, 1, r, 1);
	printf("probe-get: %s\n", res(ret, errno));
	ret = dmabuf_feature(d.device, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_DMA_BUF, bar, O_RDWR | O_CLOEXEC, 0, 1, r, 1);
	printf("probe-set: %s\n", res(ret, errno));
	ret = dmabuf_feature(d.device, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_BUF,
			     bar, O_RDWR | O_CLOEXEC, 0, 1, r, 1);
	if (ret >= 0)
		close(ret);
	printf("set: %s\n", res(ret, errno));

	/* one range, then everything about the fd it gives */
	keep = export1(d.device, bar, 0, PAGE, &err);
	printf("one-range: %s", res(keep, err));
	if (keep < 0) {
		printf("\n");
		return 1;
	}
	printf(" size=%llu flags=%s\n", (unsigned long long)fd_size(keep),
	       fdinfo(keep, "flags", buf, sizeof(buf)));
	fd_link(keep, buf, sizeof(buf));
	printf("link-unnamed: %s\n", buf);
	printf("fdinfo-unnamed: exp_name=%s", fdinfo(keep, "exp_name", buf, sizeof(buf)));
	printf(" size=%s", fdinfo(keep, "size", buf, sizeof(buf)));
	printf(" name=%s\n", fdinfo(keep, "name", buf, sizeof(buf)));
	fstat(keep, &st);
	printf("fdinfo-ino: %s\n",
	       same(strtoull(fdinfo(keep, "ino", buf2, sizeof(buf2)), NULL, 10),
		    (unsigned long long)st.st_ino, buf, sizeof(buf)));

	/* names: 31 characters fit, 32 and more do not and keep the old name */
	ret = ioctl(keep, DMA_BUF_SET_NAME, NAME31);
	printf("name-31: %s name=%s\n", res(ret, errno), fdinfo(keep, "name", buf, sizeof(buf)));
	ret = ioctl(keep, DMA_BUF_SET_NAME, NAME32);
	printf("name-32: %s name=%s\n", res(ret, errno), fdinfo(keep, "name", buf, sizeof(buf)));
	ret = ioctl(keep, DMA_BUF_SET_NAME, NAME42);
	printf("name-42: %s name=%s\n", res(ret, errno), fdinfo(keep, "name", buf, sizeof(buf)));
	snprintf(name, sizeof(name), "vfio:%s:bar%u", bdf, bar);
	ret = ioctl(keep, DMA_BUF_SET_NAME, name);
	printf("set-name: %s\n", res(ret, errno));
	fd_link(keep, buf, sizeof(buf));
	printf("link-named: %s\n", buf);
	printf("fdinfo-named: exp_name=%s", fdinfo(keep, "exp_name", buf, sizeof(buf)));
	printf(" size=%s", fdinfo(keep, "size", buf, sizeof(buf)));
	printf(" name=%s\n", fdinfo(keep, "name", buf, sizeof(buf)));

	/* what a mainline VFIO dma-buf cannot do */
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, keep, 0);
	printf("mmap-rw: %s\n", m == MAP_FAILED ? errname(errno) : "ok");
	if (m != MAP_FAILED)
		munmap(m, PAGE);
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, keep, 0);
	printf("mmap-ro: %s\n", m == MAP_FAILED ? errname(errno) : "ok");
	if (m != MAP_FAILED)
		munmap(m, PAGE);
	{
		char b[16];
		ssize_t n = read(keep, b, sizeof(b));

		printf("read: %s\n", res(n, errno));
	}
	{
		struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };

		ret = ioctl(keep, DMA_BUF_IOCTL_SYNC, &s);
		printf("sync: %s\n", res(ret, errno));
	}

	/* more shapes of exports */
	r[0].offset = 0;
	r[0].length = PAGE;
	r[1].offset = 2 * PAGE;
	r[1].length = 2 * PAGE;
	fd = dmabuf_export(d.device, bar, O_RDONLY, r, 2);
	printf("two-ranges: %s", res(fd, errno));
	if (fd >= 0) {
		printf(" size=%llu flags=%s", (unsigned long long)fd_size(fd),
		       fdinfo(fd, "flags", buf, sizeof(buf)));
		close(fd);
	}
	printf("\n");
	fd = export1(d.device, bar, 0, size, &err);
	printf("whole-bar: %s", res(fd, err));
	if (fd >= 0) {
		printf(" size=%llu", (unsigned long long)fd_size(fd));
		close(fd);
	}
	printf("\n");
	r[1] = r[0];
	fd = dmabuf_export(d.device, bar, O_RDWR, r, 2);
	printf("overlap: %s", res(fd, errno));
	if (fd >= 0) {
		printf(" size=%llu", (unsigned long long)fd_size(fd));
		close(fd);
	}
	printf("\n");

	/* refusals */
	ret = dmabuf_feature(d.device, GET, bar, O_RDWR, 1, 1, r, 1);
	printf("flags-1: %s\n", res(ret, errno));
	if (ret >= 0)
		close(ret);
	ret = dmabuf_feature(d.device, GET, bar, O_RDWR, 0x80000000u, 1, r, 1);
	printf("flags-msb: %s\n", res(ret, errno));
	if (ret >= 0)
		close(ret);
	ret = dmabuf_feature(d.device, GET, bar, O_RDWR, 0, 0, r, 0);
	printf("nr-ranges-0: %s\n", res(ret, errno));
	if (ret >= 0)
		close(ret);
	fact_export1("unaligned-offset", d.device, bar, 1, PAGE);
	fact_export1("unaligned-length", d.device, bar, 0, 100);
	fact_export1("length-0", d.device, bar, 0, 0);
	fact_export1("past-end", d.device, bar, size, PAGE);
	fact_export1("straddle", d.device, bar, size - PAGE, 2 * PAGE);
	fact_export1("too-long", d.device, bar, 0, size + PAGE);
	fact_export1("overflow", d.device, bar, 0xfffffffffffff000ULL, 2 * PAGE);
	r[0].offset = 0;
	r[0].length = PAGE;
	r[1].offset = 0;
	r[1].length = 0xfffffffffffff000ULL;
	ret = dmabuf_feature(d.device, GET, bar, O_RDWR, 0, 2, r, 2);
	printf("sum-overflow: %s\n", res(ret, errno));
	if (ret >= 0)
		close(ret);
	ret = dmabuf_feature(d.device, GET, bar, O_RDWR, 0, 1u << 28, r, 1);
	printf("nr-ranges-huge: %s\n", res(ret, errno));
	if (ret >= 0)
		close(ret);
	ret = dmabuf_feature(d.device, GET, bar, O_RDWR, 0, 3, r, 1);
	printf("nr-ranges-beyond-argsz: %s\n", res(ret, errno));
	if (ret >= 0)
		close(ret);
	{
		struct vfio_device_feature f = { .argsz = sizeof(f), .flags = GET };

		ret = ioctl(d.device, VFIO_DEVICE_FEATURE, &f);
		printf("argsz-header-only: %s\n", res(ret, errno));
		if (ret >= 0)
			close(ret);
	}
	{
		static const uint32_t idx[] = { 0, 1, 2, 3, 4, 5, 6, 7, 99 };
		size_t i;

		for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
			if (idx[i] == bar)
				continue;
			snprintf(buf, sizeof(buf), "region-%u", idx[i]);
			fact_export1(buf, d.device, idx[i], 0, PAGE);
		}
	}

	/* the classic BAR mmap through the device fd */
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, d.device, (off_t)ri.offset);
	printf("bar-mmap: %s\n", m == MAP_FAILED ? errname(errno) : "ok");
	if (m != MAP_FAILED) {
		fstat(d.device, &st);
		if (maps_entry(m, &me) == 0) {
			printf("bar-mmap-maps: perms=%s offset=%llx path=%s\n", me.perms,
			       me.offset, me.path);
			printf("bar-mmap-ino: %s\n",
			       same(me.inode, (unsigned long long)st.st_ino, buf, sizeof(buf)));
		} else {
			printf("bar-mmap-maps: missing\n");
		}
		if (is_edu(bdf) && bar == 0) {
			volatile uint32_t *reg = m;
			uint32_t x = 0x12345678;

			printf("edu-id: 0x%08x\n", reg[0]);
			reg[1] = x;
			printf("edu-liveness: %s\n", reg[1] == ~x ? "ok" : "wrong");
		}
		munmap(m, size);
	}

	/* closing the device leaves the dma-buf open and unchanged */
	fdinfo_all(keep, info_before, sizeof(info_before));
	ret = close(d.device);
	d.device = -1;
	fdinfo_all(keep, info_after, sizeof(info_after));
	printf("close-device: %s size=%llu name=%s\n", res(ret, errno),
	       (unsigned long long)fd_size(keep), fdinfo(keep, "name", buf, sizeof(buf)));
	printf("close-device-fdinfo: %s\n", strcmp(info_before, info_after) ? "differ" : "same");
	close(keep);
	vfio_close(&d);
	return 0;
}

static int heap_facts(const char *name)
{
	struct maps_entry me;
	struct stat st;
	char buf[512], buf2[64];
	size_t len = 2 * PAGE;
	void *m1, *m2;
	int fd, ret;

	fd = heap_alloc("system", len);
	printf("heap-alloc: %s", fd < 0 ? errname(errno) : "ok");
	if (fd < 0) {
		printf("\n");
		return 1;
	}
	printf(" size=%llu\n", (unsigned long long)fd_size(fd));
	fstat(fd, &st);

	/* mapped before it has a name */
	m1 = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("heap-mmap: %s\n", m1 == MAP_FAILED ? errname(errno) : "ok");
	if (m1 == MAP_FAILED)
		return 1;
	memset(m1, 0xab, len);
	printf("heap-data: %s\n", ((volatile unsigned char *)m1)[len - 1] == 0xab ? "ok" : "wrong");
	fd_link(fd, buf, sizeof(buf));
	printf("heap-link-unnamed: %s\n", buf);
	if (maps_entry(m1, &me) == 0)
		printf("heap-maps-unnamed: %s\n", me.path);

	ret = ioctl(fd, DMA_BUF_SET_NAME, name);
	printf("heap-set-name: %s\n", res(ret, errno));
	m2 = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m2 == MAP_FAILED || maps_entry(m2, &me) < 0) {
		printf("heap-maps: missing\n");
		return 1;
	}
	printf("heap-maps: perms=%s offset=%llx path=%s\n", me.perms, me.offset, me.path);
	printf("heap-maps-ino-fstat: %s\n",
	       same(me.inode, (unsigned long long)st.st_ino, buf, sizeof(buf)));
	printf("heap-maps-ino-fdinfo: %s\n",
	       same(me.inode, strtoull(fdinfo(fd, "ino", buf2, sizeof(buf2)), NULL, 10), buf,
		    sizeof(buf)));
	printf("heap-maps-dev: %s\n",
	       (me.dev_major == major(st.st_dev) && me.dev_minor == minor(st.st_dev)) ? "same" :
										      "differ");
	printf("heap-fdinfo: exp_name=%s", fdinfo(fd, "exp_name", buf, sizeof(buf)));
	printf(" size=%s", fdinfo(fd, "size", buf, sizeof(buf)));
	printf(" name=%s\n", fdinfo(fd, "name", buf, sizeof(buf)));
	fd_link(fd, buf, sizeof(buf));
	printf("heap-link-named: %s\n", buf);
	if (maps_entry(m1, &me) == 0)
		printf("heap-maps-early: %s\n", me.path);	/* mapped before naming */

	ret = ioctl(fd, DMA_BUF_SET_NAME, "renamed");
	printf("heap-rename: %s\n", res(ret, errno));
	if (maps_entry(m2, &me) == 0)
		printf("heap-maps-renamed: %s\n", me.path);
	close(fd);
	if (maps_entry(m2, &me) == 0)
		printf("heap-maps-closed: %s\n", me.path);
	munmap(m1, len);
	munmap(m2, len);
	return 0;
}

/*
 * Two devices in one process: their device fds are the same anonymous inode,
 * so a maps line alone cannot tell which device a BAR mapping is of.
 */
static int two_device_facts(const char *bdf1, const char *bdf2)
{
	struct vfio_dev d1, d2;
	struct vfio_region_info r1, r2;
	struct maps_entry m1, m2;
	struct stat s1, s2;
	char buf[128];
	void *p1, *p2;
	int ret;

	ret = vfio_open(bdf1, &d1);
	if (ret == 0)
		ret = vfio_open(bdf2, &d2);
	if (ret < 0) {
		errno = -ret;
		die("open VFIO devices %s and %s", bdf1, bdf2);
	}
	fstat(d1.device, &s1);
	fstat(d2.device, &s2);
	printf("two-devices-ino: %s\n",
	       same(s1.st_ino, s2.st_ino, buf, sizeof(buf)));
	if (vfio_region(&d1, 0, &r1) < 0 || vfio_region(&d2, 0, &r2) < 0)
		die("region info");
	p1 = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, d1.device, (off_t)r1.offset);
	p2 = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, d2.device, (off_t)r2.offset);
	if (p1 == MAP_FAILED || p2 == MAP_FAILED || maps_entry(p1, &m1) || maps_entry(p2, &m2)) {
		printf("two-devices-maps: %s\n", errname(errno));
	} else {
		printf("two-devices-maps: ino %s, path %s\n",
		       same(m1.inode, m2.inode, buf, sizeof(buf)),
		       strcmp(m1.path, m2.path) ? "differ" : "same");
	}
	vfio_close(&d1);
	vfio_close(&d2);
	return 0;
}

/* pread/pwrite of a BAR through the device fd. */
static int bar_rw(int write, const char *bdf, const char *bar_s, const char *off_s,
		  const char *arg)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	uint64_t bar, off, len;
	ssize_t n;
	int ret;

	if (parse_u64(bar_s, &bar) || bar > 5 || parse_u64(off_s, &off))
		diex("bad BAR or offset");
	ret = vfio_open(bdf, &d);
	if (ret == 0)
		ret = vfio_region(&d, (unsigned)bar, &ri);
	if (ret < 0) {
		errno = -ret;
		die("open %s BAR%llu", bdf, (unsigned long long)bar);
	}
	if (write) {
		n = pwrite(d.device, arg, strlen(arg) + 1, (off_t)(ri.offset + off));
		if (n != (ssize_t)strlen(arg) + 1)
			die("pwrite BAR%llu+0x%llx", (unsigned long long)bar,
			    (unsigned long long)off);
	} else {
		char *buf;

		if (parse_u64(arg, &len) || len > (1 << 20))
			diex("bad length: %s", arg);
		buf = calloc(1, len + 1);
		if (!buf)
			die("calloc");
		n = pread(d.device, buf, len, (off_t)(ri.offset + off));
		if (n < 0)
			die("pread BAR%llu+0x%llx", (unsigned long long)bar,
			    (unsigned long long)off);
		printf("%s\n", buf);
		free(buf);
	}
	vfio_close(&d);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t bar;

	prog = "uapi-facts";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "device")) {
		if (parse_u64(argv[3], &bar) || bar > 5)
			diex("bad BAR: %s", argv[3]);
		return device_facts(argv[2], (uint32_t)bar);
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "heap"))
		return heap_facts(argc == 3 ? argv[2] : "vfio0:0000:00:03.0/2");
	if (argc == 4 && !strcmp(argv[1], "two-devices"))
		return two_device_facts(argv[2], argv[3]);
	if (argc == 6 && !strcmp(argv[1], "write"))
		return bar_rw(1, argv[2], argv[3], argv[4], argv[5]);
	if (argc == 6 && !strcmp(argv[1], "read"))
		return bar_rw(0, argv[2], argv[3], argv[4], argv[5]);
	fprintf(stderr, "usage: uapi-facts device BDF BAR | heap [NAME] | two-devices BDF1 BDF2 |\n"
			"       write BDF BAR OFFSET STRING | read BDF BAR OFFSET LEN\n");
	return 2;
}
