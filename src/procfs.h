/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procfs.h - reading /proc and /sys files, under --sysroot.
 *
 * Core layer: file access only; the text is handed to parse.h.
 */
#ifndef VFBUF_PROCFS_H
#define VFBUF_PROCFS_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

#include "parse.h"

/* The longest --sysroot: every path vfbuf builds under it (a fixed part,
 * a PID, an fd, a driver or device name) then fits PATH_MAX. */
#define VF_SYSROOT_MAX (PATH_MAX / 2)

/* "<sysroot>/<fmt...>" into buf; returns 0 or -ENAMETOOLONG. */
int vf_path(char *buf, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read a small file (NUL-terminated).  Returns its length or -errno. */
ssize_t vf_read_file(const char *path, char *buf, size_t sz);
/* readlink, NUL-terminated.  Returns its length or -errno. */
ssize_t vf_readlink(const char *path, char *buf, size_t sz);

/* Iterate over the processes in <sysroot>/proc. */
struct vf_proc_iter {
	void *dir;
};
int vf_proc_open(struct vf_proc_iter *it);          /* 0 or -errno */
int vf_proc_next(struct vf_proc_iter *it, pid_t *pid); /* 1, or 0 at the end */
void vf_proc_close(struct vf_proc_iter *it);

/* Call cb for each fd of pid with the fd's link target.  Returns 0, the
 * first non-zero value of cb, or -errno when the fd table is unreadable
 * (-ENOENT: no such process; -EACCES: not allowed). */
typedef int (*vf_fd_cb)(pid_t pid, int fd, const char *target, void *arg);
/* The hint for -EACCES from vf_proc_fds() (another user's process). */
#define VF_HINT_FDS_RIGHTS \
	"reading another user's fds needs root (CAP_DAC_READ_SEARCH to list them, CAP_SYS_PTRACE to read them)"

int vf_proc_fds(pid_t pid, vf_fd_cb cb, void *arg);
/* The hint for -EACCES on another process's maps. */
#define VF_HINT_MAPS_RIGHTS "another user's maps need root or CAP_SYS_PTRACE"

/* The hint for a permission refusal: hint (what an unprivileged user
 * lacks, "... needs root ...") when vfbuf does not run as root; as root,
 * what takes root's rights away (never "become root"). */
const char *vf_hint_denied(const char *hint);
#define VF_HINT_ROOT_DENIED                                                              \
	"vfbuf runs as root and was still refused: root lacks the capability here "     \
	"(CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_DAC_OVERRIDE: dropped, or another user " \
	"namespace), or a security module refuses (Yama ptrace_scope, SELinux, AppArmor)"

/* Processes a scan of every process could not read, counted (never
 * skipped silently): a process that is gone (ENOENT, ESRCH) is not
 * counted; permission refusals and other errors (ELOOP, EIO...) are. */
struct vf_proc_tally {
	int procs;  /* processes looked at */
	int denied; /* EACCES, EPERM */
	int failed; /* any other error */
	int err;    /* the first other error's errno */
};
/* Count one process: r is 0 or -errno.  Returns r. */
int vf_proc_tally_add(struct vf_proc_tally *t, int r);

/* The link target of one fd.  Returns length or -errno. */
ssize_t vf_proc_fd_target(pid_t pid, int fd, char *buf, size_t sz);
/* fdinfo of pid's fd.  Returns 0 or -errno. */
int vf_proc_fdinfo(pid_t pid, int fd, struct vf_fdinfo *out);
/* Process name ("?" when unreadable). */
void vf_proc_comm(pid_t pid, char *buf, size_t sz);
/* Open <sysroot>/proc/PID/maps.  NULL with errno set on failure. */
FILE *vf_proc_maps_open(pid_t pid);

/* Is fd, one of ours, a dma-buf?  By the kernel's own mark: its file
 * system is the dma-buf pseudo file system (fstatfs f_type DMA_BUF_MAGIC),
 * never its path (any file can be named "/dmabuf:...").  1, 0, or -errno. */
#define VF_DMA_BUF_MAGIC 0x444d4142
int vf_fd_is_dmabuf(int fd);
/* fdinfo of one of our own fds (the real /proc/self, whatever --sysroot
 * says: the fd is ours).  Returns 0 or -errno. */
int vf_self_fdinfo(int fd, struct vf_fdinfo *out);

/* Link targets that may name a dma-buf or a VFIO device: a first sieve
 * only.  What the fd is, the kernel's fdinfo says (exp_name:,
 * vfio-device-syspath:). */
int vf_target_is_dmabuf(const char *target);
int vf_target_is_vfio_device(const char *target);

/* A VFIO device fd of a process and the PCI device behind it. */
struct vf_vfio_fd {
	struct vf_bdf bdf;
	int fd;
};
/* Whether pid's fd (its link target: target) is a VFIO device fd, by its
 * fdinfo, and the PCI device behind it: 0 with *bdf, or -1. */
int vf_proc_fd_vfio_bdf(pid_t pid, int fd, const char *target, struct vf_bdf *bdf);
/* The PCI devices behind pid's VFIO device fds (from fdinfo
 * vfio-device-syspath), each once, with its first fd.  Returns how many
 * were found (up to max), or -errno. */
int vf_proc_vfio_devices(pid_t pid, struct vf_vfio_fd *out, int max);

#endif /* VFBUF_PROCFS_H */
