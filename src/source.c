// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source.c - map a dma-buf or a BAR for map/peek/poke (see source.h).
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "compat.h"
#include "dmabuf.h"
#include "mmio.h"
#include "output.h"
#include "pidfd.h"
#include "procfs.h"
#include "vend.h"
#include "vendproto.h"

/* Does the first page of dma-buf fd map?  Tells a kernel that cannot mmap
 * VFIO dma-bufs at all (mainline: EINVAL for every window) from one that
 * refused only the window asked for (the series, whose exporter is also
 * vfio_pci_core). */
static bool first_page_maps(int fd, uint64_t page)
{
	void *p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return false;
	munmap(p, (size_t)page);
	return true;
}

/* Map a dma-buf fd. */
static int map_dmabuf(const struct vf_source_opts *o, struct vf_mapping *m)
{
	char link[PATH_MAX], p[64];
	struct vf_fdinfo fi;
	off_t size;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), base;
	int prot, acc;
	bool inside;

	int is;

	/* the kernel's mark, not the path: any file can be named /dmabuf:... */
	if ((is = vf_fd_is_dmabuf(m->fd)) < 0)
		return vf_error(VF_EXIT_FAIL, NULL, "not an open fd", "%s", m->what);
	if (!is) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", m->fd);
		if (vf_readlink(p, link, sizeof(link)) < 0)
			snprintf(link, sizeof(link), "?");
		return vf_error(VF_EXIT_FAIL, NULL, "not a dma-buf", "%s (%s)", m->what, link);
	}
	m->dmabuf = true;
	vf_self_fdinfo(m->fd, &fi);
	size = lseek(m->fd, 0, SEEK_END);
	if (size < 0)
		return vf_error_errno(VF_EXIT_FAIL, errno, NULL, "size of %s", m->what);
	acc = fcntl(m->fd, F_GETFL) & O_ACCMODE;
	m->rdonly = acc == O_RDONLY;
	if (o->write && m->rdonly)
		return vf_error(VF_EXIT_FAIL, "the primary exported it with --rdonly", "read-only dma-buf",
				"%s", m->what);
	if (o->offset & (page - 1))
		return vf_error(VF_EXIT_USAGE, NULL, "not page-aligned", "--offset 0x%llx",
				(unsigned long long)o->offset);
	inside = o->offset < (uint64_t)size && o->length <= (uint64_t)size - o->offset;
	if (!inside && !o->no_check)
		return vf_error(VF_EXIT_USAGE, "--no-check asks the kernel anyway", "outside the dma-buf",
				"--offset 0x%llx --length 0x%llx of %s (size 0x%llx)",
				(unsigned long long)o->offset, (unsigned long long)o->length,
				m->what, (unsigned long long)size);
	/* --no-check past the end without --length: one page */
	m->len = o->length ? o->length : inside ? (uint64_t)size - o->offset : page;
	base = o->offset;
	m->map_len = (size_t)((m->len + page - 1) & ~(page - 1));
	prot = PROT_READ | (m->rdonly ? 0 : PROT_WRITE);
	m->map_base = mmap(NULL, m->map_len, prot, MAP_SHARED, m->fd, (off_t)base);
	if (m->map_base == MAP_FAILED) {
		int e = errno;

		m->map_base = NULL;
		/* Mainline's exporter has no .mmap: every mmap() of its buffers is
		 * EINVAL, whatever the window.  The series' exporter has the same
		 * name (vfbuf_sim's too, undeclared): it maps the first page. */
		if (e == EINVAL && !strcmp(fi.exp_name, "vfio_pci_core") && !first_page_maps(m->fd, page)) {
			struct utsname u;
			char why[320];

			uname(&u);
			snprintf(why, sizeof(why),
				 "the running kernel (%s) cannot mmap VFIO dma-bufs (EINVAL): that comes with %s, "
				 "which no released kernel has",
				 u.release, VF_SERIES);
			return vf_error(VF_EXIT_UNSUPPORTED,
					"use the classic path (-s BDF --bar N), or vfbuf_sim (kernel/vfbuf_sim)",
					why, "mmap of %s", m->what);
		}
		if (e == ENODEV)
			return vf_error(VF_EXIT_REVOKED, NULL,
					"the dma-buf was revoked, or its device closed (ENODEV)",
					"mmap of %s", m->what);
		if (e == EINVAL && !inside)
			return vf_error(VF_EXIT_FAIL, NULL,
					"the exporter refuses a window outside the buffer: Invalid argument (EINVAL)",
					"mmap of 0x%llx bytes at 0x%llx of %s (exporter %s, size 0x%llx)",
					(unsigned long long)m->map_len, (unsigned long long)base, m->what,
					*fi.exp_name ? fi.exp_name : "?", (unsigned long long)size);
		return vf_error_errno(-1, e, NULL, "mmap of %s (exporter %s)", m->what,
				      *fi.exp_name ? fi.exp_name : "?");
	}
	m->addr = m->map_base;
	return 0;
}

static int map_bar(const struct vf_source_opts *o, struct vf_mapping *m, bool allow_pio)
{
	struct vf_region reg;
	struct vf_pcidev pci;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), aligned;
	bool inside;
	int r, fd = -1;

	if (o->pid && !(r = vf_device_held(o->pid, &o->sel,
					     "--pid names the process that holds the device open", &pci, &fd)))
		r = vf_device_take(o->pid, fd, &pci, &m->dev);
	else if (!o->pid && !(r = vf_device_find(&o->sel, &pci)))
		r = vf_device_open(&pci, &m->dev);
	if (r)
		return r;
	m->have_dev = true;
	m->fd_ours = true; /* a write-combining export's fd; never the device's */
	if (o->pid)
		snprintf(m->what, sizeof(m->what), "%s BAR %d (the device fd of process %d)",
			 m->dev.pci.bdfstr, o->bar, (int)o->pid);
	else
		snprintf(m->what, sizeof(m->what), "%s BAR %d", m->dev.pci.bdfstr, o->bar);
	if (vf_vfio_region(m->dev.vfio.device, (unsigned int)o->bar, &reg) < 0 || !reg.size) {
		char hint[96];

		snprintf(hint, sizeof(hint), "'vfbuf list --bars -s %s' shows its BARs", m->dev.pci.bdfstr);
		return vf_error(VF_EXIT_USAGE, hint, "the device has no such BAR", "%s", m->what);
	}
	inside = o->offset < reg.size && o->length <= reg.size - o->offset;
	if (!inside && !o->no_check)
		return vf_error(VF_EXIT_USAGE, "--no-check asks the kernel anyway", "outside the BAR",
				"--offset 0x%llx --length 0x%llx of %s (size 0x%llx)",
				(unsigned long long)o->offset, (unsigned long long)o->length,
				m->what, (unsigned long long)reg.size);
	m->len = o->length ? o->length : inside ? reg.size - o->offset : page;
	if (o->wc) {
		/* write-combining needs the series: a WC dma-buf of the window */
		struct vf_export_req req = { .bar = (unsigned int)o->bar, .nranges = 1, .wc = true,
					     .check = !o->no_check, .name = NULL };
		struct vf_export e;

		aligned = o->offset & ~(page - 1);
		req.ranges[0].off = aligned;
		req.ranges[0].len = (o->offset + m->len - aligned + page - 1) & ~(page - 1);
		if ((r = vf_export(&m->dev, &req, &e)))
			return r;
		m->fd = e.fd;
		m->map_len = (size_t)req.ranges[0].len;
		m->map_base = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
		if (m->map_base == MAP_FAILED) {
			m->map_base = NULL;
			return vf_error_errno(-1, errno, NULL, "mmap of the write-combining dma-buf of %s",
					      m->what);
		}
		m->dmabuf = true;
		m->wc = 1;
		m->addr = (volatile uint8_t *)m->map_base + (o->offset - aligned);
		return 0;
	}
	m->wc = 0;
	m->fd = m->dev.vfio.device;
	if (!(reg.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		if (!allow_pio)
			return vf_error(VF_EXIT_FAIL, "peek and poke reach it with pread/pwrite",
					"the region cannot be mmap()ed", "%s", m->what);
		if (o->close_fd)
			return vf_error(VF_EXIT_FAIL, NULL,
					"the region cannot be mmap()ed, and pread/pwrite need the device fd",
					"--close-fd with %s", m->what);
		m->pio_off = reg.offset + o->offset;
		return 0;
	}
	aligned = o->offset & ~(page - 1);
	m->map_len = (size_t)((o->offset + m->len - aligned + page - 1) & ~(page - 1));
	m->map_base = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd,
			   (off_t)(reg.offset + aligned));
	if (m->map_base == MAP_FAILED) {
		m->map_base = NULL;
		if (allow_pio && !o->close_fd && inside) {
			vf_info("%s: mmap failed (%s), using pread/pwrite", m->what, vf_strerror(errno));
			m->pio_off = reg.offset + o->offset;
			return 0;
		}
		return vf_error_errno(-1, errno, NULL, "mmap of %s", m->what);
	}
	m->addr = (volatile uint8_t *)m->map_base + (o->offset - aligned);
	return 0;
}

/* Close m's fds: what we opened, took or received, and an inherited --fd
 * too when inherited_too (--close-fd). */
static void drop_fds(struct vf_mapping *m, bool inherited_too)
{
	bool devfd = m->have_dev && m->fd == m->dev.vfio.device;

	if (m->fd >= 0 && !devfd && (inherited_too || m->fd_ours))
		close(m->fd);
	m->fd = -1;
	if (m->sock >= 0)
		close(m->sock);
	m->sock = -1;
	if (m->have_dev)
		vf_device_close(&m->dev);
	m->have_dev = false;
}

static int map_source(const struct vf_source_opts *o, struct vf_mapping *m, bool allow_pio)
{
	char desc[VF_VEND_MSG_MAX];
	struct vf_vend_desc vd;
	int r;

	if (o->bar >= 0)
		return map_bar(o, m, allow_pio);
	m->fd_ours = o->pid || o->connect;
	if (o->connect) {
		if ((r = vf_vend_connect(o->connect, &m->sock, &m->fd, desc, sizeof(desc))))
			return r;
		vf_info("received fd %d: %s", m->fd, desc);
		snprintf(m->what, sizeof(m->what), "the dma-buf from %s", o->connect);
		vf_vend_parse_desc(desc, &vd);
		m->wc = vd.wc;
	} else if (o->pid) {
		if ((m->fd = vf_take_fd(o->pid, o->fd, "dma-buf")) < 0) {
			r = -m->fd;
			m->fd = -1;
			return r;
		}
		snprintf(m->what, sizeof(m->what), "dma-buf fd %d of process %d", o->fd, (int)o->pid);
	} else {
		m->fd = o->fd;
		snprintf(m->what, sizeof(m->what), "dma-buf fd %d", o->fd);
	}
	return map_dmabuf(o, m);
}

int vf_source_map(const struct vf_source_opts *o, bool allow_pio, struct vf_mapping *m)
{
	int r;

	memset(m, 0, sizeof(*m));
	m->fd = m->sock = -1;
	m->wc = -1;
	m->offset = o->offset;
	r = map_source(o, m, allow_pio);
	if (!r && o->close_fd) {
		/* the mapping holds the dma-buf (or the device) by itself */
		drop_fds(m, true);
		vf_info("%s: mapped; closed every fd of it", m->what);
	}
	return r;
}

void vf_source_unmap(struct vf_mapping *m)
{
	if (m->map_base)
		munmap(m->map_base, m->map_len);
	m->map_base = NULL;
	/* an inherited fd stays the caller's; what we took or received is ours */
	drop_fds(m, false);
}

/* ---- accesses ---- */

int vf_access_check(const struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		    uint64_t count)
{
	/* the device sees --offset + off: that is what must be aligned */
	if ((m->offset + off) % width)
		return vf_error(VF_EXIT_USAGE,
				m->offset % width ? "the access is at --offset + OFFSET, a multiple of --width"
						      : "offsets are multiples of --width",
				"misaligned", "%s 0x%llx width %u", op, (unsigned long long)off, width);
	if (off >= m->len || count > (m->len - off) / width)
		return vf_error(VF_EXIT_USAGE, NULL, "past the end",
				"%s 0x%llx + %llu x %u bytes of %s (length 0x%llx)", op,
				(unsigned long long)off, (unsigned long long)count, width, m->what,
				(unsigned long long)m->len);
	return 0;
}

static int revoked(const struct vf_mapping *m, const char *op, uint64_t off)
{
	return vf_error(VF_EXIT_REVOKED, NULL, "SIGBUS: the buffer was revoked or the device is gone",
			"access revoked: %s 0x%llx of %s", op, (unsigned long long)off, m->what);
}

int vf_access_read(struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		   size_t count, uint64_t *vals)
{
	size_t i, fault;

	if (m->addr) {
		if (vf_mmio_read(m->addr, off, width, count, vals, &fault))
			return revoked(m, op, off + fault * width);
		return 0;
	}
	for (i = 0; i < count; i++) {
		uint64_t v = 0;
		ssize_t n = pread(m->fd, &v, width, (off_t)(m->pio_off + off + i * width));

		if (n != (ssize_t)width)
			return vf_error_errno(VF_EXIT_FAIL, n < 0 ? errno : EIO, NULL,
					      "pread of %u bytes at 0x%llx of %s", width,
					      (unsigned long long)(off + i * width), m->what);
		vals[i] = v;
	}
	return 0;
}

int vf_access_write(struct vf_mapping *m, const char *op, uint64_t off, unsigned int width,
		    size_t count, const uint64_t *vals, uint64_t *readback)
{
	size_t i, fault;

	if (m->addr) {
		if (vf_mmio_write(m->addr, off, width, count, vals, readback, &fault))
			return revoked(m, op, off + fault * width);
		return 0;
	}
	for (i = 0; i < count; i++) {
		uint64_t v = vals[i];
		off_t at = (off_t)(m->pio_off + off + i * width);
		ssize_t n = pwrite(m->fd, &v, width, at);

		if (n == (ssize_t)width && readback) {
			v = 0;
			n = pread(m->fd, &v, width, at);
			readback[i] = v;
		}
		if (n != (ssize_t)width)
			return vf_error_errno(VF_EXIT_FAIL, n < 0 ? errno : EIO, NULL,
					      "pwrite of %u bytes at 0x%llx of %s", width,
					      (unsigned long long)(off + i * width), m->what);
	}
	return 0;
}
