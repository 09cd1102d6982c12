// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output.c - messages and libsmartcols tables (see output.h).
 */
#include "output.h"

#include <errno.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct vf_settings vf = VF_SETTINGS_INIT;

const char *vf_strerror(int err)
{
	static char buf[160];
	const char *name = strerrorname_np(err);

	snprintf(buf, sizeof(buf), "%s (%s)", strerror(err), name ? name : "?");
	return buf;
}

/* In JSON mode an error is a one-row table named "error". */
static void json_error(int code, const char *what, const char *why, const char *hint)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_line *ln;
	struct libscols_column *cl;
	char num[16];

	if (!tb)
		return;
	scols_table_enable_json(tb, 1);
	scols_table_set_name(tb, "error");
	scols_table_new_column(tb, "command", 0, 0);
	scols_table_new_column(tb, "what", 0, 0);
	scols_table_new_column(tb, "why", 0, 0);
	scols_table_new_column(tb, "hint", 0, 0);
	cl = scols_table_new_column(tb, "exit", 0, 0);
	scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
	ln = scols_table_new_line(tb, NULL);
	if (ln) {
		snprintf(num, sizeof(num), "%d", code);
		scols_line_set_data(ln, 0, vf.cmd ? vf.cmd : "");
		scols_line_set_data(ln, 1, what);
		scols_line_set_data(ln, 2, why);
		scols_line_set_data(ln, 3, hint);
		scols_line_set_data(ln, 4, num);
		scols_print_table(tb);
	}
	scols_unref_table(tb);
}

static char *capture_buf;
static size_t capture_sz;

void vf_error_capture(char *buf, size_t sz)
{
	capture_buf = buf;
	capture_sz = sz;
	if (buf && sz)
		buf[0] = '\0';
}

static int __attribute__((format(printf, 4, 0)))
verror(int code, const char *hint, const char *why, const char *fmt, va_list ap)
{
	char what[1024];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (capture_buf) {
		snprintf(capture_buf, capture_sz, "%s%s%s", what, why ? ": " : "", why ? why : "");
		return code;
	}
	if (vf.json) {
		fflush(stdout);
		json_error(code, what, why, hint);
		fflush(stdout);
		return code;
	}
	fflush(stdout);
	if (vf.cmd)
		fprintf(stderr, "vfbuf: %s: %s", vf.cmd, what);
	else
		fprintf(stderr, "vfbuf: %s", what);
	if (why && *why)
		fprintf(stderr, ": %s", why);
	fputc('\n', stderr);
	if (hint && *hint)
		fprintf(stderr, "hint: %s\n", hint);
	return code;
}

int vf_error(int code, const char *hint, const char *why, const char *what_fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, what_fmt);
	r = verror(code, hint, why, what_fmt, ap);
	va_end(ap);
	return r;
}

int vf_error_errno(int code, int err, const char *hint, const char *what_fmt, ...)
{
	va_list ap;
	int r;

	if (code < 0)
		code = (err == EACCES || err == EPERM) ? VF_EXIT_NOPERM : VF_EXIT_FAIL;
	va_start(ap, what_fmt);
	r = verror(code, hint, vf_strerror(err), what_fmt, ap);
	va_end(ap);
	return r;
}

void vf_warn(const char *fmt, ...)
{
	va_list ap;

	if (vf.quiet)
		return;
	fflush(stdout);
	fprintf(stderr, "vfbuf: %s%swarning: ", vf.cmd ? vf.cmd : "", vf.cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((format(printf, 2, 0))) vnote(int level, const char *fmt, va_list ap)
{
	if (vf.verbose < level || vf.quiet)
		return;
	fprintf(stderr, "vfbuf: %s%s", vf.cmd ? vf.cmd : "", vf.cmd ? ": " : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void vf_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(1, fmt, ap);
	va_end(ap);
}

void vf_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(2, fmt, ap);
	va_end(ap);
}

/* ---- tables ---- */

#define VF_MAX_COLS 32

struct vf_table {
	struct libscols_table *tb;
	const struct vf_colinfo *cols;
	size_t ncols;
	struct libscols_column *shown[VF_MAX_COLS]; /* by column id, or NULL */
	struct libscols_line *ln;
	bool bytes; /* -b */
};

static int find_col(const struct vf_colinfo *cols, size_t ncols, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len && !strncasecmp(cols[i].name, name, len))
			return (int)i;
	return -1;
}

/* Add the columns named in list (comma separated) in order. */
static int add_columns(struct vf_table *t, const char *list)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int id = len ? find_col(t->cols, t->ncols, p, len) : -1;
		const struct vf_colinfo *ci;
		struct libscols_column *cl;

		if (id < 0) {
			vf_error(VF_EXIT_USAGE, "the command's --help lists its columns",
				 "unknown column", "--output '%.*s'", (int)len, p);
			return -1;
		}
		ci = &t->cols[id];
		if (!t->shown[id]) {
			cl = scols_table_new_column(t->tb, ci->name, ci->whint, ci->flags);
			if (!cl)
				return -1;
			if (ci->type == VF_COL_NUM)
				scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
			else if (ci->type == VF_COL_BOOL)
				scols_column_set_json_type(cl, SCOLS_JSON_BOOLEAN);
			t->shown[id] = cl;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

struct vf_table *vf_table_new(const char *name, const struct vf_colinfo *cols, size_t ncols,
			      const char *defaults, const struct vf_table_opts *o)
{
	static const struct vf_table_opts none;
	struct vf_table *t = calloc(1, sizeof(*t));
	const char *spec;

	if (!o)
		o = &none;
	spec = o->columns;

	if (!t || ncols > VF_MAX_COLS || !(t->tb = scols_new_table())) {
		free(t);
		vf_error(VF_EXIT_FAIL, NULL, strerror(ENOMEM), "creating a table");
		return NULL;
	}
	t->cols = cols;
	t->ncols = ncols;
	t->bytes = o->bytes;
	scols_table_set_name(t->tb, name);
	/* libsmartcols keeps one output format: -J wins over -r and -n */
	if (vf.json)
		scols_table_enable_json(t->tb, 1);
	else if (o->raw)
		scols_table_enable_raw(t->tb, 1);
	if (o->noheadings && !vf.json)
		scols_table_enable_noheadings(t->tb, 1);
	if (!spec || *spec == '+') {
		if (add_columns(t, defaults))
			goto fail;
		if (spec && add_columns(t, spec + 1))
			goto fail;
	} else if (add_columns(t, spec)) {
		goto fail;
	}
	return t;
fail:
	vf_table_free(t);
	return NULL;
}

void vf_table_row(struct vf_table *t)
{
	t->ln = scols_table_new_line(t->tb, NULL);
}

bool vf_table_has(const struct vf_table *t, size_t col)
{
	return col < t->ncols && t->shown[col];
}

void vf_cell_str(struct vf_table *t, size_t col, const char *s)
{
	if (!t->ln || !vf_table_has(t, col) || !s)
		return;
	scols_line_set_column_data(t->ln, t->shown[col], s);
}

void vf_cell(struct vf_table *t, size_t col, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	if (!vf_table_has(t, col))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	vf_cell_str(t, col, buf);
}

void vf_cell_u64(struct vf_table *t, size_t col, uint64_t v)
{
	vf_cell(t, col, "%llu", (unsigned long long)v);
}

void vf_cell_hex(struct vf_table *t, size_t col, uint64_t v)
{
	vf_cell(t, col, "0x%llx", (unsigned long long)v);
}

void vf_cell_bool(struct vf_table *t, size_t col, bool v)
{
	/* libsmartcols reads a JSON boolean cell as false only for "", "0" or "N..." */
	vf_cell_str(t, col, vf.json ? (v ? "1" : "0") : (v ? "yes" : "no"));
}

void vf_cell_size(struct vf_table *t, size_t col, uint64_t v)
{
	char s[32];

	if (vf.json || t->bytes) {
		vf_cell_u64(t, col, v);
		return;
	}
	vf_human_size(v, s, sizeof(s));
	vf_cell_str(t, col, s);
}

int vf_table_print(struct vf_table *t)
{
	int r = 0;

	if (scols_print_table(t->tb))
		r = vf_error_errno(VF_EXIT_FAIL, errno, NULL, "writing the table");
	vf_table_free(t);
	return r;
}

void vf_table_free(struct vf_table *t)
{
	if (!t)
		return;
	scols_unref_table(t->tb);
	free(t);
}

char *vf_columns_help(const struct vf_colinfo *cols, size_t ncols, const char *defaults)
{
	char *buf = NULL;
	size_t sz = 0, i;
	FILE *f = open_memstream(&buf, &sz);

	if (!f)
		return NULL;
	fprintf(f, "Columns for -o/--output (default: %s):\n", defaults);
	for (i = 0; i < ncols; i++)
		fprintf(f, "  %-10s %s\n", cols[i].name, cols[i].help);
	fclose(f);
	return buf;
}

void vf_human_size(uint64_t v, char *out, size_t outsz)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (v >= 1024 && (v & 1023) == 0 && u < 5) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(out, outsz, "%llu", (unsigned long long)v);
	else
		snprintf(out, outsz, "%llu%c", (unsigned long long)v, units[u]);
}

int vf_close_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		int e = errno ? errno : EIO;

		if (e == EPIPE)
			return VF_EXIT_OK;
		vf.json = false; /* stdout is gone: say it on stderr */
		return vf_error_errno(VF_EXIT_FAIL, e, NULL, "writing standard output");
	}
	return VF_EXIT_OK;
}
