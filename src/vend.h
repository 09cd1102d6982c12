/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vend.h - vending dma-bufs over a Unix socket (SCM_RIGHTS).
 *
 * Core layer: the sockets, the primary's loop and its event log; the
 * messages themselves are vendproto.h's.
 */
#ifndef VFBUF_VEND_H
#define VFBUF_VEND_H

#include <stddef.h>

#include "dmabuf.h"

struct vf_vend_opts {
	const char *path;
	unsigned long count; /* 0: until a signal */
	struct vf_export_req *req;
};

/* --serve's path: refuse one that is not a socket (exit 1), too long (2),
 * or that a live primary serves (1), before anything is opened.  A stale
 * socket passes (vf_vend_serve replaces it).  Returns an exit code. */
int vf_vend_check_path(const char *path);

/* The primary: vend e to every client until a signal or count clients.
 * Returns an exit code. */
int vf_vend_serve(struct vf_device *d, struct vf_export *e, const struct vf_vend_opts *o);

/* A client: connect, receive the fd and its description.  Returns an exit
 * code; on success *sock stays open for vf_vend_revoke(). */
int vf_vend_connect(const char *path, int *sock, int *fd, char *desc, size_t descsz);
/* Ask the primary to revoke; returns an exit code. */
int vf_vend_revoke(int sock, const char *path);

#endif /* VFBUF_VEND_H */
