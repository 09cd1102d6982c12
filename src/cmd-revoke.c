// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-revoke.c - vfbuf revoke: revoke a vended dma-buf (the posted series'
 * uAPI): ask its primary (--connect), take it and its owner's device fd
 * from a process (--pid --fd, pidfd_getfd), or revoke an fd of ours
 * through a device we open (--fd with -s/-d).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "dmabuf.h"
#include "output.h"
#include "pidfd.h"
#include "procfs.h"
#include "uapi.h"
#include "vend.h"
#include "vendproto.h"

struct opts {
	int fd;
	pid_t pid;
	const char *connect;
	struct vf_select sel;
};

enum { OPT_FD = 0x200, OPT_PID, OPT_CONNECT };

static const struct argp_option options[] = {
	{ "connect", OPT_CONNECT, "SOCKET", 0, "Ask the primary serving SOCKET to revoke its dma-buf", 0 },
	{ "pid", OPT_PID, "PID", 0, "With --fd: revoke process PID's dma-buf fd (pidfd_getfd)", 0 },
	{ "fd", OPT_FD, "FD", 0, "The dma-buf fd (ours, or with --pid that process's)", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		VF_ARGS_INPUTS(state, &o->sel, NULL);
		return 0;
	case OPT_CONNECT: o->connect = arg; return 0;
	case OPT_PID:
		o->pid = vf_arg_pid(state, arg);
		return 0;
	case OPT_FD:
		o->fd = (int)vf_arg_id(state, "--fd", arg, INT_MAX);
		return 0;
	case ARGP_KEY_ARG:
		vf_usage_error(state, "unexpected argument '%s'", arg);
	case ARGP_KEY_END:
		if (o->connect && (o->fd >= 0 || o->pid))
			vf_usage_error(state, "--connect excludes --fd and --pid");
		if (!o->connect && o->fd < 0)
			vf_usage_error(state, "name the buffer: --connect SOCKET, --pid PID --fd FD, or --fd FD -s BDF");
		if (o->fd >= 0 && !o->pid && !o->sel.slot && !o->sel.id)
			vf_usage_error(state, "--fd without --pid needs the device (-s BDF or -d VENDOR:DEVICE)");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child children[] = {
	{ &vf_select_argp, 0, "Device selection:", 1 },
	{ &vf_global_argp, 0, "Global options:", 4 },
	{ 0 }
};

static const struct argp argp = {
	options, parse, NULL,
	"Revoke a dma-buf exported from a VFIO device: every mapping of it faults (SIGBUS) "
	"from then on.  Needs " VF_SERIES " (or vfbuf_sim); without it, exit 69.",
	children, NULL, NULL
};

/* What was revoked: a sentence, or with -J a one-row table "revoked". */
enum { COL_DEVICE, COL_SERIES, COL_PID, COL_FD, COL_INODE, COL_SOCKET };
static const struct vf_colinfo cols[] = {
	[COL_DEVICE] = { "DEVICE", 12, 0, VF_COL_STR, "PCI device that exported the dma-buf" },
	[COL_SERIES] = { "SERIES", 2, 0, VF_COL_STR, "series revision used (v1, v4)" },
	[COL_PID] = { "PID", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "process whose fd was revoked (--pid)" },
	[COL_FD] = { "FD", 3, SCOLS_FL_RIGHT, VF_COL_NUM, "the dma-buf fd (in that process)" },
	[COL_INODE] = { "INODE", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "the dma-buf's inode" },
	[COL_SOCKET] = { "SOCKET", 0.3, 0, VF_COL_STR, "the primary's socket (--connect)" },
};

struct revoked {
	const char *device, *series, *socket;
	pid_t pid;
	int fd;
	unsigned long long ino;
};

static int report(const struct revoked *w, const char *sentence)
{
	struct vf_table *t;

	t = vf_table_new("revoked", cols, VF_ARRAY_SIZE(cols), "DEVICE,SERIES,PID,FD,INODE,SOCKET", NULL);
	if (!t)
		return VF_EXIT_USAGE;
	vf_table_row(t);
	vf_cell_str(t, COL_DEVICE, w->device);
	vf_cell_str(t, COL_SERIES, w->series);
	if (w->pid)
		vf_cell_u64(t, COL_PID, (uint64_t)w->pid);
	if (w->fd >= 0)
		vf_cell_u64(t, COL_FD, (uint64_t)w->fd);
	if (w->ino)
		vf_cell_u64(t, COL_INODE, w->ino);
	vf_cell_str(t, COL_SOCKET, w->socket);
	vf_table_sentence(t, sentence);
	return vf_table_print(t);
}

static unsigned long long inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (unsigned long long)st.st_ino;
}

/* 1 when fd (ours) looks like a dma-buf by its name ("/dmabuf:...") but
 * is none by the kernel's mark (fstatfs), with its link target in what:
 * an impostor is refused before anything is opened.  Any other fd that is
 * no dma-buf is the kernel's to refuse (EINVAL, EBADF), or the missing
 * series' (69). */
static int not_dmabuf(int fd, char *what, size_t sz)
{
	char p[64];

	if (vf_fd_is_dmabuf(fd) == 1)
		return 0;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (vf_readlink(p, what, sz) < 0)
		return 0;
	return !strncmp(what, "/dmabuf:", 8);
}

static int revoke_pid(const struct opts *o)
{
	struct revoked w = { .pid = o->pid, .fd = o->fd };
	struct vf_pcidev pci;
	struct vf_device d;
	char sentence[256];
	int bfd, r, devfd;

	if ((r = vf_device_held(o->pid, &o->sel, "only the process that owns the device can revoke",
				&pci, &devfd)))
		return r;
	/* its device fd first: which revision the driver speaks, if any, is
	 * asked through it, before the dma-buf is taken */
	if ((r = vf_device_take(o->pid, devfd, &pci, &d)))
		return r;
	if (!vf_device_rev(&d)) {
		r = vf_series_absent("revoking a dma-buf", &d);
		vf_device_close(&d);
		return r;
	}
	if ((bfd = vf_take_fd(o->pid, o->fd, "dma-buf")) < 0) {
		vf_device_close(&d);
		return -bfd;
	}
	if (not_dmabuf(bfd, sentence, sizeof(sentence))) {
		r = vf_error(VF_EXIT_FAIL, NULL, "not a dma-buf", "fd %d of process %d (%s)", o->fd,
			     (int)o->pid, sentence);
		close(bfd);
		vf_device_close(&d);
		return r;
	}
	/* through our copy of its fd: revoking through a dup revokes the buffer */
	snprintf(sentence, sizeof(sentence), "fd %d of process %d", o->fd, (int)o->pid);
	r = vf_revoke(&d, d.vfio.device, bfd, sentence);
	if (!r) {
		w.device = d.pci.bdfstr;
		w.series = d.series.rev->name;
		w.ino = inode_of(bfd);
		snprintf(sentence, sizeof(sentence), "revoked fd %d of process %d (device %s, series %s)",
			 o->fd, (int)o->pid, d.pci.bdfstr, d.series.rev->name);
		r = report(&w, sentence);
	}
	close(bfd);
	vf_device_close(&d);
	return r;
}

static int run(int argc, char **argv)
{
	struct opts opt = { .fd = -1 };
	char desc[VF_VEND_MSG_MAX], sentence[VF_VEND_MSG_MAX + 64];
	struct revoked w = { .fd = -1 };
	struct vf_vend_desc vd;
	struct vf_pcidev pci;
	struct vf_device d;
	int r, sock, fd;

	vf_parse_args(&argp, argc, argv, 0, &opt);
	if (opt.connect) {
		if ((r = vf_vend_connect(opt.connect, &sock, &fd, desc, sizeof(desc))))
			return r;
		close(fd);
		r = vf_vend_revoke(sock, opt.connect);
		close(sock);
		if (!r) {
			vf_vend_parse_desc(desc, &vd);
			w.device = *vd.device ? vd.device : NULL;
			w.ino = vd.has_inode ? vd.inode : 0;
			w.socket = opt.connect;
			snprintf(sentence, sizeof(sentence), "revoked the dma-buf served at %s (%s)",
				 opt.connect, desc);
			r = report(&w, sentence);
		}
		return r;
	}
	if (opt.pid)
		return revoke_pid(&opt);
	if ((r = vf_device_find(&opt.sel, &pci)))
		return r;
	/* before the device is opened: the fd must be a dma-buf */
	if (not_dmabuf(opt.fd, sentence, sizeof(sentence)))
		return vf_error(VF_EXIT_FAIL, NULL, "not a dma-buf", "fd %d (%s)", opt.fd, sentence);
	if ((r = vf_device_open(&pci, &d))) {
		vf_device_close(&d);
		return r;
	}
	r = vf_revoke(&d, d.vfio.device, opt.fd, NULL);
	if (!r) {
		w.device = d.pci.bdfstr;
		w.series = d.series.rev->name;
		w.fd = opt.fd;
		w.ino = inode_of(opt.fd);
		snprintf(sentence, sizeof(sentence), "revoked fd %d (device %s, series %s)", opt.fd,
			 d.pci.bdfstr, d.series.rev->name);
		r = report(&w, sentence);
	}
	vf_device_close(&d);
	return r;
}

const struct vf_command vf_cmd_revoke = {
	"revoke", "Revoke a vended dma-buf (the posted series' uAPI)", run
};
