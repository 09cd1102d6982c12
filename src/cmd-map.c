// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-map.c - vfbuf map: map a dma-buf (inherited, taken, vended) or a BAR
 * through the device fd, and show the kernel's own maps line for it,
 * decoded as maps-decode would.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "mapping.h"
#include "output.h"
#include "lines.h"
#include "procfs.h"
#include "source.h"
#include "wait.h"

struct opts {
	bool hold;
	struct vf_source_opts src;
	struct vf_table_opts table;
};

enum {
	COL_PID, COL_ADDR, COL_LENGTH, COL_SOURCE, COL_KIND, COL_DEVICE, COL_BAR, COL_BAROFF,
	COL_NAME, COL_MAPS, COL_WC, COL_MEMTYPE,
};
static const struct vf_colinfo cols[] = {
	[COL_PID] = { "PID", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "this process" },
	[COL_ADDR] = { "ADDR", 12, SCOLS_FL_RIGHT, VF_COL_NUM, "address of the window (hex; a number in JSON)" },
	[COL_LENGTH] = { "LENGTH", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "length of the window" },
	[COL_SOURCE] = { "SOURCE", 0.2, SCOLS_FL_TRUNC, VF_COL_STR, "what was mapped" },
	[COL_KIND] = { "KIND", 10, 0, VF_COL_STR, "the mapping, as maps-decode names it" },
	[COL_DEVICE] = { "DEVICE", 12, 0, VF_COL_STR, "PCI device, decoded from the maps line" },
	[COL_BAR] = { "BAR", 3, SCOLS_FL_RIGHT, VF_COL_NUM, "BAR, decoded from the maps line" },
	[COL_BAROFF] = { "BAROFF", 8, SCOLS_FL_RIGHT, VF_COL_NUM, "offset in the BAR, decoded" },
	[COL_NAME] = { "NAME", 0.2, SCOLS_FL_TRUNC, VF_COL_STR, "dma-buf name or path in the maps line" },
	[COL_MAPS] = { "MAPS", 0.4, SCOLS_FL_TRUNC, VF_COL_STR, "the kernel's /proc/self/maps line" },
	[COL_WC] = { "WC", 2, 0, VF_COL_BOOL, "write-combining asked for (--wc, or the primary says)" },
	[COL_MEMTYPE] = { "MEMTYPE", 10, 0, VF_COL_STR,
			  "memory type the kernel gives those BAR pages (x86 PAT list in debugfs)" },
};
#define DEFAULTS "PID,ADDR,LENGTH,KIND,DEVICE,BAR,BAROFF,NAME"

/* The /proc/self/maps line of the mapping at addr. */
static int find_line(uintptr_t addr, char *out, size_t sz, struct vf_maps_line *m)
{
	FILE *f = fopen("/proc/self/maps", "re");
	struct vf_lines r;
	const char *line;
	size_t len;
	int found = -1;

	if (!f)
		return -1;
	if (vf_lines_open(&r, f)) {
		fclose(f);
		return -1;
	}
	while ((line = vf_lines_next(&r, &len))) {
		if (vf_parse_maps_line(line, len, m) || addr < m->start || addr >= m->end)
			continue;
		if (line[len - 1] == '\n')
			len--;
		vf_strlcpy(out, sz, line, len);
		/* m points into line: re-parse the copy */
		vf_parse_maps_line(out, strlen(out), m);
		found = 0;
		break;
	}
	vf_lines_close(&r);
	fclose(f);
	return found;
}

/* The physical address of BAR bar of device b, from sysfs "resource". */
static int bar_start(const struct vf_bdf *b, unsigned int bar, uint64_t *start)
{
	char p[PATH_MAX], buf[1024], bdf[VF_BDF_LEN], *line = buf, *end;
	unsigned long long s;
	unsigned int i;

	vf_format_bdf(b, bdf);
	if (vf_path(p, sizeof(p), "/sys/bus/pci/devices/%s/resource", bdf) ||
	    vf_read_file(p, buf, sizeof(buf)) <= 0)
		return -1;
	/* line N: "0xSTART 0xEND 0xFLAGS" */
	for (i = 0; i < bar && line; i++)
		if ((line = strchr(line, '\n')))
			line++;
	if (!line)
		return -1;
	errno = 0;
	s = strtoull(line, &end, 16);
	if (errno || end == line || *end != ' ' || !s)
		return -1;
	*start = s;
	return 0;
}

/* The memory type of physical address pa in the x86 PAT list
 * ("PAT: [mem 0x...-0x...] uncached-minus"), or NULL: not x86, no
 * debugfs, not root, or no entry (the kernel tracks no type there). */
static const char *pat_memtype(uint64_t pa, char *out, size_t sz)
{
	char p[PATH_MAX], buf[256], *end;
	unsigned long long s, e;
	const char *r = NULL, *line;
	struct vf_lines lr;
	size_t len;
	FILE *f;

	if (vf_path(p, sizeof(p), "/sys/kernel/debug/x86/pat_memtype_list") || !(f = fopen(p, "re"))) {
		vf_info("no memory type: %s: %s", p, vf_strerror(errno));
		return NULL;
	}
	if (vf_lines_open(&lr, f)) {
		fclose(f);
		return NULL;
	}
	while ((line = vf_lines_next(&lr, &len))) {
		/* "PAT: [mem 0xSTART-0xEND] TYPE" */
		char *q = vf_strlcpy(buf, sizeof(buf), line, len);

		if (strncmp(q, "PAT: [mem ", 10) != 0)
			continue;
		q += 10;
		errno = 0;
		s = strtoull(q, &end, 16);
		if (errno || end == q || *end != '-')
			continue;
		q = end + 1;
		e = strtoull(q, &end, 16);
		if (errno || end == q || strncmp(end, "] ", 2) != 0)
			continue;
		if (pa >= s && pa < e) {
			q = end + 2;
			snprintf(out, sz, "%.*s", (int)strcspn(q, " \n"), q);
			r = out;
			break;
		}
	}
	vf_lines_close(&lr);
	fclose(f);
	return r;
}

static int report(const struct vf_mapping *mp, const struct vf_table_opts *to)
{
	struct vf_table *t = vf_table_new("mappings", cols, VF_ARRAY_SIZE(cols), DEFAULTS, to);
	struct vf_decode_ctx ctx = VF_DECODE_CTX(getpid());
	struct vf_maps_line m;
	struct vf_decoded d;
	char line[1024], bdf[VF_BDF_LEN];

	if (!t)
		return VF_EXIT_USAGE;
	vf_table_row(t);
	vf_cell_u64(t, COL_PID, (uint64_t)getpid());
	vf_cell_addr(t, COL_ADDR, (uint64_t)(uintptr_t)mp->addr);
	vf_cell_size(t, COL_LENGTH, mp->len);
	vf_cell_str(t, COL_SOURCE, mp->what);
	if (!find_line((uintptr_t)mp->addr, line, sizeof(line), &m)) {
		vf_decode_mapping(&ctx, &m, &d);
		vf_cell_str(t, COL_KIND, d.kind);
		if (d.has_bdf) {
			vf_format_bdf(&d.bdf, bdf);
			vf_cell_str(t, COL_DEVICE, bdf);
		}
		if (d.has_bar)
			vf_cell_u64(t, COL_BAR, d.bar);
		if (d.has_baroff)
			vf_cell_hex(t, COL_BAROFF, d.baroff);
		if (d.name_len)
			vf_cell(t, COL_NAME, "%.*s", (int)d.name_len, d.name);
		vf_cell_str(t, COL_MAPS, line);
		if (vf_table_has(t, COL_MEMTYPE) && d.has_bdf && d.has_bar) {
			char type[32];
			uint64_t pa;

			if (!bar_start(&d.bdf, d.bar, &pa))
				vf_cell_str(t, COL_MEMTYPE,
					    pat_memtype(pa + (d.has_baroff ? d.baroff : 0), type, sizeof(type)));
		}
	}
	if (mp->wc >= 0)
		vf_cell_bool(t, COL_WC, mp->wc);
	return vf_table_print(t);
}

static const struct argp_option options[] = {
	{ "hold", 'H', NULL, 0, "Keep the mapping until SIGINT, SIGTERM or SIGHUP", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		vf_args_source_inputs(state, &o->src, &o->table);
		return 0;
	case 'H': o->hold = true; return 0;
	case ARGP_KEY_ARG:
		vf_usage_error(state, "unexpected argument '%s'", arg);
	}
	return ARGP_ERR_UNKNOWN;
}

VF_COLUMNS_HELP_FILTER(help_filter, cols, DEFAULTS)

static const struct argp_child children[] = {
	{ &vf_source_argp, 0, "Source:", 1 },
	{ &vf_select_argp, 0, "Device selection (with --bar):", 2 },
	{ &vf_table_argp, 0, "Output:", 3 },
	{ &vf_global_argp, 0, "Global options:", 4 },
	{ 0 }
};

static const struct argp argp = {
	options, parse, NULL,
	"Map a dma-buf (--fd, --pid --fd, --connect) or a BAR through the device fd "
	"(-s BDF --bar N) and show the kernel's maps line for it, decoded.\v",
	children, help_filter, NULL
};

static int run(int argc, char **argv)
{
	struct opts opt = { .src = VF_SOURCE_OPTS_INIT };
	struct vf_mapping m;
	int r;

	vf_parse_args(&argp, argc, argv, 0, &opt);
	r = vf_source_map(&opt.src, false, &m);
	if (!r)
		r = report(&m, &opt.table);
	if (!r && opt.hold) {
		vf_output_end(); /* a whole document before waiting */
		if (!vf.quiet && !vf.json)
			fprintf(stderr, "vfbuf: map: pid %d holds the mapping; SIGINT, SIGTERM or SIGHUP releases it\n",
				(int)getpid());
		vf_wait_for_signal();
	}
	vf_source_unmap(&m);
	return r;
}

const struct vf_command vf_cmd_map = {
	"map", "Map a dma-buf or a BAR and show its decoded maps line", run
};
