// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vend.c - the vending socket (see vend.h).
 */
#include "vend.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "output.h"
#include "vendproto.h"
#include "wait.h"

static int sock_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	memcpy(a->sun_path, path, strlen(path));
	return 0;
}

int vf_vend_check_path(const char *path)
{
	struct sockaddr_un a;
	struct stat st;
	int s, r;

	if ((r = sock_addr(path, &a)))
		return vf_error_errno(VF_EXIT_USAGE, -r, NULL, "--serve %s", path);
	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return vf_error(VF_EXIT_FAIL, "choose another path, or remove it",
				"exists and is not a socket", "--serve %s", path);
	/* a live primary answers (and sees this probe as a client) */
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	r = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (s >= 0)
		close(s);
	if (r)
		return vf_error(VF_EXIT_FAIL, "another primary serves there", "in use", "--serve %s", path);
	return 0;
}

/* Bind path, taking over a stale socket but never a live one or a file. */
static int listen_on(const char *path, int *out)
{
	struct sockaddr_un a;
	struct stat st;
	int s, r;

	if ((r = vf_vend_check_path(path)))
		return r;
	sock_addr(path, &a);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path); /* stale: nobody listens */
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vf_error_errno(-1, errno, NULL, "socket");
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0) {
		r = errno;
		close(s);
		return vf_error_errno(-1, r, NULL, "listening on %s", path);
	}
	*out = s;
	return 0;
}

static int send_fd(int sock, const char *msg, int fd)
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
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* The primary's log: a line per event, or with -J a JSON document per
 * event, a one-row table named after it (jq reads the stream). */
enum {
	EV_PID, EV_SOCKET, EV_N, EV_UID, EV_SIZE, EV_INODE, EV_DEVICE, EV_BAR, EV_RANGES, EV_NAME,
	EV_ACCESS, EV_WC, EV_BY,
};
static const struct vf_colinfo ev_cols[] = {
	[EV_PID] = { "PID", 5, 0, VF_COL_NUM, "process" },
	[EV_SOCKET] = { "SOCKET", 0.2, 0, VF_COL_STR, "the socket" },
	[EV_N] = { "N", 3, 0, VF_COL_NUM, "handout number" },
	[EV_UID] = { "UID", 5, 0, VF_COL_NUM, "client's user" },
	[EV_SIZE] = { "SIZE", 6, 0, VF_COL_NUM, "dma-buf size" },
	[EV_INODE] = { "INODE", 5, 0, VF_COL_NUM, "dma-buf inode" },
	[EV_DEVICE] = { "DEVICE", 12, 0, VF_COL_STR, "PCI device" },
	[EV_BAR] = { "BAR", 3, 0, VF_COL_NUM, "BAR" },
	[EV_RANGES] = { "RANGES", 0.2, 0, VF_COL_LIST, "ranges: [{offset, length}]" },
	[EV_NAME] = { "NAME", 0.2, 0, VF_COL_STR, "dma-buf name" },
	[EV_ACCESS] = { "ACCESS", 2, 0, VF_COL_STR, "rw or ro" },
	[EV_WC] = { "WC", 2, 0, VF_COL_BOOL, "write-combining" },
	[EV_BY] = { "BY", 6, 0, VF_COL_STR, "who asked" },
};

/* The event's table: its own columns, whatever -o asked of export's table. */
static struct vf_table *ev_table(const char *event, const char *columns)
{
	return vf_table_new(event, ev_cols, VF_ARRAY_SIZE(ev_cols), columns, NULL);
}

/* "serving" and "re-exported": the export's description */
static void event_export(const char *event, const struct vf_device *d, const struct vf_export *e,
			 const struct vf_vend_opts *o, const char *desc)
{
	bool serving = !strcmp(event, "serving");
	struct vf_list ranges = { 0 };
	char text[1024];
	struct vf_table *t;

	if (serving)
		snprintf(text, sizeof(text), "serving pid=%d socket=%s %s", (int)getpid(), o->path, desc);
	else
		snprintf(text, sizeof(text), "%s %s", event, desc);
	t = ev_table(event, serving ? "PID,SOCKET,SIZE,INODE,DEVICE,BAR,RANGES,NAME,ACCESS,WC"
				    : "SIZE,INODE,DEVICE,BAR,RANGES,NAME,ACCESS,WC");
	if (!t)
		return;
	vf_export_ranges_list(o->req, &ranges);
	vf_table_row(t);
	vf_cell_u64(t, EV_PID, (uint64_t)getpid());
	vf_cell_str(t, EV_SOCKET, o->path);
	vf_cell_u64(t, EV_SIZE, e->size);
	vf_cell_u64(t, EV_INODE, e->ino);
	vf_cell_str(t, EV_DEVICE, d->pci.bdfstr);
	vf_cell_u64(t, EV_BAR, o->req->bar);
	vf_cell_list(t, EV_RANGES, &ranges);
	vf_list_free(&ranges);
	vf_cell_str(t, EV_NAME, *e->name ? e->name : NULL);
	vf_cell_str(t, EV_ACCESS, o->req->rdonly ? "ro" : "rw");
	vf_cell_bool(t, EV_WC, e->wc);
	vf_table_event(t, text);
	vf_table_print(t);
}

static void event_handout(unsigned long n, const struct ucred *cred, uint64_t ino)
{
	struct vf_table *t;
	char text[128];

	snprintf(text, sizeof(text), "handout %lu pid=%d uid=%d inode=%llu", n, (int)cred->pid,
		 (int)cred->uid, (unsigned long long)ino);
	if (!(t = ev_table("handout", "N,PID,UID,INODE")))
		return;
	vf_table_row(t);
	vf_cell_u64(t, EV_N, n);
	vf_cell_u64(t, EV_PID, (uint64_t)cred->pid);
	vf_cell_u64(t, EV_UID, (uint64_t)cred->uid);
	vf_cell_u64(t, EV_INODE, ino);
	vf_table_event(t, text);
	vf_table_print(t);
}

static void event_revoked(uint64_t ino)
{
	struct vf_table *t;
	char text[64];

	snprintf(text, sizeof(text), "revoked inode=%llu by client", (unsigned long long)ino);
	if (!(t = ev_table("revoked", "INODE,BY")))
		return;
	vf_table_row(t);
	vf_cell_u64(t, EV_INODE, ino);
	vf_cell_str(t, EV_BY, "client");
	vf_table_event(t, text);
	vf_table_print(t);
}

#define MAX_CLIENTS 64

int vf_vend_serve(struct vf_device *d, struct vf_export *e, const struct vf_vend_opts *o)
{
	struct pollfd pfd[2 + MAX_CLIENTS];
	int clients[MAX_CLIENTS];
	int nclients = 0, lsock = -1, sfd, r = 0, i;
	unsigned long served = 0;
	char desc[VF_VEND_MSG_MAX - 32], msg[VF_VEND_MSG_MAX];
	sigset_t set;
	bool stop = false, accepting = true;

	if ((r = listen_on(o->path, &lsock)))
		return r;
	vf_block_term_signals(&set, NULL);
	/* the primary owns the device: losing whoever reads its log (a pipe
	 * closed) must not kill it, and with it every buffer it vends */
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	vf_export_describe(d, o->req, e, desc, sizeof(desc));
	event_export("serving", d, e, o, desc);
	vf_flush();

	/* after --count handouts: no new clients, but answer those connected */
	while (!stop && (accepting || nclients)) {
		int n = 0;

		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = accepting ? lsock : -1, .events = POLLIN };
		for (i = 0; i < nclients; i++)
			pfd[n++] = (struct pollfd){ .fd = clients[i], .events = POLLIN };
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = vf_error_errno(VF_EXIT_FAIL, errno, NULL, "poll");
			break;
		}
		if (pfd[0].revents)
			break; /* a signal: stop */
		for (i = nclients - 1; i >= 0; i--) {
			char req[64];
			ssize_t len;

			if (!pfd[2 + i].revents)
				continue;
			len = recv(clients[i], req, sizeof(req) - 1, 0);
			if (len > 0) {
				req[len] = '\0';
				if (vf_vend_parse_revoke(req)) {
					char why[256];
					int code;

					vf_error_capture(why, sizeof(why));
					code = vf_revoke(d, d->vfio.device, e->fd, NULL);
					vf_error_capture(NULL, 0);
					if (code) {
						vf_vend_format_refusal(msg, sizeof(msg), code, why);
					} else {
						snprintf(msg, sizeof(msg), "%s", VF_VEND_REPLY_OK);
						event_revoked(e->ino);
						/* later clients get a fresh buffer */
						close(e->fd);
						if (vf_export(d, o->req, e) == 0) {
							vf_export_describe(d, o->req, e, desc, sizeof(desc));
							event_export("re-exported", d, e, o, desc);
						} else {
							e->fd = -1;
							stop = true;
						}
					}
				} else {
					vf_vend_format_refusal(msg, sizeof(msg), VF_EXIT_FAIL, "unknown request");
				}
				send_fd(clients[i], msg, -1);
				vf_flush();
				continue;
			}
			/* EOF or error: the client is gone; keep serving */
			close(clients[i]);
			clients[i] = clients[--nclients];
		}
		if (pfd[1].revents & POLLIN) {
			struct ucred cred;
			socklen_t cl = sizeof(cred);
			int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);

			if (c < 0)
				continue;
			memset(&cred, 0, sizeof(cred));
			getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl);
			snprintf(msg, sizeof(msg), "%s%s", VF_VEND_MAGIC, desc);
			/* only a fd delivered counts as a handout (for --count too) */
			if (e->fd < 0 || send_fd(c, msg, e->fd) < 0) {
				vf_warn("client pid %d left before the handout", (int)cred.pid);
				close(c);
			} else {
				served++;
				event_handout(served, &cred, e->ino);
				if (nclients < MAX_CLIENTS)
					clients[nclients++] = c;
				else
					close(c);
			}
			vf_flush();
			if (o->count && served >= o->count) {
				/* no new clients: later ones see the socket gone */
				accepting = false;
				close(lsock);
				lsock = -1;
				unlink(o->path);
			}
		}
	}
	for (i = 0; i < nclients; i++)
		close(clients[i]);
	if (lsock >= 0) {
		close(lsock);
		unlink(o->path);
	}
	if (sfd >= 0)
		close(sfd);
	return r;
}

/* How long a client waits for the primary's handout or reply, so that a
 * primary that accepts and never answers cannot hang the client:
 * VFBUF_CONNECT_TIMEOUT seconds (0: wait for ever), default 10.  A value
 * that is not a number of seconds up to a day falls back to the default. */
#define VF_VEND_TIMEOUT_S 10

static long vend_timeout(void)
{
	const char *env = getenv("VFBUF_CONNECT_TIMEOUT");
	char *end;
	long v;

	if (!env || !*env)
		return VF_VEND_TIMEOUT_S;
	errno = 0;
	v = strtol(env, &end, 10);
	if (errno || *end || v < 0 || v > 86400)
		return VF_VEND_TIMEOUT_S;
	return v;
}

static int recv_failed(int err, const char *what)
{
	char why[64];

	if (err == EAGAIN || err == EWOULDBLOCK) {
		snprintf(why, sizeof(why), "no answer within %ld s (VFBUF_CONNECT_TIMEOUT)",
			 vend_timeout());
		return vf_error(VF_EXIT_FAIL, "is the primary stuck, or not a 'vfbuf export --serve'?",
				why, "%s", what);
	}
	return vf_error_errno(VF_EXIT_FAIL, err, NULL, "%s", what);
}

int vf_vend_connect(const char *path, int *sock, int *fd, char *desc, size_t descsz)
{
	const struct timeval tmo = { .tv_sec = vend_timeout() };
	char buf[VF_VEND_MSG_MAX], cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct sockaddr_un a;
	struct cmsghdr *c;
	const char *hello;
	ssize_t len;
	int s, r;

	*fd = -1;
	if ((r = sock_addr(path, &a)))
		return vf_error_errno(VF_EXIT_USAGE, -r, NULL, "--connect %s", path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vf_error_errno(-1, errno, NULL, "socket");
	if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) < 0 ||
	    connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		struct stat st;

		r = errno;
		close(s);
		if (r == ECONNREFUSED && stat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
			return vf_error(VF_EXIT_FAIL, "name the SOCKET of a 'vfbuf export --serve'",
					"exists and is not a socket", "--connect %s", path);
		return vf_error_errno(-1, r,
				      r == ENOENT || r == ECONNREFUSED ? "is 'vfbuf export --serve' running there?" : NULL,
				      "connecting to %s", path);
	}
	len = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);
	if (len <= 0) {
		char what[PATH_MAX + 32];

		r = len < 0 ? errno : ECONNRESET;
		close(s);
		snprintf(what, sizeof(what), "receiving from %s", path);
		return recv_failed(r, what);
	}
	buf[len] = '\0';
	vf_printable(buf); /* the peer's text reaches the terminal */
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int), k;
			int fds[4];

			memcpy(fds, CMSG_DATA(c), nfd * sizeof(int));
			for (k = 0; k < nfd; k++) {
				if (*fd < 0)
					*fd = fds[k];
				else
					close(fds[k]); /* never keep more than asked */
			}
		}
	}
	hello = vf_vend_parse_hello(buf);
	if (!hello || *fd < 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		close(s);
		return vf_error(VF_EXIT_FAIL, NULL, "the peer does not speak vfbuf's vending protocol",
				"%s", path);
	}
	snprintf(desc, descsz, "%s", hello);
	*sock = s;
	return 0;
}

int vf_vend_revoke(int sock, const char *path)
{
	char buf[VF_VEND_MSG_MAX];
	struct vf_vend_reply reply;
	ssize_t len;

	if (send(sock, VF_VEND_REQ_REVOKE, strlen(VF_VEND_REQ_REVOKE), MSG_NOSIGNAL) < 0)
		return vf_error_errno(VF_EXIT_FAIL, errno, NULL, "asking %s to revoke", path);
	len = recv(sock, buf, sizeof(buf) - 1, 0);
	if (len < 0) {
		char what[PATH_MAX + 32];

		snprintf(what, sizeof(what), "asking %s to revoke", path);
		return recv_failed(errno, what);
	}
	if (len == 0)
		return vf_error(VF_EXIT_FAIL, NULL, "the primary closed the connection",
				"asking %s to revoke", path);
	buf[len] = '\0';
	vf_printable(buf); /* the peer's text reaches the terminal */
	vf_vend_parse_reply(buf, &reply);
	if (reply.kind == VF_VEND_REVOKED)
		return 0;
	if (reply.kind == VF_VEND_REFUSED) {
		/* the primary's own explanation, e.g. the series is absent */
		return vf_error(reply.code, NULL, reply.why, "the primary at %s refused to revoke", path);
	}
	return vf_error(VF_EXIT_FAIL, NULL, "unexpected reply", "asking %s to revoke", path);
}
