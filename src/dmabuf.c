// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabuf.c - export/name/revoke VFIO dma-bufs, explaining refusals.
 */
#include "dmabuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "compat.h"
#include "output.h"
#include "parse.h"
#include "procfs.h"
#include "vendproto.h"

int vf_series_absent(const char *op, const struct vf_device *d)
{
	const struct vf_uapi_choice *c = &d->series;
	struct utsname u;
	char why[512], hint[640];

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	snprintf(why, sizeof(why),
		 "the running kernel (%s) lacks it: it comes with %s, which no released kernel has",
		 u.release, VF_SERIES);
	if (!strcmp(c->how, "none") && !strcmp(vf.uapi, "none"))
		snprintf(hint, sizeof(hint), "%s; --uapi auto (the default) asks the driver", c->why);
	else if (*c->declared)
		snprintf(hint, sizeof(hint), "%s's driver %s: %s", d->pci.bdfstr, d->pci.driver, c->why);
	else
		snprintf(hint, sizeof(hint),
			 "%s's driver %s: %s; vfbuf_sim (kernel/vfbuf_sim) emulates the series on stock kernels",
			 d->pci.bdfstr, *d->pci.driver ? d->pci.driver : "(none)", c->why);
	return vf_error(VF_EXIT_UNSUPPORTED, hint, why, "%s", op);
}

/* The revision for op, checked with calls that change nothing before
 * anything is sent: NULL after the error (exit *code, 69). */
static const struct vf_uapi_rev *series_for(struct vf_device *d, const char *op, bool wc, int *code)
{
	const struct vf_uapi_rev *rev = vf_device_rev(d);
	char why[512];

	*code = VF_EXIT_UNSUPPORTED;
	if (!rev) {
		vf_series_absent(op, d);
		return NULL;
	}
	if (wc && !vf_uapi_has_wc(rev)) {
		snprintf(why, sizeof(why), "series %s has no write-combining attribute (%s)", rev->name,
			 d->series.why);
		vf_error(VF_EXIT_UNSUPPORTED, "map it uncached (without --wc)", why, "%s", op);
		return NULL;
	}
	if (vf_uapi_verify(d->vfio.device, rev, why, sizeof(why))) {
		char hint[400];

		snprintf(hint, sizeof(hint), "%s (%s): nothing was sent; --uapi names another revision", rev->name,
			 d->series.why);
		vf_error(VF_EXIT_UNSUPPORTED, hint, why, "%s", op);
		return NULL;
	}
	*code = 0;
	return rev;
}

int vf_export_check(const struct vf_pcidev *pci, struct vf_export_req *req)
{
	const struct vf_bar *b;
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	unsigned int i;

	if (req->bar >= VF_NBARS)
		return vf_error(VF_EXIT_USAGE, "BARs are numbered 0 to 5", "no such BAR",
				"--bar %u", req->bar);
	b = &pci->bars[req->bar];
	if (!b->present) {
		char hint[96];

		snprintf(hint, sizeof(hint), "'vfbuf list --bars -s %s' shows its BARs", pci->bdfstr);
		return vf_error(VF_EXIT_USAGE, hint, "the device has no such BAR", "%s BAR %u",
				pci->bdfstr, req->bar);
	}
	if (b->io)
		return vf_error(VF_EXIT_USAGE, "dma-bufs cover memory BARs only", "an I/O port BAR",
				"%s BAR %u", pci->bdfstr, req->bar);
	if (!req->nranges) {
		if (b->size < page)
			return vf_error(VF_EXIT_USAGE, "the kernel exports whole pages only",
					"smaller than a page", "%s BAR %u (%llu bytes)", pci->bdfstr,
					req->bar, (unsigned long long)b->size);
		req->ranges[0].off = 0;
		req->ranges[0].len = b->size;
		req->nranges = 1;
	}
	if (!req->check)
		return 0;
	for (i = 0; i < req->nranges; i++) {
		const struct vf_range *r = &req->ranges[i];
		char what[96];

		snprintf(what, sizeof(what), "--range 0x%llx:0x%llx", (unsigned long long)r->off,
			 (unsigned long long)r->len);
		if (r->len == 0)
			return vf_error(VF_EXIT_USAGE, NULL, "zero length", "%s", what);
		if ((r->off | r->len) & (page - 1))
			return vf_error(VF_EXIT_USAGE, "offsets and lengths are whole pages (4K)",
					"not page-aligned", "%s", what);
		if (r->off + r->len < r->off)
			return vf_error(VF_EXIT_USAGE, NULL, "offset + length overflows 64 bits", "%s",
					what);
		if (r->off + r->len > b->size) {
			char why[96];

			snprintf(why, sizeof(why), "past the end of BAR %u (size 0x%llx)", req->bar,
				 (unsigned long long)b->size);
			return vf_error(VF_EXIT_USAGE, NULL, why, "%s", what);
		}
	}
	return 0;
}

/* Why the kernel said no to an export. */
static int export_refused(const struct vf_device *d, const struct vf_export_req *req, int err)
{
	const char *why = NULL;
	int code = VF_EXIT_FAIL;

	switch (err) {
	case EINVAL:
		why = "ranges must be non-empty, page-aligned and inside the BAR, and flags 0 "
		      "unless the series' attribute bits are in use";
		break;
	case EOVERFLOW:
		why = "a range's offset + length overflows 64 bits";
		break;
	case ENODEV:
		why = "this region index is not a memory BAR the device can export";
		break;
	case ENOMEM:
		why = "the kernel could not allocate the ranges (too many?)";
		break;
	case ENOTTY:
	case EOPNOTSUPP:
		code = VF_EXIT_UNSUPPORTED;
		why = "the device or kernel cannot export dma-bufs (Linux 6.19+ with CONFIG_VFIO_PCI_DMABUF)";
		break;
	case EACCES:
	case EPERM:
		code = VF_EXIT_NOPERM;
		break;
	}
	vf_error(code, why, vf_strerror(err), "VFIO_DEVICE_FEATURE_DMA_BUF on %s BAR %u (%u range%s)",
		 d->pci.bdfstr, req->bar, req->nranges, req->nranges == 1 ? "" : "s");
	return code;
}

int vf_export(struct vf_device *d, struct vf_export_req *req, struct vf_export *out)
{
	const struct vf_uapi_rev *rev = NULL;
	struct vf_fdinfo fi;
	uint32_t flags = 0;
	char name[64];
	int r, fd;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if ((r = vf_export_check(&d->pci, req)))
		return r;
	r = vf_vfio_feature_probe(d->vfio.device, VFIO_DEVICE_FEATURE_DMA_BUF, VFIO_DEVICE_FEATURE_GET);
	if (r == 0)
		return vf_error(VF_EXIT_UNSUPPORTED,
				"dma-buf export is in Linux 6.19 and later (CONFIG_VFIO_PCI_DMABUF)",
				"the kernel lacks VFIO_DEVICE_FEATURE_DMA_BUF", "%s", d->pci.bdfstr);
	if (req->wc) {
		if (!(rev = series_for(d, "--wc (write-combining dma-buf mappings)", true, &r)))
			return r;
		flags |= rev->export_flags_wc;
	}
	fd = vf_vfio_export(d->vfio.device, req->bar, req->ranges, req->nranges,
			    (req->rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC, flags);
	if (fd < 0)
		return export_refused(d, req, -fd);
	out->fd = fd;
	if (req->wc && rev->memattr_feature) {
		r = vf_vfio_memattr(d->vfio.device, rev->memattr_feature, fd, rev->memattr_wc);
		if (r < 0) {
			close(fd);
			out->fd = -1;
			return vf_error_errno(VF_EXIT_FAIL, -r, NULL, "setting write-combining (%s)",
					      rev->name);
		}
	}
	out->wc = req->wc;
	if (!req->name) {
		if (vf_format_export_name(name, sizeof(name), &d->pci.bdf, req->bar))
			name[0] = '\0';
	} else {
		snprintf(name, sizeof(name), "%s", req->name);
	}
	if (*name && (r = vf_dmabuf_set_name(fd, name)) < 0) {
		close(fd);
		out->fd = -1;
		return vf_error_errno(VF_EXIT_FAIL, -r,
				      -r == EINVAL ? "dma-buf names are at most 31 characters" : NULL,
				      "DMA_BUF_SET_NAME '%s'", name);
	}
	if (!vf_proc_fdinfo(getpid(), fd, &fi)) {
		out->size = fi.size;
		out->ino = fi.ino;
		snprintf(out->exporter, sizeof(out->exporter), "%s", fi.exp_name);
		snprintf(out->name, sizeof(out->name), "%s", fi.name);
	}
	return 0;
}

int vf_revoke(struct vf_device *d, int devfd, int dmabuf_fd, const char *what)
{
	const struct vf_uapi_rev *rev;
	char fdname[64];
	const char *why = NULL;
	int r;

	if (!what) {
		snprintf(fdname, sizeof(fdname), "fd %d", dmabuf_fd);
		what = fdname;
	}
	if (!(rev = series_for(d, "revoking a dma-buf", false, &r)))
		return r;
	if (rev->revoke_ioctl)
		r = vf_vfio_revoke_ioctl(devfd, rev->revoke_ioctl, dmabuf_fd);
	else
		r = vf_vfio_revoke_feature(devfd, rev->revoke_feature, dmabuf_fd);
	if (r >= 0)
		return 0;
	switch (-r) {
	case EBADFD:
		why = "it was revoked already";
		break;
	case ENODEV:
		why = "the dma-buf belongs to another device, or its device was closed since (the series "
		      "detaches a buffer from its device at the last close)";
		break;
	case EINVAL:
		why = "the fd is not a dma-buf";
		break;
	case EBADF:
		why = "no such open fd";
		break;
	case EOPNOTSUPP:
		why = "the device cannot export dma-bufs";
		break;
	}
	if (!why)
		return vf_error_errno(VF_EXIT_FAIL, -r, NULL, "revoking %s through %s (series %s)", what,
				      d->pci.bdfstr, rev->name);
	return vf_error(VF_EXIT_FAIL, NULL, why, "revoking %s through %s (series %s): %s", what,
			d->pci.bdfstr, rev->name, vf_strerror(-r));
}

void vf_export_ranges(const struct vf_export_req *req, char *out, size_t sz)
{
	size_t used = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < req->nranges && used < sz; i++) {
		int n = snprintf(out + used, sz - used, "%s0x%llx+0x%llx", i ? "," : "",
				 (unsigned long long)req->ranges[i].off,
				 (unsigned long long)req->ranges[i].len);

		used += n > 0 ? (size_t)n : 0;
	}
}

void vf_export_ranges_list(const struct vf_export_req *req, struct vf_list *l)
{
	unsigned int i;

	for (i = 0; i < req->nranges; i++) {
		char text[48];

		snprintf(text, sizeof(text), "0x%llx+0x%llx", (unsigned long long)req->ranges[i].off,
			 (unsigned long long)req->ranges[i].len);
		vf_list_item(l, text);
		vf_list_u64(l, "offset", req->ranges[i].off);
		vf_list_u64(l, "length", req->ranges[i].len);
	}
}

void vf_export_describe(const struct vf_device *d, const struct vf_export_req *req,
			const struct vf_export *e, char *out, size_t sz)
{
	struct vf_vend_desc desc = VF_VEND_DESC_INIT;

	desc.size = e->size;
	desc.inode = e->ino;
	snprintf(desc.device, sizeof(desc.device), "%s", d->pci.bdfstr);
	desc.bar = req->bar;
	vf_export_ranges(req, desc.ranges, sizeof(desc.ranges));
	snprintf(desc.name, sizeof(desc.name), "%s", e->name);
	desc.rdonly = req->rdonly;
	desc.wc = e->wc;
	vf_vend_format_desc(&desc, out, sz);
}
