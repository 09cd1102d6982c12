// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-maps-decode.c - vfbuf maps-decode: read /proc/PID/maps lines and say
 * which PCI device and BAR each VFIO or dma-buf mapping is.
 *
 * Streams its input: a line that does not decode costs no memory.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "output.h"
#include "parse.h"
#include "mapping.h"
#include "lines.h"
#include "procfs.h"

struct opts {
	bool all, everything;
	const char *file;
	char **pids;
	int npids;
	struct vf_table_opts table;
};

enum {
	COL_PID, COL_START, COL_END, COL_SIZE, COL_PERMS, COL_OFFSET, COL_KIND, COL_DEVICE,
	COL_VFIO, COL_BAR, COL_BAROFF, COL_NAME, COL_INODE, COL_LINE,
};
static const struct vf_colinfo cols[] = {
	[COL_PID] = { "PID", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "process (empty when reading a file)" },
	[COL_START] = { "START", 12, SCOLS_FL_RIGHT, VF_COL_NUM, "first address (hex; a number in JSON)" },
	[COL_END] = { "END", 12, SCOLS_FL_RIGHT, VF_COL_NUM, "address after the last byte (hex; a number in JSON)" },
	[COL_SIZE] = { "SIZE", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "length (bytes in JSON)" },
	[COL_PERMS] = { "PERMS", 4, 0, VF_COL_STR, "rwxs/p" },
	[COL_OFFSET] = { "OFFSET", 8, SCOLS_FL_RIGHT, VF_COL_NUM, "the maps offset column (hex; a number in JSON)" },
	[COL_KIND] = { "KIND", 10, 0, VF_COL_STR,
		       "dmabuf-bar (the series' BAR mapping), vfio-bar (classic), dmabuf, other" },
	[COL_DEVICE] = { "DEVICE", 12, 0, VF_COL_STR, "PCI device" },
	[COL_VFIO] = { "VFIO", 6, 0, VF_COL_STR, "VFIO device name (vfioN)" },
	[COL_BAR] = { "BAR", 3, SCOLS_FL_RIGHT, VF_COL_NUM, "BAR index" },
	[COL_BAROFF] = { "BAROFF", 8, SCOLS_FL_RIGHT, VF_COL_NUM, "offset of the mapping in the BAR (a number in JSON)" },
	[COL_NAME] = { "NAME", 0.2, SCOLS_FL_TRUNC, VF_COL_STR, "dma-buf name or path" },
	[COL_INODE] = { "INODE", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "inode (dma-buf: fdinfo ino)" },
	[COL_LINE] = { "LINE", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "input line number" },
};
#define DEFAULTS "PID,START,SIZE,PERMS,KIND,DEVICE,BAR,BAROFF,NAME"

/* What one source (a process, a file) needs while decoding. */
struct source {
	const char *label; /* for warnings */
	struct vf_decode_ctx ctx;
	bool everything;   /* --everything */
};

static void decode(struct vf_table *t, struct source *src, const struct vf_maps_line *m,
		   unsigned long lineno)
{
	struct vf_decoded d;
	char bdfs[VF_BDF_LEN];

	if (!vf_decode_mapping(&src->ctx, m, &d) && !src->everything)
		return;
	vf_table_row(t);
	if (src->ctx.pid)
		vf_cell_u64(t, COL_PID, (uint64_t)src->ctx.pid);
	vf_cell_addr(t, COL_START, m->start);
	vf_cell_addr(t, COL_END, m->end);
	vf_cell_size(t, COL_SIZE, m->end - m->start);
	vf_cell_str(t, COL_PERMS, m->perms);
	vf_cell_addr(t, COL_OFFSET, m->offset);
	vf_cell_str(t, COL_KIND, d.kind);
	if (d.has_bdf) {
		vf_format_bdf(&d.bdf, bdfs);
		vf_cell_str(t, COL_DEVICE, bdfs);
	}
	vf_cell_str(t, COL_VFIO, *d.vfio ? d.vfio : NULL);
	if (d.has_bar)
		vf_cell_u64(t, COL_BAR, d.bar);
	if (d.has_baroff)
		vf_cell_hex(t, COL_BAROFF, d.baroff);
	if (d.name_len && m->deleted)
		vf_cell(t, COL_NAME, "%.*s (deleted)", (int)d.name_len, d.name);
	else if (d.name_len)
		vf_cell_strn(t, COL_NAME, d.name, d.name_len);
	vf_cell_u64(t, COL_INODE, m->inode);
	vf_cell_u64(t, COL_LINE, lineno);
}

/* Warnings for lines that are not maps lines: the first ones by number,
 * then one count at the end (a file of garbage is not a screenful of
 * warnings per line). */
#define WARN_LINES 10

/* Decode f.  Returns 0, or -errno when it could not be read (wholly). */
static int decode_stream(struct vf_table *t, struct source *src, FILE *f)
{
	unsigned long bad = 0;
	struct vf_lines r;
	const char *line;
	size_t len;
	int err;

	if (vf_lines_open(&r, f)) {
		vf_warn("%s: %s", src->label, vf_strerror(ENOMEM));
		return -ENOMEM;
	}
	while ((line = vf_lines_next(&r, &len))) {
		struct vf_maps_line m;
		unsigned long lineno = r.lineno;
		size_t i;
		int k;

		/* most lines are libraries and anonymous memory: skipped
		 * without parsing (the fast path agrees with the parser) */
		if (src->everything)
			k = vf_parse_maps_line(line, len, &m);
		else if ((k = vf_maps_line_scan(line, len, &m)) > 0)
			continue;
		if (!k) {
			decode(t, src, &m, lineno);
			continue;
		}
		for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\n' ||
					line[i] == '\r'); i++)
			;
		if (i < len && ++bad <= WARN_LINES) /* blank lines pass silently */
			vf_warn("%s:%lu: not a maps line, skipped", src->label, lineno);
	}
	if (bad > WARN_LINES)
		vf_warn("%s: %lu more line%s skipped", src->label, bad - WARN_LINES,
			bad - WARN_LINES == 1 ? " that is not a maps line" : "s that are not maps lines");
	if (r.toolong)
		vf_warn("%s: %lu line%s longer than a maps line (%d bytes) skipped", src->label,
			r.toolong, r.toolong == 1 ? "" : "s", VF_LINE_MAX);
	err = r.err;
	vf_lines_close(&r);
	return err ? -err : 0;
}

/* One process.  Returns 0, or -errno when its maps cannot be read. */
static int decode_pid(struct vf_table *t, pid_t pid, bool everything)
{
	char label[32];
	struct source src = { label, VF_DECODE_CTX(pid), everything };
	FILE *f = vf_proc_maps_open(pid);
	int r;

	if (!f)
		return -errno;
	snprintf(label, sizeof(label), "pid %d", (int)pid);
	r = decode_stream(t, &src, f);
	fclose(f);
	return r == -ESRCH ? -ENOENT : r; /* it exited while we read */
}

static const struct argp_option options[] = {
	{ "all", 'a', NULL, 0, "Every process", 0 },
	{ "file", 'f', "FILE", 0, "Read maps lines from FILE ('-': standard input)", 0 },
	{ "everything", 'e', NULL, 0, "Show the other mappings too", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;
	uint64_t v;

	switch (key) {
	case ARGP_KEY_INIT:
		VF_ARGS_INPUTS(state, &o->table, NULL);
		return 0;
	case 'a': o->all = true; return 0;
	case 'f': o->file = arg; return 0;
	case 'e': o->everything = true; return 0;
	case ARGP_KEY_ARGS:
		o->pids = state->argv + state->next;
		o->npids = state->argc - state->next;
		for (int i = 0; i < o->npids; i++)
			if (vf_parse_u64(o->pids[i], &v) || v == 0 || v > INT_MAX ||
			    strspn(o->pids[i], "0123456789") != strlen(o->pids[i]))
				vf_usage_error(state, "'%s': not a process ID", o->pids[i]);
		return 0;
	case ARGP_KEY_END:
		if ((o->all ? 1 : 0) + (o->file ? 1 : 0) + (o->npids ? 1 : 0) > 1)
			vf_usage_error(state, "PID arguments, --all and --file exclude each other");
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
	options, parse, "[PID...]",
	"Decode /proc/PID/maps lines: which PCI device and BAR each VFIO or dma-buf "
	"mapping is.  Reads standard input when given no PID, --all or --file.\v",
	children, help_filter, NULL
};

static int run(int argc, char **argv)
{
	struct opts opt = { 0 };
	struct vf_table *t;
	int r = 0, i;

	vf_parse_args(&argp, argc, argv, 0, &opt);
	t = vf_table_new("mappings", cols, VF_ARRAY_SIZE(cols), DEFAULTS, &opt.table);
	if (!t)
		return VF_EXIT_USAGE;
	vf_table_stream(t); /* rows go out as they decode: constant memory */
	if (opt.npids) {
		for (i = 0; i < opt.npids; i++) {
			/* NOLINTNEXTLINE(cert-err34-c): parse() checked the digits and range */
			pid_t pid = (pid_t)atoi(opt.pids[i]);
			int e = decode_pid(t, pid, opt.everything);

			if (!e)
				continue;
			if (opt.npids == 1) {
				vf_table_free(t);
				return vf_error_errno(-1, -e == ENOENT ? ESRCH : -e,
						      (-e == EACCES || -e == EPERM) ? vf_hint_denied(VF_HINT_MAPS_RIGHTS) : NULL,
						      "reading the maps of process %d", (int)pid);
			}
			vf_warn("process %d: %s", (int)pid, vf_strerror(-e == ENOENT ? ESRCH : -e));
			r = VF_EXIT_FAIL;
		}
	} else if (opt.all) {
		struct vf_proc_tally tally = { 0 };
		struct vf_proc_iter it;
		pid_t pid;

		if ((i = vf_proc_open(&it)) < 0) {
			vf_table_free(t);
			return vf_error_errno(-1, -i, "is procfs mounted?", "reading %s/proc", vf.sysroot);
		}
		while (vf_proc_next(&it, &pid))
			vf_proc_tally_add(&tally, decode_pid(t, pid, opt.everything));
		vf_proc_close(&it);
		if (tally.denied)
			vf_warn("%d of %d processes could not be read (permission denied)%s%s", tally.denied,
				tally.procs, geteuid() == 0 ? ": " : "", geteuid() == 0 ? VF_HINT_ROOT_DENIED : "");
		if (tally.failed)
			vf_warn("%d of %d processes could not be read (%s%s)", tally.failed, tally.procs,
				vf_strerror(tally.err), tally.failed > 1 ? ", or another error" : "");
	} else {
		struct source src = { "stdin", VF_DECODE_CTX(0), opt.everything };
		FILE *f = stdin;

		if (opt.file && strcmp(opt.file, "-") != 0) {
			if (!(f = fopen(opt.file, "re"))) {
				vf_table_free(t);
				return vf_error_errno(-1, errno, NULL, "opening %s", opt.file);
			}
			src.label = opt.file;
		}
		if ((i = decode_stream(t, &src, f)) < 0)
			r = vf_error_errno(VF_EXIT_FAIL, -i, NULL, "reading %s", src.label);
		if (f != stdin)
			fclose(f);
	}
	i = vf_table_print(t);
	return i ? i : r;
}

const struct vf_command vf_cmd_maps_decode = {
	"maps-decode", "Decode /proc/PID/maps lines into PCI device and BAR", run
};
