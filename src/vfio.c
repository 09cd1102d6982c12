// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio.c - VFIO ioctls (see vfio.h).
 */
#include "vfio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "compat.h"
#include "output.h"
#include "procfs.h"

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Who holds path (a /dev/vfio node) open: "pid 123 (qemu)" or "". */
struct holder_acc {
	const char *target;
	pid_t self, found;
};

static int match_holder(pid_t pid, int fd, const char *target, void *arg)
{
	struct holder_acc *a = arg;

	(void)fd;
	if (pid != a->self && !strcmp(target, a->target)) {
		a->found = pid;
		return 1;
	}
	return 0;
}

static void find_holder(const char *node, char *out, size_t sz)
{
	struct holder_acc a = { node, getpid(), 0 };
	struct vf_proc_iter it;
	pid_t pid;
	char comm[64];

	out[0] = '\0';
	if (vf_proc_open(&it))
		return;
	while (!a.found && vf_proc_next(&it, &pid))
		vf_proc_fds(pid, match_holder, &a);
	vf_proc_close(&it);
	if (a.found) {
		vf_proc_comm(a.found, comm, sizeof(comm));
		snprintf(out, sz, "pid %d (%s) holds it", (int)a.found, comm);
	}
}

static int not_vfio_error(const struct vf_pcidev *d)
{
	char unbind[128] = "", hint[512];

	if (*d->driver)
		snprintf(unbind, sizeof(unbind), "  echo %s > /sys/bus/pci/devices/%s/driver/unbind\n",
			 d->bdfstr, d->bdfstr);
	snprintf(hint, sizeof(hint),
		 "bind it to vfio-pci (as root):\n"
		 "  echo vfio-pci > /sys/bus/pci/devices/%s/driver_override\n"
		 "%s"
		 "  echo %s > /sys/bus/pci/drivers_probe",
		 d->bdfstr, unbind, d->bdfstr);
	return vf_error(VF_EXIT_FAIL, hint, *d->driver ? "bound to another driver" : "not bound to any driver",
			"%s: not bound to a VFIO driver%s%s%s", d->bdfstr,
			*d->driver ? " (" : "", d->driver, *d->driver ? ")" : "");
}

/* The group interface is missing but the device has a cdev: a kernel
 * built with VFIO_DEVICE_CDEV and without VFIO_GROUP/VFIO_CONTAINER.  vfbuf
 * opens devices through groups only (Debian's kernels have no IOMMUFD, so
 * the cdev + iommufd path could not be tested here): say so. */
static int cdev_only(const struct vf_pcidev *d, const char *node)
{
	char hint[PATH_MAX + 160];

	snprintf(hint, sizeof(hint),
		 "the device has only its cdev /dev/vfio/devices/%s (iommufd), which vfbuf cannot open yet; "
		 "a kernel with CONFIG_VFIO_GROUP=y and CONFIG_VFIO_CONTAINER=y has the group path",
		 d->cdev);
	return vf_error(VF_EXIT_UNSUPPORTED, hint, "no VFIO group interface on this kernel",
			"opening %s for %s", node, d->bdfstr);
}

static int open_group_path(const struct vf_pcidev *d, struct vf_vfio_dev *v)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char node[PATH_MAX], holder[128];
	int r;

	if (vf_path(node, sizeof(node), "/dev/vfio/vfio"))
		return vf_error(VF_EXIT_FAIL, NULL, "path too long", "--sysroot");
	v->container = open(node, O_RDWR | O_CLOEXEC);
	if (v->container < 0 && errno == ENOENT && *d->cdev)
		return cdev_only(d, node);
	if (v->container < 0)
		return vf_error_errno(-1, errno,
				      errno == ENOENT ? "load the vfio module: modprobe vfio-pci" : NULL,
				      "opening %s", node);
	if ((r = xioctl(v->container, VFIO_GET_API_VERSION, NULL)) < 0)
		return vf_error_errno(VF_EXIT_FAIL, -r, NULL, "%s: not a VFIO container (VFIO_GET_API_VERSION)",
				      node);
	if (r != VFIO_API_VERSION)
		return vf_error(VF_EXIT_UNSUPPORTED, NULL, "unknown VFIO API version",
				"%s: version %d", node, r);
	if (xioctl(v->container, VFIO_CHECK_EXTENSION, (void *)(long)VFIO_TYPE1v2_IOMMU) <= 0 &&
	    xioctl(v->container, VFIO_CHECK_EXTENSION, (void *)(long)VFIO_TYPE1_IOMMU) <= 0)
		return vf_error(VF_EXIT_UNSUPPORTED, "load vfio_iommu_type1 (modprobe vfio_iommu_type1)",
				"no type1 IOMMU backend", "%s", node);

	if (vf_path(node, sizeof(node), "/dev/vfio/%d", d->group))
		return vf_error(VF_EXIT_FAIL, NULL, "path too long", "--sysroot");
	v->group = open(node, O_RDWR | O_CLOEXEC);
	if (v->group < 0) {
		int e = errno;

		if (e == ENOENT && *d->cdev)
			return cdev_only(d, node);
		if (e == EBUSY) {
			find_holder(node + strlen(vf.sysroot), holder, sizeof(holder));
			return vf_error(VF_EXIT_FAIL,
					*holder ? holder : "another process holds the group (QEMU, DPDK, another vfbuf)",
					vf_strerror(e), "opening %s (IOMMU group of %s)", node, d->bdfstr);
		}
		if (e == EACCES || e == EPERM) {
			char hint[PATH_MAX + 128];

			snprintf(hint, sizeof(hint),
				 "needs read and write access to %s: run as root, or give your user the node (chown/udev rule)",
				 node);
			return vf_error_errno(VF_EXIT_NOPERM, e, hint, "opening %s", node);
		}
		return vf_error_errno(-1, e, NULL, "opening %s", node);
	}
	if ((r = xioctl(v->group, VFIO_GROUP_GET_STATUS, &st)) < 0)
		return vf_error_errno(-1, -r, NULL, "VFIO_GROUP_GET_STATUS on %s", node);
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		char hint[400];

		snprintf(hint, sizeof(hint), "bind or unbind the other devices of group %d: %s",
			 d->group, *d->blockers ? d->blockers : "see /sys/kernel/iommu_groups/");
		return vf_error(VF_EXIT_FAIL, hint, "group not viable", "IOMMU group %d of %s",
				d->group, d->bdfstr);
	}
	if (!(st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET)) {
		if ((r = xioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container)) < 0)
			return vf_error_errno(-1, -r, NULL, "VFIO_GROUP_SET_CONTAINER on %s", node);
		if (xioctl(v->container, VFIO_SET_IOMMU, (void *)(long)VFIO_TYPE1v2_IOMMU) < 0 &&
		    (r = xioctl(v->container, VFIO_SET_IOMMU, (void *)(long)VFIO_TYPE1_IOMMU)) < 0)
			return vf_error_errno(-1, -r, NULL, "VFIO_SET_IOMMU");
	}
	r = xioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, (void *)d->bdfstr);
	if (r < 0)
		return vf_error_errno(-1, -r, -r == EBUSY ? "another process has the device open" : NULL,
				      "VFIO_GROUP_GET_DEVICE_FD %s", d->bdfstr);
	v->device = r;
	return 0;
}

int vf_vfio_open(const struct vf_pcidev *d, struct vf_vfio_dev *v)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int r;

	memset(v, 0, sizeof(*v));
	v->container = v->group = v->iommufd = v->device = -1;
	memcpy(v->bdf, d->bdfstr, sizeof(v->bdf));
	if (!d->vfio)
		return not_vfio_error(d);
	if (d->group < 0)
		return vf_error(VF_EXIT_FAIL,
				"enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in firmware)",
				"no IOMMU group", "%s", d->bdfstr);
	if (d->viable == VF_VIABLE_NO) {
		/* sysfs already tells: say who is in the way before opening */
		char hint[400];

		snprintf(hint, sizeof(hint),
			 "unbind these from their drivers, or bind them to vfio-pci too: %s", d->blockers);
		return vf_error(VF_EXIT_FAIL, hint, "group not viable", "IOMMU group %d of %s", d->group,
				d->bdfstr);
	}
	if ((r = open_group_path(d, v))) {
		vf_vfio_close(v);
		return r;
	}
	if ((r = xioctl(v->device, VFIO_DEVICE_GET_INFO, &info)) < 0) {
		vf_vfio_close(v);
		return vf_error_errno(-1, -r, NULL, "VFIO_DEVICE_GET_INFO %s", d->bdfstr);
	}
	v->num_regions = info.num_regions;
	v->flags = info.flags;
	return 0;
}

void vf_vfio_close(struct vf_vfio_dev *v)
{
	int *fds[] = { &v->device, &v->group, &v->iommufd, &v->container };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			/* cppcheck-suppress shadowVariable ; it reads this call as a declaration of fds */
			close(*fds[i]);
			*fds[i] = -1;
		}
}

int vf_vfio_region(const struct vf_vfio_dev *v, unsigned int index, struct vf_region *out)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };
	int r = xioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &ri);

	if (r < 0)
		return r;
	out->index = ri.index;
	out->flags = ri.flags;
	out->size = ri.size;
	out->offset = ri.offset;
	return 0;
}

int vf_vfio_feature_probe(const struct vf_vfio_dev *v, unsigned int feature, unsigned int ops)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_PROBE | ops | feature,
	};
	int r = xioctl(v->device, VFIO_DEVICE_FEATURE, &f);

	if (r >= 0)
		return 1;
	if (r == -ENOTTY || r == -EINVAL || r == -EOPNOTSUPP)
		return 0;
	return r;
}

void vf_region_flags_str(uint32_t flags, char *out, size_t sz)
{
	snprintf(out, sz, "%s%s%s%s", flags & VFIO_REGION_INFO_FLAG_READ ? "r" : "-",
		 flags & VFIO_REGION_INFO_FLAG_WRITE ? "w" : "-",
		 flags & VFIO_REGION_INFO_FLAG_MMAP ? "m" : "-",
		 flags & VFIO_REGION_INFO_FLAG_CAPS ? "c" : "-");
}

/* ---- dma-buf export and the series' operations ---- */

int vf_vfio_export(const struct vf_vfio_dev *v, uint32_t bar, const struct vf_range *rg,
		   uint32_t nranges, uint32_t open_flags, uint32_t flags)
{
	size_t sz = sizeof(struct vfio_device_feature) + sizeof(struct vfio_device_feature_dma_buf) +
		    nranges * sizeof(struct vfio_region_dma_range);
	struct vfio_device_feature *f = calloc(1, sz);
	struct vfio_device_feature_dma_buf *db;
	uint32_t i;
	int r;

	if (!f)
		return -ENOMEM;
	f->argsz = (uint32_t)sz;
	f->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF;
	db = (struct vfio_device_feature_dma_buf *)f->data;
	db->region_index = bar;
	db->open_flags = open_flags;
	db->flags = flags;
	db->nr_ranges = nranges;
	for (i = 0; i < nranges; i++) {
		db->dma_ranges[i].offset = rg[i].off;
		db->dma_ranges[i].length = rg[i].len;
	}
	r = xioctl(v->device, VFIO_DEVICE_FEATURE, f);
	free(f);
	return r;
}

int vf_dmabuf_set_name(int fd, const char *name)
{
	return xioctl(fd, DMA_BUF_SET_NAME, (void *)name);
}

int vf_vfio_revoke_ioctl(int devfd, unsigned long req, int dmabuf_fd)
{
	struct {
		uint32_t argsz;
		uint32_t dmabuf_fd;
	} arg = { sizeof(arg), (uint32_t)dmabuf_fd };

	return xioctl(devfd, req, &arg);
}

/* A struct with a flexible array member cannot be a member (C11 6.7.2.1p3):
 * the feature calls below spell its two fields out. */
_Static_assert(sizeof(struct vfio_device_feature) == 8 &&
		       offsetof(struct vfio_device_feature, data) == 8,
	       "struct vfio_device_feature is argsz, flags, data[]");

int vf_vfio_revoke_feature(int devfd, unsigned int feature, int dmabuf_fd)
{
	struct {
		uint32_t argsz, flags; /* struct vfio_device_feature, then its data */
		int32_t dmabuf_fd;
	} arg = { sizeof(arg), VFIO_DEVICE_FEATURE_SET | feature, dmabuf_fd };

	return xioctl(devfd, VFIO_DEVICE_FEATURE, &arg);
}

int vf_vfio_memattr(int devfd, unsigned int feature, int dmabuf_fd, uint32_t memattr)
{
	struct {
		uint32_t argsz, flags; /* struct vfio_device_feature, then its data */
		int32_t dmabuf_fd;
		uint32_t memattr;
	} arg = { sizeof(arg), VFIO_DEVICE_FEATURE_SET | feature, dmabuf_fd, memattr };

	return xioctl(devfd, VFIO_DEVICE_FEATURE, &arg);
}
