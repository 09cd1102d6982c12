// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfbuf-holder: a process for vfbuf to look at. It holds, for one VFIO PCI
 * device (group/container type1v2 path):
 *
 *   - a dma-buf exported from ranges of a BAR (VFIO_DEVICE_FEATURE_DMA_BUF),
 *     named with DMA_BUF_SET_NAME;
 *   - a dma-heap buffer from /dev/dma_heap/system, named like the mmap
 *     series names BAR mappings ("vfio0:0000:00:03.0/2"), and mmapped;
 *   - a classic BAR mmap through the device fd (offset = region offset,
 *     index << 40);
 *
 * prints one line per object and "ready", then waits for SIGTERM, SIGINT
 * or SIGHUP, or for EOF on stdin when stdin is a pipe, socket or terminal
 * (not when it is /dev/null or a file, as for background jobs).
 *
 * usage: vfbuf-holder [options] BDF
 *   --bar N           BAR to export (default: the first mmap-able BAR of at
 *                     least a page)
 *   --range OFF:LEN   a range of the export (repeatable; default 0:4K)
 *   --name NAME       the export's name (default "vfbuf-test:BDF:barN")
 *   --no-name         leave the export unnamed
 *   --map-bar N       BAR to mmap through the device fd (default: --bar)
 *   --heap-size SIZE  size of the dma-heap buffer (default 8K)
 *   --heap-name NAME  its name (default "vfioN:BDF/BAR", N from sysfs)
 *   --no-dmabuf, --no-heap, --no-bar-map   leave that object out
 *
 * Output: one line per object, a keyword then space-separated key=value
 * pairs (values never contain spaces; an unnamed buffer has "name="):
 *
 *   device pid=P fd=F ino=I dev=MM:mm bdf=BDF group=G group_fd=F container_fd=F
 *   dmabuf pid=P fd=F ino=I dev=MM:mm size=S name=NAME bdf=BDF bar=N ranges=OFF+LEN[,OFF+LEN...]
 *   heap pid=P fd=F ino=I dev=MM:mm size=S name=NAME map=START-END
 *   bar-map pid=P fd=F ino=I dev=MM:mm bdf=BDF bar=N size=S pgoff=OFF map=START-END
 *   ready pid=P
 *
 * fd, ino, size and bar are decimal; OFF, LEN, pgoff, START and END are
 * hex without 0x, as in /proc/PID/maps (START-END is the maps range; pgoff
 * is the maps offset column, printed like it with %08llx); dev is the
 * st_dev of the fd, printed like the maps dev column (%02x:%02x). ino is
 * st_ino from fstat of the fd. Exit status: 0 after a signal or EOF, 1 on
 * any failure (with a message on stderr).
 */
#define _GNU_SOURCE
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_RANGES 16

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [--bar N] [--range OFF:LEN]... [--name NAME | --no-name]\n"
		"       [--map-bar N] [--heap-size SIZE] [--heap-name NAME]\n"
		"       [--no-dmabuf] [--no-heap] [--no-bar-map] BDF\n", prog);
	exit(2);
}

/* "fd=F ino=I dev=MM:mm" of an fd. */
static void print_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat(%d)", fd);
	printf(" fd=%d ino=%llu dev=%02x:%02x", fd, (unsigned long long)st.st_ino,
	       major(st.st_dev), minor(st.st_dev));
}

/* The first BAR that is mmap-able and at least a page, or -1. */
static int default_bar(const struct vfio_dev *d)
{
	struct vfio_region_info ri;
	unsigned i;

	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++)
		if (!vfio_region(d, i, &ri) && ri.size >= PAGE &&
		    (ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
			return (int)i;
	return -1;
}

static int parse_range(const char *s, struct vfio_region_dma_range *r)
{
	char buf[128], *colon;
	uint64_t off, len;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (!colon)
		return -1;
	*colon = 0;
	if (parse_u64(buf, &off) || parse_u64(colon + 1, &len))
		return -1;
	r->offset = off;
	r->length = len;
	return 0;
}

/* Wait for SIGTERM/SIGINT/SIGHUP, or EOF on stdin when it is a stream. */
static void wait_for_end(void)
{
	struct pollfd p[2];
	struct stat st;
	sigset_t set;
	int n = 1;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die("sigprocmask");
	p[0].fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (p[0].fd < 0)
		die("signalfd");
	p[0].events = POLLIN;
	if (!fstat(0, &st) && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || isatty(0))) {
		p[1].fd = 0;
		p[1].events = POLLIN;
		n = 2;
	}
	for (;;) {
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[0].revents)
			return;
		if (n == 2 && p[1].revents) {
			char buf[256];
			ssize_t r = read(0, buf, sizeof(buf));

			if (r <= 0)
				return;	/* EOF (or error): done */
		}
	}
}

int main(int argc, char **argv)
{
	enum { O_BAR = 256, O_RANGE, O_NAME, O_NONAME, O_MAPBAR, O_HEAPSIZE,
	       O_HEAPNAME, O_NODMABUF, O_NOHEAP, O_NOBARMAP };
	static const struct option opts[] = {
		{ "bar", required_argument, NULL, O_BAR },
		{ "range", required_argument, NULL, O_RANGE },
		{ "name", required_argument, NULL, O_NAME },
		{ "no-name", no_argument, NULL, O_NONAME },
		{ "map-bar", required_argument, NULL, O_MAPBAR },
		{ "heap-size", required_argument, NULL, O_HEAPSIZE },
		{ "heap-name", required_argument, NULL, O_HEAPNAME },
		{ "no-dmabuf", no_argument, NULL, O_NODMABUF },
		{ "no-heap", no_argument, NULL, O_NOHEAP },
		{ "no-bar-map", no_argument, NULL, O_NOBARMAP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vfio_region_dma_range ranges[MAX_RANGES];
	unsigned nr = 0, i;
	int bar = -1, map_bar = -1, want_name = 1;
	int do_dmabuf = 1, do_heap = 1, do_barmap = 1;
	uint64_t heap_size = 2 * PAGE, v;
	const char *name = NULL, *heap_name = NULL, *bdf;
	char name_buf[64], heap_name_buf[64], vname[32];
	struct vfio_dev d;
	pid_t pid = getpid();
	int c, ret;

	prog = "vfbuf-holder";
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_BAR:
			if (parse_u64(optarg, &v) || v > 5)
				diex("bad BAR: %s", optarg);
			bar = (int)v;
			break;
		case O_RANGE:
			if (nr == MAX_RANGES || parse_range(optarg, &ranges[nr]))
				diex("bad range: %s (OFF:LEN, at most %d)", optarg, MAX_RANGES);
			nr++;
			break;
		case O_NAME: name = optarg; break;
		case O_NONAME: want_name = 0; break;
		case O_MAPBAR:
			if (parse_u64(optarg, &v) || v > 5)
				diex("bad BAR: %s", optarg);
			map_bar = (int)v;
			break;
		case O_HEAPSIZE:
			if (parse_u64(optarg, &heap_size) || !heap_size)
				diex("bad size: %s", optarg);
			break;
		case O_HEAPNAME: heap_name = optarg; break;
		case O_NODMABUF: do_dmabuf = 0; break;
		case O_NOHEAP: do_heap = 0; break;
		case O_NOBARMAP: do_barmap = 0; break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	bdf = argv[optind];

	ret = vfio_open(bdf, &d);
	if (ret < 0) {
		errno = -ret;
		die("open VFIO device %s", bdf);
	}
	if (bar < 0)
		bar = default_bar(&d);
	if (bar < 0)
		diex("%s has no mmap-able BAR of a page or more", bdf);
	if (map_bar < 0)
		map_bar = bar;
	if (!nr) {
		ranges[0].offset = 0;
		ranges[0].length = PAGE;
		nr = 1;
	}

	printf("device pid=%d", (int)pid);
	print_fd(d.device);
	printf(" bdf=%s group=%d group_fd=%d container_fd=%d\n", bdf, d.group_no, d.group,
	       d.container);

	if (do_dmabuf) {
		int fd = dmabuf_export(d.device, (uint32_t)bar, O_RDWR | O_CLOEXEC, ranges, nr);
		uint64_t size = 0;

		if (fd < 0)
			die("export dma-buf of %s BAR%d", bdf, bar);
		if (want_name && !name) {
			snprintf(name_buf, sizeof(name_buf), "vfbuf-test:%s:bar%d", bdf, bar);
			name = name_buf;
		}
		if (want_name && ioctl(fd, DMA_BUF_SET_NAME, name) < 0)
			die("DMA_BUF_SET_NAME(\"%s\")", name);
		for (i = 0; i < nr; i++)
			size += ranges[i].length;
		printf("dmabuf pid=%d", (int)pid);
		print_fd(fd);
		printf(" size=%llu name=%s bdf=%s bar=%d ranges=", (unsigned long long)size,
		       want_name ? name : "", bdf, bar);
		for (i = 0; i < nr; i++)
			printf("%s%llx+%llx", i ? "," : "", (unsigned long long)ranges[i].offset,
			       (unsigned long long)ranges[i].length);
		printf("\n");
	}

	if (do_heap) {
		int fd = heap_alloc("system", heap_size);
		void *m;

		if (fd < 0)
			die("allocate %llu bytes from /dev/dma_heap/system",
			    (unsigned long long)heap_size);
		if (!heap_name) {
			snprintf(heap_name_buf, sizeof(heap_name_buf), "%s:%s/%x",
				 vfio_dev_name(bdf, vname, sizeof(vname)) ?: "vfio0", bdf,
				 (unsigned)map_bar);
			heap_name = heap_name_buf;
		}
		if (ioctl(fd, DMA_BUF_SET_NAME, heap_name) < 0)
			die("DMA_BUF_SET_NAME(\"%s\")", heap_name);
		m = mmap(NULL, heap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			die("mmap dma-heap buffer");
		memset(m, 0x5a, heap_size);
		heap_size = (heap_size + PAGE - 1) & ~(PAGE - 1);
		printf("heap pid=%d", (int)pid);
		print_fd(fd);
		printf(" size=%llu name=%s map=%08lx-%08lx\n", (unsigned long long)heap_size,
		       heap_name, (unsigned long)m, (unsigned long)m + (unsigned long)heap_size);
	}

	if (do_barmap) {
		struct vfio_region_info ri;
		void *m;

		ret = vfio_region(&d, (unsigned)map_bar, &ri);
		if (ret < 0) {
			errno = -ret;
			die("region info of BAR%d", map_bar);
		}
		if (!ri.size || !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
			diex("BAR%d of %s cannot be mmapped", map_bar, bdf);
		m = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, d.device,
			 (off_t)ri.offset);
		if (m == MAP_FAILED)
			die("mmap BAR%d through the device fd", map_bar);
		printf("bar-map pid=%d", (int)pid);
		print_fd(d.device);
		printf(" bdf=%s bar=%d size=%llu pgoff=%08llx map=%08lx-%08lx\n", bdf, map_bar,
		       (unsigned long long)ri.size, (unsigned long long)ri.offset,
		       (unsigned long)m, (unsigned long)m + (unsigned long)ri.size);
	}

	printf("ready pid=%d\n", (int)pid);
	wait_for_end();
	return 0;
}
