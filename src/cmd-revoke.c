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
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "dmabuf.h"
#include "output.h"
#include "procfs.h"
#include "source.h"
#include "vend.h"

static struct {
	int fd;
	pid_t pid;
	const char *connect;
} opt = { .fd = -1 };

enum { OPT_FD = 0x200, OPT_PID, OPT_CONNECT };

static const struct argp_option options[] = {
	{ "connect", OPT_CONNECT, "SOCKET", 0, "Ask the primary serving SOCKET to revoke its dma-buf", 0 },
	{ "pid", OPT_PID, "PID", 0, "With --fd: revoke process PID's dma-buf fd (pidfd_getfd)", 0 },
	{ "fd", OPT_FD, "FD", 0, "The dma-buf fd (ours, or with --pid that process's)", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	uint64_t v;

	switch (key) {
	case OPT_CONNECT: opt.connect = arg; return 0;
	case OPT_PID:
		v = (uint64_t)vf_arg_id(state, "--pid", arg, INT_MAX);
		if (!v)
			vf_usage_error(state, "--pid 0: not a process");
		opt.pid = (pid_t)v;
		return 0;
	case OPT_FD:
		v = (uint64_t)vf_arg_id(state, "--fd", arg, INT_MAX);
		opt.fd = (int)v;
		return 0;
	case ARGP_KEY_ARG:
		vf_usage_error(state, "unexpected argument '%s'", arg);
	case ARGP_KEY_END:
		if (opt.connect && (opt.fd >= 0 || opt.pid))
			vf_usage_error(state, "--connect excludes --fd and --pid");
		if (!opt.connect && opt.fd < 0)
			vf_usage_error(state, "name the buffer: --connect SOCKET, --pid PID --fd FD, or --fd FD -s BDF");
		if (opt.fd >= 0 && !opt.pid && !vf_sel.slot && !vf_sel.id)
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

static int revoke_pid(void)
{
	struct vf_vfio_fd devs[16], *dev = NULL;
	struct vf_select sel = vf_sel;
	bool want = sel.slot || sel.id;
	struct vf_device d;
	char bdf[VF_BDF_LEN];
	int pidfd, dfd, bfd, r, n, i, found = 0;

	memset(&d, 0, sizeof(d));
	if (want && (r = vf_pci_find_one(&sel, &d.pci)))
		return r;
	n = vf_proc_vfio_devices(opt.pid, devs, 16);
	if (n < 0)
		return vf_error_errno(-1, n == -ENOENT ? ESRCH : -n,
				      n == -EACCES || n == -EPERM
					      ? VF_HINT_FDS_RIGHTS
					      : NULL,
				      "reading the fds of process %d", (int)opt.pid);
	/* the -s/-d device's fd, or the process's only device */
	for (i = 0; i < n; i++)
		if (!want || !memcmp(&devs[i].bdf, &d.pci.bdf, sizeof(d.pci.bdf))) {
			dev = &devs[i];
			found++;
		}
	if (!found)
		return vf_error(VF_EXIT_FAIL, "only the process that owns the device can revoke",
				want ? "holds no VFIO device fd of that device" : "holds no VFIO device fd",
				"process %d", (int)opt.pid);
	if (found > 1)
		return vf_error(VF_EXIT_USAGE, "name the device with -s BDF", "holds several VFIO devices",
				"process %d", (int)opt.pid);
	vf_format_bdf(&dev->bdf, bdf);
	sel.slot = bdf;
	sel.id = NULL;
	if ((r = vf_pci_find_one(&sel, &d.pci)))
		return r;
	d.rev = vf_uapi_for(&d.pci, d.declared, sizeof(d.declared));
	if (!d.rev) /* say so before taking anything */
		return vf_series_absent("revoking a dma-buf", &d.pci, d.declared);
	if ((pidfd = vf_pidfd_open(opt.pid)) < 0)
		return -pidfd;
	if ((bfd = vf_pidfd_getfd(pidfd, opt.pid, opt.fd, "dma-buf")) < 0) {
		close(pidfd);
		return -bfd;
	}
	if ((dfd = vf_pidfd_getfd(pidfd, opt.pid, dev->fd, "VFIO device")) < 0) {
		close(bfd);
		close(pidfd);
		return -dfd;
	}
	r = vf_revoke(&d, dfd, bfd);
	if (!r)
		printf("revoked fd %d of process %d (device %s, series %s)\n", opt.fd, (int)opt.pid, bdf,
		       d.rev->name);
	close(dfd);
	close(bfd);
	close(pidfd);
	return r;
}

static int run(int argc, char **argv)
{
	char desc[VF_VEND_MSG_MAX];
	struct vf_device d;
	int r, sock, fd;

	vf_parse_args(&argp, argc, argv, 0, NULL);
	if (opt.connect) {
		if ((r = vf_vend_connect(opt.connect, &sock, &fd, desc, sizeof(desc))))
			return r;
		close(fd);
		r = vf_vend_revoke(sock, opt.connect);
		close(sock);
		if (!r)
			printf("revoked the dma-buf served at %s (%s)\n", opt.connect, desc);
		return r;
	}
	if (opt.pid)
		return revoke_pid();
	if ((r = vf_device_open(&vf_sel, &d)))
		return r;
	r = vf_revoke(&d, d.vfio.device, opt.fd);
	if (!r)
		printf("revoked fd %d (device %s, series %s)\n", opt.fd, d.pci.bdfstr, d.rev->name);
	vf_device_close(&d);
	return r;
}

const struct vf_command vf_cmd_revoke = {
	"revoke", "Revoke a vended dma-buf (the posted series' uAPI)", run
};
