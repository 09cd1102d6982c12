// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output.c - messages and libsmartcols tables (see output.h).
 */
#include "output.h"

#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <libsmartcols.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

struct vf_settings vf = VF_SETTINGS_INIT;

const char *vf_strerror(int err)
{
	static char buf[160];
	const char *name = strerrorname_np(err);

	snprintf(buf, sizeof(buf), "%s (%s)", strerror(err), name ? name : "?");
	return buf;
}

static void json_error(int code, const char *what, const char *why, const char *hint);
static void ro_flush(void);
static void flush_stdout(void);
static int doc_state;

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

	ro_flush();

	vsnprintf(what, sizeof(what), fmt, ap);
	if (capture_buf) {
		snprintf(capture_buf, capture_sz, "%s%s%s", what, why ? ": " : "", why ? why : "");
		return code;
	}
	if (vf.json && doc_state != 2) {
		json_error(code, what, why, hint);
		flush_stdout();
		return code;
	}
	flush_stdout();
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

	ro_flush();

	if (vf.quiet)
		return;
	flush_stdout();
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

/* ---- the writer: text cells, JSON strings ---- */

static bool utf8_locale;
static char stdout_buf[65536];

static void output_atexit(void)
{
	if (vf.json)
		vf_output_end();
}

void vf_output_init(void)
{
	const char *cs;

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* "%g s" and strtod stay C */
	cs = nl_langinfo(CODESET);
	utf8_locale = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	/* usage errors exit() from the option parser: the document ends too */
	atexit(output_atexit);
}

/* The length of a valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t len, i;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	c &= 0x3f >> (len - 1);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* A row is composed here and written with one fwrite (stdio per cell
 * cost more than the decoding); ro_flush() at the end of each row. */
static char ro_buf[16384];
static size_t ro_len;

/* The errno of the first failed write to stdout (0: none): what
 * vf_close_stdout() reports, whatever calls came since (isatty: ENOTTY). */
static int stdout_errno;

/* fflush(stdout), keeping the first failure's errno. */
static void flush_stdout(void)
{
	if (fflush(stdout) && !stdout_errno)
		stdout_errno = errno ? errno : EIO;
}

static void ro_flush(void)
{
	if (ro_len && fwrite_unlocked(ro_buf, 1, ro_len, stdout) != ro_len && !stdout_errno)
		stdout_errno = errno ? errno : EIO;
	ro_len = 0;
}

static inline void ro_put(const void *s, size_t n)
{
	if (ro_len + n > sizeof(ro_buf)) {
		ro_flush();
		if (n > sizeof(ro_buf)) {
			fwrite_unlocked(s, 1, n, stdout);
			return;
		}
	}
	memcpy(ro_buf + ro_len, s, n);
	ro_len += n;
}

static inline void ro_c(char c)
{
	if (ro_len == sizeof(ro_buf))
		ro_flush();
	ro_buf[ro_len++] = c;
}

static inline void ro_s(const char *s)
{
	ro_put(s, strlen(s));
}

/* Where encoded text goes: the row buffer (f: stdout) or a growing buffer. */
struct sink {
	FILE *f;
	char **buf;
	size_t *len, *cap;
	bool *failed;
};

static void sink_put(const struct sink *k, const char *s, size_t n)
{
	if (k->f) {
		ro_put(s, n);
		return;
	}
	if (!k->failed || *k->failed)
		return;
	if (*k->len + n + 1 > *k->cap) {
		size_t cap = (*k->len + n + 1) * 2;
		char *b = realloc(*k->buf, cap);

		if (!b) {
			*k->failed = true;
			return;
		}
		*k->buf = b;
		*k->cap = cap;
	}
	memcpy(*k->buf + *k->len, s, n);
	*k->len += n;
	(*k->buf)[*k->len] = '\0';
}

/* A JSON string: UTF-8 as is, control characters as \u00XX, bytes that
 * are not UTF-8 as the text \xHH (a JSON string can only hold text). */
static void json_string(const struct sink *k, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;

	sink_put(k, "\"", 1);
	while (p < e) {
		const unsigned char *run = p;
		char esc[16];
		uint32_t cp;
		size_t l;

		while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			sink_put(k, (const char *)run, (size_t)(p - run));
		if (p == e)
			break;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p++;
			sink_put(k, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p++);
			sink_put(k, esc, 6);
		} else if ((l = utf8_seq(p, (size_t)(e - p), &cp))) {
			sink_put(k, (const char *)p, l);
			p += l;
		} else {
			snprintf(esc, sizeof(esc), "\\\\x%02x", *p++);
			sink_put(k, esc, 5);
		}
	}
	sink_put(k, "\"", 1);
}

/*
 * A text cell as printed: printable UTF-8 (in a UTF-8 locale) and ASCII as
 * is, anything else as \xHH; with raw, blanks too (every row splits into
 * the same fields).  list: the '\n' between list items becomes ','.
 * Writes to f unless f is NULL, stops before maxw columns (0: no limit);
 * returns the columns used.
 */
static size_t text_cell(const FILE *f, const char *s, size_t n, bool raw, bool list, size_t maxw)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t w = 0, i;

	if (!maxw)
		maxw = SIZE_MAX;
	/* most cells are plain ASCII that fits: one look, one write */
	for (i = 0; i < n && p[i] > ' ' && p[i] < 0x7f && p[i] != '\\'; i++)
		;
	if (i == n && n <= maxw) {
		if (f && n)
			ro_put(s, n);
		return n;
	}
	while (p < e) {
		const unsigned char *run = p;
		char esc[8];
		uint32_t cp;
		size_t l, cw;
		int x;

		while (p < e && *p > ' ' && *p < 0x7f && *p != '\\' && w < maxw) {
			p++;
			w++;
		}
		if (f && p > run)
			ro_put(run, (size_t)(p - run));
		if (p == e || w >= maxw)
			break;
		if ((*p == ' ' || *p == '\\') && !raw) {
			cw = 1;
			l = 1;
		} else if (*p == '\n' && list) {
			if (w + 1 > maxw)
				break;
			if (f)
				ro_c(',');
			w++;
			p++;
			continue;
		} else if (*p >= 0x80 && utf8_locale && (l = utf8_seq(p, (size_t)(e - p), &cp)) &&
			   (x = wcwidth((wchar_t)cp)) >= 0) {
			cw = (size_t)x;
		} else {
			if (w + 4 > maxw)
				break;
			snprintf(esc, sizeof(esc), "\\x%02x", *p++);
			if (f)
				ro_put(esc, 4);
			w += 4;
			continue;
		}
		if (w + cw > maxw)
			break;
		if (f)
			ro_put(p, l);
		p += l;
		w += cw;
	}
	return w;
}

static void pad(FILE *f, size_t n) /* f: stdout, through the row buffer */
{
	static const char spaces[] = "                                ";

	(void)f;
	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		ro_put(spaces, k);
		n -= k;
	}
}

/* The terminal's width when stdout is one, else 0 (no limit). */
static size_t term_width(void)
{
	struct winsize ws;
	const char *c;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	c = getenv("COLUMNS");
	if (c) {
		char *end;
		long v = strtol(c, &end, 10);

		if (end != c && !*end && v > 0 && v < 100000)
			return (size_t)v;
	}
	return 80;
}

/* ---- the JSON document ---- */

/* doc_state 0: nothing printed; 1: the document is open; 2: it was
 * ended (a later error goes to stderr as text: the document is whole) */
static bool doc_lines; /* events: one object per line, no document */
static struct vf_table *json_open_table;
static void table_json_close(struct vf_table *t);

/* Start a member of the run's document. */
static void doc_member(const char *name)
{
	static const struct sink out = { .f = NULL };
	struct sink k = out;

	k.f = stdout;
	if (doc_state == 1)
		ro_s(",\n");
	else
		ro_s("{\n");
	doc_state = 1;
	ro_s("   ");
	json_string(&k, name, strlen(name));
	ro_s(": ");
	ro_flush();
}

void vf_output_end(void)
{
	ro_flush();
	if (json_open_table)
		table_json_close(json_open_table);
	if (doc_state == 1) {
		ro_s("\n}\n");
		doc_state = 2;
	}
	ro_flush();
	flush_stdout();
}

/* In JSON mode an error is a member "error" of the document: an array of
 * one object (an event stream: that object on a line of its own). */
static void json_error(int code, const char *what, const char *why, const char *hint)
{
	struct sink k = { .f = stdout };
	const char *keys[] = { "command", "what", "why", "hint" };
	const char *vals[] = { vf.cmd, what, why, hint };
	size_t i;

	if (json_open_table)
		table_json_close(json_open_table);
	if (doc_lines)
		ro_s("{\"error\": [{");
	else {
		doc_member("error");
		ro_s("[\n      {");
	}
	for (i = 0; i < VF_ARRAY_SIZE(keys); i++) {
		ro_c('"');
		ro_s(keys[i]);
		ro_s("\": ");
		if (vals[i] && *vals[i])
			json_string(&k, vals[i], strlen(vals[i]));
		else
			ro_s("null");
		ro_s(", ");
	}
	{
		char num[16];

		snprintf(num, sizeof(num), "%d", code);
		ro_s("\"exit\": ");
		ro_s(num);
		ro_c('}');
	}
	ro_s(doc_lines ? "]}\n" : "\n   ]");
	ro_flush();
}

/* ---- tables ---- */

#define VF_MAX_COLS 32
#define BATCH 64 /* rows that fix a streaming text table's widths */
#define FOLD_INDENT 4

struct cellref {
	uint32_t off, len;
	bool set, json; /* json: the bytes are a JSON value */
	unsigned char clean; /* CL_*: printed as is (0: look at the bytes) */
};

/* What a cell's bytes are known to need: none of them is escaped in text
 * (CL_TEXT: its width is its length), with -r (CL_RAW) or in a JSON
 * string (CL_JSON).  Set while the bytes are copied into the row. */
enum { CL_TEXT = 1, CL_RAW = 2, CL_JSON = 4, CL_ALL = 7 };

/* A kept row: its cells and their bytes. */
struct row {
	struct cellref *c;
	char *data;
};

struct vf_table {
	const char *name;
	const struct vf_colinfo *cols;
	size_t ncols;
	int pos[VF_MAX_COLS];    /* column id -> place shown, or -1 */
	size_t ids[VF_MAX_COLS]; /* place shown -> column id */
	char keys[VF_MAX_COLS][24];
	char jkey[VF_MAX_COLS][32]; /* ', "key": ' */
	unsigned char jklen[VF_MAX_COLS];
	size_t nshown;
	bool bytes, raw, noheadings, stream, event;
	/* the current row */
	bool in_row;
	struct cellref cur[VF_MAX_COLS];
	char *rb;
	size_t rlen, rcap;
	bool rfail;
	/* kept rows: a text table, or a streaming table's first batch */
	struct row *rows;
	size_t nrows, rowcap;
	/* streaming text: widths, once fixed */
	bool fixed;
	size_t width[VF_MAX_COLS], maxw[VF_MAX_COLS];
	bool wrap[VF_MAX_COLS]; /* a list one item a line */
	size_t term;            /* the terminal's width, 0 if none */
	size_t emitted;
	bool json_open, json_done;
	int err;          /* errno of the first row lost */
	size_t lost;      /* rows that could not be kept or written */
};

static void unclean_init(void);

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
		size_t len = e ? (size_t)(e - p) : strlen(p), i;
		int id = len ? find_col(t->cols, t->ncols, p, len) : -1;

		if (id < 0) {
			vf_error(VF_EXIT_USAGE, "the command's --help lists its columns",
				 "unknown column", "--output '%.*s'", (int)len, p);
			return -1;
		}
		if (t->pos[id] < 0) {
			const char *n = t->cols[id].name;
			char *k = t->keys[t->nshown];

			for (i = 0; i < sizeof(t->keys[0]) - 1 && n[i]; i++)
				k[i] = (char)tolower((unsigned char)n[i]);
			k[i] = '\0';
			/* ', "key": ' (keys are at most 23 bytes) */
			memcpy(t->jkey[t->nshown], ", \"", 3);
			memcpy(t->jkey[t->nshown] + 3, k, i);
			memcpy(t->jkey[t->nshown] + 3 + i, "\": ", 3);
			t->jklen[t->nshown] = (unsigned char)(i + 6);
			t->pos[id] = (int)t->nshown;
			t->ids[t->nshown++] = (size_t)id;
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
	size_t i;

	if (!o)
		o = &none;
	spec = o->columns;
	if (!t || ncols > VF_MAX_COLS) {
		free(t);
		vf_error(VF_EXIT_FAIL, NULL, strerror(ENOMEM), "creating a table");
		return NULL;
	}
	unclean_init();
	t->name = name;
	t->cols = cols;
	t->ncols = ncols;
	for (i = 0; i < VF_MAX_COLS; i++)
		t->pos[i] = -1;
	t->bytes = o->bytes;
	/* one output format: -J wins over -r and -n */
	t->raw = o->raw && !vf.json;
	t->noheadings = o->noheadings && !vf.json;
	if (o->all) {
		for (i = 0; i < ncols; i++)
			if (add_columns(t, cols[i].name))
				goto fail;
	} else if (!spec || *spec == '+') {
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

void vf_table_stream(struct vf_table *t)
{
	t->stream = true;
}

bool vf_table_has(const struct vf_table *t, size_t col)
{
	return col < t->ncols && t->pos[col] >= 0;
}

/* Room for n more bytes in the row: where they go, or NULL (the row is
 * lost: rfail). */
static char *row_room(struct vf_table *t, size_t n)
{
	if (t->rfail)
		return NULL;
	if (t->rlen + n > t->rcap) {
		size_t cap = (t->rlen + n) * 2 + 256;
		char *b = realloc(t->rb, cap);

		if (!b) {
			t->rfail = true;
			return NULL;
		}
		t->rb = b;
		t->rcap = cap;
	}
	return t->rb + t->rlen;
}

static void row_put(struct vf_table *t, const char *s, size_t n)
{
	char *d = row_room(t, n);

	if (!d)
		return;
	memcpy(d, s, n);
	t->rlen += n;
}

/* Per byte, the CL_* it takes away (bytes escaped or measured). */
static unsigned char unclean[256];

static void unclean_init(void)
{
	unsigned int c;

	if (unclean[0])
		return;
	for (c = 0; c < 256; c++)
		unclean[c] = (unsigned char)(((c < 0x20 || c >= 0x7f) ? CL_TEXT : 0) |
					     ((c <= 0x20 || c >= 0x7f || c == '\\') ? CL_RAW : 0) |
					     ((c < 0x20 || c >= 0x80 || c == '"' || c == '\\') ? CL_JSON : 0));
}

/* The current row's cell col, its bytes then set by the caller (NULL:
 * no row, or the column is not shown). */
static struct cellref *cell_at(struct vf_table *t, size_t col)
{
	if (!t->in_row || !vf_table_has(t, col))
		return NULL;
	return &t->cur[t->pos[col]];
}

/* Set the current row's cell col to s[0..n): text, or a JSON value;
 * what it needs is found while it is copied. */
static void set_cell(struct vf_table *t, size_t col, const char *s, size_t n, bool json)
{
	struct cellref *c = cell_at(t, col);
	const unsigned char *u = (const unsigned char *)s;
	unsigned int bad = 0;
	size_t i;
	char *d;

	if (!c)
		return;
	c->off = (uint32_t)t->rlen;
	c->len = (uint32_t)n;
	c->json = json;
	c->set = true;
	if (!(d = row_room(t, n)))
		return;
	for (i = 0; i < n; i++) {
		bad |= unclean[u[i]];
		d[i] = (char)u[i];
	}
	c->clean = (unsigned char)(CL_ALL & ~bad);
	t->rlen += n;
}

/* A cell of n bytes that are all digits and letters (numbers): written at
 * the returned place by the caller, or NULL. */
static char *set_cell_plain(struct vf_table *t, size_t col, size_t n, bool json)
{
	struct cellref *c = cell_at(t, col);
	char *d;

	if (!c || !(d = row_room(t, n)))
		return NULL;
	c->off = (uint32_t)t->rlen;
	c->len = (uint32_t)n;
	c->json = json;
	c->set = true;
	c->clean = CL_ALL;
	t->rlen += n;
	return d;
}

void vf_cell_strn(struct vf_table *t, size_t col, const char *s, size_t len)
{
	if (s)
		set_cell(t, col, s, len, false);
}

void vf_cell_str(struct vf_table *t, size_t col, const char *s)
{
	if (s)
		set_cell(t, col, s, strlen(s), false);
}

void vf_cell(struct vf_table *t, size_t col, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	if (!t->in_row || !vf_table_has(t, col))
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= 0)
		set_cell(t, col, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1, false);
}

/* Decimal digits of v at the end of buf; returns where they start. */
static char *u64_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static const char hexdigits[] = "0123456789abcdef";

/* Decimal digits of v */
static size_t dec_len(uint64_t v)
{
	size_t n = 1;

	for (; v >= 10000; v /= 10000)
		n += 4;
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

static size_t hex_len(uint64_t v)
{
	return v ? (size_t)(67 - __builtin_clzll(v)) / 4 : 1;
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* v in n (dec_len) decimal digits at d, two at a time */
static void put_dec(char *d, size_t n, uint64_t v)
{
	char *e = d + n;

	while (v >= 100) {
		const char *pr = digit_pairs + 2 * (v % 100);

		v /= 100;
		*--e = pr[1];
		*--e = pr[0];
	}
	if (v >= 10) {
		*--e = digit_pairs[2 * v + 1];
		*--e = digit_pairs[2 * v];
	} else {
		*--e = (char)('0' + v);
	}
}

static void put_hex(char *d, size_t n, uint64_t v)
{
	while (n--) {
		d[n] = hexdigits[v & 15];
		v >>= 4;
	}
}

/* A number cell straight into the row: decimal (JSON: a number), or hex
 * (text), after "0x" when ox. */
static void cell_num(struct vf_table *t, size_t col, uint64_t v, bool hex, bool ox)
{
	size_t pl = hex && ox ? 2 : 0, n = hex ? hex_len(v) : dec_len(v);
	char *d = set_cell_plain(t, col, pl + n, vf.json);

	if (!d)
		return;
	if (pl) {
		d[0] = '0';
		d[1] = 'x';
	}
	if (hex)
		put_hex(d + pl, n, v);
	else
		put_dec(d, n, v);
}

void vf_cell_u64(struct vf_table *t, size_t col, uint64_t v)
{
	cell_num(t, col, v, false, false);
}

void vf_cell_hex(struct vf_table *t, size_t col, uint64_t v)
{
	cell_num(t, col, v, !vf.json, true);
}

void vf_cell_addr(struct vf_table *t, size_t col, uint64_t v)
{
	cell_num(t, col, v, !vf.json, false);
}

void vf_cell_bool(struct vf_table *t, size_t col, bool v)
{
	const char *s = vf.json ? (v ? "true" : "false") : (v ? "yes" : "no");

	set_cell(t, col, s, strlen(s), vf.json);
}

void vf_cell_size(struct vf_table *t, size_t col, uint64_t v)
{
	static const char units[] = "KMGTPE";
	size_t n;
	char *d;
	int u = -1;

	if (vf.json || t->bytes) {
		vf_cell_u64(t, col, v);
		return;
	}
	/* vf_human_size(), straight into the row */
	while (v >= 1024 && (v & 1023) == 0 && u < 5) {
		v >>= 10;
		u++;
	}
	n = dec_len(v);
	if (!(d = set_cell_plain(t, col, n + (u >= 0), false)))
		return;
	put_dec(d, n, v);
	if (u >= 0)
		d[n] = units[u];
}

void vf_cell_text_json(struct vf_table *t, size_t col, const char *text, const char *json)
{
	if (vf.json && json)
		set_cell(t, col, json, strlen(json), true);
	else if (!vf.json && text)
		set_cell(t, col, text, strlen(text), false);
}

/* ---- list cells ---- */

static void list_text(struct vf_list *l, const char *s, size_t n)
{
	struct sink k = { .buf = &l->text, .len = &l->tlen, .cap = &l->tcap, .failed = &l->failed };

	sink_put(&k, s, n);
}

static void list_json(struct vf_list *l, const char *s, size_t n)
{
	struct sink k = { .buf = &l->json, .len = &l->jlen, .cap = &l->jcap, .failed = &l->failed };

	sink_put(&k, s, n);
}

static void list_next(struct vf_list *l)
{
	if (l->in_item)
		list_json(l, "}", 1);
	l->in_item = false;
	if (l->n++) {
		list_json(l, ", ", 2);
		list_text(l, "\n", 1);
	}
}

/* An item's text: control characters (a comm may hold any) as \xHH, so
 * that '\n' only ever separates items. */
static void list_item_text(struct vf_list *l, const char *s)
{
	char esc[8];

	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char)*s);
			list_text(l, esc, 4);
		} else {
			list_text(l, s, 1);
		}
	}
}

void vf_list_item(struct vf_list *l, const char *text)
{
	list_next(l);
	list_item_text(l, text);
	list_json(l, "{", 1);
	l->in_item = true;
	l->first = true;
}

static void list_key(struct vf_list *l, const char *key)
{
	struct sink k = { .buf = &l->json, .len = &l->jlen, .cap = &l->jcap, .failed = &l->failed };

	if (!l->first)
		list_json(l, ", ", 2);
	l->first = false;
	json_string(&k, key, strlen(key));
	list_json(l, ": ", 2);
}

void vf_list_u64(struct vf_list *l, const char *key, uint64_t v)
{
	char buf[24], *e = buf + sizeof(buf), *s = u64_digits(e, v);

	list_key(l, key);
	list_json(l, s, (size_t)(e - s));
}

void vf_list_str(struct vf_list *l, const char *key, const char *s)
{
	struct sink k = { .buf = &l->json, .len = &l->jlen, .cap = &l->jcap, .failed = &l->failed };

	list_key(l, key);
	if (s)
		json_string(&k, s, strlen(s));
	else
		list_json(l, "null", 4);
}

void vf_list_bool(struct vf_list *l, const char *key, bool v)
{
	list_key(l, key);
	list_json(l, v ? "true" : "false", v ? 4 : 5);
}

void vf_list_null(struct vf_list *l, const char *key)
{
	list_key(l, key);
	list_json(l, "null", 4);
}

void vf_list_num(struct vf_list *l, const char *text, uint64_t v)
{
	char buf[24], *e = buf + sizeof(buf), *s = u64_digits(e, v);

	list_next(l);
	list_item_text(l, text);
	list_json(l, s, (size_t)(e - s));
}

void vf_list_strval(struct vf_list *l, const char *s)
{
	struct sink k = { .buf = &l->json, .len = &l->jlen, .cap = &l->jcap, .failed = &l->failed };

	list_next(l);
	list_item_text(l, s);
	json_string(&k, s, strlen(s));
}

void vf_list_reset(struct vf_list *l)
{
	l->tlen = l->jlen = l->n = 0;
	l->in_item = l->first = false;
	if (l->text)
		l->text[0] = '\0';
	if (l->json)
		l->json[0] = '\0';
}

void vf_list_free(struct vf_list *l)
{
	free(l->text);
	free(l->json);
	memset(l, 0, sizeof(*l));
}

void vf_cell_list(struct vf_table *t, size_t col, struct vf_list *l)
{
	struct cellref *c;
	size_t start = t->rlen;

	if (!t->in_row || !vf_table_has(t, col))
		return;
	if (l->failed) {
		t->rfail = true;
		return;
	}
	if (!vf.json) {
		set_cell(t, col, l->text ? l->text : "", l->tlen, false);
		return;
	}
	row_put(t, "[", 1);
	row_put(t, l->json ? l->json : "", l->jlen);
	if (l->in_item)
		row_put(t, "}", 1);
	row_put(t, "]", 1);
	c = &t->cur[t->pos[col]];
	c->off = (uint32_t)start;
	c->len = (uint32_t)(t->rlen - start);
	c->json = true;
	c->set = true;
}

/* ---- printing rows ---- */

static bool is_number(const char *s, size_t n)
{
	size_t i = (n && *s == '-') ? 1 : 0;

	if (i == n || (s[i] == '0' && n > i + 1))
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void table_json_open(struct vf_table *t)
{
	if (t->json_open || t->event)
		return;
	doc_member(t->name);
	ro_c('[');
	t->json_open = true;
	json_open_table = t;
	ro_flush();
}

static void table_json_close(struct vf_table *t)
{
	if (!t->json_open || t->json_done)
		return;
	ro_s(t->emitted ? "\n   ]" : "]");
	t->json_done = true;
	if (json_open_table == t)
		json_open_table = NULL;
}

static void json_row(struct vf_table *t, const struct cellref *c, const char *data)
{
	struct sink k = { .f = stdout };
	size_t i;

	if (t->event) {
		ro_s("{\"event\": ");
		json_string(&k, t->name, strlen(t->name));
	} else {
		table_json_open(t);
		if (t->json_done)
			return; /* an error ended it */
		ro_s(t->emitted ? ",\n      {" : "\n      {");
	}
	for (i = 0; i < t->nshown; i++) {
		const struct vf_colinfo *ci = &t->cols[t->ids[i]];
		const char *s = data + c[i].off;
		size_t skip = (i || t->event) ? 0 : 2; /* ', ' */

		ro_put(t->jkey[i] + skip, t->jklen[i] - skip);
		if (!c[i].set) {
			ro_put("null", 4);
		} else if (c[i].json || (ci->type == VF_COL_NUM && is_number(s, c[i].len))) {
			ro_put(s, c[i].len);
		} else if (ci->type == VF_COL_BOOL) {
			ro_s(c[i].len && strchr("1yYtT", *s) ? "true" : "false");
		} else if (c[i].clean & CL_JSON) {
			/* nothing to escape: what json_string() writes */
			ro_c('"');
			ro_put(s, c[i].len);
			ro_c('"');
		} else {
			json_string(&k, s, c[i].len);
		}
	}
	ro_c('}');
	if (t->event)
		ro_c('\n');
	ro_flush();
	if (t->event)
		flush_stdout();
}

static void raw_line(struct vf_table *t, const struct cellref *c, const char *data)
{
	size_t i;

	for (i = 0; i < t->nshown; i++) {
		if (i)
			ro_c(' ');
		if (!c)
			text_cell(stdout, t->cols[t->ids[i]].name, strlen(t->cols[t->ids[i]].name), true,
				  false, 0);
		else if (c[i].set && (c[i].clean & CL_RAW))
			ro_put(data + c[i].off, c[i].len);
		else if (c[i].set)
			text_cell(stdout, data + c[i].off, c[i].len, true,
				  t->cols[t->ids[i]].type == VF_COL_LIST, 0);
	}
	ro_c('\n');
	ro_flush();
}

/* Item j of a list cell s[0..n) ('\n' between items): where and how long. */
static bool list_item_at(const char *s, size_t n, size_t j, const char **is, size_t *il)
{
	const char *e = s + n, *q;

	while (j--) {
		if (!(q = memchr(s, '\n', (size_t)(e - s))))
			return false;
		s = q + 1;
	}
	q = memchr(s, '\n', (size_t)(e - s));
	*is = s;
	*il = q ? (size_t)(q - s) : (size_t)(e - s);
	return true;
}

/* Lines a row takes: one, or the most items of a column wrapped one a line. */
static size_t row_lines(const struct vf_table *t, const struct cellref *c, const char *data)
{
	size_t i, k, most = 1;

	for (i = 0; c && i < t->nshown; i++) {
		const char *s = data + c[i].off;

		if (!t->wrap[i] || !c[i].set)
			continue;
		for (k = 1; (s = memchr(s, '\n', (size_t)(data + c[i].off + c[i].len - s))); s++)
			k++;
		if (k > most)
			most = k;
	}
	return most;
}

static inline void ro_pad(size_t n)
{
	if (ro_len + n <= sizeof(ro_buf)) {
		memset(ro_buf + ro_len, ' ', n);
		ro_len += n;
	} else {
		pad(stdout, n);
	}
}

/* A row when not on a terminal (nothing folded, cut or wrapped: what
 * text_line() then does), a cell known to print as is measured by its
 * length and copied once. */
static void text_line_flat(struct vf_table *t, const struct cellref *c, const char *data)
{
	size_t last = 0, i;

	for (i = 0; i < t->nshown; i++)
		if (c[i].set && c[i].len)
			last = i + 1;
	for (i = 0; i < last; i++) {
		const struct vf_colinfo *ci = &t->cols[t->ids[i]];
		const char *s = data + c[i].off;
		size_t n = c[i].set ? c[i].len : 0, w;
		bool list = ci->type == VF_COL_LIST, right = ci->flags & SCOLS_FL_RIGHT;
		bool as_is = !n || (c[i].clean & CL_TEXT);

		if (i)
			ro_c(' ');
		w = as_is ? n : text_cell(NULL, s, n, false, list, 0);
		if (w < t->width[i] && right)
			ro_pad(t->width[i] - w);
		if (as_is)
			ro_put(s, n);
		else
			text_cell(stdout, s, n, false, list, 0);
		if (w < t->width[i] && !right && i + 1 < last)
			ro_pad(t->width[i] - w);
	}
	ro_c('\n');
	ro_flush();
}

/* A row in text with the fixed widths (c NULL: the header): a wrapped
 * list one item a line, the other cells on its first line. */
static void text_line(struct vf_table *t, const struct cellref *c, const char *data)
{
	size_t lines, j, i;

	if (c && !t->term) {
		text_line_flat(t, c, data);
		return;
	}
	lines = row_lines(t, c, data);

	for (j = 0; j < lines; j++) {
		const char *cs[VF_MAX_COLS];
		size_t cn[VF_MAX_COLS], last = 0, pos;

		for (i = 0; i < t->nshown; i++) {
			const struct vf_colinfo *ci = &t->cols[t->ids[i]];

			cs[i] = "";
			cn[i] = 0;
			if (!c) {
				cs[i] = ci->name;
				cn[i] = strlen(ci->name);
			} else if (c[i].set && t->wrap[i]) {
				if (!list_item_at(data + c[i].off, c[i].len, j, &cs[i], &cn[i]))
					cs[i] = "", cn[i] = 0;
			} else if (c[i].set && !j) {
				cs[i] = data + c[i].off;
				cn[i] = c[i].len;
			}
			if (cn[i])
				last = i + 1;
		}
		for (i = 0, pos = 0; i < last; i++) {
			const struct vf_colinfo *ci = &t->cols[t->ids[i]];
			bool list = ci->type == VF_COL_LIST, right = ci->flags & SCOLS_FL_RIGHT;
			size_t w = text_cell(NULL, cs[i], cn[i], false, list, t->maxw[i]);
			size_t cw = w > t->width[i] ? w : t->width[i];

			/* what does not fit the terminal goes on a line of its
			 * own, indented: a line is folded between cells, never
			 * inside one */
			if (i && t->term && pos + 1 + (right || i + 1 < last ? cw : w) > t->term &&
			    pos > FOLD_INDENT) {
				ro_c('\n');
				pad(stdout, FOLD_INDENT);
				pos = FOLD_INDENT;
			} else if (i) {
				ro_c(' ');
				pos++;
			}
			if (w < t->width[i] && right)
				pad(stdout, t->width[i] - w);
			text_cell(stdout, cs[i], cn[i], false, list, t->maxw[i]);
			if (w < t->width[i] && !right && i + 1 < last)
				pad(stdout, t->width[i] - w);
			pos += (right || i + 1 < last) ? cw : w;
		}
		ro_c('\n');
	}
	ro_flush();
}

/* The width of a cell: joined, or its widest item when wrapped. */
static size_t cell_width(const struct vf_table *t, size_t i, const struct cellref *c, const char *data,
			 bool wrapped)
{
	const char *s = data + c->off, *is;
	size_t w = 0, j, il, iw;

	if (!c->set)
		return 0;
	if (!wrapped)
		return text_cell(NULL, s, c->len, false, t->cols[t->ids[i]].type == VF_COL_LIST, 0);
	for (j = 0; list_item_at(s, c->len, j, &is, &il); j++)
		if ((iw = text_cell(NULL, is, il, false, false, 0)) > w)
			w = iw;
	return w;
}

static size_t total_width(const struct vf_table *t)
{
	size_t total = 0, i;

	for (i = 0; i < t->nshown; i++)
		total += t->width[i] + (i ? 1 : 0);
	return total;
}

static void natural_widths(struct vf_table *t)
{
	size_t i, r, cw;

	for (i = 0; i < t->nshown; i++) {
		t->width[i] = t->noheadings ? 0 : strlen(t->cols[t->ids[i]].name);
		for (r = 0; r < t->nrows; r++)
			if ((cw = cell_width(t, i, &t->rows[r].c[i], t->rows[r].data, t->wrap[i])) > t->width[i])
				t->width[i] = cw;
	}
}

/*
 * Widths from the header and the kept rows, fitted to the terminal as
 * lsblk does: first lists (SCOLS_FL_WRAP) go one item a line, then
 * truncatable columns (SCOLS_FL_TRUNC: names, paths) give up width, and a
 * cell is cut only there.  Numbers, addresses and BDFs are never cut: if
 * they alone are wider than the terminal, the line is.  Not a terminal:
 * nothing is wrapped or cut.
 */
static void fix_widths(struct vf_table *t)
{
	size_t tw = term_width(), total, i;

	memset(t->wrap, 0, sizeof(t->wrap));
	memset(t->maxw, 0, sizeof(t->maxw));
	natural_widths(t);
	t->fixed = true;
	t->term = tw;
	if (!tw)
		return;
	if (total_width(t) > tw) {
		for (i = 0; i < t->nshown; i++)
			if (t->cols[t->ids[i]].flags & SCOLS_FL_WRAP)
				t->wrap[i] = true;
		natural_widths(t);
	}
	total = total_width(t);
	/* truncatable columns keep at most their width (the last one what
	 * is left), and give some up if the line is too long */
	for (i = t->nshown; i-- > 0;) {
		const struct vf_colinfo *ci = &t->cols[t->ids[i]];
		size_t hdr = strlen(ci->name), min = hdr > 8 ? hdr : 8, cut;

		if (!(ci->flags & SCOLS_FL_TRUNC))
			continue;
		if (total > tw && t->width[i] > min) {
			cut = total - tw < t->width[i] - min ? total - tw : t->width[i] - min;
			t->width[i] -= cut;
			total -= cut;
		}
		t->maxw[i] = t->width[i];
		if (i + 1 == t->nshown && total < tw)
			t->maxw[i] += tw - total;
	}
}

static void emit_kept(struct vf_table *t)
{
	size_t r;

	if (!t->fixed)
		fix_widths(t);
	if (!t->noheadings && t->nrows)
		text_line(t, NULL, NULL);
	for (r = 0; r < t->nrows; r++) {
		text_line(t, t->rows[r].c, t->rows[r].data);
		free(t->rows[r].c);
	}
	t->emitted += t->nrows;
	t->nrows = 0;
}

static void lose_row(struct vf_table *t, int err)
{
	if (!t->lost++)
		t->err = err;
}

static void keep_row(struct vf_table *t)
{
	struct row *rw;
	size_t csz = t->nshown * sizeof(struct cellref);

	if (t->nrows == t->rowcap) {
		size_t cap = t->rowcap ? t->rowcap * 2 : 16;
		struct row *v = realloc(t->rows, cap * sizeof(*v));

		if (!v) {
			lose_row(t, ENOMEM);
			return;
		}
		t->rows = v;
		t->rowcap = cap;
	}
	rw = &t->rows[t->nrows];
	/* one block: the cells, then their bytes */
	if (!(rw->c = malloc(csz + t->rlen + 1))) {
		lose_row(t, ENOMEM);
		return;
	}
	memcpy(rw->c, t->cur, csz);
	rw->data = (char *)rw->c + csz;
	memcpy(rw->data, t->rb ? t->rb : "", t->rlen);
	rw->data[t->rlen] = '\0';
	t->nrows++;
}

/* The current row is complete: print it or keep it. */
static void row_end(struct vf_table *t)
{
	if (!t->in_row)
		return;
	t->in_row = false;
	if (t->rfail) {
		lose_row(t, ENOMEM);
		return;
	}
	if (vf.json) {
		json_row(t, t->cur, t->rb);
		t->emitted++;
	} else if (t->raw) {
		if (!t->emitted++ && !t->noheadings)
			raw_line(t, NULL, NULL);
		raw_line(t, t->cur, t->rb);
	} else if (t->stream && t->fixed) {
		text_line(t, t->cur, t->rb);
		t->emitted++;
	} else {
		keep_row(t);
		if (t->stream && t->nrows >= BATCH)
			emit_kept(t);
	}
}

void vf_table_row(struct vf_table *t)
{
	row_end(t);
	t->in_row = true;
	t->rlen = 0;
	t->rfail = false;
	memset(t->cur, 0, t->nshown * sizeof(t->cur[0]));
}

void vf_table_flush(struct vf_table *t)
{
	row_end(t);
	if (t->stream && !vf.json && !t->raw && t->nrows)
		emit_kept(t);
	vf_flush();
}

void vf_table_event(struct vf_table *t, const char *text)
{
	if (!t->in_row)
		return;
	if (!vf.json) {
		t->in_row = false;
		fputs(text, stdout);
		fputc('\n', stdout);
		flush_stdout();
		return;
	}
	t->event = true;
	doc_lines = true;
	row_end(t);
}

void vf_table_sentence(struct vf_table *t, const char *text)
{
	if (!t->in_row)
		return;
	if (vf.json) {
		row_end(t);
		return;
	}
	t->in_row = false;
	fputs(text, stdout);
	fputc('\n', stdout);
}

int vf_table_print(struct vf_table *t)
{
	int r = 0;

	row_end(t);
	if (vf.json) {
		if (!t->event) {
			table_json_open(t);
			table_json_close(t);
		}
	} else if (!t->raw) {
		emit_kept(t);
	}
	/* a write error is vf_close_stdout()'s to report */
	if (t->lost)
		r = vf_error_errno(VF_EXIT_FAIL, t->err, "it needs more memory (ulimit -v)",
				   "%zu row%s of the table could not be kept", t->lost,
				   t->lost == 1 ? "" : "s");
	vf_table_free(t);
	return r;
}

void vf_table_free(struct vf_table *t)
{
	size_t r;

	if (!t)
		return;
	if (json_open_table == t)
		json_open_table = NULL;
	for (r = 0; r < t->nrows; r++)
		free(t->rows[r].c);
	free(t->rows);
	free(t->rb);
	free(t);
}

void vf_text(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
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
	char buf[24], *e = buf + sizeof(buf) - 2, *d;
	int u = -1;

	while (v >= 1024 && (v & 1023) == 0 && u < 5) {
		v >>= 10;
		u++;
	}
	/* no snprintf: maps-decode sizes every row */
	d = u64_digits(e, v);
	if (u >= 0)
		*e++ = units[u];
	*e = '\0';
	vf_strlcpy(out, outsz, d, (size_t)(e - d));
}

void vf_flush(void)
{
	ro_flush();
	flush_stdout();
}

int vf_close_stdout(void)
{
	ro_flush();
	if (vf.json)
		vf_output_end();
	if (fflush(stdout) && !stdout_errno)
		stdout_errno = errno ? errno : EIO;
	if (stdout_errno || ferror(stdout)) {
		int e = stdout_errno ? stdout_errno : EIO;

		if (e == EPIPE)
			return VF_EXIT_OK;
		vf.json = false; /* stdout is gone: say it on stderr */
		return vf_error_errno(VF_EXIT_FAIL, e, NULL, "writing standard output");
	}
	return VF_EXIT_OK;
}
