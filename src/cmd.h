/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h - what command files (cmd-*.c, the top layer) share: the command
 * table entry, and the option groups every command can include.
 */
#ifndef VFBUF_CMD_H
#define VFBUF_CMD_H

#include <argp.h>

#include "pcidev.h"
#include "vfbuf.h"

struct vf_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is "vfbuf NAME" */
};

/* Option groups, for a command's argp children:
 *   vf_global_argp  -J -q -v --sysroot (accepted after the command too)
 *   vf_table_argp   -o -n -r
 *   vf_select_argp  -s -d, into vf_sel */
extern const struct argp vf_global_argp;
extern const struct argp vf_table_argp;
extern const struct argp vf_select_argp;
extern struct vf_select vf_sel;

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

/* --hold: block SIGINT, SIGTERM and SIGHUP and wait for one. */
void vf_wait_for_signal(void);

/* Parse a decimal id (a PID, an fd) up to max, or exit 2. */
long vf_arg_id(const struct argp_state *state, const char *opt, const char *arg, long max);

/* Parse --width (1, 2, 4 or 8) or exit 2. */
unsigned int vf_arg_width(const struct argp_state *state, const char *arg);

extern const struct vf_command vf_cmd_list, vf_cmd_stat, vf_cmd_maps_decode, vf_cmd_export,
	vf_cmd_map, vf_cmd_peek, vf_cmd_poke, vf_cmd_revoke;

#endif /* VFBUF_CMD_H */
