/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/helpers/helpers.h: shared code of the guest-side test helpers.
 *
 * The helpers build against the host's kernel headers. Those may be older
 * than the kernel in the VM (Debian bookworm's lack the VFIO dma-buf export
 * of Linux 7.x), so the definitions the helpers need are repeated below,
 * each guarded so that newer headers win.
 */
#ifndef VFBUF_TEST_HELPERS_H
#define VFBUF_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/types.h>
#include <linux/vfio.h>

/* ---- compat: VFIO dma-buf export (Linux 6.19+, uapi.md section 1) ---- */
#ifndef VFIO_DEVICE_FEATURE_DMA_BUF
#define VFIO_DEVICE_FEATURE_DMA_BUF 11

struct vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

struct vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;
	__u32 flags;
	__u32 nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};
#endif

#ifndef DMA_BUF_NAME_LEN
#define DMA_BUF_NAME_LEN 32
#endif

/* VFIO PCI's region offset encoding (kernel-internal, stable since 3.6). */
#ifndef VFIO_PCI_OFFSET_SHIFT
#define VFIO_PCI_OFFSET_SHIFT 40
#endif

#define PAGE 4096UL

/* An open VFIO device through the group/container (type1v2) path. */
struct vfio_dev {
	char bdf[32];
	int group_no;
	int container;	/* /dev/vfio/vfio */
	int group;	/* /dev/vfio/N */
	int device;	/* VFIO_GROUP_GET_DEVICE_FD */
};

/* Print "PROG: message: strerror" to stderr and exit 1 (errno style). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Same without errno. */
void diex(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
extern const char *prog;

/* Open BDF's device via its IOMMU group; returns 0 or -errno (no exit). */
int vfio_open(const char *bdf, struct vfio_dev *d);
void vfio_close(struct vfio_dev *d);
/* VFIO_DEVICE_GET_REGION_INFO; 0 or -errno. */
int vfio_region(const struct vfio_dev *d, unsigned index, struct vfio_region_info *ri);

/*
 * VFIO_DEVICE_FEATURE with a DMA_BUF payload. argsz covers nr_copy ranges
 * while the header says nr_ranges (they differ only in abuse tests).
 * Returns the ioctl's result; errno is kept.
 */
int dmabuf_feature(int devfd, uint32_t feature_flags, uint32_t region,
		   uint32_t open_flags, uint32_t flags, uint32_t nr_ranges,
		   const struct vfio_region_dma_range *r, uint32_t nr_copy);
/* Export ranges of a BAR as a dma-buf (GET); fd or -1 with errno. */
int dmabuf_export(int devfd, uint32_t region, uint32_t open_flags,
		  const struct vfio_region_dma_range *r, uint32_t nr);

/* Allocate a dma-heap buffer from /dev/dma_heap/NAME; fd or -1 with errno. */
int heap_alloc(const char *heap, size_t len);

/* Value of KEY in /proc/self/fdinfo/FD into buf; 0, or -1 if absent. */
int fdinfo_get(int fd, const char *key, char *buf, size_t len);
/* readlink /proc/self/fd/FD into buf; 0 or -1. */
int fd_link(int fd, char *buf, size_t len);
/* The /proc/self/maps line covering addr (no newline); 0 or -1. */
int maps_line(const void *addr, char *buf, size_t len);

/* The vfio device name (vfioN) of a BDF from sysfs vfio-dev/, or NULL. */
const char *vfio_dev_name(const char *bdf, char *buf, size_t len);

/* Name of an errno value ("EINVAL"), "0" for 0. */
const char *errname(int err);

/* Parse a number (0x..., or decimal, with optional K/M/G suffix). */
int parse_u64(const char *s, uint64_t *out);

#endif
