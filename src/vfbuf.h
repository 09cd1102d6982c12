/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfbuf.h - what every layer shares: exit codes and the run's settings.
 */
#ifndef VFBUF_H
#define VFBUF_H

#include <stdbool.h>

#ifndef VFBUF_VERSION
#define VFBUF_VERSION "0.1.0"
#endif

/* Exit codes: stable, documented in vfbuf(1) "EXIT STATUS". */
enum vf_exit {
	VF_EXIT_OK = 0,           /* success */
	VF_EXIT_FAIL = 1,         /* the operation failed */
	VF_EXIT_USAGE = 2,        /* bad command line */
	VF_EXIT_REVOKED = 3,      /* access revoked: SIGBUS on a mapping */
	VF_EXIT_UNSUPPORTED = 69, /* the running kernel lacks the feature */
	VF_EXIT_NOPERM = 77,      /* permission denied */
};

/* Settings of this run (global options). */
struct vf_settings {
	bool json;
	bool quiet;
	int verbose;
	const char *sysroot; /* "" for the real root */
	const char *cmd;     /* command name, for messages */
};
extern struct vf_settings vf;

#endif /* VFBUF_H */
