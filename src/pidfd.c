// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd.c - another process's fds (see pidfd.h).
 */
#include "pidfd.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "output.h"
#include "procfs.h"

int vf_pidfd_open(pid_t pid)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd < 0)
		return -vf_error_errno(-1, errno, NULL, "pidfd_open(%d)", (int)pid);
	return pidfd;
}

int vf_pidfd_getfd(int pidfd, pid_t pid, int fd, const char *what)
{
	int r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0), e = errno;

	if (r < 0)
		return -vf_error_errno(-1, e,
				       e == EPERM ? vf_hint_denied("taking another process's fd needs CAP_SYS_PTRACE "
								   "(or ptrace access to it: same user, yama ptrace_scope 0)")
						  : e == EBADF ? "no such fd in that process" : NULL,
				       "pidfd_getfd(pid %d, %s fd %d)", (int)pid, what, fd);
	return r;
}

int vf_take_fd(pid_t pid, int fd, const char *what)
{
	int pidfd = vf_pidfd_open(pid), r;

	if (pidfd < 0)
		return pidfd;
	r = vf_pidfd_getfd(pidfd, pid, fd, what);
	close(pidfd);
	return r;
}
