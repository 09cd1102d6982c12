// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * args.c - shared option groups and argp glue for the command files.
 *
 * argp reports its own usage errors as "PROG: message" followed by a
 * "Try ..." line.  Its error stream is replaced here by one that rewrites
 * them into vfbuf's "vfbuf: CMD: message" form (or a JSON error), so every
 * usage error looks the same, whoever found it.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output.h"
#include "parse.h"
#include "device.h"
#include "procfs.h"
#include "source.h"
#include "uapi.h"

const struct vf_args_hooks *vf_args_hooks;

/* ---- argp error stream ---- */

struct errcookie {
	char line[1024];
	size_t len;
	int lines;
};

static FILE *real_stderr;
static struct errcookie errc; /* the usage stream's; reset by each parse */

/* argp and getopt write "PROG: message" and then a "Try ..." line. */
static void usage_line(struct errcookie *c)
{
	const char *msg = c->line, *colon = strstr(c->line, ": ");
	const char *cmd = vf.cmd ? vf.cmd : "";
	char hint[96];
	FILE *saved = stderr;

	if (++c->lines > 1)
		return; /* argp's "Try `...' for more information." */
	if (colon)
		msg = colon + 2;
	snprintf(hint, sizeof(hint), "try 'vfbuf%s%s --help'", *cmd ? " " : "", cmd);
	stderr = real_stderr;
	vf_error(VF_EXIT_USAGE, hint, NULL, "%s", msg);
	fflush(stderr);
	stderr = saved;
}

static ssize_t err_write(void *cookie, const char *buf, size_t size)
{
	struct errcookie *c = cookie;
	size_t i;

	for (i = 0; i < size; i++) {
		if (buf[i] == '\n') {
			c->line[c->len] = '\0';
			usage_line(c);
			c->len = 0;
		} else if (c->len + 1 < sizeof(c->line)) {
			c->line[c->len++] = buf[i];
		}
	}
	return (ssize_t)size;
}

static FILE *usage_stream(void)
{
	static FILE *f;
	cookie_io_functions_t io = { .write = err_write };

	if (!f) {
		f = fopencookie(&errc, "w", io);
		if (f)
			setvbuf(f, NULL, _IONBF, 0);
	}
	return f ? f : real_stderr;
}

void vf_usage_error(const struct argp_state *state, const char *fmt, ...)
{
	char msg[512], hint[96];
	va_list ap;

	(void)state;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(hint, sizeof(hint), "try 'vfbuf%s%s --help'", vf.cmd ? " " : "", vf.cmd ? vf.cmd : "");
	if (real_stderr)
		stderr = real_stderr;
	vf_error(VF_EXIT_USAGE, hint, NULL, "%s", msg);
	if (vf_args_hooks)
		vf_args_hooks->done(VF_EXIT_USAGE); /* does not return */
	exit(VF_EXIT_USAGE);
}

unsigned long long vf_arg_u64(const struct argp_state *state, const char *opt, const char *arg)
{
	uint64_t v;
	int r = vf_parse_u64(arg, &v);

	if (r == -ERANGE)
		vf_usage_error(state, "%s '%s': does not fit in 64 bits", opt, arg);
	if (r)
		vf_usage_error(state, "%s '%s': not a number (decimal, 0x hex, K/M/G/T suffix)", opt, arg);
	return v;
}

unsigned int vf_arg_width(const struct argp_state *state, const char *arg)
{
	if (!strcmp(arg, "1") || !strcmp(arg, "2") || !strcmp(arg, "4") || !strcmp(arg, "8"))
		return (unsigned int)(arg[0] - '0');
	vf_usage_error(state, "--width '%s': accesses are 1, 2, 4 or 8 bytes wide", arg);
}

long vf_arg_id(const struct argp_state *state, const char *opt, const char *arg, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || *arg < '0' || *arg > '9' || v > max)
		vf_usage_error(state, "%s '%s': not a decimal number up to %ld", opt, arg, max);
	return v;
}

pid_t vf_arg_pid(const struct argp_state *state, const char *arg)
{
	long v = vf_arg_id(state, "--pid", arg, INT_MAX);

	if (!v)
		vf_usage_error(state, "--pid 0: not a process");
	return (pid_t)v;
}

unsigned int vf_arg_bar(const struct argp_state *state, const char *arg)
{
	uint64_t v = vf_arg_u64(state, "--bar", arg);

	if (v >= VF_NBARS)
		vf_usage_error(state, "--bar %s: BARs are numbered 0 to %d", arg, VF_NBARS - 1);
	return (unsigned int)v;
}

double vf_arg_seconds(const struct argp_state *state, const char *opt, const char *arg, bool zero_ok)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || *end || end == arg || !((zero_ok ? v >= 0 : v > 0) && v <= 1e6))
		vf_usage_error(state, "%s '%s': not a number of seconds%s", opt, arg,
			       zero_ok ? "" : " above 0");
	return v;
}

void vf_args_inputs(struct argp_state *state, void *const *inputs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		state->child_inputs[i] = inputs[i];
}

void vf_args_source_inputs(struct argp_state *state, struct vf_source_opts *src,
			   struct vf_table_opts *table)
{
	VF_ARGS_INPUTS(state, src, &src->sel, table);
}

/* argp's own --help and --usage, as its default options have them, but
 * without the hidden others: --HANG (sleeps an hour; "--H" is enough) and
 * --program-name. */
enum { OPT_USAGE = 0x1100 };

static const struct argp_option help_opts[] = {
	{ "help", '?', NULL, 0, "Give this help list", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Give a short usage message", 0 },
	{ 0 }
};

static error_t help_parse(int key, char *arg, struct argp_state *state)
{
	unsigned int what;

	(void)arg;
	switch (key) {
	case '?':
		what = ARGP_HELP_STD_HELP;
		break;
	case OPT_USAGE:
		what = ARGP_HELP_USAGE | ARGP_HELP_EXIT_OK;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	if (vf_args_hooks || state->out_stream != stdout) {
		argp_state_help(state, state->out_stream, what);
		return 0;
	}
	/* argp would exit 0 even when the help could not be written
	 * (--help > /dev/full): write it, then exit as the output went */
	argp_state_help(state, stdout, what & ~(unsigned int)(ARGP_HELP_EXIT_OK | ARGP_HELP_EXIT_ERR));
	stderr = real_stderr;
	exit(vf_close_stdout());
}

static const struct argp help_argp = { help_opts, help_parse, NULL, NULL, NULL, NULL, NULL };

void vf_parse_args(const struct argp *argp, int argc, char **argv, unsigned int flags,
		   void *input)
{
	/* what argp_parse() does without ARGP_NO_HELP, with help_argp for
	 * its default options */
	const struct argp_child children[] = { { argp, 0, NULL, 0 }, { &help_argp, 0, NULL, 0 }, { 0 } };
	const struct argp top = { NULL, NULL, NULL, NULL, children, NULL, NULL };
	error_t r;

	/* getopt prints its complaints to stderr itself: route them (and
	 * argp's) through the rewriting stream while parsing */
	real_stderr = stderr;
	argp_err_exit_status = VF_EXIT_USAGE;
	errc.len = 0;
	errc.lines = 0;
	stderr = usage_stream();
	r = (vf_args_hooks ? vf_args_hooks->parse : argp_parse)(&top, argc, argv, flags | ARGP_NO_HELP,
								 NULL, input);
	stderr = real_stderr;
	/* a command's arguments parsed: VFBUF_UAPI counts unless --uapi was given */
	if (!r && vf.cmd && strcmp(vf.uapi_origin, "--uapi") != 0) {
		const char *env;

		if (vf_uapi_select_env(&env)) {
			char hint[160];

			snprintf(hint, sizeof(hint), "set it to one of %s, unset it, or give --uapi", vf_uapi_names());
			vf_error(VF_EXIT_USAGE, hint, "unknown revision", "VFBUF_UAPI '%s'", env);
			if (vf_args_hooks)
				vf_args_hooks->done(VF_EXIT_USAGE); /* does not return */
			exit(VF_EXIT_USAGE);
		}
	}
	if (!r && vf.cmd && strcmp(vf.vfio_origin, "--vfio") != 0) {
		const char *env;

		if (vf_vfio_select_env(&env)) {
			vf_error(VF_EXIT_USAGE, "set it to auto, group or cdev, unset it, or give --vfio",
				 "not a VFIO front door", "VFBUF_VFIO '%s'", env);
			if (vf_args_hooks)
				vf_args_hooks->done(VF_EXIT_USAGE); /* does not return */
			exit(VF_EXIT_USAGE);
		}
	}
	if (vf_args_hooks)
		vf_args_hooks->done(r ? VF_EXIT_USAGE : VF_EXIT_OK);
}

/* ---- global options ---- */

enum { OPT_SYSROOT = 0x1000, OPT_UAPI, OPT_VFIO };

static const struct argp_option global_opts[] = {
	{ "json", 'J', NULL, 0, "Machine output (JSON), errors too", -1 },
	{ "quiet", 'q', NULL, 0, "Print no warnings or notes", -1 },
	{ "verbose", 'v', NULL, 0, "Say more (repeatable)", -1 },
	{ "sysroot", OPT_SYSROOT, "DIR", 0, "Read sysfs, procfs and /dev under DIR", -1 },
	{ "uapi", OPT_UAPI, "REV", 0,
	  "Series uAPI revision to speak: auto (default, or $VFBUF_UAPI: what the driver declares, else what safe probes find), none, v1, v2, v3 (= v4), v4, v5", -1 },
	{ "vfio", OPT_VFIO, "PATH", 0,
	  "VFIO's front door: auto (default, or $VFBUF_VFIO: the group path where it exists, else the cdev), group, cdev (/dev/vfio/devices/vfioN with iommufd)", -1 },
	{ 0 }
};

static error_t global_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_INIT:
		state->err_stream = usage_stream();
		return 0;
	case 'J':
		vf.json = true;
		return 0;
	case 'q':
		vf.quiet = true;
		return 0;
	case 'v':
		vf.verbose++;
		return 0;
	case OPT_UAPI:
		if (vf_uapi_select(arg))
			vf_usage_error(state, "--uapi '%s': unknown revision (%s)", arg, vf_uapi_names());
		return 0;
	case OPT_VFIO:
		if (vf_vfio_select(arg))
			vf_usage_error(state, "--vfio '%s': not auto, group or cdev", arg);
		return 0;
	case OPT_SYSROOT: {
		size_t n = strlen(arg);

		while (n > 1 && arg[n - 1] == '/')
			arg[--n] = '\0';
		if (n > VF_SYSROOT_MAX)
			vf_usage_error(state, "--sysroot: a path of %zu bytes, longer than %d", n,
				       VF_SYSROOT_MAX);
		vf.sysroot = strcmp(arg, "/") ? arg : "";
		return 0;
	}
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp vf_global_argp = { global_opts, global_parse, NULL, NULL, NULL, NULL, NULL };

/* ---- table options ---- */

static const struct argp_option table_opts[] = {
	{ "output", 'o', "COLUMNS", 0, "Columns to show (comma list; +LIST adds to the defaults)", -2 },
	{ "output-all", 'O', NULL, 0, "Show every column (in the order listed below)", -2 },
	{ "noheadings", 'n', NULL, 0, "Do not print a header line", -2 },
	{ "raw", 'r', NULL, 0, "Raw output: no alignment, one space between columns", -2 },
	{ "bytes", 'b', NULL, 0, "Print sizes in bytes, not 4K/1M", -2 },
	{ 0 }
};

static error_t table_parse(int key, char *arg, struct argp_state *state)
{
	struct vf_table_opts *o = state->input;

	switch (key) {
	case 'o':
		if (!*arg)
			vf_usage_error(state, "--output '': names no column");
		o->columns = arg;
		return 0;
	case 'O':
		o->all = true;
		return 0;
	case ARGP_KEY_END:
		if (o->all && o->columns)
			vf_usage_error(state, "--output and --output-all exclude each other");
		return 0;
	case 'n':
		o->noheadings = true;
		return 0;
	case 'r':
		o->raw = true;
		return 0;
	case 'b':
		o->bytes = true;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp vf_table_argp = { table_opts, table_parse, NULL, NULL, NULL, NULL, NULL };

/* ---- the source of map, peek and poke (source.h) ---- */

enum {
	OPT_FD = 0x1200, OPT_PID, OPT_CONNECT, OPT_BAR, OPT_OFFSET, OPT_LENGTH, OPT_WC, OPT_NO_CHECK,
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
	struct vf_source_opts *o = state->input;

	switch (key) {
	case OPT_FD:
		o->fd = (int)vf_arg_id(state, "--fd", arg, INT_MAX);
		return 0;
	case OPT_PID:
		o->pid = vf_arg_pid(state, arg);
		return 0;
	case OPT_CONNECT:
		o->connect = arg;
		return 0;
	case OPT_BAR:
		o->bar = (int)vf_arg_bar(state, arg);
		return 0;
	case OPT_OFFSET:
		o->offset = vf_arg_u64(state, "--offset", arg);
		return 0;
	case OPT_LENGTH:
		o->length = vf_arg_u64(state, "--length", arg);
		if (!o->length)
			vf_usage_error(state, "--length 0: an empty window");
		return 0;
	case OPT_WC:
		o->wc = true;
		return 0;
	case OPT_NO_CHECK:
		o->no_check = true;
		return 0;
	case OPT_CLOSE_FD:
		o->close_fd = true;
		return 0;
	case ARGP_KEY_END: {
		int n = (o->fd >= 0) + (o->connect != NULL) + (o->bar >= 0);

		if (o->pid && o->fd < 0 && o->bar < 0)
			vf_usage_error(state, "--pid needs --fd (its dma-buf) or --bar (its device's BAR)");
		if (n != 1)
			vf_usage_error(state, "name one source: --fd FD [--pid PID], --connect SOCKET, "
					      "or -s BDF --bar N (or --pid PID --bar N)");
		if (o->bar >= 0 && !o->pid && !o->sel.slot && !o->sel.id)
			vf_usage_error(state, "--bar needs a device (-s BDF or -d VENDOR:DEVICE, or --pid PID)");
		if (o->bar < 0 && (o->sel.slot || o->sel.id))
			vf_usage_error(state, "-s/-d name a device for --bar");
		if (o->wc && o->bar < 0)
			vf_usage_error(state, "--wc applies to --bar (a vended buffer has its attribute already)");
		return 0;
	}
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp vf_source_argp = { source_opts, source_parse, NULL, NULL, NULL, NULL, NULL };

/* peek's and poke's option groups, in vf_args_source_inputs()'s order */
const struct argp_child vf_source_children[] = {
	{ &vf_source_argp, 0, "Source:", 1 },
	{ &vf_select_argp, 0, "Device selection (with --bar):", 2 },
	{ &vf_global_argp, 0, "Global options:", 4 },
	{ 0 }
};

/* ---- device selection ---- */

static const struct argp_option select_opts[] = {
	{ "slot", 's', "[[[[DOM]:]BUS]:][SLOT][.[FUNC]]", 0, "Select devices by PCI address (as lspci -s)", -3 },
	{ "device", 'd', "[VENDOR]:[DEVICE]", 0, "Select devices by ID (as lspci -d)", -3 },
	{ 0 }
};

static error_t select_parse(int key, char *arg, struct argp_state *state)
{
	struct vf_select *sel = state->input, one = { 0 };
	char e[256];

	switch (key) {
	case 's':
	case 'd':
		if (key == 's')
			one.slot = arg;
		else
			one.id = arg;
		if (vf_select_check(&one, e, sizeof(e)))
			vf_usage_error(state, "-%c '%s': %s", key, arg, e);
		if (key == 's')
			sel->slot = arg;
		else
			sel->id = arg;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp vf_select_argp = { select_opts, select_parse, NULL, NULL, NULL, NULL, NULL };
