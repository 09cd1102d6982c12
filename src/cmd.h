/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h - what command files (cmd-*.c, the top layer) share: the command
 * table entry, and the option groups every command can include.
 */
#ifndef VFBUF_CMD_H
#define VFBUF_CMD_H

#include <argp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "pcidev.h"
#include "vfbuf.h"

struct vf_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is "vfbuf NAME" */
};

/* Option groups, for a command's argp children.  Each parses into the
 * input its parent gives it (vf_args_inputs):
 *   vf_global_argp  -J -q -v --sysroot --uapi, into vf (vfbuf.h); no input
 *   vf_table_argp   -o -n -r -b, into a struct vf_table_opts
 *   vf_select_argp  -s -d, into a struct vf_select
 *   vf_source_argp  --fd --pid --connect --bar --offset --length --wc
 *                   --no-check --close-fd, into a struct vf_source_opts
 *                   (its -s/-d: the select group's input is its .sel) */
extern const struct argp vf_global_argp;
extern const struct argp vf_table_argp;
extern const struct argp vf_select_argp;
extern const struct argp vf_source_argp;
/* The children of a command with a source and no table (peek, poke). */
extern const struct argp_child vf_source_children[];

/* In a command's parser at ARGP_KEY_INIT: give its children (in the order
 * of its argp children[]) their inputs; NULL for one that needs none. */
void vf_args_inputs(struct argp_state *state, void *const *inputs, size_t n);
#define VF_ARGS_INPUTS(state, ...)                                         \
	do {                                                               \
		void *const in_[] = { __VA_ARGS__ };                       \
		vf_args_inputs(state, in_, VF_ARRAY_SIZE(in_));            \
	} while (0)
/* The same for map, peek and poke, whose children are the source group,
 * the select group (src->sel), then the table group (table) or none. */
struct vf_source_opts;
struct vf_table_opts;
void vf_args_source_inputs(struct argp_state *state, struct vf_source_opts *src,
			   struct vf_table_opts *table);

/* Parse a command's arguments.  Usage errors print "vfbuf: CMD: ..." (or
 * JSON) and exit 2; --help and --usage exit 0. */
void vf_parse_args(const struct argp *argp, int argc, char **argv, unsigned int flags,
		   void *input);

/* For the argument fuzzer (tests/fuzz/fuzz_args.c) only; NULL otherwise.
 * With hooks, vf_parse_args() parses through hooks->parse (argp_parse's
 * signature; the fuzzer's never exits) and then calls hooks->done with 0,
 * or 2 when parsing failed; vf_usage_error() calls hooks->done(2) where it
 * would exit.  Called with 2, done must not return (it longjmps). */
struct vf_args_hooks {
	error_t (*parse)(const struct argp *argp, int argc, char **argv, unsigned int flags,
			 int *arg_index, void *input);
	void (*done)(int status);
};
extern const struct vf_args_hooks *vf_args_hooks;

/* Report a usage error from inside an argp parser and exit 2. */
void vf_usage_error(const struct argp_state *state, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Parse a number option (vf_parse_u64) or exit 2. */
unsigned long long vf_arg_u64(const struct argp_state *state, const char *opt, const char *arg);

/* Parse a decimal id (a PID, an fd) up to max, or exit 2. */
long vf_arg_id(const struct argp_state *state, const char *opt, const char *arg, long max);
/* --pid: a process ID (not 0), or exit 2. */
pid_t vf_arg_pid(const struct argp_state *state, const char *arg);
/* --bar: 0 to VF_NBARS - 1, or exit 2. */
unsigned int vf_arg_bar(const struct argp_state *state, const char *arg);
/* SECONDS of opt, up to 1e6: above 0, or with zero_ok also 0; else exit 2. */
double vf_arg_seconds(const struct argp_state *state, const char *opt, const char *arg, bool zero_ok);

/* Parse --width (1, 2, 4 or 8) or exit 2. */
unsigned int vf_arg_width(const struct argp_state *state, const char *arg);

extern const struct vf_command vf_cmd_list, vf_cmd_stat, vf_cmd_maps_decode, vf_cmd_export,
	vf_cmd_map, vf_cmd_peek, vf_cmd_poke, vf_cmd_revoke, vf_cmd_import;

#endif /* VFBUF_CMD_H */
