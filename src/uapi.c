// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uapi.c - the series' numbers per revision, and choosing and checking the
 * revision a device speaks (see uapi.h).
 *
 * Numbers, structs and errnos per revision: kernel/vfbuf_sim/README.md and
 * docs in man/vfbuf.1 (SERIES REVISIONS).
 */
#include "uapi.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "compat.h"
#include "procfs.h"
#include "vfbuf.h"
#include "vfio.h"

/* v1 (16 Apr 2026): a revoke ioctl, the CPU attribute in export flags 31:28 */
static const struct vf_uapi_rev rev_v1 = {
	.id = VF_REV_V1,
	.name = "v1",
	.what = "v1: revoke ioctl VFIO_BASE+22, write-combining in export flags bits 31:28",
	.revoke_ioctl = _IO(VFIO_TYPE, VFIO_BASE + 22),
	.export_flags_wc = 1u << 28,
};

/* v2 (27 May 2026): the revoke ioctl stays; MEMATTR is feature 13 (GET, SET) */
static const struct vf_uapi_rev rev_v2 = {
	.id = VF_REV_V2,
	.name = "v2",
	.what = "v2: revoke ioctl VFIO_BASE+22, device feature 13 (DMA_BUF_MEMATTR, GET and SET)",
	.revoke_ioctl = _IO(VFIO_TYPE, VFIO_BASE + 22),
	.memattr_feature = 13,
	.memattr_ops = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET,
	.memattr_wc = 1,
};

/* v3 (10 Jun) and v4 (1 Jul 2026): device features REVOKE (13) and MEMATTR (14) */
static const struct vf_uapi_rev rev_v4 = {
	.id = VF_REV_V4,
	.name = "v4",
	.alias = "v3",
	.what = "v4 (= v3): device features 13 (DMA_BUF_REVOKE) and 14 (DMA_BUF_MEMATTR)",
	.revoke_feature = 13,
	.memattr_feature = 14,
	.memattr_ops = VFIO_DEVICE_FEATURE_SET,
	.memattr_wc = 1,
};

/* v5 (Jul 2026): REVOKE as in v4, no attribute at all */
static const struct vf_uapi_rev rev_v5 = {
	.id = VF_REV_V5,
	.name = "v5",
	.what = "v5: device feature 13 (DMA_BUF_REVOKE); no write-combining attribute",
	.revoke_feature = 13,
};

const struct vf_uapi_rev *const vf_uapi_revs[] = { &rev_v1, &rev_v2, &rev_v4, &rev_v5, NULL };

bool vf_uapi_has_wc(const struct vf_uapi_rev *rev)
{
	return rev && (rev->export_flags_wc || rev->memattr_feature);
}

static const struct vf_uapi_rev *by_name(const char *name)
{
	size_t i;

	for (i = 0; vf_uapi_revs[i]; i++)
		if (!strcmp(name, vf_uapi_revs[i]->name) ||
		    (vf_uapi_revs[i]->alias && !strcmp(name, vf_uapi_revs[i]->alias)))
			return vf_uapi_revs[i];
	return NULL;
}

const char *vf_uapi_names(void)
{
	return "auto, none, v1, v2, v3 (= v4), v4, v5";
}

static int select_rev(const char *arg, const char *origin)
{
	const struct vf_uapi_rev *rev = by_name(arg);

	if (!strcmp(arg, "auto") || !strcmp(arg, "none"))
		vf.uapi = !strcmp(arg, "auto") ? "auto" : "none";
	else if (rev)
		vf.uapi = rev->name;
	else
		return -1;
	vf.uapi_origin = origin;
	return 0;
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

void vf_uapi_declared(const struct vf_pcidev *d, char *out, size_t sz)
{
	char p[PATH_MAX], link[PATH_MAX], val[32];
	const char *mod;

	out[0] = '\0';
	/* the driver's module: /sys/bus/pci/drivers/DRV/module -> .../module/M */
	if (!*d->driver || vf_path(p, sizeof(p), "/sys/bus/pci/drivers/%s/module", d->driver) ||
	    vf_readlink(p, link, sizeof(link)) <= 0)
		return;
	mod = strrchr(link, '/');
	mod = mod ? mod + 1 : link;
	if (!vf_path(p, sizeof(p), "/sys/module/%s/parameters/uapi", mod) &&
	    vf_read_file(p, val, sizeof(val)) > 0) {
		val[strcspn(val, "\n")] = '\0';
		snprintf(out, sz, "%s", val);
	}
}

/* ---- the safe probes: nothing they send can change anything ---- */

/* What the driver answers; each "yes" only for the answer the series gives. */
struct answers {
	int set13, get13, set14; /* VFIO_DEVICE_FEATURE PROBE: 1, 0, or -errno */
	int ioctl22;             /* the revoke ioctl with fd -1: its -errno */
};

static void ask(int devfd, struct answers *a)
{
	struct {
		uint32_t argsz;
		int32_t dmabuf_fd;
	} arg = { sizeof(arg), -1 };
	int r;

	a->set13 = vf_vfio_feature_probe(devfd, 13, VFIO_DEVICE_FEATURE_SET);
	a->get13 = vf_vfio_feature_probe(devfd, 13, VFIO_DEVICE_FEATURE_GET);
	a->set14 = vf_vfio_feature_probe(devfd, 14, VFIO_DEVICE_FEATURE_SET);
	/* fd -1 cannot be a dma-buf: the series answers EBADF (or EINVAL),
	 * a kernel without the ioctl ENOTTY; nothing is revoked either way */
	r = vf_ioctl(devfd, rev_v1.revoke_ioctl, &arg);
	a->ioctl22 = r < 0 ? r : 0;
}

static bool ioctl22_is_series(const struct answers *a)
{
	return a->ioctl22 == -EBADF || a->ioctl22 == -EINVAL;
}

static void describe(const struct answers *a, char *out, size_t sz)
{
	snprintf(out, sz,
		 "feature 13 PROBE|SET %s, PROBE|GET %s; feature 14 PROBE|SET %s; revoke ioctl VFIO_BASE+22 "
		 "with fd -1: %s",
		 a->set13 > 0 ? "ok" : "refused", a->get13 > 0 ? "ok" : "refused",
		 a->set14 > 0 ? "ok" : "refused",
		 a->ioctl22 == 0 ? "ok" : strerrorname_np(-a->ioctl22) ? strerrorname_np(-a->ioctl22) : "?");
}

/* Does the driver answer as rev would?  Each revision's whole pattern, so
 * that nothing vfbuf sends can mean something else: v2's feature 13 is
 * MEMATTR (GET and SET), v4's and v5's is REVOKE (SET only), 7.3's is
 * ZPCI_ERROR (GET only); v1 has no feature at all. */
static bool answers_as(const struct answers *a, const struct vf_uapi_rev *rev)
{
	bool io = ioctl22_is_series(a);

	switch (rev->id) {
	case VF_REV_V1:
		return io && a->set13 <= 0;
	case VF_REV_V2:
		return io && a->set13 > 0 && a->get13 > 0;
	case VF_REV_V4:
		return !io && a->set13 > 0 && a->get13 <= 0 && a->set14 > 0;
	case VF_REV_V5:
		return !io && a->set13 > 0 && a->get13 <= 0;
	default:
		return false;
	}
}

/* The revision the answers point to, or NULL. */
static const struct vf_uapi_rev *identify(const struct answers *a)
{
	size_t i;

	/* v4 before v5: a v4 driver answers as v5 does, and more */
	for (i = 0; vf_uapi_revs[i]; i++)
		if (answers_as(a, vf_uapi_revs[i]))
			return vf_uapi_revs[i];
	return NULL;
}

/* The series' mark: a one-page export of a memory BAR can be mmap()ed
 * (mainline's exporter has no mmap: EINVAL).  1 yes, 0 no (why says it),
 * -1 nothing to try it with. */
static int mmap_works(int devfd, const struct vf_pcidev *d, char *why, size_t sz)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vf_range rg = { 0, (uint64_t)page };
	unsigned int bar;
	void *p;
	int fd, e;

	for (bar = 0; bar < VF_NBARS; bar++)
		if (d->bars[bar].present && !d->bars[bar].io && d->bars[bar].size >= (uint64_t)page)
			break;
	if (bar == VF_NBARS)
		return -1;
	fd = vf_vfio_export(devfd, bar, &rg, 1, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, sz, "a one-page export of BAR %u failed (%s)", bar,
			 strerrorname_np(-fd) ? strerrorname_np(-fd) : "?");
		return 0;
	}
	p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	e = errno;
	close(fd);
	if (p != MAP_FAILED) {
		munmap(p, (size_t)page);
		return 1;
	}
	/* ENODEV: revoked for now (memory decode off): only the series says that */
	if (e == ENODEV)
		return 1;
	snprintf(why, sz, "mmap of a one-page dma-buf of BAR %u is refused (%s), as on mainline", bar,
		 strerrorname_np(e) ? strerrorname_np(e) : "?");
	return 0;
}

void vf_uapi_choose(int devfd, const struct vf_pcidev *d, struct vf_uapi_choice *out)
{
	const struct vf_uapi_rev *rev;
	struct answers a;
	char said[256], mm[160] = "";
	int m;

	memset(out, 0, sizeof(*out));
	out->how = "none";
	vf_uapi_declared(d, out->declared, sizeof(out->declared));
	if (!strcmp(vf.uapi, "none")) {
		snprintf(out->why, sizeof(out->why), "--uapi none%s",
			 !strcmp(vf.uapi_origin, "VFBUF_UAPI") ? " (from VFBUF_UAPI)" : "");
		return;
	}
	if (strcmp(vf.uapi, "auto") != 0) {
		out->rev = by_name(vf.uapi);
		out->how = "given";
		snprintf(out->why, sizeof(out->why), "given by %s", vf.uapi_origin);
		return;
	}
	if (*out->declared && (out->rev = by_name(out->declared))) {
		out->how = "declared";
		snprintf(out->why, sizeof(out->why), "declared by driver %s", d->driver);
		return;
	}
	if (*out->declared) {
		snprintf(out->why, sizeof(out->why), "driver %s declares '%s', a revision vfbuf does not know",
			 d->driver, out->declared);
		return;
	}
	if (devfd < 0) {
		snprintf(out->why, sizeof(out->why), "not declared; not probed (the device is not open)");
		return;
	}
	ask(devfd, &a);
	describe(&a, said, sizeof(said));
	if (!(rev = identify(&a))) {
		snprintf(out->why, sizeof(out->why), "not declared; the probes match no revision (%s)", said);
		return;
	}
	m = mmap_works(devfd, d, mm, sizeof(mm));
	if (m == 0) {
		snprintf(out->why, sizeof(out->why), "not declared; the probes look like %s, but %s", rev->name,
			 mm);
		return;
	}
	out->rev = rev;
	out->how = "probed";
	snprintf(out->why, sizeof(out->why), "probed (%s)%s", said,
		 m < 0 ? "; no memory BAR to confirm it with mmap" : "; a dma-buf mmap()s");
}

int vf_uapi_verify(int devfd, const struct vf_uapi_rev *rev, char *why, size_t sz)
{
	struct answers a;
	char said[256];

	ask(devfd, &a);
	if (answers_as(&a, rev))
		return 0;
	describe(&a, said, sizeof(said));
	snprintf(why, sz, "the driver does not answer as series %s would: %s", rev->name, said);
	return -1;
}
