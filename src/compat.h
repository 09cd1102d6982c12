/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat.h - uAPI definitions the build machine's kernel headers may lack.
 *
 * Bottom layer: included only by the kernel-interface modules.  Every block
 * is guarded so that a system header which already has the definition wins.
 * Numbers for mainline come from Linux 7.2/7.3 <linux/vfio.h>; numbers for
 * the posted (unmerged) "mmap and revoke VFIO dma-bufs" series are NOT here:
 * they live in the per-revision table in uapi-rev.c, because they are not
 * final and one of them (feature 13) already means something else on 7.3.
 */
#ifndef VFBUF_COMPAT_H
#define VFBUF_COMPAT_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/vfio.h>
#include <linux/dma-buf.h>

/* ---- mainline VFIO dma-buf export (Linux 7.2+) ---- */
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

/* ---- VFIO cdev + iommufd (Linux 6.6+) ---- */
#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

#ifndef IOMMU_IOAS_ALLOC
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMUFD_TYPE (';')
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, 0x81)
#endif

/* ---- VFIO region index names (stable since 3.6) ---- */
#ifndef VFIO_PCI_OFFSET_SHIFT
#define VFIO_PCI_OFFSET_SHIFT 40
#endif

/* ---- dma-buf (linux/dma-buf.h) ---- */
#ifndef DMA_BUF_NAME_LEN
#define DMA_BUF_NAME_LEN 32
#endif
#ifndef DMA_BUF_SET_NAME
#define DMA_BUF_BASE 'b'
#define DMA_BUF_SET_NAME _IOW(DMA_BUF_BASE, 1, const char *)
#endif

#endif /* VFBUF_COMPAT_H */
