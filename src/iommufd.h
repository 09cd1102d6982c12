/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iommufd.h - the kernel interface for iommufd (/dev/iommu) and the VFIO
 * device cdev's iommufd ioctls.
 *
 * Bottom layer.  Functions take fds and plain arguments and return 0 (or a
 * count), or -errno; they print nothing and read nothing from /proc or sysfs.
 *
 * The uAPI comes from <linux/iommufd.h> and <linux/vfio.h> where the build
 * machine's headers have it; every definition below is guarded so that a
 * system header which has it wins (Debian 12's linux-libc-dev 6.1 has no
 * <linux/iommufd.h> and no cdev ioctls in <linux/vfio.h>).  Numbers and
 * layouts are those of Linux 7.3's include/uapi/linux/{iommufd,vfio}.h;
 * IOMMU_IOAS_MAP_FILE is in mainline since 6.13, its dma-buf import since
 * 6.19.
 */
#ifndef VFBUF_IOMMUFD_H
#define VFBUF_IOMMUFD_H

#include <stdint.h>

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfio.h>
#if defined(__has_include)
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#define VF_HAVE_LINUX_IOMMUFD_H 1
#endif
#endif

/* ---- iommufd (Linux 6.2+; MAP_FILE 6.13+) ---- */
#ifndef IOMMUFD_TYPE
#define IOMMUFD_TYPE (';')
#endif

#ifndef IOMMU_DESTROY
struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, 0x80)
#endif

#ifndef IOMMU_IOAS_ALLOC
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, 0x81)
#endif

#ifndef IOMMU_IOAS_IOVA_RANGES
struct iommu_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

struct iommu_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 reserved; /* the kernel's __reserved */
	__aligned_u64 allowed_iovas;
	__aligned_u64 out_iova_alignment;
};
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, 0x84)
#endif

#ifndef IOMMU_IOAS_UNMAP
struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, 0x86)
#endif

#ifndef IOMMU_IOAS_MAP_FILE
struct iommu_ioas_map_file {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__s32 fd;
	__aligned_u64 start;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP_FILE _IO(IOMMUFD_TYPE, 0x8f)
#endif

/* enum iommufd_ioas_map_flags's values, under vfbuf's own names (the
 * kernel's are enum constants, which cannot be tested for). */
#define VF_IOAS_MAP_FIXED_IOVA (1u << 0)
#define VF_IOAS_MAP_WRITEABLE (1u << 1)
#define VF_IOAS_MAP_READABLE (1u << 2)

/* ---- the VFIO device cdev's iommufd ioctls (Linux 6.6+) ---- */
#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr; /* with VFIO_DEVICE_BIND_FLAG_TOKEN (6.17+) */
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
#endif

#ifndef VFIO_DEVICE_ATTACH_IOMMUFD_PT
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
	__u32 pasid; /* with VFIO_DEVICE_ATTACH_PASID (6.13+) */
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

#ifndef VFIO_DEVICE_DETACH_IOMMUFD_PT
struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pasid; /* with VFIO_DEVICE_DETACH_PASID (6.13+) */
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)
#endif

/* ---- functions ---- */

/* The iommufd character device. */
#define VF_IOMMUFD_PATH "/dev/iommu"

/* One allowed IOVA range, both ends inclusive (struct iommu_iova_range). */
struct vf_iova_range {
	uint64_t start;
	uint64_t last;
};

/* Open /dev/iommu read-write, close-on-exec.  The fd, or -errno. */
int vf_iommufd_open(void);

/* IOMMU_IOAS_ALLOC: a new, empty IOAS; its id in *ioas_id.  0 or -errno. */
int vf_ioas_alloc(int iommufd, uint32_t *ioas_id);

/* IOMMU_DESTROY of any iommufd object (an IOAS, a HWPT).  0 or -errno. */
int vf_iommufd_destroy(int iommufd, uint32_t id);

/*
 * IOMMU_IOAS_MAP_FILE: map [start, start + length) of fd (a dma-buf
 * exported by VFIO PCI, or a memfd) into the IOAS.  flags: VF_IOAS_MAP_*.
 * With VF_IOAS_MAP_FIXED_IOVA, *iova is the address to map at; without it
 * the kernel picks one.  Either way *iova is the mapped address on success.
 * 0 or -errno (EOPNOTSUPP: not a VFIO PCI dma-buf, or more than one range;
 * ENODEV: a revoked buffer; EINVAL: outside the buffer, or bad alignment;
 * EEXIST/ENOSPC: the fixed IOVA is taken or not allowed).
 */
int vf_ioas_map_file(int iommufd, uint32_t ioas_id, int fd, uint64_t start, uint64_t length,
		     uint32_t flags, uint64_t *iova);

/* iova 0 with this length unmaps everything (the kernel's "0 to U64_MAX"). */
#define VF_IOAS_UNMAP_ALL UINT64_MAX

/*
 * IOMMU_IOAS_UNMAP of [iova, iova + length); iova 0 and length
 * VF_IOAS_UNMAP_ALL unmap everything.  The kernel only unmaps whole areas
 * (EOPNOTSUPP for part of a dma-buf area, EINVAL for a range that cuts
 * an area, ENOENT where nothing is mapped).  *unmapped (may be NULL) gets
 * the number of bytes unmapped.  0 or -errno.
 */
int vf_ioas_unmap(int iommufd, uint32_t ioas_id, uint64_t iova, uint64_t length,
		  uint64_t *unmapped);

/*
 * Whether fd (a dma-buf) may still be mapped: IOMMU_IOAS_MAP_FILE of
 * [0, length) into ioas_id at an IOVA the kernel picks (readable only),
 * then IOMMU_IOAS_UNMAP of it.  Meant for an IOAS no device is attached
 * to, so that the probe's mapping is in no IOMMU page table and another
 * IOAS's mapping of the same buffer is not touched.  0 (mappable), or
 * -errno of the MAP_FILE (ENODEV: the buffer is revoked) or of the UNMAP.
 */
int vf_ioas_probe_file(int iommufd, uint32_t ioas_id, int fd, uint64_t length);

/*
 * IOMMU_IOAS_IOVA_RANGES: the IOVA ranges the IOAS may map (which shrink as
 * devices are attached: their reserved regions and aperture).  Up to max
 * ranges go to ranges[] (may be NULL when max is 0); *alignment (may be
 * NULL) gets the required IOVA alignment.  Returns the total number of
 * ranges (more than max: call again with a bigger array), or -errno.
 */
int vf_ioas_iova_ranges(int iommufd, uint32_t ioas_id, struct vf_iova_range *ranges,
			uint32_t max, uint64_t *alignment);

/*
 * VFIO_DEVICE_BIND_IOMMUFD on a device cdev fd (/dev/vfio/devices/vfioN):
 * bind it to iommufd; the device's iommufd object id in *devid (may be
 * NULL).  The device fd's other ioctls work only after this.  0 or -errno
 * (EBUSY: already bound or opened through its group; ENODEV: gone).
 */
int vf_vfio_bind_iommufd(int devfd, int iommufd, uint32_t *devid);

/*
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT: attach a bound device to the page table
 * *pt_id (an IOAS or a HWPT); with an IOAS the kernel finds or allocates a
 * HWPT and writes its id back into *pt_id.  0 or -errno.
 */
int vf_vfio_attach_pt(int devfd, uint32_t *pt_id);

/* VFIO_DEVICE_DETACH_IOMMUFD_PT: detach it again.  0 or -errno. */
int vf_vfio_detach_pt(int devfd);

#endif /* VFBUF_IOMMUFD_H */
