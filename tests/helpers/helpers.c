// SPDX-License-Identifier: GPL-2.0-or-later
/* tests/helpers/helpers.c: shared code of the guest-side test helpers. */
#define _GNU_SOURCE
#include "helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

const char *prog = "helper";

void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (%s)\n", strerror(err), errname(err));
	exit(1);
}

void diex(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

const char *errname(int err)
{
	const char *n;

	if (err == 0)
		return "0";
	n = strerrorname_np(err);
	return n ? n : "E?";
}

int vfio_open(const char *bdf, struct vfio_dev *d)
{
	char path[256], link[256];
	ssize_t n;
	int ret;

	memset(d, 0, sizeof(*d));
	d->container = d->group = d->device = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	d->group_no = atoi(basename(link));

	d->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		goto fail;
	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_no);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		goto fail;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) < 0)
		goto fail;
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		goto fail;
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->device < 0)
		goto fail;
	return 0;
fail:
	ret = -errno;
	vfio_close(d);
	return ret;
}

void vfio_close(struct vfio_dev *d)
{
	if (d->device >= 0)
		close(d->device);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	d->device = d->group = d->container = -1;
}

int vfio_region(const struct vfio_dev *d, unsigned index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, ri) < 0 ? -errno : 0;
}

int dmabuf_feature(int devfd, uint32_t feature_flags, uint32_t region,
		   uint32_t open_flags, uint32_t flags, uint32_t nr_ranges,
		   const struct vfio_region_dma_range *r, uint32_t nr_copy)
{
	size_t sz = sizeof(struct vfio_device_feature) +
		    sizeof(struct vfio_device_feature_dma_buf) +
		    (size_t)nr_copy * sizeof(struct vfio_region_dma_range);
	struct vfio_device_feature *f = calloc(1, sz);
	struct vfio_device_feature_dma_buf *db;
	int ret, err;

	if (!f)
		return -1;
	db = (struct vfio_device_feature_dma_buf *)f->data;
	f->argsz = (uint32_t)sz;
	f->flags = feature_flags;
	db->region_index = region;
	db->open_flags = open_flags;
	db->flags = flags;
	db->nr_ranges = nr_ranges;
	if (nr_copy)
		memcpy(db->dma_ranges, r, nr_copy * sizeof(*r));
	errno = 0;
	ret = ioctl(devfd, VFIO_DEVICE_FEATURE, f);
	err = errno;
	free(f);
	errno = err;
	return ret;
}

int dmabuf_export(int devfd, uint32_t region, uint32_t open_flags,
		  const struct vfio_region_dma_range *r, uint32_t nr)
{
	return dmabuf_feature(devfd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF,
			      region, open_flags, 0, nr, r, nr);
}

int heap_alloc(const char *heap, size_t len)
{
	struct dma_heap_allocation_data a = {
		.len = len,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[128];
	int hfd, ret, err;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap);
	hfd = open(path, O_RDONLY | O_CLOEXEC);
	if (hfd < 0)
		return -1;
	ret = ioctl(hfd, DMA_HEAP_IOCTL_ALLOC, &a);
	err = errno;
	close(hfd);
	errno = err;
	return ret < 0 ? -1 : (int)a.fd;
}

int fdinfo_get(int fd, const char *key, char *buf, size_t len)
{
	char path[64], line[512];
	size_t kl = strlen(key);
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, key, kl) || line[kl] != ':')
			continue;
		v = line + kl + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, len, "%s", v);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

int fd_link(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

int maps_line(const void *addr, char *buf, size_t len)
{
	unsigned long a = (unsigned long)addr, s, e;
	char line[1024];
	FILE *f = fopen("/proc/self/maps", "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && a >= s && a < e) {
			line[strcspn(line, "\n")] = 0;
			snprintf(buf, len, "%s", line);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

const char *vfio_dev_name(const char *bdf, char *buf, size_t len)
{
	char path[256];
	struct dirent *de;
	DIR *dir;
	const char *ret = NULL;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return NULL;
	while ((de = readdir(dir))) {
		if (!strncmp(de->d_name, "vfio", 4)) {
			snprintf(buf, len, "%s", de->d_name);
			ret = buf;
			break;
		}
	}
	closedir(dir);
	return ret;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}
