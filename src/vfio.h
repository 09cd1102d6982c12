/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio.h - the kernel interface: VFIO container/group/device and iommufd
 * ioctls, and the dma-buf export feature.
 *
 * Bottom layer.  Functions return 0 / a value, or -errno; they print
 * nothing, except vf_vfio_open(), which explains every way opening a
 * device can fail (the hints need the sysfs view from pcidev.h).
 */
#ifndef VFBUF_VFIO_H
#define VFBUF_VFIO_H

#include <stdbool.h>
#include <stdint.h>

#include "pcidev.h"

struct vf_vfio_dev {
	int container; /* /dev/vfio/vfio, or -1 */
	int group;     /* /dev/vfio/N, or -1 */
	int iommufd;   /* /dev/iommu (cdev path), or -1 */
	int device;    /* the device fd */
	bool cdev;     /* opened through /dev/vfio/devices/vfioN */
	char bdf[VF_BDF_LEN];
	unsigned int num_regions;
	unsigned int flags;
};

struct vf_region {
	uint32_t index;
	uint32_t flags; /* VFIO_REGION_INFO_FLAG_* */
	uint64_t size;
	uint64_t offset; /* mmap/pread offset in the device fd: index << 40 */
};

/* Open d through the group/container path (or the cdev path with
 * iommufd where the kernel has it).  On failure prints the reason with a
 * hint and returns an exit code. */
int vf_vfio_open(const struct vf_pcidev *d, struct vf_vfio_dev *out);
void vf_vfio_close(struct vf_vfio_dev *v);

/* VFIO_DEVICE_GET_REGION_INFO.  0 or -errno. */
int vf_vfio_region(const struct vf_vfio_dev *v, unsigned int index, struct vf_region *out);

/* VFIO_DEVICE_FEATURE with PROBE|ops for a feature: 1 supported, 0 not
 * (ENOTTY/EINVAL/EOPNOTSUPP), or another -errno. */
int vf_vfio_feature_probe(const struct vf_vfio_dev *v, unsigned int feature, unsigned int ops);

/* "R W MMAP CAPS" text for region flags. */
void vf_region_flags_str(uint32_t flags, char *out, size_t sz);

#endif /* VFBUF_VFIO_H */

/* ---- dma-buf export and the series' operations (raw ioctls) ---- */

struct vf_range {
	uint64_t off, len;
};

/* VFIO_DEVICE_FEATURE_DMA_BUF.  Returns the new fd or -errno. */
int vf_vfio_export(const struct vf_vfio_dev *v, uint32_t bar, const struct vf_range *rg,
		   uint32_t nranges, uint32_t open_flags, uint32_t flags);
/* DMA_BUF_SET_NAME.  0 or -errno. */
int vf_dmabuf_set_name(int fd, const char *name);
/* The series' revoke: through an ioctl (v1) or a feature (v4) on devfd. */
int vf_vfio_revoke_ioctl(int devfd, unsigned long req, int dmabuf_fd);
int vf_vfio_revoke_feature(int devfd, unsigned int feature, int dmabuf_fd);
/* The series' v4 MEMATTR feature. */
int vf_vfio_memattr(int devfd, unsigned int feature, int dmabuf_fd, uint32_t memattr);
