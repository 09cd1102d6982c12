// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-stat.c - vfbuf stat: the dma-bufs processes hold and map, tied
 * together by inode, and the VFIO device fds they hold.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bufinfo.h"
#include "cmd.h"
#include "output.h"
#include "parse.h"
#include "lines.h"
#include "procfs.h"

struct opts {
	long pid; /* -1: all */
	long fd;  /* -1: all */
	struct vf_table_opts table;
};

enum {
	COL_KIND, COL_INODE, COL_SIZE, COL_EXPORTER, COL_NAME, COL_DEVICE, COL_BAR,
	COL_HOLDERS, COL_MAPS, COL_COUNT, COL_IMPORTERS,
};
static const struct vf_colinfo cols[] = {
	[COL_KIND] = { "KIND", 6, 0, VF_COL_STR, "dmabuf, or vfio-device for a VFIO device fd" },
	[COL_INODE] = { "INODE", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "dma-buf inode (fdinfo ino, maps inode)" },
	[COL_SIZE] = { "SIZE", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "size (bytes in JSON)" },
	[COL_EXPORTER] = { "EXPORTER", 8, SCOLS_FL_TRUNC, VF_COL_STR, "exporter (fdinfo exp_name)" },
	[COL_NAME] = { "NAME", 0.2, SCOLS_FL_TRUNC, VF_COL_STR, "dma-buf name (DMA_BUF_SET_NAME)" },
	[COL_DEVICE] = { "DEVICE", 12, 0, VF_COL_STR, "PCI device, from the name or the device fd" },
	[COL_BAR] = { "BAR", 3, SCOLS_FL_RIGHT, VF_COL_NUM, "BAR index, from the name" },
	[COL_HOLDERS] = { "HOLDERS", 0.2, SCOLS_FL_WRAP, VF_COL_LIST,
			   "processes holding an fd: PID(COMM):FD, one a line (JSON: [{pid, comm, fd}])" },
	[COL_MAPS] = { "MAPS", 0.2, SCOLS_FL_WRAP, VF_COL_LIST,
			"mappings: PID:START-END, one a line (JSON: [{pid, start, end}])" },
	[COL_COUNT] = { "COUNT", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "file reference count (fdinfo count)" },
	[COL_IMPORTERS] = { "IMPORTERS", 0.2, SCOLS_FL_WRAP, VF_COL_LIST,
			     "devices attached to the dma-buf (debugfs dma_buf/bufinfo; - where unknown)" },
};
#define DEFAULTS "KIND,INODE,SIZE,EXPORTER,NAME,DEVICE,BAR,HOLDERS,MAPS,IMPORTERS"
#define BUFINFO "/sys/kernel/debug/dma_buf/bufinfo"

/* One holder or mapping: text PID(COMM):FD or PID:START-END, JSON an object. */
static void add_holder(struct vf_list *l, pid_t pid, const char *comm, int fd)
{
	char text[128];

	snprintf(text, sizeof(text), "%d(%s):%d", (int)pid, comm, fd);
	vf_list_item(l, text);
	vf_list_u64(l, "pid", (uint64_t)pid);
	vf_list_str(l, "comm", comm);
	vf_list_u64(l, "fd", (uint64_t)fd);
}

static void add_map(struct vf_list *l, pid_t pid, uint64_t start, uint64_t end)
{
	char text[64];

	snprintf(text, sizeof(text), "%d:%llx-%llx", (int)pid, (unsigned long long)start,
		 (unsigned long long)end);
	vf_list_item(l, text);
	vf_list_u64(l, "pid", (uint64_t)pid);
	vf_list_u64(l, "start", start);
	vf_list_u64(l, "end", end);
}

struct entry {
	bool vfio_device; /* else a dma-buf */
	uint64_t ino;
	bool has_size, has_count;
	uint64_t size, count;
	char exporter[64];
	char name[64];
	char device[VF_BDF_LEN];
	bool has_bar;     /* from the name */
	unsigned int bar;
	struct vf_list holders, maps;
	bool has_importers, importers_bad; /* from bufinfo; a second record of it */
	struct vf_list importers;
};

/* What a run collects. */
struct scan {
	const struct opts *o;
	struct entry *v;
	size_t n, cap;
	struct vf_proc_tally tally; /* processes that could not be read */
	const char *failed;         /* what of the last one: "fds", "maps" */
	bool fd_found;
};

static struct entry *new_entry(struct scan *st)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 32;
		struct entry *v = realloc(st->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		st->v = v;
		st->cap = cap;
	}
	memset(&st->v[st->n], 0, sizeof(st->v[0]));
	return &st->v[st->n++];
}

static struct entry *dmabuf_entry(struct scan *st, uint64_t ino)
{
	struct entry *e;
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!st->v[i].vfio_device && st->v[i].ino == ino)
			return &st->v[i];
	if ((e = new_entry(st)))
		e->ino = ino;
	return e;
}

static void set_name(struct entry *e, const char *name, size_t len)
{
	struct vf_name_ref ref;

	if (e->name[0] || !len)
		return;
	vf_strlcpy(e->name, sizeof(e->name), name, len);
	vf_decode_dmabuf_name(e->name, strlen(e->name), &ref);
	if (ref.has_bdf)
		vf_format_bdf(&ref.bdf, e->device);
	e->has_bar = ref.has_bar;
	e->bar = ref.bar;
}

struct proc_ctx {
	struct scan *st;
	pid_t pid;
	char comm[64];
};

static int on_fd(pid_t pid, int fd, const char *target, void *arg)
{
	struct proc_ctx *pc = arg;
	struct scan *st = pc->st;
	struct vf_fdinfo fi;
	struct entry *e;
	struct vf_bdf b;
	int r;

	if (st->o->fd >= 0 && fd != st->o->fd)
		return 0;
	if (!vf_target_is_dmabuf(target) && !vf_target_is_vfio_device(target)) {
		if (st->o->fd >= 0)
			return vf_error(VF_EXIT_FAIL, NULL, "not a dma-buf or VFIO device fd",
					"fd %d of process %d (%s)", fd, (int)pid, target);
		return 0;
	}
	if ((r = vf_proc_fdinfo(pid, fd, &fi)))
		return r == -ENOENT ? 0 : r; /* closed meanwhile, or unreadable */
	/* the kernel's marks, not the path: a dma-buf's fdinfo has exp_name:,
	 * a VFIO device's vfio-device-syspath: (any file can be named
	 * /dmabuf:...) */
	if (vf_target_is_vfio_device(target) ? !fi.is_vfio_device : !fi.is_dmabuf) {
		if (st->o->fd >= 0)
			return vf_error(VF_EXIT_FAIL, NULL,
					"not a dma-buf or VFIO device fd (its fdinfo has no exp_name or vfio-device-syspath)",
					"fd %d of process %d (%s)", fd, (int)pid, target);
		return 0;
	}
	st->fd_found = true;
	if (vf_target_is_vfio_device(target)) {
		if (!(e = new_entry(st)))
			return 0;
		e->vfio_device = true;
		if (fi.is_vfio_device && !vf_bdf_from_syspath(fi.syspath, &b))
			vf_format_bdf(&b, e->device);
		e->ino = fi.ino;
		e->has_count = fi.has_count;
		e->count = fi.count;
		add_holder(&e->holders, pid, pc->comm, fd);
		return 0;
	}
	if (!fi.has_ino || !(e = dmabuf_entry(st, fi.ino)))
		return 0;
	e->has_size = fi.has_size;
	e->size = fi.size;
	e->has_count = fi.has_count;
	e->count = fi.count;
	vf_strlcpy(e->exporter, sizeof(e->exporter), fi.exp_name, strlen(fi.exp_name));
	set_name(e, fi.name, strlen(fi.name));
	add_holder(&e->holders, pid, pc->comm, fd);
	return 0;
}

/* dma-buf mappings of pid; with --fd only those of that fd's buffer.
 * Returns 0 or -errno (the maps could not be read). */
static int scan_maps(struct proc_ctx *pc, uint64_t only_ino, bool only)
{
	FILE *f = vf_proc_maps_open(pc->pid);
	struct vf_lines r;
	const char *line;
	size_t len;
	int err;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (vf_lines_open(&r, f)) {
		fclose(f);
		return -ENOMEM;
	}
	while ((line = vf_lines_next(&r, &len))) {
		struct vf_maps_line m;
		struct entry *e;

		/* a dma-buf's file is on an anonymous file system (major 0) */
		if (vf_parse_maps_line(line, len, &m) || m.path_len < 8 ||
		    memcmp(m.path, "/dmabuf:", 8) != 0 || m.dev_major != 0)
			continue;
		if (only && m.inode != only_ino)
			continue;
		if (!(e = dmabuf_entry(pc->st, m.inode)))
			continue;
		set_name(e, m.path + 8, m.path_len - 8);
		add_map(&e->maps, pc->pid, m.start, m.end);
	}
	err = r.err;
	vf_lines_close(&r);
	fclose(f);
	return err && err != ESRCH ? -err : 0;
}

static int scan_pid(struct scan *st, pid_t pid)
{
	struct proc_ctx pc = { .st = st, .pid = pid };
	size_t before = st->n;
	uint64_t ino = 0;
	int r;

	vf_proc_comm(pid, pc.comm, sizeof(pc.comm));
	st->failed = "fds";
	r = vf_proc_fds(pid, on_fd, &pc);
	if (r < 0)
		return vf_proc_tally_add(&st->tally, r);
	if (r > 0)
		return r; /* --fd: not a dma-buf, reported */
	if (st->o->fd >= 0) {
		if (st->n == before)
			return 0;
		if (st->v[before].vfio_device)
			return 0;
		ino = st->v[before].ino;
	}
	st->failed = "maps";
	return vf_proc_tally_add(&st->tally, scan_maps(&pc, ino, st->o->fd >= 0));
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->vfio_device != y->vfio_device)
		return x->vfio_device ? 1 : -1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static int cmp_ino(const void *key, const void *elem)
{
	const struct entry *e = elem;
	uint64_t ino = *(const uint64_t *)key;

	if (e->vfio_device)
		return -1; /* dma-bufs come first */
	return ino < e->ino ? -1 : ino > e->ino;
}

/* One bufinfo record: the importers of the dma-buf with its inode. */
static void take_importers(struct scan *st, const struct vf_bufinfo_rec *rec)
{
	struct entry *e = st->n ? bsearch(&rec->ino, st->v, st->n, sizeof(st->v[0]), cmp_ino) : NULL;
	unsigned int i;

	if (!e)
		return;
	if (e->has_importers || e->importers_bad || !rec->ok) {
		/* the same inode twice, or a record not of the kernel's shape */
		e->importers_bad = true;
		e->has_importers = false;
		return;
	}
	e->has_importers = true;
	for (i = 0; i < rec->ndev; i++)
		vf_list_strval(&e->importers, rec->dev[i]);
}

/* Each dma-buf's importers (the entries sorted).  0 or -errno. */
static int load_importers(struct scan *st)
{
	struct vf_bufinfo bi = { 0 };
	struct vf_bufinfo_rec rec;
	char path[PATH_MAX];
	struct vf_lines r;
	const char *line;
	size_t len;
	FILE *f;
	int err;

	if ((err = vf_path(path, sizeof(path), BUFINFO)))
		return err;
	if (!(f = fopen(path, "re")))
		return -errno;
	if (vf_lines_open(&r, f)) {
		fclose(f);
		return -ENOMEM;
	}
	while ((line = vf_lines_next(&r, &len)))
		if (vf_bufinfo_line(&bi, line, len, &rec))
			take_importers(st, &rec);
	if (vf_bufinfo_end(&bi, &rec))
		take_importers(st, &rec);
	err = r.err;
	vf_lines_close(&r);
	fclose(f);
	return -err;
}

static int print_table(struct scan *st)
{
	struct vf_table *t = vf_table_new("dmabufs", cols, VF_ARRAY_SIZE(cols), DEFAULTS, &st->o->table);
	size_t i, unknown = 0, nbufs = 0;
	int r, ierr = 0;

	if (!t)
		return VF_EXIT_USAGE;
	/* JSON and -r go out row by row; text is kept and fitted at the end,
	 * the lists one item a line */
	if (st->n)
		qsort(st->v, st->n, sizeof(st->v[0]), cmp_entry);
	for (i = 0; i < st->n; i++)
		nbufs += !st->v[i].vfio_device;
	if (nbufs && vf_table_has(t, COL_IMPORTERS))
		ierr = load_importers(st);
	for (i = 0; i < st->n; i++) {
		struct entry *e = &st->v[i];

		vf_table_row(t);
		vf_cell_str(t, COL_KIND, e->vfio_device ? "vfio-device" : "dmabuf");
		if (!e->vfio_device)
			vf_cell_u64(t, COL_INODE, e->ino);
		if (e->has_size)
			vf_cell_size(t, COL_SIZE, e->size);
		vf_cell_str(t, COL_EXPORTER, *e->exporter ? e->exporter : NULL);
		vf_cell_str(t, COL_NAME, *e->name ? e->name : NULL);
		vf_cell_str(t, COL_DEVICE, *e->device ? e->device : NULL);
		if (e->has_bar)
			vf_cell_u64(t, COL_BAR, e->bar);
		vf_cell_list(t, COL_HOLDERS, &e->holders);
		vf_cell_list(t, COL_MAPS, &e->maps);
		if (e->has_count)
			vf_cell_u64(t, COL_COUNT, e->count);
		if (e->has_importers)
			vf_cell_list(t, COL_IMPORTERS, &e->importers);
		else if (!e->vfio_device && vf_table_has(t, COL_IMPORTERS)) {
			vf_cell_text_json(t, COL_IMPORTERS, "-", "null");
			unknown++;
		}
	}
	r = vf_table_print(t);
	if (ierr)
		vf_warn("IMPORTERS unknown: %s%s: %s; %s", vf.sysroot, BUFINFO, vf_strerror(-ierr),
			ierr == -ENOENT ? "it is there where debugfs is mounted (CONFIG_DEBUG_FS)"
					: "debugfs is readable by root only");
	else if (unknown)
		vf_warn("IMPORTERS unknown for %zu dma-buf%s: not in %s%s, or its record there is not the kernel's shape",
			unknown, unknown > 1 ? "s" : "", vf.sysroot, BUFINFO);
	return r;
}

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Only this process", 0 },
	{ "fd", 'f', "FD", 0, "Only this fd of the --pid process", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		VF_ARGS_INPUTS(state, &o->table, NULL);
		return 0;
	case 'p':
		o->pid = vf_arg_pid(state, arg);
		return 0;
	case 'f':
		o->fd = vf_arg_id(state, "--fd", arg, INT_MAX);
		return 0;
	case ARGP_KEY_ARG:
		vf_usage_error(state, "unexpected argument '%s'", arg);
	case ARGP_KEY_END:
		if (o->fd >= 0 && o->pid < 0)
			vf_usage_error(state, "--fd needs --pid");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

VF_COLUMNS_HELP_FILTER(help_filter, cols, DEFAULTS)

static const struct argp_child children[] = {
	{ &vf_table_argp, 0, "Output:", 2 },
	{ &vf_global_argp, 0, "Global options:", 3 },
	{ 0 }
};

static const struct argp argp = {
	options, parse, NULL,
	"Show the dma-bufs processes hold and map (by inode), and their VFIO device fds.\v",
	children, help_filter, NULL
};

static int run(int argc, char **argv)
{
	struct opts opt = { .pid = -1, .fd = -1 };
	struct scan sc = { .o = &opt }, *st = &sc;
	struct vf_proc_iter it;
	pid_t pid;
	size_t i;
	int r = 0;

	vf_parse_args(&argp, argc, argv, 0, &opt);
	if (opt.pid >= 0) {
		r = scan_pid(st, (pid_t)opt.pid);
		if (r == -ENOENT)
			r = vf_error(VF_EXIT_FAIL, NULL, "no such process", "process %ld", opt.pid);
		else if (r < 0)
			r = vf_error_errno(-1, -r,
					   (r == -EACCES || r == -EPERM)
						   ? vf_hint_denied(strcmp(st->failed, "maps") ? VF_HINT_FDS_RIGHTS
											       : VF_HINT_MAPS_RIGHTS)
						   : NULL,
					   "reading the %s of process %ld", st->failed, opt.pid);
		else if (!r && st->o->fd >= 0 && !st->fd_found)
			r = vf_error(VF_EXIT_FAIL, NULL, "no such fd", "fd %ld of process %ld", st->o->fd,
				     opt.pid);
	} else {
		if ((r = vf_proc_open(&it)) < 0)
			return vf_error_errno(-1, -r, "is procfs mounted? (--sysroot changes where it is read)",
					      "reading %s/proc", vf.sysroot);
		while (vf_proc_next(&it, &pid))
			scan_pid(st, pid);
		vf_proc_close(&it);
		r = 0;
	}
	if (!r)
		r = print_table(st);
	if (st->tally.denied && opt.pid < 0)
		vf_warn("%d of %d processes could not be read (permission denied) and are not shown; %s",
			st->tally.denied, st->tally.procs,
			vf_hint_denied("root sees them (CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE)"));
	if (st->tally.failed && opt.pid < 0)
		vf_warn("%d of %d processes could not be read (%s%s) and are not shown (or not wholly)",
			st->tally.failed, st->tally.procs, vf_strerror(st->tally.err),
			st->tally.failed > 1 ? ", or another error" : "");
	for (i = 0; i < st->n; i++) {
		vf_list_free(&st->v[i].holders);
		vf_list_free(&st->v[i].maps);
		vf_list_free(&st->v[i].importers);
	}
	free(st->v);
	return r;
}

const struct vf_command vf_cmd_stat = {
	"stat", "Show dma-bufs held and mapped by processes, and VFIO device fds", run
};
