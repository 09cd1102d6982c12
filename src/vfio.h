/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio.h - the kernel interface: VFIO container, group and device ioctls,
 * the dma-buf export feature and the series' operations, as raw calls.
 *
 * Bottom layer.  Every function takes fds and plain values and returns 0
 * (or a value) or -errno; nothing here prints, reads /proc or /sys, or
 * knows about PCI devices.  Explaining a refusal is device.c's and
 * dmabuf.c's job.
 */
#ifndef VFBUF_VFIO_H
#define VFBUF_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fds of a VFIO device opened through one of VFIO's front doors: the
 * group path (container, group, device) or the cdev path (iommufd, the
 * device's cdev bound to it and attached to an IOAS). */
struct vf_vfio_dev {
	int container; /* /dev/vfio/vfio (group path), or -1 */
	int group;     /* /dev/vfio/N (group path), or -1 */
	int iommufd;   /* /dev/iommu (cdev path), or -1 */
	int device;    /* the device fd, or -1 */
	uint32_t devid, ioas; /* the cdev path's iommufd objects */
	unsigned int num_regions;
	unsigned int flags; /* VFIO_DEVICE_FLAGS_* */
};
#define VF_VFIO_DEV_INIT { .container = -1, .group = -1, .iommufd = -1, .device = -1 }

struct vf_region {
	uint32_t index;
	uint32_t flags; /* VFIO_REGION_INFO_FLAG_* */
	uint64_t size;
	uint64_t offset; /* mmap/pread offset in the device fd: index << 40 */
};

struct vf_range {
	uint64_t off, len;
};

/* ioctl(), retried on EINTR: the result or -errno. */
int vf_ioctl(int fd, unsigned long req, void *arg);

/* ---- the group path ---- */
/* VFIO_GET_API_VERSION: the version, or -errno. */
int vf_vfio_api_version(int container);
/* Does the container offer a type1 IOMMU backend?  1 yes, 0 no. */
int vf_vfio_has_type1(int container);
/* VFIO_NOIOMMU_IOMMU (vfio loaded with enable_unsafe_noiommu_mode=1). */
int vf_vfio_has_noiommu(int container);
/* VFIO_GROUP_GET_STATUS: 0 with *flags (VFIO_GROUP_FLAGS_*), or -errno. */
int vf_vfio_group_status(int group, uint32_t *flags);
/* VFIO_GROUP_SET_CONTAINER, then VFIO_SET_IOMMU (type1v2, else type1; with
 * noiommu VFIO_NOIOMMU_IOMMU).
 * 0 or -errno; *stage names the call that failed. */
int vf_vfio_group_attach(int group, int container, bool noiommu, const char **stage);
/* VFIO_GROUP_GET_DEVICE_FD for the device named bdf: the fd or -errno. */
int vf_vfio_group_device(int group, const char *bdf);

/* ---- the device ---- */
/* VFIO_DEVICE_GET_INFO into v->num_regions and v->flags.  0 or -errno. */
int vf_vfio_device_info(struct vf_vfio_dev *v);
/* Close every fd of v that is open, and mark them closed. */
void vf_vfio_close(struct vf_vfio_dev *v);
/* VFIO_DEVICE_GET_REGION_INFO.  0 or -errno. */
int vf_vfio_region(int devfd, unsigned int index, struct vf_region *out);
/* VFIO_DEVICE_FEATURE with PROBE|ops for a feature: 1 supported, 0 not
 * (ENOTTY/EINVAL/EOPNOTSUPP), or another -errno. */
int vf_vfio_feature_probe(int devfd, unsigned int feature, unsigned int ops);
/* "rwmc" text for region flags ('-' where a flag is off). */
void vf_region_flags_str(uint32_t flags, char *out, size_t sz);

/* ---- dma-buf export and the series' operations ---- */
/* VFIO_DEVICE_FEATURE_DMA_BUF.  Returns the new fd or -errno. */
int vf_vfio_export(int devfd, uint32_t bar, const struct vf_range *rg, uint32_t nranges,
		   uint32_t open_flags, uint32_t flags);
/* DMA_BUF_SET_NAME.  0 or -errno. */
int vf_dmabuf_set_name(int fd, const char *name);
/* The series' revoke: an ioctl {argsz, dmabuf_fd} (v1, v2), or a device
 * feature SET {dmabuf_fd} (v3 on). */
int vf_vfio_revoke_ioctl(int devfd, unsigned long req, int dmabuf_fd);
int vf_vfio_revoke_feature(int devfd, unsigned int feature, int dmabuf_fd);
/* The series' MEMATTR feature SET {dmabuf_fd, memattr}. */
int vf_vfio_memattr(int devfd, unsigned int feature, int dmabuf_fd, uint32_t memattr);

#endif /* VFBUF_VFIO_H */
