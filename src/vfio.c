// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio.c - VFIO ioctls as raw calls (see vfio.h).
 */
#include "vfio.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "compat.h"
#include "vfbuf.h"

int vf_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int vf_vfio_api_version(int container)
{
	return vf_ioctl(container, VFIO_GET_API_VERSION, NULL);
}

int vf_vfio_has_type1(int container)
{
	return vf_ioctl(container, VFIO_CHECK_EXTENSION, (void *)(long)VFIO_TYPE1v2_IOMMU) > 0 ||
	       vf_ioctl(container, VFIO_CHECK_EXTENSION, (void *)(long)VFIO_TYPE1_IOMMU) > 0;
}

int vf_vfio_has_noiommu(int container)
{
	return vf_ioctl(container, VFIO_CHECK_EXTENSION, (void *)(long)VFIO_NOIOMMU_IOMMU) > 0;
}

int vf_vfio_group_status(int group, uint32_t *flags)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int r = vf_ioctl(group, VFIO_GROUP_GET_STATUS, &st);

	*flags = r < 0 ? 0 : st.flags;
	return r < 0 ? r : 0;
}

int vf_vfio_group_attach(int group, int container, bool noiommu, const char **stage)
{
	int r;

	*stage = "VFIO_GROUP_SET_CONTAINER";
	if ((r = vf_ioctl(group, VFIO_GROUP_SET_CONTAINER, &container)) < 0)
		return r;
	*stage = "VFIO_SET_IOMMU";
	if (noiommu) {
		r = vf_ioctl(container, VFIO_SET_IOMMU, (void *)(long)VFIO_NOIOMMU_IOMMU);
		return r < 0 ? r : 0;
	}
	if (vf_ioctl(container, VFIO_SET_IOMMU, (void *)(long)VFIO_TYPE1v2_IOMMU) >= 0)
		return 0;
	r = vf_ioctl(container, VFIO_SET_IOMMU, (void *)(long)VFIO_TYPE1_IOMMU);
	return r < 0 ? r : 0;
}

int vf_vfio_group_device(int group, const char *bdf)
{
	return vf_ioctl(group, VFIO_GROUP_GET_DEVICE_FD, (void *)bdf);
}

int vf_vfio_device_info(struct vf_vfio_dev *v)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int r = vf_ioctl(v->device, VFIO_DEVICE_GET_INFO, &info);

	if (r < 0)
		return r;
	v->num_regions = info.num_regions;
	v->flags = info.flags;
	return 0;
}

void vf_vfio_close(struct vf_vfio_dev *v)
{
	int *fds[] = { &v->device, &v->group, &v->container, &v->iommufd };
	size_t i;

	for (i = 0; i < VF_ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0) {
			/* cppcheck-suppress shadowVariable ; it reads this call as a declaration of fds */
			close(*fds[i]);
			*fds[i] = -1;
		}
}

int vf_vfio_region(int devfd, unsigned int index, struct vf_region *out)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };
	int r = vf_ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &ri);

	if (r < 0)
		return r;
	out->index = ri.index;
	out->flags = ri.flags;
	out->size = ri.size;
	out->offset = ri.offset;
	return 0;
}

int vf_vfio_feature_probe(int devfd, unsigned int feature, unsigned int ops)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_PROBE | ops | feature,
	};
	int r = vf_ioctl(devfd, VFIO_DEVICE_FEATURE, &f);

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

int vf_vfio_export(int devfd, uint32_t bar, const struct vf_range *rg, uint32_t nranges,
		   uint32_t open_flags, uint32_t flags)
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
	r = vf_ioctl(devfd, VFIO_DEVICE_FEATURE, f);
	free(f);
	return r;
}

int vf_dmabuf_set_name(int fd, const char *name)
{
	return vf_ioctl(fd, DMA_BUF_SET_NAME, (void *)name);
}

int vf_vfio_revoke_ioctl(int devfd, unsigned long req, int dmabuf_fd)
{
	struct {
		uint32_t argsz;
		uint32_t dmabuf_fd;
	} arg = { sizeof(arg), (uint32_t)dmabuf_fd };

	return vf_ioctl(devfd, req, &arg);
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

	return vf_ioctl(devfd, VFIO_DEVICE_FEATURE, &arg);
}

int vf_vfio_memattr(int devfd, unsigned int feature, int dmabuf_fd, uint32_t memattr)
{
	struct {
		uint32_t argsz, flags; /* struct vfio_device_feature, then its data */
		int32_t dmabuf_fd;
		uint32_t memattr;
	} arg = { sizeof(arg), VFIO_DEVICE_FEATURE_SET | feature, dmabuf_fd, memattr };

	return vf_ioctl(devfd, VFIO_DEVICE_FEATURE, &arg);
}
