/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.h - messages and tables.
 *
 * Core layer.  Errors read "vfbuf: <command>: <what>: <why>" plus an
 * optional "hint:" line; with --json they become a member "error": [...]
 * of the run's one JSON document.  Every table (-o/-n/-r/-J) goes through
 * the writer here; libsmartcols.h gives the column flags (SCOLS_FL_*).
 */
#ifndef VFBUF_OUTPUT_H
#define VFBUF_OUTPUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libsmartcols.h>

#include "vfbuf.h"

/* Print an error; returns code so callers can "return vf_error(...)". */
int vf_error(int code, const char *hint, const char *why, const char *what_fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same, with why = strerror(err) and its errno name; code chosen from
 * err when code < 0 (EACCES/EPERM: 77, else 1). */
int vf_error_errno(int code, int err, const char *hint, const char *what_fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "strerror (ENAME)" into a static buffer. */
const char *vf_strerror(int err);
/* While buf is set, errors are written there ("what: why") instead of
 * being printed; vf_error_capture(NULL, 0) prints again.  Where messages
 * go is the output layer's own state, as stderr is; a caller that wants a
 * refusal as text (list --probe's PROBE column, a primary's reply to its
 * client) brackets the call with it. */
void vf_error_capture(char *buf, size_t sz);
/* Warnings go to stderr (also in JSON mode), unless -q. */
void vf_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Notes shown with -v, and details with -vv. */
void vf_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vf_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Output columns, as util-linux describes them.  flags: SCOLS_FL_RIGHT
 * (numbers), SCOLS_FL_TRUNC (names and paths: may be cut to fit a
 * terminal), SCOLS_FL_WRAP (lists: wrapped between items).  A cell is
 * never cut inside a number, an address or a BDF. */
enum vf_coltype {
	VF_COL_STR,  /* JSON string */
	VF_COL_NUM,  /* JSON number (the cell's text in decimal, or set with vf_cell_hex...) */
	VF_COL_BOOL, /* JSON boolean; text yes/no */
	VF_COL_LIST, /* JSON array (vf_cell_list); text: the items joined by ',' */
};
struct vf_colinfo {
	const char *name;
	double whint;
	int flags; /* SCOLS_FL_* */
	enum vf_coltype type;
	const char *help;
};

/* A table command's output options (-o -n -r -b). */
struct vf_table_opts {
	const char *columns; /* -o */
	bool all;            /* -O: every column, in the order --help lists them */
	bool noheadings;     /* -n */
	bool raw;            /* -r */
	bool bytes;          /* -b */
};

/*
 * Tables.  JSON (-J) and raw (-r) rows are written as they are made, in
 * constant memory; so is text when the table streams (vf_table_stream():
 * widths fixed from the first 64 rows and the terminal).  Other text
 * tables are kept and laid out at the end.  On a terminal, lists wrap one
 * item a line, truncatable cells are cut, and cells that still do not fit
 * go on a line of their own; nothing else is ever cut.  (libsmartcols
 * 2.38 cannot stream, and its wrapping split "200(wo"/"rker):4".)  With -J a run prints one JSON document
 * ({"NAME": [rows...], "error": [...]}); events print one JSON object per
 * line instead.
 */
struct vf_table;
/* defaults: comma list of column names used when -o is not given; "-o +X"
 * appends to them.  o: the command's -o/-n/-r/-b, or NULL for none (a
 * table of its own columns).  Returns NULL after printing a usage error. */
struct vf_table *vf_table_new(const char *name, const struct vf_colinfo *cols, size_t ncols,
			      const char *defaults, const struct vf_table_opts *o);
/* Print rows as they come instead of keeping the table. */
void vf_table_stream(struct vf_table *t);
/* A streaming table: print what it has so far (a text table's widths are
 * then fixed from those rows) and flush stdout; for output that must be
 * live (peek --watch). */
void vf_table_flush(struct vf_table *t);
/* Start a row (ends the previous one). */
void vf_table_row(struct vf_table *t);
/* Set a cell of the current row (ignored if the column is not shown). */
void vf_cell(struct vf_table *t, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vf_cell_str(struct vf_table *t, size_t col, const char *s);
void vf_cell_strn(struct vf_table *t, size_t col, const char *s, size_t len);
void vf_cell_u64(struct vf_table *t, size_t col, uint64_t v);
/* text 0x1000, JSON number */
void vf_cell_hex(struct vf_table *t, size_t col, uint64_t v);
/* text 7f0000001000 (as in maps), JSON number */
void vf_cell_addr(struct vf_table *t, size_t col, uint64_t v);
void vf_cell_bool(struct vf_table *t, size_t col, bool v);
/* A size: bytes with -b and in JSON, else human ("4K"). */
void vf_cell_size(struct vf_table *t, size_t col, uint64_t v);
/* Text one way, JSON another (json: a JSON value, written as is). */
void vf_cell_text_json(struct vf_table *t, size_t col, const char *text, const char *json);
bool vf_table_has(const struct vf_table *t, size_t col);

/* A list cell: text items joined by ',', JSON an array of objects or of
 * numbers.  vf_list_item() starts an object (text: its text form);
 * vf_list_u64()/vf_list_str() add members to it; vf_list_num() adds a bare
 * number item.  Allocation failures are kept and reported by
 * vf_cell_list(), which copies the list into the row. */
struct vf_list {
	char *text, *json;
	size_t tlen, tcap, jlen, jcap, n;
	bool in_item, first, failed;
};
void vf_list_item(struct vf_list *l, const char *text);
void vf_list_u64(struct vf_list *l, const char *key, uint64_t v);
void vf_list_str(struct vf_list *l, const char *key, const char *s);
void vf_list_bool(struct vf_list *l, const char *key, bool v);
/* a member that is unknown: null */
void vf_list_null(struct vf_list *l, const char *key);
void vf_list_num(struct vf_list *l, const char *text, uint64_t v);
/* a bare string item */
void vf_list_strval(struct vf_list *l, const char *s);
void vf_list_reset(struct vf_list *l);
void vf_list_free(struct vf_list *l);
void vf_cell_list(struct vf_table *t, size_t col, struct vf_list *l);

/* Print the current row as an event: JSON one object per line
 * {"event": NAME, ...}; text the line given.  Flushed at once. */
void vf_table_event(struct vf_table *t, const char *text);
/* The current row says in text what the line says (a sentence); JSON: the
 * row as usual. */
void vf_table_sentence(struct vf_table *t, const char *text);
/* Print (what is left) and free.  Returns 0, or an error code (a row that
 * could not be kept or written: exit 1, never dropped silently). */
int vf_table_print(struct vf_table *t);
void vf_table_free(struct vf_table *t);

/* Text lines outside tables (peek values, revoke's sentence, --version):
 * printed as is in text mode; with -J the caller prints a table instead. */
void vf_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Locale (UTF-8 names print as text), stdout buffer: once, first in main. */
void vf_output_init(void);
/* End the JSON document now (before --hold waits, so that a reader gets a
 * whole document); vf_close_stdout() does it otherwise. */
void vf_output_end(void);

/* Column help text for a command's --help ("COLUMNS:\n  NAME  help\n..."). */
char *vf_columns_help(const struct vf_colinfo *cols, size_t ncols,
		      const char *defaults);
/* An argp help_filter named fn that appends the column help of cols. */
#define VF_COLUMNS_HELP_FILTER(fn, cols, defaults)                                   \
	static char *fn(int key, const char *text, void *input)                       \
	{                                                                             \
		(void)input;                                                          \
		if (key != ARGP_KEY_HELP_POST_DOC)                                    \
			return (char *)text;                                          \
		return vf_columns_help(cols, VF_ARRAY_SIZE(cols), defaults);          \
	}

/* Human size: 4096 -> "4K", 1048576 -> "1M", 1536 -> "1536". */
void vf_human_size(uint64_t v, char *out, size_t outsz);

/* Write out what is buffered for stdout now (an event as it happens); a
 * failure is kept for vf_close_stdout() to report. */
void vf_flush(void);
/* Flush stdout and report a write error (full disk) as a failure. */
int vf_close_stdout(void);

#endif /* VFBUF_OUTPUT_H */
