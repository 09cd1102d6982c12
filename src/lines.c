// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lines.c - bounded line reader (see lines.h).
 */
#include "lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BUF_SIZE 65536 /* > VF_LINE_MAX: a whole line always fits */

_Static_assert(BUF_SIZE > VF_LINE_MAX, "a line of VF_LINE_MAX fits the buffer");

int vf_lines_open(struct vf_lines *r, FILE *f)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->cap = BUF_SIZE;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -ENOMEM;
}

/* Read more after the unread part, moved to the front.  Returns the
 * bytes read (0 at the end of the file or on an error). */
static size_t fill(struct vf_lines *r)
{
	size_t got;

	memmove(r->buf, r->buf + r->pos, r->end - r->pos);
	r->end -= r->pos;
	r->pos = 0;
	if (r->end == r->cap || feof(r->f) || ferror(r->f))
		return 0;
	got = fread(r->buf + r->end, 1, r->cap - r->end, r->f);
	if (!got && ferror(r->f))
		r->err = errno ? errno : EIO;
	r->end += got;
	return got;
}

/* Drop input up to and including the next '\n' (or the end). */
static void skip_line(struct vf_lines *r)
{
	for (;;) {
		char *nl = memchr(r->buf + r->pos, '\n', r->end - r->pos);

		if (nl) {
			r->pos = (size_t)(nl + 1 - r->buf);
			return;
		}
		r->pos = r->end = 0;
		if (!fill(r))
			return;
	}
}

const char *vf_lines_more(struct vf_lines *r, size_t *len)
{
	for (;;) {
		char *nl = memchr(r->buf + r->pos, '\n', r->end - r->pos);
		const char *line = r->buf + r->pos;
		size_t n = nl ? (size_t)(nl + 1 - line) : r->end - r->pos;

		if (n > VF_LINE_MAX + 1 || (!nl && n > VF_LINE_MAX)) {
			r->lineno++;
			r->toolong++;
			skip_line(r);
			continue;
		}
		if (nl) {
			r->lineno++;
			*len = n;
			r->pos += n;
			return line;
		}
		if (!fill(r)) {
			if (r->pos == r->end)
				return NULL;
			/* the last line has no '\n' */
			r->lineno++;
			*len = r->end - r->pos;
			r->pos = r->end;
			return r->buf + r->pos - *len;
		}
	}
}

void vf_lines_close(struct vf_lines *r)
{
	free(r->buf);
	r->buf = NULL;
}
