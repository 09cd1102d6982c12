/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfbuf.h - what every layer shares: exit codes, ARRAY_SIZE, and the
 * run's global settings.
 */
#ifndef VFBUF_H
#define VFBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#ifndef VFBUF_VERSION
#define VFBUF_VERSION "0.1.0"
#endif

#define VF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Copy at most sz-1 bytes of src[0..len) and terminate; returns dst. */
static inline char *vf_strlcpy(char *dst, size_t sz, const char *src, size_t len)
{
	if (!sz)
		return dst;
	if (len >= sz)
		len = sz - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return dst;
}

/* Exit codes: stable, documented in vfbuf(1) "EXIT STATUS". */
enum vf_exit {
	VF_EXIT_OK = 0,           /* success */
	VF_EXIT_FAIL = 1,         /* the operation failed */
	VF_EXIT_USAGE = 2,        /* bad command line */
	VF_EXIT_REVOKED = 3,      /* access revoked: SIGBUS on a mapping */
	VF_EXIT_UNSUPPORTED = 69, /* the running kernel lacks the feature */
	VF_EXIT_NOPERM = 77,      /* permission denied */
};

/*
 * The run's global options (-J -q -v --sysroot --uapi --vfio) and the command's
 * name: the one global of vfbuf's state, on purpose.  Every message
 * (output.c), every path under --sysroot (procfs.c) and every choice of a
 * series revision (uapi.c) depends on them; passing them to each function
 * would thread the same pointer through every call for no gain.  They are
 * set once, while main() and the command parse their arguments, and only
 * read after that.  Command options are never here: each command parses
 * into its own struct and passes what a core function needs as arguments.
 */
struct vf_settings {
	bool json;
	bool quiet;
	int verbose;
	const char *sysroot;     /* "" for the real root */
	const char *cmd;         /* command name, for messages */
	const char *uapi;        /* --uapi: "auto" (default), "none" or a revision name */
	const char *uapi_origin; /* "default", "VFBUF_UAPI" or "--uapi" */
	const char *vfio;        /* --vfio: "auto" (default), "group" or "cdev" */
	const char *vfio_origin; /* "default", "VFBUF_VFIO" or "--vfio" */
};
extern struct vf_settings vf;
#define VF_SETTINGS_INIT { .sysroot = "", .uapi = "auto", .uapi_origin = "default", .vfio = "auto", .vfio_origin = "default" }

#endif /* VFBUF_H */
