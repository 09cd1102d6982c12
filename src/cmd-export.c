// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-export.c - vfbuf export: make a dma-buf of BAR ranges, then report
 * it and close it, hold it, hand it to a command (--exec), or vend it to
 * clients of a Unix socket (--serve).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "dmabuf.h"
#include "output.h"
#include "parse.h"
#include "device.h"
#include "vend.h"
#include "wait.h"

struct opts {
	struct vf_export_req req;
	bool have_bar;
	bool hold, exec;
	char **cmd;
	int ncmd;
	double revoke_after; /* < 0: never */
	const char *serve;
	unsigned long count;
	pid_t pid;
	struct vf_select sel;
	struct vf_table_opts table;
};

enum {
	COL_PID, COL_FD, COL_DEVICE, COL_BAR, COL_RANGES, COL_SIZE, COL_INODE, COL_EXPORTER,
	COL_NAME, COL_ACCESS, COL_WC,
};
static const struct vf_colinfo cols[] = {
	[COL_PID] = { "PID", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "process holding the dma-buf" },
	[COL_FD] = { "FD", 3, SCOLS_FL_RIGHT, VF_COL_NUM, "its fd number" },
	[COL_DEVICE] = { "DEVICE", 12, 0, VF_COL_STR, "PCI device" },
	[COL_BAR] = { "BAR", 3, SCOLS_FL_RIGHT, VF_COL_NUM, "BAR index" },
	[COL_RANGES] = { "RANGES", 0.3, SCOLS_FL_WRAP, VF_COL_LIST,
			  "OFFSET+LENGTH of the BAR, one a line (JSON: [{offset, length}])" },
	[COL_SIZE] = { "SIZE", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "dma-buf size (fdinfo)" },
	[COL_INODE] = { "INODE", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "dma-buf inode (fdinfo ino)" },
	[COL_EXPORTER] = { "EXPORTER", 8, 0, VF_COL_STR, "exporter (fdinfo exp_name)" },
	[COL_NAME] = { "NAME", 0.2, SCOLS_FL_TRUNC, VF_COL_STR, "dma-buf name" },
	[COL_ACCESS] = { "ACCESS", 2, 0, VF_COL_STR, "rw or ro" },
	[COL_WC] = { "WC", 2, 0, VF_COL_BOOL, "write-combining CPU mappings" },
};
#define DEFAULTS "DEVICE,BAR,RANGES,SIZE,INODE,EXPORTER,NAME,ACCESS"
#define DEFAULTS_HOLD "PID,FD," DEFAULTS

static int report(const struct opts *o, const struct vf_device *d, const struct vf_export *e)
{
	struct vf_table *t = vf_table_new("exports", cols, VF_ARRAY_SIZE(cols),
					  o->hold || o->serve ? DEFAULTS_HOLD : DEFAULTS, &o->table);
	struct vf_list ranges = { 0 };

	if (!t)
		return VF_EXIT_USAGE;
	vf_export_ranges_list(&o->req, &ranges);
	vf_table_row(t);
	vf_cell_u64(t, COL_PID, (uint64_t)getpid());
	vf_cell_u64(t, COL_FD, (uint64_t)e->fd);
	vf_cell_str(t, COL_DEVICE, d->pci.bdfstr);
	vf_cell_u64(t, COL_BAR, o->req.bar);
	vf_cell_list(t, COL_RANGES, &ranges);
	vf_list_free(&ranges);
	vf_cell_size(t, COL_SIZE, e->size);
	vf_cell_u64(t, COL_INODE, e->ino);
	vf_cell_str(t, COL_EXPORTER, e->exporter);
	vf_cell_str(t, COL_NAME, *e->name ? e->name : NULL);
	vf_cell_str(t, COL_ACCESS, o->req.rdonly ? "ro" : "rw");
	vf_cell_bool(t, COL_WC, e->wc);
	return vf_table_print(t);
}

static int run_exec(const struct opts *o, struct vf_device *d, struct vf_export *e)
{
	char desc[1024], num[32];
	sigset_t chld, old;
	pid_t pid;
	int status, r;

	vf_export_describe(d, &o->req, e, desc, sizeof(desc));
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return vf_error_errno(VF_EXIT_FAIL, errno, NULL, "fork");
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* the dma-buf is the one fd the command inherits on purpose */
		if (fcntl(e->fd, F_SETFD, 0) < 0)
			_exit(127);
		snprintf(num, sizeof(num), "%d", e->fd);
		setenv("VFBUF_FD", num, 1);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)e->size);
		setenv("VFBUF_SIZE", num, 1);
		setenv("VFBUF_DEVICE", d->pci.bdfstr, 1);
		snprintf(num, sizeof(num), "%u", o->req.bar);
		setenv("VFBUF_BAR", num, 1);
		setenv("VFBUF_DESC", desc, 1);
		execvp(o->cmd[0], o->cmd);
		fprintf(stderr, "vfbuf: export: running %s: %s\n", o->cmd[0], vf_strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	vf_info("pid %d runs %s with fd %d (%s)", (int)pid, o->cmd[0], e->fd, desc);
	if (o->revoke_after >= 0) {
		struct timespec ts = vf_timespec(o->revoke_after);

		r = sigtimedwait(&chld, NULL, &ts);
		if (r < 0 && errno == EAGAIN) {
			r = vf_revoke(d, d->vfio.device, e->fd, NULL);
			if (r) {
				/* never leave the command running: end it, wait, say both */
				kill(pid, SIGTERM);
				while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
					;
				sigprocmask(SIG_SETMASK, &old, NULL);
				if (!vf.quiet)
					fprintf(stderr,
						"vfbuf: export: --revoke-after failed (exit %d): %s (pid %d) was "
						"ended: status %d\n",
						r, o->cmd[0], (int)pid, vf_child_status(status));
				return r;
			}
			if (!vf.quiet)
				fprintf(stderr, "vfbuf: export: revoked fd %d (inode %llu) after %g s\n", e->fd,
					(unsigned long long)e->ino, o->revoke_after);
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return vf_error_errno(VF_EXIT_FAIL, errno, NULL, "waiting for %s", o->cmd[0]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	r = vf_child_status(status);
	vf_info("%s exited with status %d", o->cmd[0], r);
	return r;
}

enum { OPT_BAR = 0x100, OPT_RDONLY, OPT_PID };

static const struct argp_option options[] = {
	{ "bar", OPT_BAR, "N", 0, "The BAR to export (0-5)", 0 },
	{ "range", 'R', "OFFSET:LENGTH", 0,
	  "A range of the BAR (repeatable; hex, decimal, K/M/G; default the whole BAR)", 0 },
	{ "rdonly", OPT_RDONLY, NULL, 0, "Export read-only (O_RDONLY)", 0 },
	{ "name", 'N', "NAME", 0, "Name the dma-buf (default vfio:BDF:barN; '' for none)", 0 },
	{ "wc", 'w', NULL, 0,
	  "Ask for write-combining CPU mappings (the series' attribute; on x86 the BAR stays "
	  "uncached-minus: see vfbuf(1))", 0 },
	{ "no-check", 'C', NULL, 0, "Send ranges to the kernel without checking them first", 0 },
	{ "hold", 'H', NULL, 0, "Keep the dma-buf until SIGINT, SIGTERM or SIGHUP", 1 },
	{ "exec", 'x', NULL, 0, "Run the command after -- with the fd inherited (VFBUF_FD)", 1 },
	{ "revoke-after", 'T', "SECONDS", 0, "With --exec: revoke the buffer after SECONDS", 1 },
	{ "serve", 'S', "SOCKET", 0, "Vend the dma-buf to each client of Unix socket SOCKET", 1 },
	{ "count", 'c', "N", 0, "With --serve: stop accepting after N handouts", 1 },
	{ "pid", OPT_PID, "PID", 0,
	  "Export through the VFIO device fd of process PID (pidfd_getfd; CAP_SYS_PTRACE)", 2 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		VF_ARGS_INPUTS(state, &o->sel, &o->table, NULL);
		return 0;
	case OPT_BAR:
		o->req.bar = vf_arg_bar(state, arg);
		o->have_bar = true;
		return 0;
	case 'R': {
		struct vf_range *r;
		int e;

		if (o->req.nranges >= VF_MAX_RANGES)
			vf_usage_error(state, "at most %d --range options", VF_MAX_RANGES);
		r = &o->req.ranges[o->req.nranges++];
		e = vf_parse_range(arg, &r->off, &r->len);
		if (e == -ERANGE)
			vf_usage_error(state, "--range '%s': does not fit in 64 bits", arg);
		if (e)
			vf_usage_error(state, "--range '%s': not OFFSET:LENGTH", arg);
		return 0;
	}
	case OPT_RDONLY: o->req.rdonly = true; return 0;
	case OPT_PID:
		o->pid = vf_arg_pid(state, arg);
		return 0;
	case 'N':
		if (strlen(arg) > 31)
			vf_usage_error(state, "--name '%s': dma-buf names are at most 31 characters", arg);
		o->req.name = arg;
		return 0;
	case 'w': o->req.wc = true; return 0;
	case 'C': o->req.check = false; return 0;
	case 'H': o->hold = true; return 0;
	case 'x': o->exec = true; return 0;
	case 'T':
		o->revoke_after = vf_arg_seconds(state, "--revoke-after", arg, true);
		return 0;
	case 'S': o->serve = arg; return 0;
	case 'c':
		o->count = (unsigned long)vf_arg_u64(state, "--count", arg);
		return 0;
	case ARGP_KEY_ARGS:
		o->cmd = state->argv + state->next;
		o->ncmd = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (!o->have_bar)
			vf_usage_error(state, "no --bar given");
		if (o->ncmd && !o->exec)
			vf_usage_error(state, "unexpected argument '%s' (a command needs --exec)", o->cmd[0]);
		if (o->exec && !o->ncmd)
			vf_usage_error(state, "--exec needs a command after --");
		if ((o->hold ? 1 : 0) + (o->exec ? 1 : 0) + (o->serve ? 1 : 0) > 1)
			vf_usage_error(state, "--hold, --exec and --serve exclude each other");
		if (o->revoke_after >= 0 && !o->exec)
			vf_usage_error(state, "--revoke-after needs --exec");
		if (o->count && !o->serve)
			vf_usage_error(state, "--count needs --serve");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

VF_COLUMNS_HELP_FILTER(help_filter, cols, DEFAULTS)

static const struct argp_child children[] = {
	{ &vf_select_argp, 0, "Device selection:", 2 },
	{ &vf_table_argp, 0, "Output:", 3 },
	{ &vf_global_argp, 0, "Global options:", 4 },
	{ 0 }
};

static const struct argp argp = {
	options, parse, "[-- COMMAND [ARG...]]",
	"Export ranges of a BAR as a dma-buf (VFIO_DEVICE_FEATURE_DMA_BUF), then report "
	"it and close it, --hold it, give it to a command (--exec) or vend it (--serve).\v",
	children, help_filter, NULL
};

/* Overlapping ranges are legal (the kernel accepts them: the buffer shows
 * those BAR pages twice) but rarely meant: say so. */
static void warn_overlaps(const struct vf_export_req *req)
{
	unsigned int i, j;

	for (i = 0; i < req->nranges; i++)
		for (j = i + 1; j < req->nranges; j++) {
			const struct vf_range *a = &req->ranges[i], *b = &req->ranges[j];

			if (a->off < b->off + b->len && b->off < a->off + a->len)
				vf_warn("--range 0x%llx:0x%llx overlaps --range 0x%llx:0x%llx: the dma-buf "
					"shows those BAR pages twice",
					(unsigned long long)a->off, (unsigned long long)a->len,
					(unsigned long long)b->off, (unsigned long long)b->len);
		}
}

#define PID_HINT "--pid names a process that holds the device open (a VFIO device fd)"

static int run(int argc, char **argv)
{
	struct opts opt = { .req = { .check = true }, .revoke_after = -1 };
	struct vf_pcidev pci;
	struct vf_device d;
	struct vf_export e = { .fd = -1 };
	int r, fd = -1;

	vf_parse_args(&argp, argc, argv, 0, &opt);
	/* a bad request fails before the device is opened (or taken); the
	 * PCI tree is scanned once, here */
	if (opt.pid)
		r = vf_device_held(opt.pid, &opt.sel, PID_HINT, &pci, &fd);
	else
		r = vf_device_find(&opt.sel, &pci);
	if (r)
		return r;
	if ((r = vf_export_check(&pci, &opt.req)) || (opt.serve && (r = vf_vend_check_path(opt.serve))))
		return r;
	if (opt.req.check)
		warn_overlaps(&opt.req);
	if (opt.pid)
		r = vf_device_take(opt.pid, fd, &pci, &d);
	else
		r = vf_device_open(&pci, &d);
	if (r) {
		vf_device_close(&d);
		return r;
	}
	r = vf_export(&d, &opt.req, &e);
	if (!r && opt.serve) {
		struct vf_vend_opts vo = { opt.serve, opt.count, &opt.req };

		r = vf_vend_serve(&d, &e, &vo);
	} else if (!r) {
		r = report(&opt, &d, &e);
		if (!r && (opt.hold || opt.exec))
			vf_output_end(); /* a whole document before waiting */
		if (!r && opt.hold) {
			if (!vf.quiet && !vf.json)
				fprintf(stderr, "vfbuf: export: pid %d holds fd %d; SIGINT, SIGTERM or SIGHUP releases it\n",
					(int)getpid(), e.fd);
			vf_wait_for_signal();
		} else if (!r && opt.exec) {
			r = run_exec(&opt, &d, &e);
		}
	}
	if (e.fd >= 0)
		close(e.fd);
	vf_device_close(&d);
	return r;
}

const struct vf_command vf_cmd_export = {
	"export", "Export BAR ranges as a dma-buf and hold, hand over or vend it", run
};
