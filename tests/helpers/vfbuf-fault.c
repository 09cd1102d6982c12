// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfbuf-fault: the misbehaving peers, orphaned buffers, unprivileged users
 * and fd accounting that tests/bats/vm/bad-input.bats and faults.bats need.
 *
 * usage:
 *   vfbuf-fault serve PATH MODE
 *       A fake primary on Unix socket PATH (SOCK_SEQPACKET, vfbuf's vending
 *       protocol): takes one client, then per MODE
 *         garbage    sends "hello, world" and no fd
 *         nofd       sends "vfbuf-vend 1 size=4096" and no fd
 *         notdmabuf  sends "vfbuf-vend 1 size=4096" with an fd of /dev/null
 *         hangup     closes the connection without sending (mid-handout)
 *         silent     keeps the connection and sends nothing until the
 *                    client hangs up (a stuck primary)
 *       and exits 0.
 *   vfbuf-fault recv PATH [COMMAND...]
 *       A subordinate: connects to the primary at PATH, receives the
 *       handout and prints "fd=N desc=DESCRIPTION"; then runs COMMAND with
 *       the fd inherited and VFBUF_FD=N, or, without COMMAND, holds the fd
 *       (and the connection) until a signal ends it.
 *   vfbuf-fault client PATH MODE
 *       A client of a real primary that misbehaves, per MODE
 *         hangup          connects and closes before reading the handout
 *         garbage         takes the handout, sends "xyzzy", prints "reply: R"
 *         revoke-hangup   takes the handout, sends "revoke" and closes
 *                         before the answer
 *       and exits 0.
 *   vfbuf-fault orphan BDF BAR OFF:LEN COMMAND...
 *       Opens BDF (group/container path), exports BAR range OFF:LEN as a
 *       dma-buf named vfio:BDF:barN (vfbuf's default name), closes the
 *       device, group and container fds, and runs COMMAND with the dma-buf
 *       inherited and VFBUF_FD set: a process whose exports outlive its
 *       device fd.
 *   vfbuf-fault as UID[:GID] [--cap-sys-ptrace] [--cap-dac-read-search]
 *                   [--cap-dac-override] COMMAND...
 *       Runs COMMAND as UID (and GID, default UID) with no supplementary
 *       groups and no capabilities but those named (kept across exec as
 *       ambient capabilities).
 *   vfbuf-fault fdcheck COMMAND...
 *       Runs COMMAND under ptrace and compares its fds when it exits (the
 *       PTRACE_EVENT_EXIT stop, before the kernel closes them) with those
 *       it started with (after its last exec: a script in front of it
 *       may exec it): prints "fdcheck: given FDS" and "fdcheck: at exit
 *       FDS" on stderr, and "fdcheck: leak: fd N -> TARGET"
 *       for each fd opened and not closed.  Exit status: COMMAND's (128+N
 *       when signal N killed it), or 125 when it leaked.  Leak detection of
 *       sanitizer builds is switched off (LeakSanitizer cannot run traced).
 *
 * Exit status 1 (with a message) when the helper itself fails.
 */
#define _GNU_SOURCE
#include "helpers.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAGIC "vfbuf-vend 1 "

static void usage(void)
{
	fprintf(stderr,
		"usage: %s serve PATH garbage|nofd|notdmabuf|hangup|silent\n"
		"       %s recv PATH [COMMAND...]\n"
		"       %s client PATH hangup|garbage|revoke-hangup\n"
		"       %s orphan BDF BAR OFF:LEN COMMAND...\n"
		"       %s as UID[:GID] [--cap-sys-ptrace] [--cap-dac-read-search] [--cap-dac-override] COMMAND...\n"
		"       %s fdcheck COMMAND...\n",
		prog, prog, prog, prog, prog, prog);
	exit(2);
}

static void sock_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		diex("%s: path too long", path);
	memcpy(a->sun_path, path, strlen(path));
}

static int connect_to(const char *path)
{
	struct sockaddr_un a;
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (s < 0)
		die("socket");
	sock_addr(path, &a);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect %s", path);
	return s;
}

/* Send msg with fd (-1: none). */
static void send_msg(int s, const char *msg, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)msg, strlen(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(s, &mh, MSG_NOSIGNAL) < 0)
		die("sendmsg");
}

/* Receive the handout: returns the fd (CLOEXEC), fills desc. */
static int recv_handout(int s, char *desc, size_t sz)
{
	char buf[4096], cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);
	int fd = -1;

	if (n < 0)
		die("recvmsg");
	if (n == 0)
		diex("the primary closed the connection");
	buf[n] = 0;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && fd < 0)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (strncmp(buf, MAGIC, strlen(MAGIC)) || fd < 0)
		diex("not a handout: '%s'%s", buf, fd < 0 ? " (no fd)" : "");
	snprintf(desc, sz, "%s", buf + strlen(MAGIC));
	return fd;
}

/* Make fd inheritable, set VFBUF_FD, run argv. */
static void __attribute__((noreturn)) exec_with_fd(int fd, char **argv)
{
	char num[16];

	if (fcntl(fd, F_SETFD, 0) < 0)
		die("fcntl");
	snprintf(num, sizeof(num), "%d", fd);
	setenv("VFBUF_FD", num, 1);
	fflush(NULL);
	execvp(argv[0], argv);
	die("exec %s", argv[0]);
}

static int do_serve(const char *path, const char *mode)
{
	struct sockaddr_un a;
	int l, c, fd = -1;

	l = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (l < 0)
		die("socket");
	sock_addr(path, &a);
	unlink(path);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0)
		die("listening on %s", path);
	printf("listening %s\n", path);
	fflush(stdout);
	c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		die("accept");
	if (!strcmp(mode, "garbage")) {
		send_msg(c, "hello, world", -1);
	} else if (!strcmp(mode, "nofd")) {
		send_msg(c, MAGIC "size=4096", -1);
	} else if (!strcmp(mode, "notdmabuf")) {
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			die("/dev/null");
		send_msg(c, MAGIC "size=4096", fd);
		close(fd);
	} else if (!strcmp(mode, "silent")) {
		char b;

		while (read(c, &b, 1) > 0)
			;
	} else if (strcmp(mode, "hangup")) {
		usage();
	}
	close(c);
	close(l);
	unlink(path);
	return 0;
}

static int do_recv(const char *path, char **cmd)
{
	char desc[4096];
	int s = connect_to(path), fd = recv_handout(s, desc, sizeof(desc));

	printf("fd=%d desc=%s\n", fd, desc);
	fflush(stdout);
	if (cmd[0])
		exec_with_fd(fd, cmd);
	for (;;)
		pause();
	return 0;
}

static int do_client(const char *path, const char *mode)
{
	char desc[4096], reply[4096];
	int s = connect_to(path), fd;
	ssize_t n;

	if (!strcmp(mode, "hangup")) {
		close(s);
		return 0;
	}
	fd = recv_handout(s, desc, sizeof(desc));
	close(fd);
	if (!strcmp(mode, "garbage")) {
		if (send(s, "xyzzy", 5, MSG_NOSIGNAL) < 0)
			die("send");
		n = recv(s, reply, sizeof(reply) - 1, 0);
		if (n < 0)
			die("recv");
		reply[n] = 0;
		printf("reply: %s\n", reply);
	} else if (!strcmp(mode, "revoke-hangup")) {
		if (send(s, "revoke", 6, MSG_NOSIGNAL) < 0)
			die("send");
	} else {
		usage();
	}
	close(s);
	return 0;
}

static int do_orphan(const char *bdf, const char *bar_s, const char *range, char **cmd)
{
	struct vfio_region_dma_range r;
	struct vfio_dev d;
	char buf[64], name[DMA_BUF_NAME_LEN], *colon;
	uint64_t bar, off, len;
	int err, fd;

	snprintf(buf, sizeof(buf), "%s", range);
	colon = strchr(buf, ':');
	if (!colon || parse_u64(bar_s, &bar) || bar > 5)
		usage();
	*colon = 0;
	if (parse_u64(buf, &off) || parse_u64(colon + 1, &len))
		usage();
	r.offset = off;
	r.length = len;
	if ((err = vfio_open(bdf, &d))) {
		errno = -err;
		die("opening %s", bdf);
	}
	fd = dmabuf_export(d.device, (uint32_t)bar, O_RDWR | O_CLOEXEC, &r, 1);
	if (fd < 0)
		die("exporting %s BAR %llu", bdf, (unsigned long long)bar);
	snprintf(name, sizeof(name), "vfio:%s:bar%llu", bdf, (unsigned long long)bar);
	if (ioctl(fd, DMA_BUF_SET_NAME, name) < 0)
		die("DMA_BUF_SET_NAME");
	vfio_close(&d);
	exec_with_fd(fd, cmd);
	return 1;
}

static const struct {
	const char *name;
	int cap;
} caps[] = {
	{ "--cap-sys-ptrace", CAP_SYS_PTRACE },
	{ "--cap-dac-read-search", CAP_DAC_READ_SEARCH },
	{ "--cap-dac-override", CAP_DAC_OVERRIDE },
};

static int __attribute__((noreturn)) do_as(const char *who, char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct c[2];
	uint32_t keep = 0;
	char *end;
	unsigned long uid, gid;
	size_t i;

	uid = strtoul(who, &end, 10);
	gid = uid;
	if (*end == ':')
		gid = strtoul(end + 1, &end, 10);
	if (*end || end == who)
		usage();
	for (; *argv && !strncmp(*argv, "--cap-", 6); argv++) {
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
			if (!strcmp(*argv, caps[i].name))
				break;
		if (i == sizeof(caps) / sizeof(caps[0]))
			usage();
		keep |= 1u << caps[i].cap;
	}
	if (!*argv)
		usage();
	if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		die("PR_SET_KEEPCAPS");
	if (setgroups(0, NULL) < 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0 ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
		die("becoming %lu:%lu", uid, gid);
	if (keep) {
		/* only these, kept across exec as ambient capabilities */
		memset(c, 0, sizeof(c));
		c[0].effective = c[0].permitted = c[0].inheritable = keep;
		if (syscall(SYS_capset, &h, c) < 0)
			die("capset");
		for (i = 0; i < 32; i++)
			if ((keep & (1u << i)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
				die("PR_CAP_AMBIENT_RAISE %zu", i);
	}
	execvp(argv[0], argv);
	die("exec %s", argv[0]);
}

/* The open fds of pid, as a bitmap of the first 1024. */
#define MAXFD 1024
static int fd_set_of(pid_t pid, unsigned char *set)
{
	char path[64];
	struct dirent *de;
	DIR *d;

	memset(set, 0, MAXFD);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(path)))
		return -1;
	while ((de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]) && atoi(de->d_name) < MAXFD)
			set[atoi(de->d_name)] = 1;
	closedir(d);
	return 0;
}

static void print_set(const char *what, const unsigned char *set)
{
	int i;

	fprintf(stderr, "fdcheck: %s", what);
	for (i = 0; i < MAXFD; i++)
		if (set[i])
			fprintf(stderr, " %d", i);
	fputc('\n', stderr);
}

static int do_fdcheck(char **cmd)
{
	unsigned char given[MAXFD], end[MAXFD];
	const char *asan = getenv("ASAN_OPTIONS");
	char opts[512];
	int status, leaks = 0, i, sig;
	pid_t pid;

	snprintf(opts, sizeof(opts), "%s%sdetect_leaks=0", asan ? asan : "", asan && *asan ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			die("PTRACE_TRACEME");
		execvp(cmd[0], cmd);
		die("exec %s", cmd[0]);
	}
	/* the SIGTRAP after exec: what it was given */
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
		diex("%s did not start", cmd[0]);
	if (fd_set_of(pid, given) < 0)
		die("reading the fds of %d", (int)pid);
	/* TRACEEXEC: a further exec (a wrapper script in front of the
	 * command, as the rig's --json-log puts before vfbuf) is an event,
	 * not a SIGTRAP to deliver; what counts is what the last one gave */
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC)) < 0)
		die("PTRACE_SETOPTIONS");
	memset(end, 0, sizeof(end));
	sig = 0;
	for (;;) {
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0)
			die("PTRACE_CONT");
		sig = 0;
		if (waitpid(pid, &status, 0) < 0)
			die("waitpid");
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			if (fd_set_of(pid, given) < 0)
				die("reading the fds of %d", (int)pid);
			continue;
		}
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			/* its fds are still open here: name the new ones */
			if (fd_set_of(pid, end) < 0)
				die("reading the fds of %d at exit", (int)pid);
			for (i = 0; i < MAXFD; i++) {
				char path[64], target[256] = "?";
				ssize_t n;

				if (!end[i] || given[i])
					continue;
				snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, i);
				if ((n = readlink(path, target, sizeof(target) - 1)) >= 0)
					target[n] = 0;
				fprintf(stderr, "fdcheck: leak: fd %d -> %s\n", i, target);
				leaks++;
			}
			continue;
		}
		sig = WSTOPSIG(status); /* a signal for it: deliver it */
	}
	print_set("given", given);
	print_set("at exit", end);
	if (leaks)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	prog = "vfbuf-fault";
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "serve") && argc == 4)
		return do_serve(argv[2], argv[3]);
	if (!strcmp(argv[1], "recv") && argc >= 3)
		return do_recv(argv[2], argv + 3);
	if (!strcmp(argv[1], "client") && argc == 4)
		return do_client(argv[2], argv[3]);
	if (!strcmp(argv[1], "orphan") && argc >= 6)
		return do_orphan(argv[2], argv[3], argv[4], argv + 5);
	if (!strcmp(argv[1], "as") && argc >= 4)
		do_as(argv[2], argv + 3);
	if (!strcmp(argv[1], "fdcheck") && argc >= 3)
		return do_fdcheck(argv + 2);
	usage();
}
