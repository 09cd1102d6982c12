/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat.h - uAPI definitions the build machine's kernel headers may lack.
 *
 * Bottom layer.  Every block is guarded so that a system header which
 * already has the definition wins.  Numbers for mainline come from Linux
 * 6.19+ <linux/vfio.h> (VFIO_DEVICE_FEATURE_DMA_BUF arrived in 6.19);
 * numbers for the posted (unmerged) "mmap and revoke VFIO dma-bufs" series
 * are NOT here: they live in the per-revision table in uapi.c, because
 * they are not final and one of them (feature 13) already means something
 * else on 7.3.
 */
#ifndef VFBUF_COMPAT_H
#define VFBUF_COMPAT_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/vfio.h>
#include <linux/dma-buf.h>

/* ---- mainline VFIO dma-buf export (Linux 6.19+) ---- */
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

/* ---- dma-buf (linux/dma-buf.h) ---- */
#ifndef DMA_BUF_NAME_LEN
#define DMA_BUF_NAME_LEN 32
#endif
#ifndef DMA_BUF_SET_NAME
#define DMA_BUF_BASE 'b'
#define DMA_BUF_SET_NAME _IOW(DMA_BUF_BASE, 1, const char *)
#endif

#endif /* VFBUF_COMPAT_H */
