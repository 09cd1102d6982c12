// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/memcpy-bar.c: the baselines of bench/peek, run in the VM rig.
 *
 *   memcpy-bar BDF BAR LEN FILE   mmap BAR through the VFIO device fd (the
 *                                 classic path vfbuf peek --bar uses),
 *                                 memcpy LEN bytes from offset 0 into memory,
 *                                 write them to FILE: the limit
 *   memcpy-bar --one BDF BAR OFF  one volatile 8-byte load at OFF, printed
 *                                 in hex: a devmem-style tool, one process
 *                                 per read
 *   memcpy-bar --fill BDF BAR     fill the BAR with a pseudo-random pattern
 *                                 (so that a read of zeros cannot pass)
 *
 * Static, like tests/helpers, with tests/helpers/helpers.c for the VFIO
 * group/container open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

static volatile uint8_t *map_bar(const char *bdf, unsigned bar, struct vfio_dev *d, uint64_t *size,
				 int prot)
{
	struct vfio_region_info ri;
	void *m;
	int r = vfio_open(bdf, d);

	if (r < 0) {
		errno = -r;
		die("open %s", bdf);
	}
	if ((r = vfio_region(d, bar, &ri)) < 0) {
		errno = -r;
		die("region info of BAR%u", bar);
	}
	if (!ri.size || !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
		diex("BAR%u of %s cannot be mmapped", bar, bdf);
	m = mmap(NULL, ri.size, prot, MAP_SHARED, d->device, (off_t)ri.offset);
	if (m == MAP_FAILED)
		die("mmap BAR%u through the device fd", bar);
	*size = ri.size;
	return m;
}

int main(int argc, char **argv)
{
	struct vfio_dev d;
	volatile uint8_t *m;
	uint64_t size, v;

	prog = "memcpy-bar";
	if (argc == 5 && !strcmp(argv[1], "--one")) {
		if (parse_u64(argv[4], &v))
			diex("bad offset %s", argv[4]);
		m = map_bar(argv[2], (unsigned)atoi(argv[3]), &d, &size, PROT_READ);
		if (v % 8 || v + 8 > size)
			diex("offset %s: not 8-byte aligned inside the BAR", argv[4]);
		printf("0x%016" PRIx64 "\n", *(volatile uint64_t *)(m + v));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "--fill")) {
		uint64_t x = 0x9e3779b97f4a7c15ULL, i;

		m = map_bar(argv[2], (unsigned)atoi(argv[3]), &d, &size, PROT_READ | PROT_WRITE);
		for (i = 0; i + 8 <= size; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			*(volatile uint64_t *)(m + i) = x;
		}
		return 0;
	}
	if (argc == 5) {
		char *buf;
		ssize_t n;
		int fd;

		if (parse_u64(argv[3], &v))
			diex("bad length %s", argv[3]);
		m = map_bar(argv[1], (unsigned)atoi(argv[2]), &d, &size, PROT_READ);
		if (v > size)
			diex("length %s: past the end of the BAR", argv[3]);
		if (!(buf = malloc(v ? v : 1)))
			die("malloc");
		memcpy(buf, (const void *)m, v);
		fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die("open %s", argv[4]);
		if ((n = write(fd, buf, v)) < 0 || (uint64_t)n != v)
			die("write %s", argv[4]);
		return close(fd) < 0;
	}
	fprintf(stderr, "usage: memcpy-bar BDF BAR LEN FILE | --one BDF BAR OFF | --fill BDF BAR\n");
	return 2;
}
