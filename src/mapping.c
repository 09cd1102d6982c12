// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mapping.c - decode a maps line in VFIO terms (see mapping.h).
 */
#include "mapping.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "procfs.h"
#include "vfbuf.h"

/* The PCI device behind /dev/vfio/devices/vfioN, from sysfs. */
static bool cdev_device(const char *vfio, struct vf_bdf *b)
{
	char p[PATH_MAX], link[PATH_MAX];

	return !vf_path(p, sizeof(p), "/sys/class/vfio-dev/%s/device", vfio) &&
	       vf_readlink(p, link, sizeof(link)) > 0 && !vf_bdf_from_syspath(link, b);
}

/* The kernel names VFIO device cdevs vfio%d: anything else after
 * "/dev/vfio/devices/vfio" is some other file (and no sysfs name). */
static bool all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool vf_decode_mapping(struct vf_decode_ctx *ctx, const struct vf_maps_line *m,
		       struct vf_decoded *out)
{
	static const char anon[] = "anon_inode:[vfio-device]";
	static const char cdev[] = "/dev/vfio/devices/vfio";
	struct vf_name_ref ref;

	memset(out, 0, sizeof(*out));
	out->name = m->path;
	out->name_len = m->path_len;
	/* a dma-buf's file lives on the kernel's dma-buf pseudo file system,
	 * an anonymous one (device major 0): a file on a disk that is named
	 * /dmabuf:... is not one */
	if (m->path_len >= 8 && !memcmp(m->path, "/dmabuf:", 8) && m->dev_major == 0) {
		out->name += 8;
		out->name_len -= 8;
		out->kind = "dmabuf";
		switch (vf_decode_dmabuf_name(out->name, out->name_len, &ref)) {
		case VF_NAME_SERIES:
			/* the offset column keeps index << 40 */
			out->kind = "dmabuf-bar";
			out->has_bar = true;
			out->bar = ref.has_bar ? ref.bar : (unsigned int)(m->offset >> VF_OFFSET_SHIFT);
			out->has_baroff = true;
			out->baroff = m->offset & VF_OFFSET_MASK;
			break;
		case VF_NAME_VFBUF:
			out->has_bar = ref.has_bar;
			out->bar = ref.bar;
			break;
		default:
			break;
		}
		out->has_bdf = ref.has_bdf;
		out->bdf = ref.bdf;
		if (ref.has_vfio)
			snprintf(out->vfio, sizeof(out->vfio), "%s", ref.vfio);
		return true;
	}
	if (m->path_len == sizeof(anon) - 1 && !memcmp(m->path, anon, m->path_len)) {
		out->kind = "vfio-bar";
		if (ctx->pid && ctx->vfio_devs < 0)
			ctx->vfio_devs = vf_proc_vfio_devices(ctx->pid, ctx->devs, 2);
		/* the anon inode is shared: only a process with one device tells */
		if (ctx->vfio_devs == 1) {
			out->bdf = ctx->devs[0].bdf;
			out->has_bdf = true;
		}
	} else if (m->path_len > sizeof(cdev) - 1 && m->path_len < sizeof(cdev) - 1 + 12 &&
		   !memcmp(m->path, cdev, sizeof(cdev) - 1) &&
		   all_digits(m->path + sizeof(cdev) - 1, m->path_len - (sizeof(cdev) - 1))) {
		out->kind = "vfio-bar";
		vf_strlcpy(out->vfio, sizeof(out->vfio), m->path + 18, m->path_len - 18);
		out->has_bdf = cdev_device(out->vfio, &out->bdf);
	} else {
		out->kind = "other";
		return false;
	}
	out->has_bar = true;
	out->bar = (unsigned int)(m->offset >> VF_OFFSET_SHIFT);
	out->has_baroff = true;
	out->baroff = m->offset & VF_OFFSET_MASK;
	return true;
}
