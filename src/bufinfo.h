/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bufinfo.h - the dma-buf core's debugfs list, dma_buf/bufinfo
 * (drivers/dma-buf/dma-buf.c, dma_buf_debug_show()): each dma-buf's
 * inode and the devices attached to it (its importers).
 *
 * Parse layer: pure, line by line, in fixed memory.  The kernel writes, per
 * buffer,
 *
 *	SIZE\tFLAGS\tMODE\tCOUNT\tEXP_NAME\tINO\tNAME        (size ... ino: 8+ digits)
 *	\tKIND fence:...                                    (0 or more)
 *	\tAttached Devices:
 *	\tDEVICE                                            (0 or more: dev_name())
 *	Total N devices attached
 *
 * between a heading and a final "Total N objects, M bytes".  NAME is what a
 * process set with DMA_BUF_SET_NAME and is printed as is, so a record is
 * taken only when it has exactly that shape: one "Attached Devices:", a
 * Total that counts the device lines, no second buffer line before it;
 * otherwise the record is returned marked not ok (its importers unknown).
 */
#ifndef VFBUF_BUFINFO_H
#define VFBUF_BUFINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VF_BUFINFO_DEVS 16     /* attachments kept per buffer */
#define VF_BUFINFO_DEV_NAME 64 /* a device name (dev_name()), with its NUL */

/* One buffer's record. */
struct vf_bufinfo_rec {
	uint64_t ino;
	bool ok;           /* the kernel's shape, every device kept */
	unsigned int ndev; /* device lines (kept: at most VF_BUFINFO_DEVS) */
	char dev[VF_BUFINFO_DEVS][VF_BUFINFO_DEV_NAME];
};

/* The parser's state: zero it to start. */
struct vf_bufinfo {
	bool open;     /* a buffer line seen, no Total yet */
	bool in_devs;  /* after its "Attached Devices:" */
	bool headed;   /* its "Attached Devices:" was seen */
	struct vf_bufinfo_rec cur;
};

/*
 * Feed one line (its '\n' may be there).  Returns true when *out holds a
 * finished record: at its Total line, or (not ok) when a buffer line
 * comes before the open record's Total.
 */
bool vf_bufinfo_line(struct vf_bufinfo *st, const char *line, size_t len, struct vf_bufinfo_rec *out);
/* At the end of the text: true with the open record (not ok), if any. */
bool vf_bufinfo_end(struct vf_bufinfo *st, struct vf_bufinfo_rec *out);

#endif /* VFBUF_BUFINFO_H */
