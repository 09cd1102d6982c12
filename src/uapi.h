/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uapi.h - the posted "vfio/pci: mmap and revoke VFIO dma-bufs" series'
 * uAPI, per revision, and which revision a device speaks.
 *
 * Core layer.  The series is in no released kernel and its numbers changed
 * between revisions (v4's feature 13 is ZPCI_ERROR on 7.3), so vfbuf sends
 * a series number only to a device whose driver declares that revision
 * (/sys/module/DRIVER/parameters/uapi, as vfbuf_sim does), or when the
 * build's own kernel headers define it.
 */
#ifndef VFBUF_UAPI_H
#define VFBUF_UAPI_H

#include <stdbool.h>
#include <stdint.h>

#include "pcidev.h"

enum vf_rev_id { VF_REV_NONE = 0, VF_REV_V1, VF_REV_V4 };

struct vf_uapi_rev {
	enum vf_rev_id id;
	const char *name; /* "v1" */
	const char *what; /* one line for --help and messages */
	/* revoke */
	unsigned long revoke_ioctl;   /* v1: an ioctl on the device fd, else 0 */
	unsigned int revoke_feature;  /* v4: a VFIO_DEVICE_FEATURE, else 0 */
	/* write-combining */
	uint32_t export_flags_wc;     /* v1: flag bits 31:28 of the export */
	unsigned int memattr_feature; /* v4: a VFIO_DEVICE_FEATURE, else 0 */
	uint32_t memattr_wc;
};

/* The table, NULL-terminated.  "none" (mainline only) is not in it. */
extern const struct vf_uapi_rev *const vf_uapi_revs[];

/* --uapi: "none" (default: the build's headers define no revision), "auto"
 * (what the device's driver declares), or a revision name, into vf.uapi
 * and vf.uapi_origin (vfbuf.h).  0 or -1. */
int vf_uapi_select(const char *arg);
/* The same from the environment variable VFBUF_UAPI (unset or empty: no
 * change), before the command line is parsed, so --uapi wins.  0, or -1
 * with *value the unknown revision. */
int vf_uapi_select_env(const char **value);

/* The revision to use for d: the selected one if d's driver declares it
 * (or "auto" and d's driver declares any), else NULL; *declared gets the
 * driver's own declaration ("" when none). */
const struct vf_uapi_rev *vf_uapi_for(const struct vf_pcidev *d, char *declared, size_t sz);

/* The series' name, for messages. */
#define VF_SERIES "the posted 'vfio/pci: mmap and revoke VFIO dma-bufs' series"

#endif /* VFBUF_UAPI_H */
