/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmabuf.h - exporting, naming and revoking VFIO dma-bufs, with every
 * refusal explained.
 *
 * Core layer, on the device layer (device.h) and the raw ioctls of vfio.h.  Errors
 * are printed here (what the kernel said and why it most likely said it);
 * functions return an exit code.
 */
#ifndef VFBUF_DMABUF_H
#define VFBUF_DMABUF_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "pcidev.h"
#include "vfio.h"

#define VF_MAX_RANGES 64

struct vf_export_req {
	unsigned int bar;
	struct vf_range ranges[VF_MAX_RANGES];
	unsigned int nranges; /* 0: the whole BAR */
	bool rdonly, wc;
	bool check; /* validate before the ioctl (default) */
	const char *name; /* NULL: vfbuf's default name; "" no name */
};

/* What an export produced. */
struct vf_export {
	int fd;
	uint64_t size, ino;
	char exporter[64];
	char name[64];
	bool wc;
};

/* Check a request against the device's BARs (sysfs: nothing is opened):
 * the BAR exists and is a memory BAR; no ranges means the whole BAR (filled
 * in); with req->check, each range is non-empty, page-aligned and inside
 * the BAR.  Prints the error; returns an exit code (2 for a bad request). */
int vf_export_check(const struct vf_pcidev *pci, struct vf_export_req *req);

/* Validate (vf_export_check), export, name, set the attribute.  Returns an
 * exit code. */
int vf_export(struct vf_device *d, struct vf_export_req *req, struct vf_export *out);

/* Revoke dmabuf_fd through devfd (a fd of d's device), naming it what in
 * errors ("fd 6 of process 153"; NULL: "fd N").  Returns an exit code; 69
 * with the reason when the series is not there. */
int vf_revoke(struct vf_device *d, int devfd, int dmabuf_fd, const char *what);

/* The "series not in this kernel" error for an operation, with how d's
 * revision was looked for (d->series); exit 69. */
int vf_series_absent(const char *op, const struct vf_device *d);

/* "OFF+LEN,..." of the request's ranges, in hex. */
void vf_export_ranges(const struct vf_export_req *req, char *out, size_t sz);

/* The same as a list: text OFF+LEN, JSON [{offset, length}]. */
struct vf_list;
void vf_export_ranges_list(const struct vf_export_req *req, struct vf_list *l);

/* One line describing an export, for --exec and --serve clients:
 * "size=S inode=I device=BDF bar=N ranges=OFF+LEN,... name=NAME access=rw|ro wc=0|1". */
void vf_export_describe(const struct vf_device *d, const struct vf_export_req *req,
			const struct vf_export *e, char *out, size_t sz);

#endif /* VFBUF_DMABUF_H */
