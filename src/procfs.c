// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procfs.c - reading /proc and /sys files under --sysroot (see procfs.h).
 */
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "vfbuf.h"

int vf_path(char *buf, size_t sz, const char *fmt, ...)
{
	size_t n = strlen(vf.sysroot);
	va_list ap;
	int r;

	if (n >= sz)
		return -ENAMETOOLONG;
	memcpy(buf, vf.sysroot, n);
	va_start(ap, fmt);
	r = vsnprintf(buf + n, sz - n, fmt, ap);
	va_end(ap);
	return (r < 0 || (size_t)r >= sz - n) ? -ENAMETOOLONG : 0;
}

ssize_t vf_read_file(const char *path, char *buf, size_t sz)
{
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got + 1 < sz) {
		ssize_t n = read(fd, buf + got, sz - 1 - got);

		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

ssize_t vf_readlink(const char *path, char *buf, size_t sz)
{
	ssize_t n = readlink(path, buf, sz - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int vf_proc_open(struct vf_proc_iter *it)
{
	char p[PATH_MAX];
	int r = vf_path(p, sizeof(p), "/proc");

	if (r)
		return r;
	it->dir = opendir(p);
	return it->dir ? 0 : -errno;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int vf_proc_next(struct vf_proc_iter *it, pid_t *pid)
{
	struct dirent *de;

	while ((de = readdir(it->dir))) {
		if (all_digits(de->d_name) && strlen(de->d_name) < 10) {
			*pid = (pid_t)atoi(de->d_name); /* NOLINT(cert-err34-c): 1-9 digits */
			return 1;
		}
	}
	return 0;
}

void vf_proc_close(struct vf_proc_iter *it)
{
	if (it->dir)
		closedir(it->dir);
	it->dir = NULL;
}

ssize_t vf_proc_fd_target(pid_t pid, int fd, char *buf, size_t sz)
{
	char p[PATH_MAX];
	int r = vf_path(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, fd);

	return r ? r : vf_readlink(p, buf, sz);
}

int vf_proc_fds(pid_t pid, vf_fd_cb cb, void *arg)
{
	char p[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = vf_path(p, sizeof(p), "/proc/%d/fd", (int)pid);

	if (r)
		return r;
	if (!(d = opendir(p)))
		return -errno;
	errno = 0;
	while ((de = readdir(d))) {
		int fd;

		if (!all_digits(de->d_name) || strlen(de->d_name) > 9)
			continue;
		fd = atoi(de->d_name); /* NOLINT(cert-err34-c): 1-9 digits */
		if ((r = (int)vf_proc_fd_target(pid, fd, target, sizeof(target))) < 0) {
			/* listing the fds and reading them need different rights
			 * (CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE): not a closed fd;
			 * nor is any other error (ELOOP, EIO, EINVAL) */
			if (r != -ENOENT)
				break;
			r = 0;
			continue; /* closed meanwhile */
		}
		if ((r = cb(pid, fd, target, arg)))
			break;
	}
	closedir(d);
	return r;
}

const char *vf_hint_denied(const char *hint)
{
	return geteuid() == 0 ? VF_HINT_ROOT_DENIED : hint;
}

int vf_proc_tally_add(struct vf_proc_tally *t, int r)
{
	t->procs++;
	if (r == -EACCES || r == -EPERM)
		t->denied++;
	else if (r < 0 && r != -ENOENT && r != -ESRCH) {
		if (!t->failed++)
			t->err = -r;
	}
	return r;
}

int vf_proc_fdinfo(pid_t pid, int fd, struct vf_fdinfo *out)
{
	char p[PATH_MAX], text[4096];
	ssize_t n;
	int r = vf_path(p, sizeof(p), "/proc/%d/fdinfo/%d", (int)pid, fd);

	if (r)
		return r;
	if ((n = vf_read_file(p, text, sizeof(text))) < 0)
		return (int)n;
	vf_parse_fdinfo(text, (size_t)n, out);
	return 0;
}

void vf_proc_comm(pid_t pid, char *buf, size_t sz)
{
	char p[PATH_MAX];
	ssize_t n = -1;

	if (!vf_path(p, sizeof(p), "/proc/%d/comm", (int)pid))
		n = vf_read_file(p, buf, sz);
	if (n <= 0) {
		snprintf(buf, sz, "?");
		return;
	}
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

FILE *vf_proc_maps_open(pid_t pid)
{
	char p[PATH_MAX];
	int r = vf_path(p, sizeof(p), "/proc/%d/maps", (int)pid);

	if (r) {
		errno = -r;
		return NULL;
	}
	return fopen(p, "re");
}

int vf_fd_is_dmabuf(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf))
		return -errno;
	return (unsigned long)sf.f_type == VF_DMA_BUF_MAGIC;
}

int vf_self_fdinfo(int fd, struct vf_fdinfo *out)
{
	char p[64], text[4096];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	memset(out, 0, sizeof(*out));
	if ((n = vf_read_file(p, text, sizeof(text))) < 0)
		return (int)n;
	vf_parse_fdinfo(text, (size_t)n, out);
	return 0;
}

int vf_target_is_dmabuf(const char *target)
{
	return !strncmp(target, "/dmabuf:", 8);
}

int vf_target_is_vfio_device(const char *target)
{
	return !strcmp(target, "anon_inode:[vfio-device]") ||
	       !strncmp(target, "/dev/vfio/devices/vfio", 22);
}

struct vfio_devs_acc {
	struct vf_vfio_fd *out;
	int max, n;
};

int vf_proc_fd_vfio_bdf(pid_t pid, int fd, const char *target, struct vf_bdf *bdf)
{
	struct vf_fdinfo fi;

	if (!vf_target_is_vfio_device(target) || vf_proc_fdinfo(pid, fd, &fi) ||
	    !fi.is_vfio_device || vf_bdf_from_syspath(fi.syspath, bdf))
		return -1;
	return 0;
}

static int collect_vfio_dev(pid_t pid, int fd, const char *target, void *arg)
{
	struct vfio_devs_acc *a = arg;
	struct vf_bdf b;
	int i;

	if (vf_proc_fd_vfio_bdf(pid, fd, target, &b))
		return 0;
	for (i = 0; i < a->n; i++)
		if (!memcmp(&a->out[i].bdf, &b, sizeof(b)))
			return 0;
	if (a->n < a->max)
		a->out[a->n++] = (struct vf_vfio_fd){ b, fd };
	return 0;
}

int vf_proc_vfio_devices(pid_t pid, struct vf_vfio_fd *out, int max)
{
	struct vfio_devs_acc a = { out, max, 0 };
	int r = vf_proc_fds(pid, collect_vfio_dev, &a);

	return r < 0 ? r : a.n;
}
