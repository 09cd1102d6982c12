/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.h - where map, peek and poke get their memory: an inherited
 * dma-buf fd (--fd), one taken from another process (--pid --fd, with
 * pidfd_getfd), one vended by a primary (--connect), or a BAR mapped
 * through the device fd (-s/-d --bar, the classic path).
 *
 * Core layer.  Prints its errors and returns exit codes.  The options
 * come in as a struct; their argp group is the command layer's (args.c).
 */
#ifndef VFBUF_SOURCE_H
#define VFBUF_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "device.h"
#include "pcidev.h"

/* Where the memory comes from (the command's --fd --pid --connect --bar
 * --offset --length --wc --no-check --close-fd and -s/-d). */
struct vf_source_opts {
	int fd;              /* --fd, -1 */
	pid_t pid;           /* --pid, 0 */
	const char *connect; /* --connect */
	int bar;             /* --bar, -1 */
	struct vf_select sel; /* -s/-d: the device of --bar */
	uint64_t offset;     /* --offset */
	uint64_t length;     /* --length, 0: to the end */
	bool wc;             /* --wc */
	bool no_check;       /* --no-check: let mmap() judge the window */
	bool close_fd;       /* --close-fd: keep only the mapping */
	bool write;          /* the command writes (poke) */
};
#define VF_SOURCE_OPTS_INIT { .fd = -1, .bar = -1 }

struct vf_mapping {
	volatile uint8_t *addr; /* the first byte of the window (NULL: use pread/pwrite) */
	uint64_t len;           /* window length */
	void *map_base;         /* what mmap returned */
	size_t map_len;
	int fd;                 /* the fd mapped (dma-buf or device) */
	int sock;               /* --connect: the primary, -1 */
	bool dmabuf;
	bool rdonly;
	int wc;                 /* write-combining asked for: 1, 0, or -1 unknown */
	uint64_t pio_off;       /* pread/pwrite fallback: device fd offset */
	struct vf_device dev;   /* the classic path's device */
	bool have_dev;
	bool fd_ours;           /* fd was taken, received or exported here: ours to close */
	uint64_t offset;        /* --offset: where the window starts in the source */
	char what[128];         /* "dma-buf fd 5", "0000:00:03.0 BAR 0" for messages */
};

/* Map the source o names.  Returns an exit code. */
int vf_source_map(const struct vf_source_opts *o, bool allow_pio, struct vf_mapping *m);
void vf_source_unmap(struct vf_mapping *m);

/* Accesses to a mapped source, width 1/2/4/8, offsets relative to the
 * window.  Each prints its error and returns an exit code (3 after
 * SIGBUS: access revoked). */
int vf_access_check(const struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		    uint64_t count);
int vf_access_read(struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		   size_t count, uint64_t *vals);
int vf_access_write(struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		    size_t count, const uint64_t *vals, uint64_t *readback);

#endif /* VFBUF_SOURCE_H */
