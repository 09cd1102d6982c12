/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * device.h - the device layer: find a VFIO device once from a selector,
 * open it through VFIO's group path, or take it from the process that
 * holds it (pidfd), and explain every refusal (not bound, no IOMMU group,
 * group not viable, busy and who holds it, permission, a kernel without
 * the group interface).
 *
 * Core layer.  Functions print their error and return an exit code.
 */
#ifndef VFBUF_DEVICE_H
#define VFBUF_DEVICE_H

#include <sys/types.h>

#include "pcidev.h"
#include "uapi.h"
#include "vfio.h"

/* A device opened (or taken) for VFIO work. */
struct vf_device {
	struct vf_pcidev pci;
	struct vf_vfio_dev vfio;
	struct vf_uapi_choice series;  /* the revision it speaks: vf_device_rev() */
	bool series_known;
	bool cdev;                     /* opened through its cdev (iommufd) */
};

/* --vfio: "auto" (the group path where it exists, else the cdev),
 * "group" or "cdev", into vf.vfio.  0 or -1. */
int vf_vfio_select(const char *arg);
/* The same from VFBUF_VFIO (unset or empty: no change).  0, or -1 with
 * *value the unknown one. */
int vf_vfio_select_env(const char **value);

/* Which front doors of pci exist here: the group path (/dev/vfio/vfio and
 * /dev/vfio/N), the cdev path (/dev/vfio/devices/vfioN and /dev/iommu). */
struct vf_doors {
	bool group, cdev;
};
void vf_device_doors(const struct vf_pcidev *pci, struct vf_doors *out);

/* The one PCI device sel selects (one scan of the PCI tree). */
int vf_device_find(const struct vf_select *sel, struct vf_pcidev *pci);

/* Open pci (found by vf_device_find or vf_device_held) into d, through
 * the front door --vfio names (auto: the group path where it exists, else
 * the cdev). */
int vf_device_open(const struct vf_pcidev *pci, struct vf_device *d);

/* The VFIO device that process pid holds: the one sel selects (sel may
 * select nothing: then pid's only one), into *pci, and its fd number in
 * pid into *fd; nothing is opened or taken.  One scan of the PCI tree.
 * none_hint is the hint when pid holds none. */
int vf_device_held(pid_t pid, const struct vf_select *sel, const char *none_hint,
		   struct vf_pcidev *pci, int *fd);
/* Take fd of process pid, the device fd of pci, into d (pidfd_getfd). */
int vf_device_take(pid_t pid, int fd, const struct vf_pcidev *pci, struct vf_device *d);

void vf_device_close(struct vf_device *d);

/* Open <sysroot>/dev/iommu into *fd; what says what for, in errors (69: a
 * kernel without iommufd). */
int vf_device_iommufd(int *fd, const char *what);
/* Open pci through its cdev, bound to iommufd (an importer's, shared by
 * several devices: d does not own it) and attached to its IOAS ioas. */
int vf_device_open_cdev(const struct vf_pcidev *pci, int iommufd, uint32_t ioas, struct vf_device *d);

/* The series revision d speaks (chosen, and probed under --uapi auto, on
 * the first call: only what needs the series asks), or NULL; d->series
 * says how it was known or why none. */
const struct vf_uapi_rev *vf_device_rev(struct vf_device *d);

#endif /* VFBUF_DEVICE_H */
