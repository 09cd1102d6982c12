/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.h - where map, peek and poke get their memory: an inherited
 * dma-buf fd (--fd), one taken from another process (--pid --fd, with
 * pidfd_getfd), one vended by a primary (--connect), or a BAR mapped
 * through the device fd (-s/-d --bar, the classic path).
 *
 * Core layer.  Prints its errors and returns exit codes.
 */
#ifndef VFBUF_SOURCE_H
#define VFBUF_SOURCE_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "dmabuf.h"

struct vf_source_opts {
	int fd;              /* --fd, -1 */
	pid_t pid;           /* --pid, 0 */
	const char *connect; /* --connect */
	int bar;             /* --bar, -1 */
	uint64_t offset;     /* --offset */
	uint64_t length;     /* --length, 0: to the end */
	bool wc;             /* --wc */
	bool no_check;       /* --no-check: let mmap() judge the window */
	bool close_fd;       /* --close-fd: keep only the mapping */
	bool write;          /* the command writes */
};
extern struct vf_source_opts vf_src;
/* The option group (--fd --pid --connect --bar --offset --length --wc). */
extern const struct argp vf_source_argp;

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
	char what[128];         /* "dma-buf fd 5", "0000:00:03.0 BAR 0" for messages */
};

/* pidfd_open(2) and pidfd_getfd(2), explaining failures; return the fd
 * or a negated exit code. */
int vf_pidfd_open(pid_t pid);
int vf_pidfd_getfd(int pidfd, pid_t pid, int fd, const char *what);

/* The VFIO device that process pid holds (the one sel selects, or its
 * only one): d->pci, d->rev and d->declared set, nothing opened or taken
 * (d->vfio's fds -1), *fd its fd number in pid.  none_hint is the hint when
 * pid holds none.  Returns an exit code. */
int vf_device_held(pid_t pid, const struct vf_select *sel, const char *none_hint,
		   struct vf_device *d, int *fd);
/* The same, and take that fd (pidfd_getfd) into d->vfio.device: d then
 * works with the functions of dmabuf.h; vf_device_close() closes it. */
int vf_device_take(pid_t pid, const struct vf_select *sel, const char *none_hint,
		   struct vf_device *d);

/* Map the source named by vf_src (and vf_sel).  Returns an exit code. */
int vf_source_map(struct vf_mapping *m, bool allow_pio);
void vf_source_unmap(struct vf_mapping *m);

#endif /* VFBUF_SOURCE_H */

/* Accesses to a mapped source, width 1/2/4/8, offsets relative to the
 * window.  Each prints its error and returns an exit code (3 after
 * SIGBUS: access revoked). */
int vf_access_check(const struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		    uint64_t count);
int vf_access_read(struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		   size_t count, uint64_t *vals);
int vf_access_write(struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		    size_t count, const uint64_t *vals, uint64_t *readback);
