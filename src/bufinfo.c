// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bufinfo.c - debugfs dma_buf/bufinfo, a line at a time (see bufinfo.h).
 */
#include "bufinfo.h"

#include <string.h>

#include "parse.h"

/* The next tab-separated field of s[*i, n): its start and length; *i
 * then after its tab, or n + 1 after the last field. */
static bool field(const char *s, size_t n, size_t *i, const char **f, size_t *flen)
{
	const char *t;

	if (*i > n)
		return false;
	t = memchr(s + *i, '\t', n - *i);
	*f = s + *i;
	*flen = t ? (size_t)(t - (s + *i)) : n - *i;
	*i += *flen + 1;
	return true;
}

static bool all_digits(const char *s, size_t n, bool hex)
{
	size_t i;

	if (!n || n > 20)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))))
			return false;
	}
	return true;
}

/* A buffer line: SIZE FLAGS MODE COUNT EXP_NAME INO NAME; its inode. */
static bool buffer_line(const char *s, size_t n, uint64_t *ino)
{
	const char *f;
	size_t fl, i, at = 0;
	uint64_t v = 0;

	for (i = 0; i < 4; i++)
		if (!field(s, n, &at, &f, &fl) || !all_digits(f, fl, i == 1 || i == 2))
			return false;
	if (!field(s, n, &at, &f, &fl) || !fl) /* exp_name */
		return false;
	if (!field(s, n, &at, &f, &fl) || !all_digits(f, fl, false) || at > n) /* ino, then a name */
		return false;
	if (vf_digits_u64(f, fl, 10, &v) != (int)fl) /* does not fit 64 bits */
		return false;
	*ino = v;
	return true;
}

/* "Total N devices attached": N. */
static bool total_line(const char *s, size_t n, unsigned long *count)
{
	static const char pre[] = "Total ", post[] = " devices attached";
	size_t lp = sizeof(pre) - 1, lq = sizeof(post) - 1;
	uint64_t v;

	if (n <= lp + lq || memcmp(s, pre, lp) != 0 || memcmp(s + n - lq, post, lq) != 0)
		return false;
	if (n - lp - lq > 9 || vf_digits_u64(s + lp, n - lp - lq, 10, &v) != (int)(n - lp - lq))
		return false;
	*count = (unsigned long)v;
	return true;
}

static void start(struct vf_bufinfo *st, uint64_t ino)
{
	memset(&st->cur, 0, sizeof(st->cur));
	st->cur.ino = ino;
	st->cur.ok = true;
	st->open = true;
	st->in_devs = false;
	st->headed = false;
}

static void finish(struct vf_bufinfo *st, struct vf_bufinfo_rec *out)
{
	*out = st->cur;
	st->open = false;
	st->in_devs = false;
}

bool vf_bufinfo_line(struct vf_bufinfo *st, const char *line, size_t len, struct vf_bufinfo_rec *out)
{
	static const char hdr[] = "\tAttached Devices:";
	unsigned long count;
	uint64_t ino;
	bool done = false;

	if (len && line[len - 1] == '\n')
		len--;
	if (buffer_line(line, len, &ino)) {
		if (st->open) { /* no Total: the open record is not whole */
			st->cur.ok = false;
			finish(st, out);
			done = true;
		}
		start(st, ino);
		return done;
	}
	if (!st->open)
		return false;
	if (len == sizeof(hdr) - 1 && !memcmp(line, hdr, len)) {
		if (st->headed)
			st->cur.ok = false; /* twice: not the kernel's shape */
		st->headed = st->in_devs = true;
		st->cur.ndev = 0;
		return false;
	}
	if (total_line(line, len, &count)) {
		if (!st->headed || count != st->cur.ndev)
			st->cur.ok = false;
		finish(st, out);
		return true;
	}
	if (st->in_devs) {
		struct vf_bufinfo_rec *c = &st->cur;

		if (len < 2 || line[0] != '\t' || memchr(line + 1, '\t', len - 1)) {
			c->ok = false; /* a device line is a tab and a name */
			return false;
		}
		if (c->ndev >= VF_BUFINFO_DEVS || len - 1 >= VF_BUFINFO_DEV_NAME) {
			c->ok = false; /* more than is kept, or cut */
			if (c->ndev < UINT32_MAX)
				c->ndev++;
			return false;
		}
		memcpy(c->dev[c->ndev], line + 1, len - 1);
		c->dev[c->ndev][len - 1] = '\0';
		if (memchr(c->dev[c->ndev], '\0', len - 1))
			c->ok = false;
		c->ndev++;
		return false;
	}
	/* fence lines ("\tKIND fence:...") and the rest: nothing to keep */
	return false;
}

bool vf_bufinfo_end(struct vf_bufinfo *st, struct vf_bufinfo_rec *out)
{
	if (!st->open)
		return false;
	st->cur.ok = false;
	finish(st, out);
	return true;
}
