/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapping.h - what one /proc/PID/maps line is, in VFIO terms: the series'
 * dma-buf BAR mapping, a classic VFIO BAR mapping, another dma-buf, or
 * something else.  Shared by maps-decode and map.
 *
 * Core layer.  Reads sysfs (cdev links) and the process's fdinfo (its VFIO
 * devices) only when a line needs them.
 */
#ifndef VFBUF_MAPPING_H
#define VFBUF_MAPPING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "parse.h"
#include "procfs.h"

/* Per process: what decoding its lines needs to know. */
struct vf_decode_ctx {
	pid_t pid;     /* 0: unknown (a file) */
	int vfio_devs; /* -1: not looked up yet */
	struct vf_vfio_fd devs[2];
};
#define VF_DECODE_CTX(p) { .pid = (p), .vfio_devs = -1 }

struct vf_decoded {
	const char *kind; /* "dmabuf-bar", "vfio-bar", "dmabuf", "other" */
	bool has_bdf, has_bar, has_baroff;
	struct vf_bdf bdf;
	char vfio[32]; /* "" when unknown */
	unsigned int bar;
	uint64_t baroff;
	const char *name; /* dma-buf name (without "/dmabuf:") or path */
	size_t name_len;
};

/* Decode m.  Returns false for a mapping that is neither VFIO nor dma-buf
 * (out->kind is then "other"). */
bool vf_decode_mapping(struct vf_decode_ctx *ctx, const struct vf_maps_line *m,
		       struct vf_decoded *out);

/*
 * The scan's fast path: true only if line[0..len) is a maps line
 * vf_parse_maps_line() accepts and vf_decode_mapping() would not decode
 * (its path cannot be a dma-buf or a VFIO device): maps-decode then skips
 * it without parsing.  False when unsure (the caller parses).  It checks
 * the same grammar without computing the values; tests/fuzz/fuzz_maps
 * checks that the two agree.
 */
bool vf_maps_line_plain(const char *line, size_t len);

/*
 * The scan in one call: 1 when vf_maps_line_plain() is true (out not
 * set), else vf_parse_maps_line()'s answer: 0 with *out filled as it
 * fills it, -1 when the text is not a maps line.  The common layout is
 * checked and read in one pass (tests/fuzz/fuzz_maps checks the three
 * agree).
 */
int vf_maps_line_scan(const char *line, size_t len, struct vf_maps_line *out);

#endif /* VFBUF_MAPPING_H */
