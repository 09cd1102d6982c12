// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-list.c - vfbuf list: PCI devices bound to VFIO drivers (or all with
 * --all), their IOMMU groups and BARs; with --probe, what the device fd
 * says (dma-buf export support, region flags).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "compat.h"
#include "device.h"
#include "output.h"
#include "uapi.h"
#include "vfio.h"

struct opts {
	bool all, bars, probe;
	struct vf_select sel;
	struct vf_table_opts table;
};

enum {
	COL_BDF, COL_IDS, COL_NAME, COL_CLASS, COL_DRIVER, COL_VFIO, COL_GROUP, COL_VIABLE,
	COL_BLOCKERS, COL_NODE, COL_CDEV, COL_DOORS, COL_BARS, COL_DMABUF, COL_SERIES, COL_SERIESHOW,
	COL_SERIESWHY, COL_PROBE,
};
static const struct vf_colinfo dev_cols[] = {
	[COL_BDF] = { "BDF", 12, 0, VF_COL_STR, "PCI address" },
	[COL_IDS] = { "IDS", 9, 0, VF_COL_STR, "vendor:device IDs" },
	[COL_NAME] = { "NAME", 0.3, SCOLS_FL_TRUNC, VF_COL_STR, "vendor and device names (pci.ids)" },
	[COL_CLASS] = { "CLASS", 6, 0, VF_COL_STR, "PCI class code" },
	[COL_DRIVER] = { "DRIVER", 8, 0, VF_COL_STR, "bound driver" },
	[COL_VFIO] = { "VFIO", 4, 0, VF_COL_BOOL, "bound to vfio-pci or a variant driver" },
	[COL_GROUP] = { "GROUP", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "IOMMU group" },
	[COL_VIABLE] = { "VIABLE", 6, 0, VF_COL_BOOL, "every group member bound to a VFIO driver or none" },
	[COL_BLOCKERS] = { "BLOCKERS", 10, 0, VF_COL_STR, "group members in the way (address and driver)" },
	[COL_NODE] = { "NODE", 10, 0, VF_COL_STR, "VFIO group node" },
	[COL_CDEV] = { "CDEV", 6, 0, VF_COL_STR, "VFIO device cdev (/dev/vfio/devices/NAME)" },
	[COL_DOORS] = { "DOORS", 6, 0, VF_COL_STR, "front doors whose nodes exist: group (/dev/vfio/N), cdev (with /dev/iommu); the first is what --vfio auto opens" },
	[COL_BARS] = { "BARS", 0.2, SCOLS_FL_WRAP, VF_COL_LIST,
			"memory/IO BARs: index=size[/io][/64][/pf], one a line (JSON: [{bar, size, type, bits, prefetch}])" },
	[COL_DMABUF] = { "DMABUF", 6, 0, VF_COL_BOOL, "exports dma-bufs (--probe)" },
	[COL_SERIES] = { "SERIES", 6, 0, VF_COL_STR, "series revision the device speaks (declared, given, or with --probe probed; none on stock drivers)" },
	[COL_SERIESHOW] = { "SERIESHOW", 8, 0, VF_COL_STR, "how SERIES is known: declared, given, probed, none" },
	[COL_SERIESWHY] = { "SERIESWHY", 0.3, SCOLS_FL_WRAP, VF_COL_STR, "what the probes answered, or why no revision" },
	[COL_PROBE] = { "PROBE", 0.2, SCOLS_FL_TRUNC, VF_COL_STR, "why the device could not be probed (--probe)" },
};
#define DEV_DEFAULTS "BDF,IDS,DRIVER,GROUP,VIABLE,BARS,NAME"
#define DEV_DEFAULTS_PROBE DEV_DEFAULTS ",DMABUF,SERIES,SERIESHOW"

enum {
	BCOL_BDF, BCOL_BAR, BCOL_SIZE, BCOL_TYPE, BCOL_BITS, BCOL_PREFETCH,
	BCOL_FLAGS, BCOL_MMAP, BCOL_OFFSET,
};
static const struct vf_colinfo bar_cols[] = {
	[BCOL_BDF] = { "BDF", 12, 0, VF_COL_STR, "PCI address" },
	[BCOL_BAR] = { "BAR", 3, SCOLS_FL_RIGHT, VF_COL_NUM, "BAR index" },
	[BCOL_SIZE] = { "SIZE", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "size (bytes in JSON)" },
	[BCOL_TYPE] = { "TYPE", 4, 0, VF_COL_STR, "mem or io" },
	[BCOL_BITS] = { "BITS", 4, SCOLS_FL_RIGHT, VF_COL_NUM, "address width, 32 or 64" },
	[BCOL_PREFETCH] = { "PREFETCH", 3, 0, VF_COL_BOOL, "prefetchable" },
	[BCOL_FLAGS] = { "FLAGS", 5, 0, VF_COL_STR, "VFIO region flags: r w m(map) c(aps) (--probe)" },
	[BCOL_MMAP] = { "MMAP", 4, 0, VF_COL_BOOL, "mmap-able through the device fd (--probe)" },
	[BCOL_OFFSET] = { "OFFSET", 14, SCOLS_FL_RIGHT, VF_COL_NUM, "region offset in the device fd (--probe)" },
};
#define BAR_DEFAULTS "BDF,BAR,SIZE,TYPE,BITS,PREFETCH"
#define BAR_DEFAULTS_PROBE BAR_DEFAULTS ",FLAGS,OFFSET"

struct probe {
	bool done;        /* the device was opened */
	char why[512];    /* why not */
	int code;         /* exit code of the failure */
	bool dmabuf;
	struct vf_uapi_choice series;
	struct vf_region regions[VF_NBARS];
	bool have_region[VF_NBARS];
};

static void do_probe(const struct vf_pcidev *d, struct probe *p)
{
	struct vf_device v;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	vf_error_capture(p->why, sizeof(p->why));
	p->code = vf_device_open(d, &v);
	vf_error_capture(NULL, 0);
	if (p->code) {
		vf_device_close(&v);
		return;
	}
	p->done = true;
	p->dmabuf = vf_vfio_feature_probe(v.vfio.device, VFIO_DEVICE_FEATURE_DMA_BUF,
					  VFIO_DEVICE_FEATURE_GET) == 1;
	for (i = 0; i < VF_NBARS && i < v.vfio.num_regions; i++)
		p->have_region[i] = vf_vfio_region(v.vfio.device, i, &p->regions[i]) == 0;
	vf_device_rev(&v);
	p->series = v.series;
	vf_device_close(&v);
}

/* BARs: text index=size[/io][/64][/pf], JSON [{bar, size, type, bits, prefetch}] */
static void bars_list(const struct vf_pcidev *d, bool bytes, struct vf_list *l)
{
	int i;

	for (i = 0; i < VF_NBARS; i++) {
		const struct vf_bar *b = &d->bars[i];
		char size[24], text[64];

		if (!b->present)
			continue;
		if (bytes)
			snprintf(size, sizeof(size), "%llu", (unsigned long long)b->size);
		else
			vf_human_size(b->size, size, sizeof(size));
		snprintf(text, sizeof(text), "%d=%s%s%s%s", i, size, b->io ? "/io" : "",
			 b->is64 ? "/64" : "", b->prefetch ? "/pf" : "");
		vf_list_item(l, text);
		vf_list_u64(l, "bar", (uint64_t)i);
		vf_list_u64(l, "size", b->size);
		vf_list_str(l, "type", b->io ? "io" : "mem");
		if (b->io)
			vf_list_null(l, "bits");
		else
			vf_list_u64(l, "bits", b->is64 ? 64 : 32);
		vf_list_bool(l, "prefetch", b->prefetch);
	}
}

static void dev_row(struct vf_table *t, const struct vf_pcidev *d, const struct probe *p, bool bytes)
{
	struct vf_list bars = { 0 };

	vf_table_row(t);
	vf_cell_str(t, COL_BDF, d->bdfstr);
	vf_cell(t, COL_IDS, "%04x:%04x", d->vendor, d->device);
	vf_cell_str(t, COL_NAME, d->name);
	vf_cell(t, COL_CLASS, "%04x", d->class_id);
	vf_cell_str(t, COL_DRIVER, *d->driver ? d->driver : (vf.json ? NULL : "-"));
	vf_cell_bool(t, COL_VFIO, d->vfio);
	if (d->group >= 0)
		vf_cell_u64(t, COL_GROUP, (uint64_t)d->group);
	if (d->viable != VF_VIABLE_UNKNOWN)
		vf_cell_bool(t, COL_VIABLE, d->viable == VF_VIABLE_YES);
	vf_cell_str(t, COL_BLOCKERS, *d->blockers ? d->blockers : NULL);
	vf_cell_str(t, COL_NODE, *d->group_node ? d->group_node : NULL);
	vf_cell_str(t, COL_CDEV, *d->cdev ? d->cdev : NULL);
	if (d->vfio) {
		struct vf_doors doors;

		vf_device_doors(d, &doors);
		vf_cell(t, COL_DOORS, "%s%s%s", doors.group ? "group" : "",
			doors.group && doors.cdev ? "," : "", doors.cdev ? "cdev" : "");
	}
	if (vf_table_has(t, COL_BARS)) {
		bars_list(d, bytes, &bars);
		vf_cell_list(t, COL_BARS, &bars);
		vf_list_free(&bars);
	}
	if (p && p->done)
		vf_cell_bool(t, COL_DMABUF, p->dmabuf);
	if (d->vfio) {
		struct vf_uapi_choice c;

		if (p && p->done)
			c = p->series;
		else
			vf_uapi_choose(-1, d, &c); /* sysfs and --uapi only */
		vf_cell_str(t, COL_SERIES, c.rev ? c.rev->name : (vf.json ? NULL : "none"));
		vf_cell_str(t, COL_SERIESHOW, c.how);
		vf_cell_str(t, COL_SERIESWHY, c.why);
	}
	if (p && !p->done && d->vfio)
		vf_cell_str(t, COL_PROBE, p->why);
}

static void bar_rows(struct vf_table *t, const struct vf_pcidev *d, const struct probe *p)
{
	char buf[64];
	int i;

	for (i = 0; i < VF_NBARS; i++) {
		const struct vf_bar *b = &d->bars[i];

		if (!b->present)
			continue;
		vf_table_row(t);
		vf_cell_str(t, BCOL_BDF, d->bdfstr);
		vf_cell_u64(t, BCOL_BAR, (uint64_t)i);
		vf_cell_size(t, BCOL_SIZE, b->size);
		vf_cell_str(t, BCOL_TYPE, b->io ? "io" : "mem");
		if (!b->io)
			vf_cell_u64(t, BCOL_BITS, b->is64 ? 64 : 32);
		vf_cell_bool(t, BCOL_PREFETCH, b->prefetch);
		if (p && p->done && p->have_region[i]) {
			vf_region_flags_str(p->regions[i].flags, buf, sizeof(buf));
			vf_cell_str(t, BCOL_FLAGS, buf);
			vf_cell_bool(t, BCOL_MMAP, (p->regions[i].flags & VFIO_REGION_INFO_FLAG_MMAP) != 0);
			vf_cell_hex(t, BCOL_OFFSET, p->regions[i].offset);
		}
	}
}

static const struct argp_option options[] = {
	{ "all", 'a', NULL, 0, "List every PCI device, not only those bound to VFIO drivers", 0 },
	{ "bars", 'B', NULL, 0, "One row per BAR instead of one per device", 0 },
	{ "probe", 'p', NULL, 0, "Open each VFIO device and ask it (dma-buf export, region flags)", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		VF_ARGS_INPUTS(state, &o->sel, &o->table, NULL);
		return 0;
	case 'a': o->all = true; return 0;
	case 'B': o->bars = true; return 0;
	case 'p': o->probe = true; return 0;
	case ARGP_KEY_ARG:
		vf_usage_error(state, "unexpected argument '%s'", arg);
	}
	return ARGP_ERR_UNKNOWN;
}

static char *help_filter(int key, const char *text, void *input)
{
	char *a, *b, *out = NULL;

	(void)input;
	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	a = vf_columns_help(dev_cols, VF_ARRAY_SIZE(dev_cols), DEV_DEFAULTS);
	b = vf_columns_help(bar_cols, VF_ARRAY_SIZE(bar_cols), BAR_DEFAULTS);
	if (a && b && asprintf(&out, "%s\nWith --bars:\n%s", a, b) < 0)
		out = NULL;
	free(a);
	free(b);
	return out ? out : (char *)text;
}

static const struct argp_child children[] = {
	{ &vf_select_argp, 0, "Device selection:", 1 },
	{ &vf_table_argp, 0, "Output:", 2 },
	{ &vf_global_argp, 0, "Global options:", 3 },
	{ 0 }
};

static const struct argp argp = {
	options, parse, NULL,
	"List PCI devices bound to VFIO drivers: IOMMU group, viability, device nodes, BARs.\v",
	children, help_filter, NULL
};

static int run(int argc, char **argv)
{
	struct opts o = { 0 };
	struct vf_pcidev *devs = NULL;
	struct vf_table *t;
	int n, i, shown = 0, code = 0;

	vf_parse_args(&argp, argc, argv, 0, &o);
	n = vf_pci_scan(&o.sel, &devs);
	if (n < 0)
		return -n;
	if (o.bars)
		t = vf_table_new("bars", bar_cols, VF_ARRAY_SIZE(bar_cols),
				 o.probe ? BAR_DEFAULTS_PROBE : BAR_DEFAULTS, &o.table);
	else
		t = vf_table_new("devices", dev_cols, VF_ARRAY_SIZE(dev_cols),
				 o.probe ? DEV_DEFAULTS_PROBE : DEV_DEFAULTS, &o.table);
	if (!t) {
		free(devs);
		return VF_EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		const struct vf_pcidev *d = &devs[i];
		struct probe p, *pp = NULL;

		if (!o.all && !d->vfio)
			continue;
		shown++;
		if (o.probe && d->vfio) {
			do_probe(d, &p);
			pp = &p;
			if (!p.done) {
				vf_warn("%s: cannot probe: %s", d->bdfstr, p.why);
				if (!code)
					code = p.code;
			}
		}
		if (o.bars)
			bar_rows(t, d, pp);
		else
			dev_row(t, d, pp, o.table.bytes);
	}
	free(devs);
	i = vf_table_print(t);
	if (!shown && !vf.json) {
		char sel[160];

		vf_select_text(&o.sel, sel, sizeof(sel));
		if (!n)
			vf_warn("no PCI device %s%s", *sel ? "matches " : "found", sel);
		else if (*sel)
			vf_warn("no PCI device that %s selects is bound to a VFIO driver "
				"('vfbuf list --all' shows them)", sel);
		else
			vf_warn("no PCI device is bound to a VFIO driver ('vfbuf list --all' shows every device)");
	}
	return i ? i : code;
}

const struct vf_command vf_cmd_list = {
	"list", "List PCI devices bound to VFIO drivers, their groups and BARs", run
};
