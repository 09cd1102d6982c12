// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfbuf_sim - a vfio-pci variant driver that emulates the posted, unmerged
 * "mmap and revoke VFIO dma-bufs" series on stock kernels, for testing.
 *
 * It binds only through driver_override and delegates everything it does
 * not change to vfio-pci-core. What it changes:
 *
 *  - VFIO_DEVICE_FEATURE_DMA_BUF (11) is answered by its own dma-buf
 *    exporter, with mainline's checks and errnos, whose buffers can be
 *    mmap()ed (MAP_SHARED only). Faults map BAR pages, uncached by default,
 *    write-combining on request.
 *  - A buffer can be revoked for good by the process owning the device:
 *    every mapping is zapped (later access: SIGBUS), mmap() then fails with
 *    ENODEV, a second revoke with EBADFD. Closing the last device fd revokes
 *    every buffer of the device.
 *  - Reset, memory-decode disable and low-power entry revoke temporarily:
 *    mappings are zapped, faults give SIGBUS while the BAR is unreachable
 *    and map again afterwards.
 *  - The classic BAR mmap() of the device fd is backed by a dma-buf named
 *    "%s:%s/%x" (vfio device, PCI device, BAR) that holds the device file,
 *    with the mmap offset (index << 40) kept in vm_pgoff.
 *  - debugfs vfbuf_sim/<BDF>/buffers lists the device's buffers: dma-buf
 *    inode, kind, BAR, ranges, attribute and state.
 *  - Four revisions of the series' uAPI (one table, vfbuf_revs[]), chosen by
 *    the "uapi" parameter:
 *      v1: ioctl VFIO_BASE + 22 (revoke), attribute in flags bits 31:28;
 *      v2: ioctl VFIO_BASE + 22 (revoke), feature 13 (DMA_BUF_MEMATTR, GET/SET);
 *      v4 (= v3): features 13 (DMA_BUF_REVOKE) and 14 (DMA_BUF_MEMATTR);
 *      v5: feature 13 (DMA_BUF_REVOKE), no attribute.
 *  - "undeclared=1": it presents itself as a kernel carrying the series
 *    would: no uapi file under /sys/module/vfbuf_sim/parameters, and its
 *    dma-bufs' exporter is named "vfio_pci_core".
 *
 * Behaviour is this module's reading of the series, not the kernel's.
 * Buffers cannot be attached by importing devices (attach: EOPNOTSUPP).
 */
#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>
#include <uapi/linux/dma-buf.h>

MODULE_IMPORT_NS("DMA_BUF");

/* ---- The series' uAPI (not in any released kernel's headers) ---- */

/* v1 (16 Apr 2026) and v2 (27 May 2026): a device ioctl */
struct vfbuf_ioctl_dmabuf_revoke {
	__u32 argsz;
	__u32 dmabuf_fd;	/* v1 __u32, v2 __s32: the same bits */
};

#define VFBUF_IOCTL_DMABUF_REVOKE	_IO(VFIO_TYPE, VFIO_BASE + 22)

/* v1: the attribute is an enum in the export's flags, bits 31:28 */
#define VFBUF_V1_ATTR_SHIFT		28
#define VFBUF_V1_ATTR_MASK		(0xfU << VFBUF_V1_ATTR_SHIFT)
#define VFBUF_V1_ATTR_UC		0U
#define VFBUF_V1_ATTR_WC		1U

/* v3/v4/v5: REVOKE is a device feature (SET) */
struct vfbuf_feature_dmabuf_revoke {
	__s32 dmabuf_fd;
};

/* v2 (GET and SET), v3/v4 (SET): MEMATTR is a device feature */
struct vfbuf_feature_dmabuf_memattr {
	__s32 dmabuf_fd;
	__u32 memattr;
};

#define VFBUF_MEMATTR_NC		0U
#define VFBUF_MEMATTR_WC		1U

/*
 * One entry per revision of the series; a later revision is one more
 * entry. Numbers and errnos as read in each revision's code (README.md).
 */
struct vfbuf_rev {
	const char *name;		/* the uapi= value */
	const char *alias;		/* another name of the same uAPI */
	unsigned int revoke_ioctl;	/* device ioctl, or 0 */
	u32 revoke_feature;		/* device feature (SET), or 0 */
	bool export_attr;		/* attribute in the export's flags */
	u32 memattr_feature;		/* device feature, or 0 */
	u32 memattr_ops;		/* VFIO_DEVICE_FEATURE_GET/SET accepted */
	int memattr_unknown;		/* errno of an unknown value */
};

static const struct vfbuf_rev vfbuf_revs[] = {
	{ .name = "v1", .revoke_ioctl = VFBUF_IOCTL_DMABUF_REVOKE,
	  .export_attr = true },
	{ .name = "v2", .revoke_ioctl = VFBUF_IOCTL_DMABUF_REVOKE,
	  .memattr_feature = 13,
	  .memattr_ops = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET,
	  .memattr_unknown = ENOTSUPP },
	{ .name = "v4", .alias = "v3", .revoke_feature = 13,
	  .memattr_feature = 14, .memattr_ops = VFIO_DEVICE_FEATURE_SET,
	  .memattr_unknown = ENOENT },
	{ .name = "v5", .revoke_feature = 13 },
};

/* ---- Module parameters: which revision, and whether it says so ---- */

static const struct vfbuf_rev *vfbuf_rev = &vfbuf_revs[2];	/* v4 */

static const struct vfbuf_rev *vfbuf_cur(void)
{
	return READ_ONCE(vfbuf_rev);
}

static int vfbuf_uapi_set(const char *val, const struct kernel_param *kp)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vfbuf_revs); i++) {
		if (sysfs_streq(val, vfbuf_revs[i].name) ||
		    (vfbuf_revs[i].alias && sysfs_streq(val, vfbuf_revs[i].alias))) {
			WRITE_ONCE(vfbuf_rev, &vfbuf_revs[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int vfbuf_uapi_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", vfbuf_cur()->name);
}

static const struct kernel_param_ops vfbuf_uapi_ops = {
	.set = vfbuf_uapi_set,
	.get = vfbuf_uapi_get,
};
module_param_cb(uapi, &vfbuf_uapi_ops, NULL, 0644);
MODULE_PARM_DESC(uapi, "series uAPI revision: v1, v2, v4 (= v3; default) or v5");

/*
 * Load-time only (permission 0: no sysfs file). With it, init also takes
 * the uapi file out of /sys/module/vfbuf_sim/parameters, so that nothing
 * there names the revision, and the exporter is named as vfio-pci-core's.
 */
static bool vfbuf_undeclared;
module_param_named(undeclared, vfbuf_undeclared, bool, 0);
MODULE_PARM_DESC(undeclared, "present as a series kernel would: no uapi file in sysfs, exporter vfio_pci_core");

/* ---- Driver state ---- */

struct vfbuf_dev {
	struct vfio_pci_core_device core;	/* first: vfio_alloc_device */
	struct mutex bufs_lock;			/* protects bufs */
	struct list_head bufs;			/* every live vfbuf_buf */
	struct dentry *debugfs;
};

struct vfbuf_buf {
	struct dma_buf *dmabuf;
	/* identity only once detached; dereferenced only while registered */
	struct vfbuf_dev *vd;
	struct list_head elm;			/* in vd->bufs while registered */
	bool registered;			/* holds a vfio registration */
	size_t size;
	unsigned int bar;
	u32 nr_ranges;
	struct phys_vec *phys_vec;
	/* classic BAR mmap: the device file, and vm_pgoff of byte 0 */
	struct file *vfile;
	pgoff_t pgoff_base;

	struct rw_semaphore lock;		/* faults: read; state: write */
	bool revoked;				/* permanently */
	bool quiesced;				/* temporarily (reset) */
	bool wc;				/* write-combining mappings */
};

static struct vfbuf_dev *to_vfbuf(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfbuf_dev, core.vdev);
}

static void vfbuf_zap(struct vfbuf_buf *buf)
{
	unmap_mapping_range(buf->dmabuf->file->f_mapping, 0, 0, true);
}

/* ---- dma-buf: CPU mappings ---- */

static vm_fault_t vfbuf_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfbuf_buf *buf = vma->vm_private_data;
	unsigned long pfn = 0;
	vm_fault_t ret;
	u64 off;
	u32 i;

	if (vmf->pgoff < buf->pgoff_base)
		return VM_FAULT_SIGBUS;
	off = (u64)(vmf->pgoff - buf->pgoff_base) << PAGE_SHIFT;
	if (off >= buf->size)
		return VM_FAULT_SIGBUS;
	for (i = 0; i < buf->nr_ranges; i++) {
		if (off < buf->phys_vec[i].len) {
			pfn = PHYS_PFN(buf->phys_vec[i].paddr + off);
			break;
		}
		off -= buf->phys_vec[i].len;
	}
	if (i == buf->nr_ranges)
		return VM_FAULT_SIGBUS;

	down_read(&buf->lock);
	if (buf->revoked || buf->quiesced) {
		ret = VM_FAULT_SIGBUS;
	} else {
		/* not revoked: the device is open, buf->vd is alive */
		struct vfio_pci_core_device *core = &buf->vd->core;

		down_read(&core->memory_lock);
		/* SIGBUS while memory decode is off or in low power */
		ret = vfio_pci_vmf_insert_pfn(core, vmf, pfn, 0);
		up_read(&core->memory_lock);
	}
	up_read(&buf->lock);
	return ret;
}

static const struct vm_operations_struct vfbuf_vm_ops = {
	.fault = vfbuf_fault,
};

static void vfbuf_setup_vma(struct vfbuf_buf *buf, struct vm_area_struct *vma)
{
	vma->vm_private_data = buf;
	if (buf->wc)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	else
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	vm_flags_set(vma, VM_ALLOW_ANY_UNCACHED | VM_IO | VM_PFNMAP |
			  VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vfbuf_vm_ops;
}

/*
 * Revoked, permanently or for now: memory decode off, low power, a reset
 * in progress (the series' TEMP_REVOKED). Caller holds buf->lock; a buffer
 * not revoked for good is registered, so buf->vd is alive.
 */
static bool vfbuf_unreachable(struct vfbuf_buf *buf)
{
	struct vfio_pci_core_device *core;
	bool off;

	lockdep_assert_held(&buf->lock);
	if (buf->revoked || buf->quiesced)
		return true;
	core = &buf->vd->core;
	down_read(&core->memory_lock);
	off = core->pm_runtime_engaged || !__vfio_pci_memory_enabled(core);
	up_read(&core->memory_lock);
	return off;
}

/*
 * The dma-buf core has checked vm_pgoff + pages against the size already.
 * As the series: ENODEV first if the buffer is revoked (permanently or
 * temporarily), then EINVAL without MAP_SHARED.
 */
static int vfbuf_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct vfbuf_buf *buf = dmabuf->priv;
	int ret = 0;

	down_read(&buf->lock);
	if (vfbuf_unreachable(buf))
		ret = -ENODEV;
	else if (!(vma->vm_flags & VM_SHARED))
		ret = -EINVAL;
	else if (buf->vfile)
		/* a classic BAR mapping's buffer: only through its own VMA */
		ret = -EINVAL;
	else
		vfbuf_setup_vma(buf, vma);
	up_read(&buf->lock);
	return ret;
}

/* ---- dma-buf: device importers are not supported ---- */

static int vfbuf_dmabuf_attach(struct dma_buf *dmabuf,
			       struct dma_buf_attachment *attachment)
{
	return -EOPNOTSUPP;
}

static struct sg_table *vfbuf_dmabuf_map(struct dma_buf_attachment *attachment,
					 enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void vfbuf_dmabuf_unmap(struct dma_buf_attachment *attachment,
			       struct sg_table *sgt, enum dma_data_direction dir)
{
}

static void vfbuf_dmabuf_release(struct dma_buf *dmabuf)
{
	struct vfbuf_buf *buf = dmabuf->priv;

	/*
	 * vfbuf_detach_all() skips buffers whose file is dying, so a buffer
	 * still registered here is ours to take off the list.
	 */
	if (buf->registered) {
		struct vfbuf_dev *vd = buf->vd;

		mutex_lock(&vd->bufs_lock);
		list_del_init(&buf->elm);
		mutex_unlock(&vd->bufs_lock);
		vfio_device_put_registration(&vd->core.vdev);
	}
	if (buf->vfile)
		fput(buf->vfile);
	kfree(buf->phys_vec);
	kfree(buf);
}

static const struct dma_buf_ops vfbuf_dmabuf_ops = {
	.attach		= vfbuf_dmabuf_attach,
	.map_dma_buf	= vfbuf_dmabuf_map,
	.unmap_dma_buf	= vfbuf_dmabuf_unmap,
	.release	= vfbuf_dmabuf_release,
	.mmap		= vfbuf_dmabuf_mmap,
};

/* ---- Buffer life cycle ---- */

static struct vfbuf_buf *vfbuf_buf_alloc(u32 nr_ranges)
{
	struct vfbuf_buf *buf = kzalloc(sizeof(*buf), GFP_KERNEL);

	if (!buf)
		return NULL;
	buf->phys_vec = kcalloc(nr_ranges, sizeof(*buf->phys_vec), GFP_KERNEL);
	if (!buf->phys_vec) {
		kfree(buf);
		return NULL;
	}
	buf->nr_ranges = nr_ranges;
	init_rwsem(&buf->lock);
	INIT_LIST_HEAD(&buf->elm);
	return buf;
}

static void vfbuf_buf_free(struct vfbuf_buf *buf)
{
	kfree(buf->phys_vec);
	kfree(buf);
}

/*
 * Export @buf as a dma-buf of @vd and track it. On success the dma-buf owns
 * @buf (dma_buf_put() frees it); on failure the caller still does.
 */
static int vfbuf_export(struct vfbuf_dev *vd, struct vfbuf_buf *buf,
			u32 open_flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dmabuf;

	if (!vfio_device_try_get_registration(&vd->core.vdev))
		return -ENODEV;

	/* undeclared: named as mainline's vfio-pci-core names its dma-bufs */
	if (vfbuf_undeclared)
		exp_info.exp_name = "vfio_pci_core";
	exp_info.ops = &vfbuf_dmabuf_ops;
	exp_info.size = buf->size;
	exp_info.flags = open_flags;
	exp_info.priv = buf;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		vfio_device_put_registration(&vd->core.vdev);
		return PTR_ERR(dmabuf);
	}
	buf->dmabuf = dmabuf;
	buf->vd = vd;
	buf->registered = true;
	mutex_lock(&vd->bufs_lock);
	list_add_tail(&buf->elm, &vd->bufs);
	mutex_unlock(&vd->bufs_lock);
	return 0;
}

static void vfbuf_revoke_locked(struct vfbuf_buf *buf)
{
	lockdep_assert_held_write(&buf->lock);
	buf->revoked = true;
	vfbuf_zap(buf);
}

/* The last device fd is closing: revoke and let go of every buffer. */
static void vfbuf_detach_all(struct vfbuf_dev *vd)
{
	struct vfbuf_buf *buf, *tmp;

	mutex_lock(&vd->bufs_lock);
	list_for_each_entry_safe(buf, tmp, &vd->bufs, elm) {
		/* a dying buffer takes itself off the list in release */
		if (!get_file_active(&buf->dmabuf->file))
			continue;
		down_write(&buf->lock);
		vfbuf_revoke_locked(buf);
		up_write(&buf->lock);
		list_del_init(&buf->elm);
		WRITE_ONCE(buf->registered, false);
		vfio_device_put_registration(&vd->core.vdev);
		fput(buf->dmabuf->file);
	}
	mutex_unlock(&vd->bufs_lock);
}

/*
 * Temporary revocation. @quiesce (reset) makes faults fail until
 * vfbuf_unquiesce_all(); without it (memory decode off, low power) only
 * the mappings go, and faults fail for as long as vfio-pci-core says the
 * BAR is unreachable.
 */
static void vfbuf_zap_all(struct vfbuf_dev *vd, bool quiesce)
{
	struct vfbuf_buf *buf;

	mutex_lock(&vd->bufs_lock);
	list_for_each_entry(buf, &vd->bufs, elm) {
		/* a dying buffer has no mappings left */
		if (!get_file_active(&buf->dmabuf->file))
			continue;
		down_write(&buf->lock);
		if (quiesce)
			buf->quiesced = true;
		vfbuf_zap(buf);
		up_write(&buf->lock);
		fput(buf->dmabuf->file);
	}
	mutex_unlock(&vd->bufs_lock);
}

static void vfbuf_unquiesce_all(struct vfbuf_dev *vd)
{
	struct vfbuf_buf *buf;

	mutex_lock(&vd->bufs_lock);
	list_for_each_entry(buf, &vd->bufs, elm) {
		down_write(&buf->lock);
		buf->quiesced = false;
		up_write(&buf->lock);
	}
	mutex_unlock(&vd->bufs_lock);
}

/*
 * Look up a dma-buf fd that must be one of @vd's exported buffers.
 * EBADF: bad fd; EINVAL: not a dma-buf; ENODEV: not exported by @vd, or
 * detached from it when the device was last closed (the series sets the
 * buffer's vdev to NULL then). The caller holds a reference on success
 * and must dma_buf_put() it.
 */
static struct vfbuf_buf *vfbuf_buf_get(struct vfbuf_dev *vd, int fd)
{
	struct dma_buf *dmabuf = dma_buf_get(fd);
	struct vfbuf_buf *buf;

	if (IS_ERR(dmabuf))
		return ERR_CAST(dmabuf);
	buf = dmabuf->priv;
	if (dmabuf->ops != &vfbuf_dmabuf_ops || buf->vd != vd ||
	    !READ_ONCE(buf->registered) || buf->vfile) {
		dma_buf_put(dmabuf);
		return ERR_PTR(-ENODEV);
	}
	return buf;
}

static int vfbuf_revoke_fd(struct vfbuf_dev *vd, int fd)
{
	struct vfbuf_buf *buf = vfbuf_buf_get(vd, fd);
	int ret = 0;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	down_write(&buf->lock);
	if (buf->revoked)
		ret = -EBADFD;
	else
		vfbuf_revoke_locked(buf);
	up_write(&buf->lock);
	dma_buf_put(buf->dmabuf);
	return ret;
}

/*
 * MEMATTR (v2: GET or SET; v3/v4: SET). As the series: the fd checks
 * first, then the value; a revoked buffer is not refused (the attribute
 * only affects later mmaps, which a revoked buffer refuses anyway).
 * GET copies back the attribute as it was.
 */
static int vfbuf_memattr(struct vfbuf_dev *vd, const struct vfbuf_rev *rev,
			 u32 flags, struct vfbuf_feature_dmabuf_memattr __user *arg,
			 size_t argsz)
{
	struct vfbuf_feature_dmabuf_memattr m;
	struct vfbuf_buf *buf;
	int ret;

	ret = vfio_check_feature(flags, argsz, rev->memattr_ops, sizeof(m));
	if (ret != 1)
		return ret;
	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	buf = vfbuf_buf_get(vd, m.dmabuf_fd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	down_write(&buf->lock);
	ret = 0;
	if (flags & VFIO_DEVICE_FEATURE_SET) {
		if (m.memattr == VFBUF_MEMATTR_NC || m.memattr == VFBUF_MEMATTR_WC)
			buf->wc = m.memattr == VFBUF_MEMATTR_WC;
		else
			ret = -rev->memattr_unknown;
	} else {
		m.memattr = buf->wc ? VFBUF_MEMATTR_WC : VFBUF_MEMATTR_NC;
	}
	up_write(&buf->lock);
	dma_buf_put(buf->dmabuf);
	if (!ret && (flags & VFIO_DEVICE_FEATURE_GET) &&
	    copy_to_user(arg, &m, sizeof(m)))
		ret = -EFAULT;
	return ret;
}

/* ---- VFIO_DEVICE_FEATURE_DMA_BUF: mainline's checks and errnos ---- */

static int vfbuf_validate_ranges(struct vfio_region_dma_range *ranges,
				 u32 nr_ranges, size_t *lengthp)
{
	size_t length = 0;
	u32 i;

	for (i = 0; i < nr_ranges; i++) {
		u64 offset = ranges[i].offset;
		u64 len = ranges[i].length;

		if (!len || !PAGE_ALIGNED(offset) || !PAGE_ALIGNED(len))
			return -EINVAL;
		if (check_add_overflow(length, len, &length))
			return -EINVAL;
	}
	if ((u64)length & DMA_IOVA_USE_SWIOTLB)
		return -EINVAL;
	*lengthp = length;
	return 0;
}

static int vfbuf_feature_dma_buf(struct vfbuf_dev *vd, const struct vfbuf_rev *rev,
				 u32 flags,
				 struct vfio_device_feature_dma_buf __user *arg,
				 size_t argsz)
{
	struct vfio_pci_core_device *core = &vd->core;
	struct vfio_device_feature_dma_buf get = {};
	struct vfio_region_dma_range *ranges;
	struct p2pdma_provider *provider;
	struct vfbuf_buf *buf;
	size_t length;
	u32 attr = VFBUF_V1_ATTR_UC;
	int ret;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET,
				 sizeof(get));
	if (ret != 1)
		return ret;
	if (copy_from_user(&get, arg, sizeof(get)))
		return -EFAULT;

	/* v1 checks the flags later, after the region (ENODEV first) */
	if (!get.nr_ranges || (!rev->export_attr && get.flags))
		return -EINVAL;

	if (get.region_index >= VFIO_PCI_ROM_REGION_INDEX ||
	    IS_ERR(vfio_pci_core_get_iomap(core, get.region_index)))
		return -ENODEV;

	ranges = memdup_array_user(&arg->dma_ranges, get.nr_ranges,
				   sizeof(*ranges));
	if (IS_ERR(ranges))
		return PTR_ERR(ranges);

	if (rev->export_attr) {
		/* v1: 0 (UC) or exactly the WC value in bits 31:28, nothing else */
		attr = (get.flags & VFBUF_V1_ATTR_MASK) >> VFBUF_V1_ATTR_SHIFT;
		if ((get.flags & ~VFBUF_V1_ATTR_MASK) ||
		    (attr != VFBUF_V1_ATTR_UC && attr != VFBUF_V1_ATTR_WC)) {
			ret = -EINVAL;
			goto out_ranges;
		}
	}
	ret = vfbuf_validate_ranges(ranges, get.nr_ranges, &length);
	if (ret)
		goto out_ranges;

	buf = vfbuf_buf_alloc(get.nr_ranges);
	if (!buf) {
		ret = -ENOMEM;
		goto out_ranges;
	}
	buf->size = length;
	buf->bar = get.region_index;
	buf->wc = attr == VFBUF_V1_ATTR_WC;
	/* EINVAL past the BAR end, EOVERFLOW on wrap-around, as mainline */
	ret = vfio_pci_core_get_dmabuf_phys(core, &provider, get.region_index,
					    buf->phys_vec, ranges,
					    get.nr_ranges);
	if (ret)
		goto out_buf;

	ret = vfbuf_export(vd, buf, get.open_flags);
	if (ret)
		goto out_buf;
	kfree(ranges);

	ret = dma_buf_fd(buf->dmabuf, get.open_flags);
	if (ret < 0)
		dma_buf_put(buf->dmabuf);
	return ret;

out_buf:
	vfbuf_buf_free(buf);
out_ranges:
	kfree(ranges);
	return ret;
}

/* ---- vfio_device_ops ---- */

static int vfbuf_device_feature(struct vfio_device *vdev, u32 flags,
				void __user *arg, size_t argsz)
{
	const struct vfbuf_rev *rev = vfbuf_cur();
	struct vfbuf_dev *vd = to_vfbuf(vdev);
	u32 feature = flags & VFIO_DEVICE_FEATURE_MASK;
	int ret;

	if (feature == VFIO_DEVICE_FEATURE_DMA_BUF)
		return vfbuf_feature_dma_buf(vd, rev, flags, arg, argsz);

	if (rev->revoke_feature && feature == rev->revoke_feature) {
		struct vfbuf_feature_dmabuf_revoke r;

		ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
					 sizeof(r));
		if (ret != 1)
			return ret;
		if (copy_from_user(&r, arg, sizeof(r)))
			return -EFAULT;
		return vfbuf_revoke_fd(vd, r.dmabuf_fd);
	}

	if (rev->memattr_feature && feature == rev->memattr_feature)
		return vfbuf_memattr(vd, rev, flags, arg, argsz);

	/* anything else, other revisions' numbers included: vfio-pci-core's */
	ret = vfio_pci_core_ioctl_feature(vdev, flags, arg, argsz);
	/* entering low power makes the BARs unreachable */
	if (!ret && (flags & VFIO_DEVICE_FEATURE_SET) &&
	    (feature == VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY ||
	     feature == VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP))
		vfbuf_zap_all(vd, false);
	return ret;
}

static long vfbuf_ioctl(struct vfio_device *vdev, unsigned int cmd,
			unsigned long arg)
{
	const struct vfbuf_rev *rev = vfbuf_cur();
	struct vfbuf_dev *vd = to_vfbuf(vdev);
	long ret;

	if (rev->revoke_ioctl && cmd == rev->revoke_ioctl) {
		unsigned long minsz = offsetofend(struct vfbuf_ioctl_dmabuf_revoke,
						  dmabuf_fd);
		struct vfbuf_ioctl_dmabuf_revoke r;

		if (copy_from_user(&r, (void __user *)arg, minsz))
			return -EFAULT;
		if (r.argsz < minsz)
			return -EINVAL;
		return vfbuf_revoke_fd(vd, (int)r.dmabuf_fd);
	}

	if ((cmd == VFIO_DEVICE_RESET && vd->core.reset_works) ||
	    cmd == VFIO_DEVICE_PCI_HOT_RESET) {
		/* revoke temporarily around the reset, then restore */
		vfbuf_zap_all(vd, true);
		ret = vfio_pci_core_ioctl(vdev, cmd, arg);
		vfbuf_unquiesce_all(vd);
		return ret;
	}

	return vfio_pci_core_ioctl(vdev, cmd, arg);
}

static ssize_t vfbuf_write(struct vfio_device *vdev, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct vfbuf_dev *vd = to_vfbuf(vdev);
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	ssize_t ret;
	bool enabled;

	ret = vfio_pci_core_write(vdev, ubuf, count, ppos);
	if (index != VFIO_PCI_CONFIG_REGION_INDEX || ret <= 0)
		return ret;

	/* memory decode turned off: mappings go until it is back on */
	down_read(&vd->core.memory_lock);
	enabled = __vfio_pci_memory_enabled(&vd->core);
	up_read(&vd->core.memory_lock);
	if (!enabled)
		vfbuf_zap_all(vd, false);
	return ret;
}

/* The classic BAR mmap() of the device fd, backed by a dma-buf. */
static int vfbuf_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct vfbuf_dev *vd = to_vfbuf(vdev);
	struct vfio_pci_core_device *core = &vd->core;
	struct pci_dev *pdev = core->pdev;
	u64 phys_len, req_len, req_start;
	unsigned int index;
	struct vfbuf_buf *buf;
	char *name;
	int ret;

	index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	/* device-specific regions keep vfio-pci-core's own mmap */
	if (index >= VFIO_PCI_NUM_REGIONS)
		return vfio_pci_core_mmap(vdev, vma);
	if (vma->vm_end < vma->vm_start)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (index >= VFIO_PCI_ROM_REGION_INDEX)
		return -EINVAL;
	if (!core->bar_mmap_supported[index])
		return -EINVAL;

	phys_len = PAGE_ALIGN(pci_resource_len(pdev, index));
	req_len = vma->vm_end - vma->vm_start;
	req_start = (u64)(vma->vm_pgoff &
			  ((1UL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1))
		    << PAGE_SHIFT;
	if (req_start + req_len > phys_len)
		return -EINVAL;
	if (IS_ERR(vfio_pci_core_get_iomap(core, index)))
		return -EINVAL;

	/*
	 * One range from the start of the BAR, so that vm_pgoff, kept as
	 * the user passed it (index << 40 | offset), indexes the buffer.
	 */
	buf = vfbuf_buf_alloc(1);
	if (!buf)
		return -ENOMEM;
	buf->size = req_start + req_len;
	buf->bar = index;
	buf->phys_vec[0].paddr = pci_resource_start(pdev, index);
	buf->phys_vec[0].len = buf->size;
	buf->pgoff_base = (pgoff_t)index << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);

	ret = vfbuf_export(vd, buf, O_RDWR | O_CLOEXEC);
	if (ret) {
		vfbuf_buf_free(buf);
		return ret;
	}

	name = kasprintf(GFP_KERNEL, "%s:%s/%x", dev_name(&vdev->device),
			 pci_name(pdev), index);
	if (name) {
		if (strlen(name) >= DMA_BUF_NAME_LEN)
			name[DMA_BUF_NAME_LEN - 1] = '\0';
		spin_lock(&buf->dmabuf->name_lock);
		buf->dmabuf->name = name;
		spin_unlock(&buf->dmabuf->name_lock);
	}

	/* the mapping keeps the device open, as the classic mmap always did */
	buf->vfile = get_file(vma->vm_file);
	vma_set_file(vma, buf->dmabuf->file);
	dma_buf_put(buf->dmabuf);	/* the VMA holds the buffer now */
	vfbuf_setup_vma(buf, vma);
	return 0;
}

static int vfbuf_init_dev(struct vfio_device *vdev)
{
	struct vfbuf_dev *vd = to_vfbuf(vdev);

	mutex_init(&vd->bufs_lock);
	INIT_LIST_HEAD(&vd->bufs);
	return vfio_pci_core_init_dev(vdev);
}

static void vfbuf_release_dev(struct vfio_device *vdev)
{
	struct vfbuf_dev *vd = to_vfbuf(vdev);

	mutex_destroy(&vd->bufs_lock);
	vfio_pci_core_release_dev(vdev);
}

static int vfbuf_open_device(struct vfio_device *vdev)
{
	struct vfio_pci_core_device *core = &to_vfbuf(vdev)->core;
	int ret;

	ret = vfio_pci_core_enable(core);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(core);
	return 0;
}

static void vfbuf_close_device(struct vfio_device *vdev)
{
	vfbuf_detach_all(to_vfbuf(vdev));
	vfio_pci_core_close_device(vdev);
}

static const struct vfio_device_ops vfbuf_ops = {
	.name			= "vfbuf-sim",
	.init			= vfbuf_init_dev,
	.release		= vfbuf_release_dev,
	.open_device		= vfbuf_open_device,
	.close_device		= vfbuf_close_device,
	.ioctl			= vfbuf_ioctl,
	.get_region_info_caps	= vfio_pci_ioctl_get_region_info,
	.device_feature		= vfbuf_device_feature,
	.read			= vfio_pci_core_read,
	.write			= vfbuf_write,
	.mmap			= vfbuf_mmap,
	.request		= vfio_pci_core_request,
	.match			= vfio_pci_core_match,
	.match_token_uuid	= vfio_pci_core_match_token_uuid,
	.bind_iommufd		= vfio_iommufd_physical_bind,
	.unbind_iommufd		= vfio_iommufd_physical_unbind,
	.attach_ioas		= vfio_iommufd_physical_attach_ioas,
	.detach_ioas		= vfio_iommufd_physical_detach_ioas,
	.pasid_attach_ioas	= vfio_iommufd_physical_pasid_attach_ioas,
	.pasid_detach_ioas	= vfio_iommufd_physical_pasid_detach_ioas,
};

/* vfio-pci-core consults this for its own dma-bufs (not exported by us) */
static const struct vfio_pci_device_ops vfbuf_pci_ops = {
	.get_dmabuf_phys	= vfio_pci_core_get_dmabuf_phys,
};

/* ---- debugfs: <BDF>/buffers ---- */

static struct dentry *vfbuf_debugfs_root;

static int vfbuf_buffers_show(struct seq_file *s, void *unused)
{
	struct vfbuf_dev *vd = s->private;
	struct pci_dev *pdev = vd->core.pdev;
	struct vfbuf_buf *buf;
	u32 i;

	mutex_lock(&vd->bufs_lock);
	list_for_each_entry(buf, &vd->bufs, elm) {
		resource_size_t start = pci_resource_start(pdev, buf->bar);

		if (!get_file_active(&buf->dmabuf->file))
			continue;
		down_read(&buf->lock);
		seq_printf(s, "ino %llu kind %s bar %u size 0x%zx attr %s state %s ranges",
			   (u64)file_inode(buf->dmabuf->file)->i_ino,
			   buf->vfile ? "classic" : "export", buf->bar, buf->size,
			   buf->wc ? "wc" : "uc",
			   buf->revoked ? "revoked" :
			   vfbuf_unreachable(buf) ? "quiesced" : "live");
		for (i = 0; i < buf->nr_ranges; i++)
			seq_printf(s, "%s0x%llx+0x%llx", i ? "," : " ",
				   (u64)(buf->phys_vec[i].paddr - start),
				   (u64)buf->phys_vec[i].len);
		seq_putc(s, '\n');
		up_read(&buf->lock);
		fput(buf->dmabuf->file);
	}
	mutex_unlock(&vd->bufs_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfbuf_buffers);

/* ---- PCI driver ---- */

static int vfbuf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfbuf_dev *vd;
	int ret;

	vd = vfio_alloc_device(vfbuf_dev, core.vdev, &pdev->dev, &vfbuf_ops);
	if (IS_ERR(vd))
		return PTR_ERR(vd);

	dev_set_drvdata(&pdev->dev, &vd->core);
	vd->core.pci_ops = &vfbuf_pci_ops;
	ret = vfio_pci_core_register_device(&vd->core);
	if (ret) {
		vfio_put_device(&vd->core.vdev);
		return ret;
	}
	vd->debugfs = debugfs_create_dir(pci_name(pdev), vfbuf_debugfs_root);
	debugfs_create_file("buffers", 0444, vd->debugfs, vd,
			    &vfbuf_buffers_fops);
	return 0;
}

static void vfbuf_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);

	debugfs_remove_recursive(to_vfbuf(&core->vdev)->debugfs);
	vfio_pci_core_unregister_device(core);
	vfio_put_device(&core->vdev);
}

/* Any device, but only through driver_override. */
static const struct pci_device_id vfbuf_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfbuf_table);

static struct pci_driver vfbuf_driver = {
	.name			= "vfbuf_sim",
	.id_table		= vfbuf_table,
	.probe			= vfbuf_probe,
	.remove			= vfbuf_remove,
	.err_handler		= &vfio_pci_core_err_handlers,
	.driver_managed_dma	= true,
};

/* the name of a module parameter's sysfs file, for taking it out */
static const struct attribute vfbuf_uapi_attr = { .name = "uapi" };

static int __init vfbuf_init(void)
{
	int ret;

	/*
	 * Undeclared: a kernel carrying the series has no file that names
	 * its revision, so neither do we. The parameters' files are set up
	 * before init; removing the group at unload skips a missing file.
	 */
	if (vfbuf_undeclared)
		sysfs_remove_file_from_group(&THIS_MODULE->mkobj.kobj,
					     &vfbuf_uapi_attr, "parameters");

	vfbuf_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = pci_register_driver(&vfbuf_driver);
	if (ret)
		debugfs_remove_recursive(vfbuf_debugfs_root);
	return ret;
}
module_init(vfbuf_init);

static void __exit vfbuf_exit(void)
{
	pci_unregister_driver(&vfbuf_driver);
	debugfs_remove_recursive(vfbuf_debugfs_root);
}
module_exit(vfbuf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci variant driver emulating the posted VFIO dma-buf mmap/revoke series (testing only)");
