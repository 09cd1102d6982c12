/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uapi.h - the posted "vfio/pci: mmap and revoke VFIO dma-bufs" series'
 * uAPI, per revision, and which revision a device speaks.
 *
 * Core layer.  The series is in no released kernel and its numbers changed
 * between revisions (v4's feature 13 is ZPCI_ERROR on 7.3), so vfbuf sends
 * a series number only after calls that cannot change anything showed the
 * running driver answering as that revision would (vf_uapi_verify).
 *
 * How a device's revision is known (--uapi, default auto):
 *   given     --uapi vN or VFBUF_UAPI=vN: the user's word, verified;
 *   declared  its driver declares one (/sys/module/DRIVER/parameters/uapi,
 *             as vfbuf_sim does), verified;
 *   probed    auto and nothing declared: the safe probes identify one, and
 *             a one-page export of the device can be mmap()ed (the series'
 *             mark: mainline refuses with EINVAL);
 *   none      --uapi none, or nothing identified (why says why).
 */
#ifndef VFBUF_UAPI_H
#define VFBUF_UAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcidev.h"

enum vf_rev_id { VF_REV_NONE = 0, VF_REV_V1, VF_REV_V2, VF_REV_V4, VF_REV_V5 };

struct vf_uapi_rev {
	enum vf_rev_id id;
	const char *name;  /* "v1" */
	const char *alias; /* another name of the same uAPI ("v3" for v4), or NULL */
	const char *what;  /* one line for --help and messages */
	/* revoke: an ioctl on the device fd (v1, v2), or a device feature SET */
	unsigned long revoke_ioctl;
	unsigned int revoke_feature;
	/* write-combining: none (v5), export flag bits (v1), or a feature */
	uint32_t export_flags_wc;
	unsigned int memattr_feature;
	unsigned int memattr_ops; /* VFIO_DEVICE_FEATURE_GET/SET it takes */
	uint32_t memattr_wc;
};

/* The table, NULL-terminated.  "none" (mainline only) is not in it. */
extern const struct vf_uapi_rev *const vf_uapi_revs[];
/* Does rev have a write-combining attribute at all? */
bool vf_uapi_has_wc(const struct vf_uapi_rev *rev);

/* --uapi: "auto" (default), "none" or a revision name (or alias), into
 * vf.uapi and vf.uapi_origin (vfbuf.h).  0 or -1. */
int vf_uapi_select(const char *arg);
/* The same from the environment variable VFBUF_UAPI (unset or empty: no
 * change).  0, or -1 with *value the unknown revision (the caller decides
 * whether that matters: --uapi on the command line wins). */
int vf_uapi_select_env(const char **value);
/* "none, auto, v1, v2, v3, v4, v5" for messages. */
const char *vf_uapi_names(void);

/* What vfbuf knows of a device's revision. */
struct vf_uapi_choice {
	const struct vf_uapi_rev *rev; /* NULL: none */
	const char *how;               /* "given", "declared", "probed", "none" */
	char declared[16];             /* its driver's declaration, "" */
	char why[320];                 /* how it was known, or why none */
};

/* What d's driver declares in sysfs ("" none). */
void vf_uapi_declared(const struct vf_pcidev *d, char *out, size_t sz);

/* Choose d's revision with its open device fd (probing as --uapi says).
 * Prints nothing; fills *out. */
void vf_uapi_choose(int devfd, const struct vf_pcidev *d, struct vf_uapi_choice *out);

/* Before sending rev's numbers: check, with calls that change nothing,
 * that the driver answers as rev would (its whole pattern of features and
 * ioctl).  0, or -1 with what it answered in why. */
int vf_uapi_verify(int devfd, const struct vf_uapi_rev *rev, char *why, size_t sz);

/* The series' name, for messages. */
#define VF_SERIES "the posted 'vfio/pci: mmap and revoke VFIO dma-bufs' series"

#endif /* VFBUF_UAPI_H */
