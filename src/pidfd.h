/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pidfd.h - taking another process's fd: pidfd_open(2) and
 * pidfd_getfd(2), with each failure explained.
 *
 * Core layer.  Functions print their error and return a negated exit
 * code, or the fd.
 */
#ifndef VFBUF_PIDFD_H
#define VFBUF_PIDFD_H

#include <sys/types.h>

int vf_pidfd_open(pid_t pid);
/* what names the fd in messages ("dma-buf", "VFIO device"). */
int vf_pidfd_getfd(int pidfd, pid_t pid, int fd, const char *what);
/* Both: our copy of fd of process pid. */
int vf_take_fd(pid_t pid, int fd, const char *what);

#endif /* VFBUF_PIDFD_H */
