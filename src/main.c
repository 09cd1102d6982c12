// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - vfbuf [GLOBAL] COMMAND [ARGS]: global options, then dispatch
 * to the command named exactly (no prefixes) through the command table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd.h"
#include "device.h"
#include "output.h"
#include "uapi.h"

static const struct vf_command *const commands[] = {
	&vf_cmd_list,
	&vf_cmd_stat,
	&vf_cmd_maps_decode,
	&vf_cmd_export,
	&vf_cmd_map,
	&vf_cmd_peek,
	&vf_cmd_poke,
	&vf_cmd_revoke,
	&vf_cmd_import,
};
#define NCOMMANDS VF_ARRAY_SIZE(commands)

struct opts {
	bool version;
	int cmd_index; /* argv index of the command name, 0 if none */
};

static const struct argp_option main_opts[] = {
	{ "version", 'V', NULL, 0, "Print the version (with -v: also what the running kernel supports)", 0 },
	{ 0 }
};

static error_t main_parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	(void)arg;
	switch (key) {
	case 'V':
		o->version = true;
		return 0;
	case ARGP_KEY_ARG:
		/* the command: stop here, it parses the rest itself */
		o->cmd_index = state->next - 1;
		state->next = state->argc;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static char *main_help_filter(int key, const char *text, void *input)
{
	char *buf = NULL;
	size_t sz = 0, i;
	FILE *f;

	(void)input;
	if (key != ARGP_KEY_HELP_POST_DOC || !(f = open_memstream(&buf, &sz)))
		return (char *)text;
	fputs("Commands:\n", f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\n%s", text);
	fclose(f);
	return buf;
}

static const struct argp_child main_children[] = {
	{ &vf_global_argp, 0, "Global options (also accepted after the command):", -1 },
	{ 0 }
};

static const struct argp main_argp = {
	main_opts, main_parse, "COMMAND [ARGS...]",
	"vfbuf -- diagnose and exercise the VFIO PCI dma-buf uAPI.\v"
	"Run 'vfbuf COMMAND --help' for a command's options.  Environment: VFBUF_UAPI=REV "
	"is the default of --uapi; VFBUF_VFIO=PATH the default of --vfio; VFBUF_CONNECT_TIMEOUT=SECONDS (default 10, 0 for ever) "
	"bounds the wait for a --connect primary's answer.  Exit status: 0 success, "
	"1 failure, 2 usage error, 3 access revoked (SIGBUS), 69 the running kernel "
	"lacks the feature, 77 permission denied.  See vfbuf(1).",
	main_children, main_help_filter, NULL
};

/* The version; with -v the kernel, the series revisions vfbuf knows, and
 * what each VFIO device's driver declares (sysfs only: no device is
 * opened).  JSON: {"version": [{...}], "drivers": [...]}. */
enum { V_VFBUF, V_KERNEL, V_MACHINE, V_REVISIONS, V_UAPI, V_ORIGIN };
static const struct vf_colinfo version_cols[] = {
	[V_VFBUF] = { "VFBUF", 8, 0, VF_COL_STR, "vfbuf's version" },
	[V_KERNEL] = { "KERNEL", 10, 0, VF_COL_STR, "running kernel release" },
	[V_MACHINE] = { "MACHINE", 6, 0, VF_COL_STR, "machine" },
	[V_REVISIONS] = { "REVISIONS", 6, 0, VF_COL_LIST, "series revisions known" },
	[V_UAPI] = { "UAPI", 4, 0, VF_COL_STR, "--uapi in effect" },
	[V_ORIGIN] = { "ORIGIN", 6, 0, VF_COL_STR, "where --uapi came from: default, VFBUF_UAPI, --uapi" },
};
enum { D_DEVICE, D_DRIVER, D_SERIES, D_HOW, D_WHY };
static const struct vf_colinfo driver_cols[] = {
	[D_DEVICE] = { "DEVICE", 12, 0, VF_COL_STR, "PCI device bound to a VFIO driver" },
	[D_DRIVER] = { "DRIVER", 8, 0, VF_COL_STR, "its driver" },
	[D_SERIES] = { "SERIES", 4, 0, VF_COL_STR, "series revision vfbuf would speak to it (no device opened)" },
	[D_HOW] = { "HOW", 8, 0, VF_COL_STR, "how that is known: given, declared, none (list --probe probes)" },
	[D_WHY] = { "WHY", 0.3, 0, VF_COL_STR, "what was declared or given, or why none" },
};

static int print_version(void)
{
	struct vf_list revs = { 0 };
	struct vf_pcidev *devs = NULL;
	char text[512];
	struct vf_table *t;
	struct utsname u;
	bool have_u;
	int n, i, r;

	if (!vf.json) {
		vf_text("vfbuf %s\n", VFBUF_VERSION);
		if (!vf.verbose)
			return VF_EXIT_OK;
	}
	have_u = uname(&u) == 0;
	if (!(t = vf_table_new("version", version_cols, VF_ARRAY_SIZE(version_cols),
			       "VFBUF,KERNEL,MACHINE,REVISIONS,UAPI,ORIGIN", NULL)))
		return VF_EXIT_FAIL;
	for (i = 0; vf_uapi_revs[i]; i++)
		vf_list_strval(&revs, vf_uapi_revs[i]->name);
	vf_table_row(t);
	vf_cell_str(t, V_VFBUF, VFBUF_VERSION);
	if (have_u) {
		vf_cell_str(t, V_KERNEL, u.release);
		vf_cell_str(t, V_MACHINE, u.machine);
	}
	vf_cell_list(t, V_REVISIONS, &revs);
	vf_cell_str(t, V_UAPI, vf.uapi);
	vf_cell_str(t, V_ORIGIN, vf.uapi_origin);
	vf_list_reset(&revs);
	if (have_u)
		snprintf(text, sizeof(text), "kernel %s %s\n", u.release, u.machine);
	else
		text[0] = '\0';
	n = (int)strlen(text);
	n += snprintf(text + n, sizeof(text) - (size_t)n,
		      "mainline dma-buf export: VFIO_DEVICE_FEATURE_DMA_BUF (Linux 6.19+; 'vfbuf list --probe' asks each device)\n"
		      "series revisions known:");
	for (i = 0; vf_uapi_revs[i] && n < (int)sizeof(text); i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, " %s", vf_uapi_revs[i]->name);
	if (n < (int)sizeof(text))
		snprintf(text + n, sizeof(text) - (size_t)n, "; --uapi %s (%s)", vf.uapi, vf.uapi_origin);
	vf_table_sentence(t, text);
	vf_list_free(&revs);
	if ((r = vf_table_print(t)))
		return r;
	if (!vf.verbose)
		return VF_EXIT_OK;
	if (!(t = vf_table_new("drivers", driver_cols, VF_ARRAY_SIZE(driver_cols),
			       "DEVICE,DRIVER,SERIES,HOW,WHY", NULL)))
		return VF_EXIT_FAIL;
	n = vf_pci_scan(NULL, &devs);
	for (i = 0; i < n; i++) {
		struct vf_uapi_choice c;

		if (!devs[i].vfio)
			continue;
		vf_uapi_choose(-1, &devs[i], &c); /* no device is opened: 'list --probe' probes */
		vf_table_row(t);
		vf_cell_str(t, D_DEVICE, devs[i].bdfstr);
		vf_cell_str(t, D_DRIVER, devs[i].driver);
		vf_cell_str(t, D_SERIES, c.rev ? c.rev->name : NULL);
		vf_cell_str(t, D_HOW, c.how);
		vf_cell_str(t, D_WHY, c.why);
		snprintf(text, sizeof(text), "device %s driver %s: series %s (%s: %s)", devs[i].bdfstr,
			 devs[i].driver, c.rev ? c.rev->name : "none", c.how, c.why);
		vf_table_sentence(t, text);
	}
	free(devs);
	return vf_table_print(t);
}

int main(int argc, char **argv)
{
	const struct vf_command *cmd = NULL;
	struct opts opts = { 0 };
	const char *env;
	char name[64];
	size_t i;
	int r;

	argv[0] = (char *)"vfbuf";
	vf_output_init();
	/* the environment's default first: --uapi on the command line wins,
	 * and --help works whatever the variable says (a command refuses a
	 * bad one after parsing its arguments: vf_parse_args) */
	(void)vf_uapi_select_env(&env);
	(void)vf_vfio_select_env(&env);
	vf_parse_args(&main_argp, argc, argv, ARGP_IN_ORDER, &opts);
	if (opts.version)
		return print_version() ? VF_EXIT_FAIL : vf_close_stdout();
	if (!opts.cmd_index) {
		vf_error(VF_EXIT_USAGE, "try 'vfbuf --help'", NULL, "no command given");
		return VF_EXIT_USAGE;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[opts.cmd_index], commands[i]->name))
			cmd = commands[i];
	if (!cmd) {
		vf_error(VF_EXIT_USAGE, "try 'vfbuf --help' for the list of commands",
			 "unknown command", "'%s'", argv[opts.cmd_index]);
		return VF_EXIT_USAGE;
	}
	vf.cmd = cmd->name;
	snprintf(name, sizeof(name), "vfbuf %s", cmd->name);
	argv[opts.cmd_index] = name;
	r = cmd->run(argc - opts.cmd_index, argv + opts.cmd_index);
	i = (size_t)vf_close_stdout();
	return r ? r : (int)i;
}
