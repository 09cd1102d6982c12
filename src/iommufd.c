// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iommufd.c - iommufd and VFIO cdev ioctls (see iommufd.h).
 */
#include "iommufd.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int iofd_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int vf_iommufd_open(void)
{
	int fd = open(VF_IOMMUFD_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return fd;
}

int vf_ioas_alloc(int iommufd, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc a;
	int r;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	r = iofd_ioctl(iommufd, IOMMU_IOAS_ALLOC, &a);
	if (r < 0)
		return r;
	*ioas_id = a.out_ioas_id;
	return 0;
}

int vf_iommufd_destroy(int iommufd, uint32_t id)
{
	struct iommu_destroy d;
	int r;

	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	d.id = id;
	r = iofd_ioctl(iommufd, IOMMU_DESTROY, &d);
	return r < 0 ? r : 0;
}

int vf_ioas_map_file(int iommufd, uint32_t ioas_id, int fd, uint64_t start, uint64_t length,
		     uint32_t flags, uint64_t *iova)
{
	struct iommu_ioas_map_file m;
	int r;

	if (flags & ~(VF_IOAS_MAP_FIXED_IOVA | VF_IOAS_MAP_READABLE | VF_IOAS_MAP_WRITEABLE))
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.flags = flags;
	m.ioas_id = ioas_id;
	m.fd = fd;
	m.start = start;
	m.length = length;
	m.iova = (flags & VF_IOAS_MAP_FIXED_IOVA) ? *iova : 0;
	r = iofd_ioctl(iommufd, IOMMU_IOAS_MAP_FILE, &m);
	if (r < 0)
		return r;
	*iova = m.iova;
	return 0;
}

int vf_ioas_unmap(int iommufd, uint32_t ioas_id, uint64_t iova, uint64_t length,
		  uint64_t *unmapped)
{
	struct iommu_ioas_unmap u;
	int r;

	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.ioas_id = ioas_id;
	u.iova = iova;
	u.length = length;
	r = iofd_ioctl(iommufd, IOMMU_IOAS_UNMAP, &u);
	if (r < 0)
		return r;
	if (unmapped)
		*unmapped = u.length;
	return 0;
}

int vf_ioas_probe_file(int iommufd, uint32_t ioas_id, int fd, uint64_t length)
{
	uint64_t iova = 0, done = 0;
	int r;

	r = vf_ioas_map_file(iommufd, ioas_id, fd, 0, length, VF_IOAS_MAP_READABLE, &iova);
	if (r < 0)
		return r;
	r = vf_ioas_unmap(iommufd, ioas_id, iova, length, &done);
	return r < 0 ? r : 0;
}

int vf_ioas_iova_ranges(int iommufd, uint32_t ioas_id, struct vf_iova_range *ranges,
			uint32_t max, uint64_t *alignment)
{
	struct iommu_ioas_iova_ranges q;
	struct iommu_iova_range *buf = NULL;
	uint32_t i, n;
	int r;

	if (max && !ranges)
		return -EINVAL;
	if (max) {
		buf = calloc(max, sizeof(*buf));
		if (!buf)
			return -ENOMEM;
	}
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.ioas_id = ioas_id;
	q.num_iovas = max;
	q.allowed_iovas = (uintptr_t)buf;
	r = iofd_ioctl(iommufd, IOMMU_IOAS_IOVA_RANGES, &q);
	/* EMSGSIZE: the first max ranges were copied, num_iovas is the total */
	if (r < 0 && r != -EMSGSIZE) {
		free(buf);
		return r;
	}
	n = q.num_iovas < max ? q.num_iovas : max;
	for (i = 0; i < n; i++) {
		ranges[i].start = buf[i].start;
		ranges[i].last = buf[i].last;
	}
	free(buf);
	if (alignment)
		*alignment = q.out_iova_alignment;
	return q.num_iovas > INT32_MAX ? -EOVERFLOW : (int)q.num_iovas;
}

int vf_vfio_bind_iommufd(int devfd, int iommufd, uint32_t *devid)
{
	struct vfio_device_bind_iommufd b;
	int r;

	memset(&b, 0, sizeof(b));
	b.argsz = sizeof(b);
	b.iommufd = iommufd;
	r = iofd_ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
	if (r < 0)
		return r;
	if (devid)
		*devid = b.out_devid;
	return 0;
}

int vf_vfio_attach_pt(int devfd, uint32_t *pt_id)
{
	struct vfio_device_attach_iommufd_pt a;
	int r;

	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.pt_id = *pt_id;
	r = iofd_ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
	if (r < 0)
		return r;
	*pt_id = a.pt_id;
	return 0;
}

int vf_vfio_detach_pt(int devfd)
{
	struct vfio_device_detach_iommufd_pt d;
	int r;

	memset(&d, 0, sizeof(d));
	d.argsz = sizeof(d);
	r = iofd_ioctl(devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
	return r < 0 ? r : 0;
}
