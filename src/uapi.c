// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uapi.c - the series' numbers per revision (see uapi.h).
 */
#include "uapi.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "procfs.h"
#include "vfbuf.h"

/* v1 (Apr 2026): a revoke ioctl, the CPU attribute in export flags 31:28 */
static const struct vf_uapi_rev rev_v1 = {
	.id = VF_REV_V1,
	.name = "v1",
	.what = "v1: revoke ioctl VFIO_BASE+22, write-combining in export flags bits 31:28",
	.revoke_ioctl = _IO(VFIO_TYPE, VFIO_BASE + 22),
	.export_flags_wc = 1u << 28,
};

/* v3/v4: device features REVOKE (13) and MEMATTR (14) */
static const struct vf_uapi_rev rev_v4 = {
	.id = VF_REV_V4,
	.name = "v4",
	.what = "v4: device features 13 (DMA_BUF_REVOKE) and 14 (DMA_BUF_MEMATTR)",
	.revoke_feature = 13,
	.memattr_feature = 14,
	.memattr_wc = 1,
};

const struct vf_uapi_rev *const vf_uapi_revs[] = { &rev_v1, &rev_v4, NULL };

static int select_rev(const char *arg, const char *origin)
{
	size_t i;

	if (!strcmp(arg, "auto") || !strcmp(arg, "none")) {
		vf.uapi = !strcmp(arg, "auto") ? "auto" : "none";
		vf.uapi_origin = origin;
		return 0;
	}
	for (i = 0; vf_uapi_revs[i]; i++)
		if (!strcmp(arg, vf_uapi_revs[i]->name)) {
			vf.uapi = vf_uapi_revs[i]->name;
			vf.uapi_origin = origin;
			return 0;
		}
	return -1;
}

int vf_uapi_select(const char *arg)
{
	return select_rev(arg, "--uapi");
}

int vf_uapi_select_env(const char **value)
{
	const char *env = getenv("VFBUF_UAPI");

	*value = env;
	if (!env || !*env)
		return 0;
	return select_rev(env, "VFBUF_UAPI");
}

static const struct vf_uapi_rev *by_name(const char *name)
{
	size_t i;

	for (i = 0; vf_uapi_revs[i]; i++)
		if (!strcmp(name, vf_uapi_revs[i]->name))
			return vf_uapi_revs[i];
	return NULL;
}

const struct vf_uapi_rev *vf_uapi_for(const struct vf_pcidev *d, char *declared, size_t sz)
{
	char p[PATH_MAX], link[PATH_MAX], val[32];
	const char *mod;

	declared[0] = '\0';
	/* the driver's module: /sys/bus/pci/drivers/DRV/module -> .../module/M */
	if (*d->driver && !vf_path(p, sizeof(p), "/sys/bus/pci/drivers/%s/module", d->driver) &&
	    vf_readlink(p, link, sizeof(link)) > 0) {
		mod = strrchr(link, '/');
		mod = mod ? mod + 1 : link;
		if (!vf_path(p, sizeof(p), "/sys/module/%s/parameters/uapi", mod) &&
		    vf_read_file(p, val, sizeof(val)) > 0) {
			val[strcspn(val, "\n")] = '\0';
			snprintf(declared, sz, "%s", val);
		}
	}
	if (!strcmp(vf.uapi, "none") || !*declared)
		return NULL;
	if (!strcmp(vf.uapi, "auto"))
		return by_name(declared);
	return strcmp(vf.uapi, declared) ? NULL : by_name(vf.uapi);
}
