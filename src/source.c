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
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd.h"
#include "compat.h"
#include "mmio.h"
#include "output.h"
#include "procfs.h"
#include "vend.h"

struct vf_source_opts vf_src = { .fd = -1, .bar = -1 };

enum {
	OPT_FD = 0x200, OPT_PID, OPT_CONNECT, OPT_BAR, OPT_OFFSET, OPT_LENGTH, OPT_WC, OPT_NO_CHECK,
	OPT_CLOSE_FD,
};

static const struct argp_option source_opts[] = {
	{ "fd", OPT_FD, "FD", 0, "A dma-buf fd: inherited, or with --pid another process's", -4 },
	{ "pid", OPT_PID, "PID", 0,
	  "Take --fd, or with --bar the VFIO device fd, from process PID (pidfd_getfd; CAP_SYS_PTRACE)", -4 },
	{ "connect", OPT_CONNECT, "SOCKET", 0, "Ask the primary serving SOCKET for its dma-buf", -4 },
	{ "bar", OPT_BAR, "N", 0, "With -s/-d or --pid: BAR N through the device fd (the classic path)", -4 },
	{ "offset", OPT_OFFSET, "OFFSET", 0, "Start of the window in the source (page-aligned)", -4 },
	{ "length", OPT_LENGTH, "LENGTH", 0, "Length of the window (default: to the end)", -4 },
	{ "wc", OPT_WC, NULL, 0,
	  "With --bar: ask for a write-combining mapping (a request: needs the series, and on x86 "
	  "the BAR stays uncached-minus; see vfbuf(1) SOURCES)", -4 },
	{ "no-check", OPT_NO_CHECK, NULL, 0,
	  "mmap() the window without checking it against the source first", -4 },
	{ "close-fd", OPT_CLOSE_FD, NULL, 0,
	  "Close the source's fds once the window is mapped: only the mapping keeps it", -4 },
	{ 0 }
};

static error_t source_parse(int key, char *arg, struct argp_state *state)
{
	uint64_t v;

	switch (key) {
	case OPT_FD:
		v = (uint64_t)vf_arg_id(state, "--fd", arg, INT_MAX);
		vf_src.fd = (int)v;
		return 0;
	case OPT_PID:
		v = (uint64_t)vf_arg_id(state, "--pid", arg, INT_MAX);
		if (!v)
			vf_usage_error(state, "--pid 0: not a process");
		vf_src.pid = (pid_t)v;
		return 0;
	case OPT_CONNECT:
		vf_src.connect = arg;
		return 0;
	case OPT_BAR:
		v = vf_arg_u64(state, "--bar", arg);
		if (v > 5)
			vf_usage_error(state, "--bar %s: BARs are numbered 0 to 5", arg);
		vf_src.bar = (int)v;
		return 0;
	case OPT_OFFSET:
		vf_src.offset = vf_arg_u64(state, "--offset", arg);
		return 0;
	case OPT_LENGTH:
		vf_src.length = vf_arg_u64(state, "--length", arg);
		if (!vf_src.length)
			vf_usage_error(state, "--length 0: an empty window");
		return 0;
	case OPT_WC:
		vf_src.wc = true;
		return 0;
	case OPT_NO_CHECK:
		vf_src.no_check = true;
		return 0;
	case OPT_CLOSE_FD:
		vf_src.close_fd = true;
		return 0;
	case ARGP_KEY_END: {
		int n = (vf_src.fd >= 0) + (vf_src.connect != NULL) + (vf_src.bar >= 0);

		if (vf_src.pid && vf_src.fd < 0 && vf_src.bar < 0)
			vf_usage_error(state, "--pid needs --fd (its dma-buf) or --bar (its device's BAR)");
		if (n != 1)
			vf_usage_error(state, "name one source: --fd FD [--pid PID], --connect SOCKET, "
					      "or -s BDF --bar N (or --pid PID --bar N)");
		if (vf_src.bar >= 0 && !vf_src.pid && !vf_sel.slot && !vf_sel.id)
			vf_usage_error(state, "--bar needs a device (-s BDF or -d VENDOR:DEVICE, or --pid PID)");
		if (vf_src.bar < 0 && (vf_sel.slot || vf_sel.id))
			vf_usage_error(state, "-s/-d name a device for --bar");
		if (vf_src.wc && vf_src.bar < 0)
			vf_usage_error(state, "--wc applies to --bar (a vended buffer has its attribute already)");
		return 0;
	}
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp vf_source_argp = { source_opts, source_parse, NULL, NULL, NULL, NULL, NULL };

int vf_pidfd_open(pid_t pid)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd < 0)
		return -vf_error_errno(-1, errno, NULL, "pidfd_open(%d)", (int)pid);
	return pidfd;
}

int vf_pidfd_getfd(int pidfd, pid_t pid, int fd, const char *what)
{
	int r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0), e = errno;

	if (r < 0)
		return -vf_error_errno(-1, e,
				       e == EPERM ? "taking another process's fd needs CAP_SYS_PTRACE "
						    "(or ptrace access to it: same user, yama ptrace_scope 0)"
						  : e == EBADF ? "no such fd in that process" : NULL,
				       "pidfd_getfd(pid %d, %s fd %d)", (int)pid, what, fd);
	return r;
}

static int take_fd(pid_t pid, int fd)
{
	int pidfd = vf_pidfd_open(pid), r;

	if (pidfd < 0)
		return pidfd;
	r = vf_pidfd_getfd(pidfd, pid, fd, "dma-buf");
	close(pidfd);
	return r;
}

int vf_device_held(pid_t pid, const struct vf_select *sel, const char *none_hint,
		   struct vf_device *d, int *fd)
{
	struct vf_vfio_fd devs[16], *dev = NULL;
	struct vf_select one = *sel;
	bool want = sel->slot || sel->id;
	char bdf[VF_BDF_LEN];
	int r, n, i, found = 0;

	*fd = -1;
	memset(d, 0, sizeof(*d));
	d->vfio.device = d->vfio.group = d->vfio.container = d->vfio.iommufd = -1;
	if (want && (r = vf_pci_find_one(sel, &d->pci)))
		return r;
	n = vf_proc_vfio_devices(pid, devs, 16);
	if (n < 0)
		return vf_error_errno(-1, n == -ENOENT ? ESRCH : -n,
				      n == -EACCES || n == -EPERM
					      ? VF_HINT_FDS_RIGHTS
					      : NULL,
				      "reading the fds of process %d", (int)pid);
	/* the -s/-d device's fd, or the process's only device */
	for (i = 0; i < n; i++)
		if (!want || !memcmp(&devs[i].bdf, &d->pci.bdf, sizeof(d->pci.bdf))) {
			dev = &devs[i];
			found++;
		}
	if (!found)
		return vf_error(VF_EXIT_FAIL, none_hint,
				want ? "holds no VFIO device fd of that device" : "holds no VFIO device fd",
				"process %d", (int)pid);
	if (found > 1)
		return vf_error(VF_EXIT_USAGE, "name the device with -s BDF", "holds several VFIO devices",
				"process %d", (int)pid);
	vf_format_bdf(&dev->bdf, bdf);
	one.slot = bdf;
	one.id = NULL;
	if ((r = vf_pci_find_one(&one, &d->pci)))
		return r;
	snprintf(d->vfio.bdf, sizeof(d->vfio.bdf), "%s", d->pci.bdfstr);
	d->rev = vf_uapi_for(&d->pci, d->declared, sizeof(d->declared));
	*fd = dev->fd;
	return 0;
}

int vf_device_take(pid_t pid, const struct vf_select *sel, const char *none_hint,
		   struct vf_device *d)
{
	int fd = -1, pidfd, r;

	if ((r = vf_device_held(pid, sel, none_hint, d, &fd)))
		return r;
	if ((pidfd = vf_pidfd_open(pid)) < 0)
		return -pidfd;
	r = vf_pidfd_getfd(pidfd, pid, fd, "VFIO device");
	close(pidfd);
	if (r < 0)
		return -r;
	d->vfio.device = r;
	vf_info("%s: VFIO device fd %d of process %d is our fd %d; driver %s, series revision %s",
		d->pci.bdfstr, fd, (int)pid, r, d->pci.driver, d->rev ? d->rev->name : "none");
	return 0;
}

/* Map a dma-buf fd. */
static int map_dmabuf(struct vf_mapping *m)
{
	char link[PATH_MAX], p[64];
	struct vf_fdinfo fi;
	off_t size;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), base;
	int prot, acc;
	bool inside;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", m->fd);
	if (vf_readlink(p, link, sizeof(link)) < 0)
		return vf_error(VF_EXIT_FAIL, NULL, "not an open fd", "%s", m->what);
	if (!vf_target_is_dmabuf(link))
		return vf_error(VF_EXIT_FAIL, NULL, "not a dma-buf", "%s (%s)", m->what, link);
	m->dmabuf = true;
	memset(&fi, 0, sizeof(fi));
	vf_proc_fdinfo(getpid(), m->fd, &fi);
	size = lseek(m->fd, 0, SEEK_END);
	if (size < 0)
		return vf_error_errno(VF_EXIT_FAIL, errno, NULL, "size of %s", m->what);
	acc = fcntl(m->fd, F_GETFL) & O_ACCMODE;
	m->rdonly = acc == O_RDONLY;
	if (vf_src.write && m->rdonly)
		return vf_error(VF_EXIT_FAIL, "the primary exported it with --rdonly", "read-only dma-buf",
				"%s", m->what);
	if (vf_src.offset & (page - 1))
		return vf_error(VF_EXIT_USAGE, NULL, "not page-aligned", "--offset 0x%llx",
				(unsigned long long)vf_src.offset);
	inside = vf_src.offset < (uint64_t)size && vf_src.length <= (uint64_t)size - vf_src.offset;
	if (!inside && !vf_src.no_check)
		return vf_error(VF_EXIT_USAGE, "--no-check asks the kernel anyway", "outside the dma-buf",
				"--offset 0x%llx --length 0x%llx of %s (size 0x%llx)",
				(unsigned long long)vf_src.offset, (unsigned long long)vf_src.length,
				m->what, (unsigned long long)size);
	/* --no-check past the end without --length: one page */
	m->len = vf_src.length ? vf_src.length : inside ? (uint64_t)size - vf_src.offset : page;
	base = vf_src.offset;
	m->map_len = (size_t)((m->len + page - 1) & ~(page - 1));
	prot = PROT_READ | (m->rdonly ? 0 : PROT_WRITE);
	m->map_base = mmap(NULL, m->map_len, prot, MAP_SHARED, m->fd, (off_t)base);
	if (m->map_base == MAP_FAILED) {
		int e = errno;

		m->map_base = NULL;
		/* Mainline's exporter has no .mmap: every mmap() of its buffers is
		 * EINVAL, whatever the window.  (vfbuf_sim's exporter calls itself
		 * "vfbuf_sim"; were the series merged, vfio_pci_core would mmap.) */
		if (e == EINVAL && !strcmp(fi.exp_name, "vfio_pci_core")) {
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

static int map_bar(struct vf_mapping *m, bool allow_pio)
{
	struct vf_region reg;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), aligned;
	bool inside;
	int r;

	if (vf_src.pid)
		r = vf_device_take(vf_src.pid, &vf_sel, "--pid names the process that holds the device open",
				   &m->dev);
	else
		r = vf_device_open(&vf_sel, &m->dev);
	if (r)
		return r;
	m->have_dev = true;
	if (vf_src.pid)
		snprintf(m->what, sizeof(m->what), "%s BAR %d (the device fd of process %d)",
			 m->dev.pci.bdfstr, vf_src.bar, (int)vf_src.pid);
	else
		snprintf(m->what, sizeof(m->what), "%s BAR %d", m->dev.pci.bdfstr, vf_src.bar);
	if (vf_vfio_region(&m->dev.vfio, (unsigned int)vf_src.bar, &reg) < 0 || !reg.size) {
		char hint[96];

		snprintf(hint, sizeof(hint), "'vfbuf list --bars -s %s' shows its BARs", m->dev.pci.bdfstr);
		return vf_error(VF_EXIT_USAGE, hint, "the device has no such BAR", "%s", m->what);
	}
	inside = vf_src.offset < reg.size && vf_src.length <= reg.size - vf_src.offset;
	if (!inside && !vf_src.no_check)
		return vf_error(VF_EXIT_USAGE, "--no-check asks the kernel anyway", "outside the BAR",
				"--offset 0x%llx --length 0x%llx of %s (size 0x%llx)",
				(unsigned long long)vf_src.offset, (unsigned long long)vf_src.length,
				m->what, (unsigned long long)reg.size);
	m->len = vf_src.length ? vf_src.length : inside ? reg.size - vf_src.offset : page;
	if (vf_src.wc) {
		/* write-combining needs the series: a WC dma-buf of the window */
		struct vf_export_req req = { .bar = (unsigned int)vf_src.bar, .nranges = 1, .wc = true,
					     .check = !vf_src.no_check, .name = NULL };
		struct vf_export e;

		aligned = vf_src.offset & ~(page - 1);
		req.ranges[0].off = aligned;
		req.ranges[0].len = (vf_src.offset + m->len - aligned + page - 1) & ~(page - 1);
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
		m->addr = (volatile uint8_t *)m->map_base + (vf_src.offset - aligned);
		return 0;
	}
	m->wc = 0;
	m->fd = m->dev.vfio.device;
	if (!(reg.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		if (!allow_pio)
			return vf_error(VF_EXIT_FAIL, "peek and poke reach it with pread/pwrite",
					"the region cannot be mmap()ed", "%s", m->what);
		if (vf_src.close_fd)
			return vf_error(VF_EXIT_FAIL, NULL,
					"the region cannot be mmap()ed, and pread/pwrite need the device fd",
					"--close-fd with %s", m->what);
		m->pio_off = reg.offset + vf_src.offset;
		return 0;
	}
	aligned = vf_src.offset & ~(page - 1);
	m->map_len = (size_t)((vf_src.offset + m->len - aligned + page - 1) & ~(page - 1));
	m->map_base = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd,
			   (off_t)(reg.offset + aligned));
	if (m->map_base == MAP_FAILED) {
		m->map_base = NULL;
		if (allow_pio && !vf_src.close_fd && inside) {
			vf_info("%s: mmap failed (%s), using pread/pwrite", m->what, vf_strerror(errno));
			m->pio_off = reg.offset + vf_src.offset;
			return 0;
		}
		return vf_error_errno(-1, errno, NULL, "mmap of %s", m->what);
	}
	m->addr = (volatile uint8_t *)m->map_base + (vf_src.offset - aligned);
	return 0;
}

/* Close m's fds: what we opened, took or received, and an inherited --fd
 * too when inherited_too (--close-fd). */
static void drop_fds(struct vf_mapping *m, bool inherited_too)
{
	bool devfd = m->have_dev && m->fd == m->dev.vfio.device;

	if (m->fd >= 0 && !devfd && (inherited_too || vf_src.pid || vf_src.connect || m->have_dev))
		close(m->fd);
	m->fd = -1;
	if (m->sock >= 0)
		close(m->sock);
	m->sock = -1;
	if (m->have_dev)
		vf_device_close(&m->dev);
	m->have_dev = false;
}

static int map_source(struct vf_mapping *m, bool allow_pio)
{
	char desc[VF_VEND_MSG_MAX];
	const char *wc;
	int r;

	if (vf_src.bar >= 0)
		return map_bar(m, allow_pio);
	if (vf_src.connect) {
		if ((r = vf_vend_connect(vf_src.connect, &m->sock, &m->fd, desc, sizeof(desc))))
			return r;
		vf_info("received fd %d: %s", m->fd, desc);
		snprintf(m->what, sizeof(m->what), "the dma-buf from %s", vf_src.connect);
		/* the description ends "... access=rw|ro wc=0|1" (vf_export_describe) */
		if ((wc = strstr(desc, " wc=")) && (wc[4] == '0' || wc[4] == '1'))
			m->wc = wc[4] - '0';
	} else if (vf_src.pid) {
		if ((m->fd = take_fd(vf_src.pid, vf_src.fd)) < 0) {
			r = -m->fd;
			m->fd = -1;
			return r;
		}
		snprintf(m->what, sizeof(m->what), "dma-buf fd %d of process %d", vf_src.fd, (int)vf_src.pid);
	} else {
		m->fd = vf_src.fd;
		snprintf(m->what, sizeof(m->what), "dma-buf fd %d", vf_src.fd);
	}
	return map_dmabuf(m);
}

int vf_source_map(struct vf_mapping *m, bool allow_pio)
{
	int r;

	memset(m, 0, sizeof(*m));
	m->fd = m->sock = -1;
	m->wc = -1;
	r = map_source(m, allow_pio);
	if (!r && vf_src.close_fd) {
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
	if ((vf_src.offset + off) % width)
		return vf_error(VF_EXIT_USAGE,
				vf_src.offset % width ? "the access is at --offset + OFFSET, a multiple of --width"
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
