/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcidev.h - PCI devices and their VFIO state, from sysfs through libpci.
 *
 * Core layer.  Works unprivileged: everything here comes from sysfs.
 */
#ifndef VFBUF_PCIDEV_H
#define VFBUF_PCIDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

#define VF_NBARS 6

struct vf_bar {
	bool present;
	bool io, is64, prefetch;
	uint64_t size;
};

enum vf_viable { VF_VIABLE_UNKNOWN = -1, VF_VIABLE_NO = 0, VF_VIABLE_YES = 1 };

struct vf_pcidev {
	struct vf_bdf bdf;
	char bdfstr[VF_BDF_LEN];
	unsigned int vendor, device, class_id;
	char name[160];     /* vendor and device names from pci.ids ("" from
			     * vf_pci_find_one) */
	char driver[64];    /* "" when unbound */
	bool vfio;          /* bound to vfio-pci or a vfio-pci variant driver */
	int group;          /* IOMMU group, -1 when none */
	enum vf_viable viable;
	char blockers[256]; /* group members in the way: "BDF(driver) ..." */
	bool noiommu;        /* a no-IOMMU group (name "vfio-noiommu"): no DMA isolation */
	char group_node[48]; /* "/dev/vfio/N" ("/dev/vfio/noiommu-N") when present */
	char cdev[32];       /* "vfioN" or "noiommu-vfioN" (cdev) when present */
	struct vf_bar bars[VF_NBARS];
};

/* Device selection as lspci has it (-s and -d); NULL for "any". */
struct vf_select {
	const char *slot;
	const char *id;
};

/* Check a selector's syntax (libpci's parser).  Returns 0 if fine, or -1
 * with libpci's message in msg. */
int vf_select_check(const struct vf_select *sel, char *msg, size_t sz);

/* Scan the PCI devices matching sel (all when sel is NULL), sorted by
 * address.  Each scan says "scanning PCI devices" with -vv.  Returns the count (>= 0) with *out malloc'd, or an exit code
 * (negated) after printing the error. */
int vf_pci_scan(const struct vf_select *sel, struct vf_pcidev **out);

/* The selector as the user gave it: "-s X -d Y", "" for none. */
void vf_select_text(const struct vf_select *sel, char *out, size_t sz);

/* "selector matched nothing/several" errors for commands that need one
 * device; returns 0 with *dev set, or an exit code. */
int vf_pci_find_one(const struct vf_select *sel, struct vf_pcidev *dev);

/* What would be taken from this host by unbinding d from its driver: "a
 * block device of it is mounted (nvme0n1p1, 259:1)", "network interface
 * enp2s0 is up", "it is the boot VGA device", "ttyS0 on it is the
 * console", joined by "; " into why; "" when nothing is known to use it.
 * Reads sysfs and <sysroot>/proc/self/mountinfo only. */
void vf_pci_in_use(const struct vf_pcidev *d, char *why, size_t sz);

/* What the running kernel offers VFIO (sysfs and /lib/modules, under
 * --sysroot). */
struct vf_vfio_support {
	bool vfio_pci;    /* /sys/bus/pci/drivers/vfio-pci, or a vfio-pci module file */
	bool iommu;       /* /sys/kernel/iommu_groups has a group */
	bool noiommu;     /* vfio's enable_unsafe_noiommu_mode is on */
	char release[96]; /* the kernel release (proc/sys/kernel/osrelease) */
};
void vf_vfio_support(struct vf_vfio_support *s);

#endif /* VFBUF_PCIDEV_H */
