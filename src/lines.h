/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lines.h - reading a text file line by line in bounded memory: the one
 * reader of /proc/PID/maps (maps-decode, stat, map) and of debugfs lists.
 *
 * Core layer.  Reads in blocks (getline() costs more than parsing a
 * line); a line longer than VF_LINE_MAX is skipped and counted, whatever
 * its length, so hostile or endless input costs one fixed buffer.
 */
#ifndef VFBUF_LINES_H
#define VFBUF_LINES_H

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The longest maps line: the fixed fields (under 128 bytes), a path of up
 * to PATH_MAX and " (deleted)". */
#define VF_LINE_MAX (PATH_MAX + 256)

struct vf_lines {
	FILE *f;
	char *buf;
	size_t cap, pos, end;
	unsigned long lineno;  /* lines read, the skipped ones too */
	unsigned long toolong; /* lines skipped for their length */
	int err;               /* errno of a read error, 0 */
};

/* 0, or -ENOMEM. */
int vf_lines_open(struct vf_lines *r, FILE *f);
/* The next line, with its '\n' if it has one, not NUL-terminated; NULL at
 * the end of the file (or after a read error: r->err). */
const char *vf_lines_more(struct vf_lines *r, size_t *len);
/* The same; a whole line in the buffer is taken here, inline (maps-decode
 * reads a million lines). */
static inline const char *vf_lines_next(struct vf_lines *r, size_t *len)
{
	const char *line = r->buf + r->pos;
	const char *nl = memchr(line, '\n', r->end - r->pos);

	if (nl && (size_t)(nl - line) <= VF_LINE_MAX) {
		*len = (size_t)(nl + 1 - line);
		r->pos += *len;
		r->lineno++;
		return line;
	}
	return vf_lines_more(r, len);
}
void vf_lines_close(struct vf_lines *r);

#endif /* VFBUF_LINES_H */
