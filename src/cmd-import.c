// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-import.c - vfbuf import: the dma-buf's importer side.  A VFIO dma-buf
 * (inherited, taken from a process, vended by a primary, or exported here)
 * is mapped into an iommufd IOAS (IOMMU_IOAS_MAP_FILE) to which the
 * devices named by --attach are attached through their cdevs: their DMA to
 * that IOVA reaches the exporter's BAR (peer-to-peer).  Then it reports the
 * mapping and holds it, or runs a command with the attached devices' fds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "device.h"
#include "dmar.h"
#include "dmabuf.h"
#include "iommufd.h"
#include "output.h"
#include "pidfd.h"
#include "procfs.h"
#include "vend.h"
#include "vendproto.h"
#include "wait.h"

#define MAX_ATTACH 8

struct opts {
	int fd;              /* --fd */
	pid_t pid;           /* --pid */
	const char *connect; /* --connect */
	bool have_bar;       /* --bar: export here */
	struct vf_export_req req;
	struct vf_select sel; /* the exporter, with --bar */
	bool have_iova;
	uint64_t iova;
	const char *attach[MAX_ATTACH];
	int nattach;
	bool hold, exec;
	char **cmd;
	int ncmd;
	struct vf_table_opts table;
};

enum { COL_IOVA, COL_LENGTH, COL_IOAS, COL_SOURCE, COL_DEVICES };
static const struct vf_colinfo cols[] = {
	[COL_IOVA] = { "IOVA", 12, SCOLS_FL_RIGHT, VF_COL_NUM, "the I/O virtual address the buffer is mapped at (hex; a number in JSON)" },
	[COL_LENGTH] = { "LENGTH", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "bytes mapped (the whole buffer)" },
	[COL_IOAS] = { "IOAS", 4, SCOLS_FL_RIGHT, VF_COL_NUM, "the iommufd IOAS id" },
	[COL_SOURCE] = { "SOURCE", 0.2, SCOLS_FL_TRUNC, VF_COL_STR, "the dma-buf imported" },
	[COL_DEVICES] = { "DEVICES", 0.2, SCOLS_FL_WRAP, VF_COL_LIST, "devices attached to the IOAS (their DMA reaches the buffer)" },
};
#define DEFAULTS "IOVA,LENGTH,IOAS,SOURCE,DEVICES"

/* The event that says the mapping was invalidated (-J, while holding). */
enum { IC_IOVA, IC_LENGTH, IC_IOAS, IC_SOURCE, IC_WHY };
static const struct vf_colinfo inval_cols[] = {
	[IC_IOVA] = { "IOVA", 12, SCOLS_FL_RIGHT, VF_COL_NUM, "the IOVA of the invalidated mapping" },
	[IC_LENGTH] = { "LENGTH", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "its length" },
	[IC_IOAS] = { "IOAS", 4, SCOLS_FL_RIGHT, VF_COL_NUM, "its IOAS" },
	[IC_SOURCE] = { "SOURCE", 0.2, 0, VF_COL_STR, "the dma-buf" },
	[IC_WHY] = { "WHY", 0.2, 0, VF_COL_STR, "what showed it (the probe or a DMAR fault)" },
};

/* How often a holding import probes its dma-buf (see probe_tick). */
#define PROBE_INTERVAL 0.2

enum { OPT_FD = 0x100, OPT_PID, OPT_CONNECT, OPT_BAR, OPT_IOVA, OPT_ATTACH };

static const struct argp_option options[] = {
	{ "fd", OPT_FD, "FD", 0, "The dma-buf: an inherited fd, or with --pid that process's", 0 },
	{ "pid", OPT_PID, "PID", 0, "With --fd: take it from process PID (pidfd_getfd; CAP_SYS_PTRACE)", 0 },
	{ "connect", OPT_CONNECT, "SOCKET", 0, "The dma-buf the primary serving SOCKET vends", 0 },
	{ "bar", OPT_BAR, "N", 0, "With -s/-d: export BAR N of that device here (one --range)", 0 },
	{ "range", 'R', "OFFSET:LENGTH", 0, "With --bar: the range to export (default the whole BAR)", 0 },
	{ "iova", OPT_IOVA, "ADDR", 0, "Map the buffer at ADDR (default: the kernel picks one)", 1 },
	{ "attach", OPT_ATTACH, "BDF", 0,
	  "Attach this device to the IOAS through its cdev (repeatable): its DMA reaches the buffer", 1 },
	{ "hold", 'H', NULL, 0, "Keep the mapping until SIGINT, SIGTERM or SIGHUP", 2 },
	{ "exec", 'x', NULL, 0,
	  "Run the command after -- with the attached devices' fds inherited (VFBUF_ATTACH_FD_0...)", 2 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;
	int e;

	switch (key) {
	case ARGP_KEY_INIT:
		VF_ARGS_INPUTS(state, &o->sel, &o->table, NULL);
		return 0;
	case OPT_FD: o->fd = (int)vf_arg_id(state, "--fd", arg, INT_MAX); return 0;
	case OPT_PID: o->pid = vf_arg_pid(state, arg); return 0;
	case OPT_CONNECT: o->connect = arg; return 0;
	case OPT_BAR:
		o->req.bar = vf_arg_bar(state, arg);
		o->have_bar = true;
		return 0;
	case 'R':
		if (o->req.nranges)
			vf_usage_error(state, "one --range: iommufd imports single-range dma-bufs only");
		e = vf_parse_range(arg, &o->req.ranges[0].off, &o->req.ranges[0].len);
		if (e)
			vf_usage_error(state, "--range '%s': not OFFSET:LENGTH", arg);
		o->req.nranges = 1;
		return 0;
	case OPT_IOVA:
		o->iova = vf_arg_u64(state, "--iova", arg);
		o->have_iova = true;
		return 0;
	case OPT_ATTACH: {
		struct vf_select one = { arg, NULL };
		char why[256];

		if (o->nattach == MAX_ATTACH)
			vf_usage_error(state, "at most %d --attach options", MAX_ATTACH);
		if (vf_select_check(&one, why, sizeof(why)))
			vf_usage_error(state, "--attach '%s': %s", arg, why);
		o->attach[o->nattach++] = arg;
		return 0;
	}
	case 'H': o->hold = true; return 0;
	case 'x': o->exec = true; return 0;
	case ARGP_KEY_ARGS:
		o->cmd = state->argv + state->next;
		o->ncmd = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if ((o->fd >= 0) + (o->connect != NULL) + o->have_bar != 1)
			vf_usage_error(state, "name one dma-buf: --fd FD [--pid PID], --connect SOCKET, or -s BDF --bar N");
		if (o->pid && o->fd < 0)
			vf_usage_error(state, "--pid needs --fd");
		if (o->have_bar && !o->sel.slot && !o->sel.id)
			vf_usage_error(state, "--bar needs the exporting device (-s BDF or -d VENDOR:DEVICE)");
		if (!o->have_bar && (o->sel.slot || o->sel.id || o->req.nranges))
			vf_usage_error(state, "-s/-d and --range name an export (with --bar)");
		if (o->ncmd && !o->exec)
			vf_usage_error(state, "unexpected argument '%s' (a command needs --exec)", o->cmd[0]);
		if (o->exec && !o->ncmd)
			vf_usage_error(state, "--exec needs a command after --");
		if (o->hold && o->exec)
			vf_usage_error(state, "--hold and --exec exclude each other");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

VF_COLUMNS_HELP_FILTER(help_filter, cols, DEFAULTS)

static const struct argp_child children[] = {
	{ &vf_select_argp, 0, "The exporter (with --bar):", 3 },
	{ &vf_table_argp, 0, "Output:", 4 },
	{ &vf_global_argp, 0, "Global options:", 5 },
	{ 0 }
};

static const struct argp argp = {
	options, parse, "[-- COMMAND [ARG...]]",
	"Import a VFIO dma-buf into an iommufd IOAS (IOMMU_IOAS_MAP_FILE) with the --attach "
	"devices attached through their cdevs, so that their DMA reaches the exporter's BAR; "
	"then report it and close it, --hold it, or run a command (--exec).  While it holds, the buffer is "
	"probed every 200 ms (and DMAR faults read from /dev/kmsg, as root): an invalidated mapping is "
	"reported, and the exit status is then 3.\v",
	children, help_filter, NULL
};

/* What the import set up, for the report and the command. */
struct import {
	int iommufd;
	uint32_t ioas;
	int buf;           /* the dma-buf fd */
	int sock;          /* --connect: the primary */
	uint64_t iova, len;
	char what[160];    /* the source, for messages */
	struct vf_device exporter;
	bool have_exporter;
	struct vf_device dev[MAX_ATTACH];
	int ndev;
	/* while holding: the probe's own IOAS (no device attached) */
	bool have_probe;
	uint32_t probe_ioas;
	bool invalidated;
	int probe_err; /* the last probe's other error, reported once */
	int kmsg;      /* /dev/kmsg, read for DMAR faults (root), or -1 */
	unsigned int nfaults;
};

/* DMAR faults reported one by one; the rest are counted. */
#define MAX_FAULTS 16

/* The event of a DMAR fault in the mapping (-J, while holding). */
enum { FC_IOVA, FC_ADDR, FC_DEVICE, FC_ACCESS, FC_REASON, FC_WHY };
static const struct vf_colinfo fault_cols[] = {
	[FC_IOVA] = { "IOVA", 12, SCOLS_FL_RIGHT, VF_COL_NUM, "the mapping's IOVA" },
	[FC_ADDR] = { "ADDR", 12, SCOLS_FL_RIGHT, VF_COL_NUM, "the faulting address (a page)" },
	[FC_DEVICE] = { "DEVICE", 12, 0, VF_COL_STR, "the device whose DMA faulted" },
	[FC_ACCESS] = { "ACCESS", 5, 0, VF_COL_STR, "read or write" },
	[FC_REASON] = { "REASON", 3, SCOLS_FL_RIGHT, VF_COL_NUM, "the DMAR fault reason" },
	[FC_WHY] = { "WHY", 0.2, 0, VF_COL_STR, "the fault reason's text" },
};

/* The refusals of IOMMU_IOAS_MAP_FILE, explained (iommufd's 7.3 code). */
static int map_refused(const struct import *im, int err, bool fixed)
{
	const char *why = NULL;

	switch (err) {
	case EOPNOTSUPP:
		why = "iommufd imports only single-range dma-bufs that VFIO PCI exported";
		break;
	case ENODEV:
		why = "the dma-buf was revoked (memory decode off, a reset, or its device closed)";
		break;
	case EINVAL:
		why = fixed ? "the IOVA is not aligned, or the range is outside the buffer" : NULL;
		break;
	case EEXIST:
	case ENOSPC:
		why = fixed ? "the IOVA is taken or outside the ranges the IOAS allows (its attached devices' apertures)"
			    : "no room in the ranges the IOAS allows";
		break;
	}
	return vf_error_errno(-1, err, why, "IOMMU_IOAS_MAP_FILE of %s (0x%llx bytes) into IOAS %u", im->what,
			      (unsigned long long)im->len, im->ioas);
}

/* The dma-buf, from where the options say; im->buf set. */
static int get_buffer(const struct opts *o, struct import *im)
{
	struct vf_export e;
	struct vf_pcidev pci;
	char desc[VF_VEND_MSG_MAX];
	int r, i;

	if (o->have_bar) {
		struct vf_export_req req = o->req;

		if ((r = vf_device_find(&o->sel, &pci)))
			return r;
		/* the exporter may be attached too: one open, through its cdev */
		for (i = 0; i < im->ndev; i++)
			if (!memcmp(&im->dev[i].pci.bdf, &pci.bdf, sizeof(pci.bdf)))
				break;
		if (i == im->ndev) {
			if ((r = vf_device_open(&pci, &im->exporter))) {
				vf_device_close(&im->exporter);
				return r;
			}
			im->have_exporter = true;
		}
		req.check = true;
		if ((r = vf_export(i == im->ndev ? &im->exporter : &im->dev[i], &req, &e)))
			return r;
		im->buf = e.fd;
		snprintf(im->what, sizeof(im->what), "%s BAR %u [0x%llx+0x%llx)", pci.bdfstr, req.bar,
			 (unsigned long long)req.ranges[0].off, (unsigned long long)req.ranges[0].len);
	} else if (o->connect) {
		if ((r = vf_vend_connect(o->connect, &im->sock, &im->buf, desc, sizeof(desc))))
			return r;
		snprintf(im->what, sizeof(im->what), "the dma-buf from %s", o->connect);
	} else if (o->pid) {
		if ((im->buf = vf_take_fd(o->pid, o->fd, "dma-buf")) < 0)
			return -im->buf;
		snprintf(im->what, sizeof(im->what), "dma-buf fd %d of process %d", o->fd, (int)o->pid);
	} else {
		im->buf = fcntl(o->fd, F_DUPFD_CLOEXEC, 3);
		if (im->buf < 0)
			return vf_error_errno(VF_EXIT_FAIL, errno, NULL, "--fd %d", o->fd);
		snprintf(im->what, sizeof(im->what), "dma-buf fd %d", o->fd);
	}
	/* a dma-buf by the kernel's mark: MAP_FILE takes plain files (memfds) too */
	if (vf_fd_is_dmabuf(im->buf) != 1)
		return vf_error(VF_EXIT_FAIL, NULL, "not a dma-buf (its filesystem is not the dma-buf one)", "%s",
				im->what);
	{
		off_t sz = lseek(im->buf, 0, SEEK_END);

		if (sz <= 0)
			return vf_error_errno(VF_EXIT_FAIL, sz < 0 ? errno : EINVAL, NULL, "size of %s", im->what);
		im->len = (uint64_t)sz;
	}
	return 0;
}

/* The row; with -J while holding (--hold, --exec) the event "imported"
 * instead, as a stream of events (an invalidation may follow). */
static int report(const struct opts *o, const struct import *im)
{
	bool event = vf.json && (o->hold || o->exec);
	struct vf_table *t = vf_table_new(event ? "imported" : "imports", cols, VF_ARRAY_SIZE(cols), DEFAULTS,
					  &o->table);
	struct vf_list devs = { 0 };
	int i;

	if (!t)
		return VF_EXIT_USAGE;
	for (i = 0; i < im->ndev; i++)
		vf_list_strval(&devs, im->dev[i].pci.bdfstr);
	vf_table_row(t);
	vf_cell_hex(t, COL_IOVA, im->iova);
	vf_cell_size(t, COL_LENGTH, im->len);
	vf_cell_u64(t, COL_IOAS, im->ioas);
	vf_cell_str(t, COL_SOURCE, im->what);
	if (im->ndev)
		vf_cell_list(t, COL_DEVICES, &devs);
	vf_list_free(&devs);
	if (event)
		vf_table_event(t, "");
	return vf_table_print(t);
}

/*
 * The mapping's invalidation.  iommufd tells no one when an exporter
 * revokes a dma-buf (its invalidate_mappings callback just unmaps the range
 * from every IOMMU domain), and the revoked area stays in the IOAS.  What
 * can be seen: a new IOMMU_IOAS_MAP_FILE of a revoked buffer is ENODEV.  So
 * a holding import maps the buffer again every PROBE_INTERVAL seconds into
 * an IOAS of its own that no device is attached to (the probe's mapping is
 * in no IOMMU page table; the importer's IOAS and mapping are untouched)
 * and unmaps it.  A revocation undone (decode back on) between two probes is
 * missed, though the importer's mapping stays dead; VFIO_DEVICE_RESET is
 * always undone at once (vfio-pci revokes and restores the buffer around
 * the reset).  What then shows it: the attached devices' DMA into the
 * mapping faults, and the Intel IOMMU logs each fault (ratelimited) in the
 * kernel log, which a holding import reads from /dev/kmsg where it may
 * (root): a fault of an attached device inside the mapping says it is gone.
 */
#define WHY_PROBE                                                                                      \
	"the dma-buf was revoked by its exporter (memory decode off, a reset, or the exporter's device fd " \
	"closed): a new IOMMU_IOAS_MAP_FILE of it is ENODEV"
#define WHY_FAULT                                                                                      \
	"an attached device's DMA to it faulted in the IOMMU (DMAR): the dma-buf was revoked (a reset, "   \
	"or decode off and on again) and the mapping is gone"

static void invalidated(struct import *im, const char *why)
{
	struct vf_table *t;

	im->invalidated = true;
	if (!vf.quiet)
		fprintf(stderr,
			"vfbuf: import: the mapping at IOVA 0x%llx (0x%llx bytes, IOAS %u) of %s is invalidated: %s; "
			"the attached devices' DMA to it faults and lands nowhere\n",
			(unsigned long long)im->iova, (unsigned long long)im->len, im->ioas, im->what, why);
	if (!vf.json)
		return;
	t = vf_table_new("invalidated", inval_cols, VF_ARRAY_SIZE(inval_cols), "IOVA,LENGTH,IOAS,SOURCE,WHY",
			 NULL);
	if (!t)
		return;
	vf_table_row(t);
	vf_cell_hex(t, IC_IOVA, im->iova);
	vf_cell_u64(t, IC_LENGTH, im->len);
	vf_cell_u64(t, IC_IOAS, im->ioas);
	vf_cell_str(t, IC_SOURCE, im->what);
	vf_cell_str(t, IC_WHY, why);
	vf_table_event(t, "");
	vf_table_print(t);
}

/* A DMAR fault of an attached device inside the mapping. */
static void faulted(struct import *im, const struct vf_dmar_fault *f)
{
	char bdf[VF_BDF_LEN];
	struct vf_table *t;

	if (++im->nfaults > MAX_FAULTS)
		return;
	vf_format_bdf(&f->dev, bdf);
	if (!vf.quiet)
		fprintf(stderr,
			"vfbuf: import: DMAR fault: DMA %s by %s at IOVA 0x%llx, in the mapping at 0x%llx: fault reason "
			"0x%02x (%s)\n",
			f->write ? "write" : "read", bdf, (unsigned long long)f->addr, (unsigned long long)im->iova,
			f->reason, f->why);
	if (vf.json &&
	    (t = vf_table_new("dmar-fault", fault_cols, VF_ARRAY_SIZE(fault_cols),
			      "IOVA,ADDR,DEVICE,ACCESS,REASON,WHY", NULL))) {
		vf_table_row(t);
		vf_cell_hex(t, FC_IOVA, im->iova);
		vf_cell_hex(t, FC_ADDR, f->addr);
		vf_cell_str(t, FC_DEVICE, bdf);
		vf_cell_str(t, FC_ACCESS, f->write ? "write" : "read");
		vf_cell_u64(t, FC_REASON, f->reason);
		vf_cell_str(t, FC_WHY, f->why);
		vf_table_event(t, "");
		vf_table_print(t);
	}
	if (!im->invalidated)
		invalidated(im, WHY_FAULT);
}

/* /dev/kmsg, from its end: the kernel's messages from now on (root). */
static void kmsg_open(struct import *im)
{
	char path[PATH_MAX];

	if (vf_path(path, sizeof(path), "/dev/kmsg"))
		return;
	im->kmsg = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (im->kmsg < 0) {
		vf_info("DMAR faults are not watched: %s: %s (root reads it)", path, vf_strerror(errno));
		return;
	}
	if (lseek(im->kmsg, 0, SEEK_END) < 0) {
		close(im->kmsg);
		im->kmsg = -1;
	}
}

/* The DMAR faults logged since the last look, at most 256 records. */
static void kmsg_tick(struct import *im)
{
	char rec[8192];
	int n, i;

	for (n = 0; n < 256 && im->kmsg >= 0; n++) {
		ssize_t r = read(im->kmsg, rec, sizeof(rec));
		struct vf_dmar_fault f;
		const char *text;
		uint64_t seq;
		size_t tlen;

		if (r < 0 && (errno == EINTR || errno == EPIPE))
			continue; /* EPIPE: records overwritten before they were read */
		if (r <= 0)
			return;   /* EAGAIN: nothing new */
		if (vf_kmsg_text(rec, (size_t)r, &seq, &text, &tlen) || vf_parse_dmar_fault(text, tlen, &f))
			continue;
		if (f.addr < im->iova || f.addr - im->iova >= im->len)
			continue;
		for (i = 0; i < im->ndev; i++)
			if (!memcmp(&im->dev[i].pci.bdf, &f.dev, sizeof(f.dev)))
				break;
		if (i < im->ndev)
			faulted(im, &f);
	}
}

static void probe_tick(void *arg)
{
	struct import *im = arg;
	int r;

	r = im->have_probe && !im->invalidated ? vf_ioas_probe_file(im->iommufd, im->probe_ioas, im->buf, im->len)
					       : 0;
	if (r == -ENODEV) {
		invalidated(im, WHY_PROBE);
	} else if (r < 0 && r != -im->probe_err) {
		/* not a revocation (ENOMEM, say): said once, then quiet */
		im->probe_err = -r;
		vf_warn("probing %s for its revocation: IOMMU_IOAS_MAP_FILE: %s", im->what, vf_strerror(-r));
	}
	kmsg_tick(im);
}

/* The command, with the attached devices' fds (and the dma-buf) inherited. */
static int run_exec(const struct opts *o, struct import *im)
{
	char name[32], val[64], list[MAX_ATTACH * 32] = "";
	size_t used = 0;
	int status, i;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return vf_error_errno(VF_EXIT_FAIL, errno, NULL, "fork");
	if (pid == 0) {
		for (i = 0; i < im->ndev; i++) {
			int fd = im->dev[i].vfio.device, n;

			if (fcntl(fd, F_SETFD, 0) < 0)
				_exit(127);
			snprintf(name, sizeof(name), "VFBUF_ATTACH_FD_%d", i);
			snprintf(val, sizeof(val), "%d", fd);
			setenv(name, val, 1);
			n = snprintf(list + used, sizeof(list) - used, "%s%s=%d", i ? "," : "",
				     im->dev[i].pci.bdfstr, fd);
			used += n > 0 && (size_t)n < sizeof(list) - used ? (size_t)n : 0;
		}
		if (fcntl(im->buf, F_SETFD, 0) < 0)
			_exit(127);
		setenv("VFBUF_ATTACH", list, 1);
		snprintf(val, sizeof(val), "%d", im->buf);
		setenv("VFBUF_FD", val, 1);
		snprintf(val, sizeof(val), "0x%llx", (unsigned long long)im->iova);
		setenv("VFBUF_IOVA", val, 1);
		snprintf(val, sizeof(val), "%llu", (unsigned long long)im->len);
		setenv("VFBUF_LENGTH", val, 1);
		execvp(o->cmd[0], o->cmd);
		fprintf(stderr, "vfbuf: import: running %s: %s\n", o->cmd[0], vf_strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	if ((i = vf_wait_ticking(pid, &status, vf_timespec(PROBE_INTERVAL), probe_tick, im)) < 0)
		return vf_error_errno(VF_EXIT_FAIL, -i, NULL, "waiting for %s", o->cmd[0]);
	return vf_child_status(status);
}

static int run(int argc, char **argv)
{
	struct opts opt = { .fd = -1 };
	struct import im = { .iommufd = -1, .buf = -1, .sock = -1, .kmsg = -1 };
	uint32_t flags = VF_IOAS_MAP_READABLE | VF_IOAS_MAP_WRITEABLE;
	int r, i;

	vf_parse_args(&argp, argc, argv, 0, &opt);
	if ((r = vf_device_iommufd(&im.iommufd, "the import")))
		return r;
	if ((r = vf_ioas_alloc(im.iommufd, &im.ioas)) < 0) {
		r = vf_error_errno(-1, -r, NULL, "IOMMU_IOAS_ALLOC");
		goto out;
	}
	r = 0;
	for (i = 0; i < opt.nattach && !r; i++) {
		struct vf_select one = { opt.attach[i], NULL };
		struct vf_pcidev pci;

		if (!(r = vf_device_find(&one, &pci))) {
			r = vf_device_open_cdev(&pci, im.iommufd, im.ioas, &im.dev[im.ndev]);
			im.ndev++;
		}
	}
	if (r || (r = get_buffer(&opt, &im)))
		goto out;
	if (opt.have_iova) {
		flags |= VF_IOAS_MAP_FIXED_IOVA;
		im.iova = opt.iova;
	}
	if ((r = vf_ioas_map_file(im.iommufd, im.ioas, im.buf, 0, im.len, flags, &im.iova)) < 0) {
		r = map_refused(&im, -r, opt.have_iova);
		goto out;
	}
	vf_info("%s mapped at IOVA 0x%llx in IOAS %u", im.what, (unsigned long long)im.iova, im.ioas);
	if ((r = report(&opt, &im)))
		goto out;
	if (opt.hold || opt.exec) {
		if ((r = vf_ioas_alloc(im.iommufd, &im.probe_ioas)) < 0)
			vf_warn("IOMMU_IOAS_ALLOC for the probe: %s; the mapping's invalidation is not watched",
				vf_strerror(-r));
		else
			im.have_probe = true;
		kmsg_open(&im);
		r = 0;
		if (opt.hold) {
			if (!vf.quiet && !vf.json)
				fprintf(stderr,
					"vfbuf: import: pid %d holds the mapping; SIGINT, SIGTERM or SIGHUP releases it\n",
					(int)getpid());
			vf_wait_ticking(0, NULL, vf_timespec(PROBE_INTERVAL), probe_tick, &im);
		} else {
			r = run_exec(&opt, &im);
		}
		probe_tick(&im); /* its state at the end */
		if (im.nfaults > MAX_FAULTS && !vf.quiet)
			fprintf(stderr, "vfbuf: import: %u more DMAR faults in the mapping, not shown\n",
				im.nfaults - MAX_FAULTS);
		if (!r && im.invalidated)
			r = VF_EXIT_REVOKED;
	}
out:
	for (i = 0; i < im.ndev; i++)
		vf_device_close(&im.dev[i]);
	if (im.have_exporter)
		vf_device_close(&im.exporter);
	if (im.buf >= 0)
		close(im.buf);
	if (im.sock >= 0)
		close(im.sock);
	if (im.iommufd >= 0)
		close(im.iommufd);
	if (im.kmsg >= 0)
		close(im.kmsg);
	return r;
}

const struct vf_command vf_cmd_import = {
	"import", "Import a dma-buf into an iommufd IOAS for peer-to-peer DMA", run
};
