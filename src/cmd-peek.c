// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-peek.c - vfbuf peek: read a mapped dma-buf or BAR with accesses of
 * exactly the asked width: values, a hexdump, or raw bytes to a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "output.h"
#include "parse.h"
#include "source.h"
#include "wait.h"

struct opts {
	unsigned int width;
	uint64_t count;
	bool dump;
	const char *binary;
	uint64_t offset;
	bool have_offset;
	double watch; /* seconds; 0: read once */
	struct vf_source_opts src;
};

/* Values: text one a line (0x...), JSON {offset, value} numbers; the
 * hexdump: text as hexdump -C, JSON {offset, bytes: [..], ascii}. */
enum { COL_OFFSET, COL_VALUE, COL_HEX, COL_BYTES, COL_ASCII };
static const struct vf_colinfo cols[] = {
	[COL_OFFSET] = { "OFFSET", 10, SCOLS_FL_RIGHT, VF_COL_NUM, "offset in the window" },
	[COL_VALUE] = { "VALUE", 18, SCOLS_FL_RIGHT, VF_COL_NUM, "the value read" },
	[COL_HEX] = { "HEX", 49, 0, VF_COL_STR, "the bytes in hex" },
	[COL_BYTES] = { "BYTES", 16, 0, VF_COL_LIST, "the bytes" },
	[COL_ASCII] = { "ASCII", 18, 0, VF_COL_STR, "the bytes as ASCII ('.' if not printable)" },
};

#define CHUNK 65536 /* accesses per batch */

static void dump_row(struct vf_table *t, uint64_t off, const uint8_t *b, size_t n)
{
	char hex[64], ascii[20], num[24], *p = hex;
	struct vf_list bytes = { 0 };
	size_t i;

	vf_table_row(t);
	snprintf(num, sizeof(num), "%08llx", (unsigned long long)off);
	if (vf.json)
		vf_cell_u64(t, COL_OFFSET, off);
	else
		vf_cell_text_json(t, COL_OFFSET, num, NULL);
	for (i = 0; i < 16; i++) {
		if (i == 8)
			*p++ = ' ';
		if (i < n)
			p += sprintf(p, " %02x", b[i]);
		else
			p += sprintf(p, "   ");
	}
	*p++ = ' ';
	*p = '\0';
	vf_cell_str(t, COL_HEX, hex);
	if (vf_table_has(t, COL_BYTES)) {
		for (i = 0; i < n; i++) {
			snprintf(num, sizeof(num), "%02x", b[i]);
			vf_list_num(&bytes, num, b[i]);
		}
		vf_cell_list(t, COL_BYTES, &bytes);
		vf_list_free(&bytes);
	}
	ascii[0] = '|';
	for (i = 0; i < n; i++) {
		ascii[i + 1] = '.';
		if (b[i] >= 0x20 && b[i] < 0x7f)
			ascii[i + 1] = (char)b[i];
	}
	ascii[n + 1] = '|';
	ascii[n + 2] = '\0';
	if (vf.json)
		vf_cell_strn(t, COL_ASCII, ascii + 1, n);
	else
		vf_cell_str(t, COL_ASCII, ascii);
}

/* The table a round prints into: values or a hexdump, streamed. */
static struct vf_table *values_table(const struct opts *o)
{
	static const struct vf_table_opts text = { .noheadings = true };
	struct vf_table *t;

	if (o->dump)
		t = vf_table_new("dump", cols, VF_ARRAY_SIZE(cols),
				 vf.json ? "OFFSET,BYTES,ASCII" : "OFFSET,HEX,ASCII", &text);
	else
		t = vf_table_new("values", cols, VF_ARRAY_SIZE(cols), vf.json ? "OFFSET,VALUE" : "VALUE",
				 &text);
	if (t)
		vf_table_stream(t);
	return t;
}

/* Values in memory order: little-endian bytes of each access. */
static void to_bytes(const uint64_t *vals, size_t n, unsigned int width, uint8_t *out)
{
	size_t i;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the low bytes of each value are already in that order */
	if (width == 8)
		memcpy(out, vals, n * 8);
	else
		for (i = 0; i < n; i++)
			memcpy(out + i * width, &vals[i], width);
#else
	unsigned int k;

	for (i = 0; i < n; i++)
		for (k = 0; k < width; k++)
			out[i * width + k] = (uint8_t)(vals[i] >> (8 * k));
#endif
}

/* One round of reads.  t: the values table (NULL with --binary); event:
 * each value a JSON line of its own (--watch -J). */
static int run_peek(const struct opts *o, struct vf_mapping *m, struct vf_table *t, bool event)
{
	uint64_t *vals = malloc(CHUNK * sizeof(uint64_t));
	uint8_t *bytes = malloc((size_t)CHUNK * 8);
	uint64_t done = 0;
	int r = 0, bfd = -1;

	if (!vals || !bytes) {
		r = vf_error_errno(VF_EXIT_FAIL, ENOMEM, NULL, "buffers");
		goto out;
	}
	if ((r = vf_access_check(m, "peek", o->offset, o->width, o->count)))
		goto out;
	if (o->binary) {
		bfd = open(o->binary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (bfd < 0) {
			r = vf_error_errno(-1, errno, NULL, "--binary %s", o->binary);
			goto out;
		}
	}
	while (done < o->count) {
		size_t n = o->count - done > CHUNK ? CHUNK : (size_t)(o->count - done), i;
		uint64_t off = o->offset + done * o->width;

		if ((r = vf_access_read(m, "peek", off, o->width, n, vals)))
			break;
		if (bfd >= 0) {
			size_t len = n * o->width, w = 0;

			to_bytes(vals, n, o->width, bytes);
			while (w < len) {
				ssize_t k = write(bfd, bytes + w, len - w);

				if (k < 0) {
					r = vf_error_errno(VF_EXIT_FAIL, errno, NULL, "writing %s", o->binary);
					goto out;
				}
				w += (size_t)k;
			}
		} else if (o->dump) {
			to_bytes(vals, n, o->width, bytes);
			for (i = 0; i < n * o->width; i += 16) {
				dump_row(t, off + i, bytes + i, n * o->width - i < 16 ? n * o->width - i : 16);
				if (event)
					vf_table_event(t, "");
			}
		} else {
			for (i = 0; i < n; i++) {
				char text[24];

				vf_table_row(t);
				vf_cell_u64(t, COL_OFFSET, off + i * o->width);
				snprintf(text, sizeof(text), "0x%0*llx", (int)o->width * 2,
					 (unsigned long long)vals[i]);
				if (vf.json)
					vf_cell_u64(t, COL_VALUE, vals[i]);
				else
					vf_cell_str(t, COL_VALUE, text);
				if (event)
					vf_table_event(t, text);
			}
		}
		done += n;
	}
	if (!r && bfd >= 0 && vf.json) {
		struct vf_table *bt;

		/* the bytes are in the file: JSON says what was written where */
		static const struct vf_colinfo bcols[] = {
			{ "FILE", 0.3, 0, VF_COL_STR, "the file written" },
			{ "OFFSET", 10, SCOLS_FL_RIGHT, VF_COL_NUM, "offset in the window" },
			{ "WIDTH", 1, SCOLS_FL_RIGHT, VF_COL_NUM, "access width" },
			{ "BYTES", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "bytes written" },
		};

		if (!(bt = vf_table_new("binary", bcols, VF_ARRAY_SIZE(bcols), "FILE,OFFSET,WIDTH,BYTES", NULL))) {
			r = VF_EXIT_USAGE;
			goto out;
		}
		vf_table_row(bt);
		vf_cell_str(bt, 0, o->binary);
		vf_cell_u64(bt, 1, o->offset);
		vf_cell_u64(bt, 2, o->width);
		vf_cell_u64(bt, 3, o->count * o->width);
		r = vf_table_print(bt);
	}
out:
	if (bfd >= 0 && close(bfd) && !r)
		r = vf_error_errno(VF_EXIT_FAIL, errno, NULL, "closing %s", o->binary);
	free(vals);
	free(bytes);
	return r;
}

enum { OPT_WATCH = 0x300 };

static const struct argp_option options[] = {
	{ "width", 'w', "BYTES", 0, "Access width: 1, 2, 4 (default) or 8", 0 },
	{ "count", 'c', "N", 0, "Number of accesses (default 1)", 0 },
	{ "dump", 'D', NULL, 0, "Print a hexdump", 0 },
	{ "binary", 'B', "FILE", 0, "Write the raw bytes to FILE", 0 },
	{ "watch", OPT_WATCH, "SECONDS", 0,
	  "Read again every SECONDS until SIGINT, SIGTERM or SIGHUP (exit 0) or a fault (exit 3)", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		vf_args_source_inputs(state, &o->src, NULL);
		return 0;
	case 'w': o->width = vf_arg_width(state, arg); return 0;
	case 'c':
		o->count = vf_arg_u64(state, "--count", arg);
		if (!o->count)
			vf_usage_error(state, "--count 0: nothing to read");
		return 0;
	case 'D': o->dump = true; return 0;
	case 'B': o->binary = arg; return 0;
	case OPT_WATCH:
		o->watch = vf_arg_seconds(state, "--watch", arg, false);
		return 0;
	case ARGP_KEY_ARG:
		if (o->have_offset)
			vf_usage_error(state, "unexpected argument '%s'", arg);
		o->offset = vf_arg_u64(state, "OFFSET", arg);
		o->have_offset = true;
		return 0;
	case ARGP_KEY_END:
		if (!o->have_offset)
			vf_usage_error(state, "no OFFSET given");
		if (o->dump && o->binary)
			vf_usage_error(state, "--dump and --binary exclude each other");
		if (o->watch > 0 && o->binary)
			vf_usage_error(state, "--watch and --binary exclude each other");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp argp = {
	options, parse, "OFFSET",
	"Read COUNT values of WIDTH bytes at OFFSET of a dma-buf or BAR, each one volatile "
	"access of exactly that width.  A revoked buffer (SIGBUS) exits 3.",
	vf_source_children, NULL, NULL
};

/* --watch: a round of reads every o->watch seconds, until a signal (0)
 * or an error (a fault: 3). */
static int watch(const struct opts *o, struct vf_mapping *m)
{
	struct timespec ts = vf_timespec(o->watch);
	struct vf_table *t = values_table(o);
	sigset_t set, old;
	int r, sig;

	if (!t)
		return VF_EXIT_USAGE;
	vf_block_term_signals(&set, &old);
	for (;;) {
		/* JSON: each value an event line, so that a reader has whole
		 * objects while the rounds go on */
		if ((r = run_peek(o, m, t, vf.json)))
			break;
		/* each round's values are out before the wait: a log is live;
		 * a write error ends the watch, and vf_close_stdout() reports
		 * it, once (a reader gone, EPIPE: exit 0, as everywhere) */
		vf_table_flush(t);
		if (ferror(stdout))
			break;
		while ((sig = sigtimedwait(&set, NULL, &ts)) < 0 && errno == EINTR)
			;
		if (sig > 0) {
			vf_info("stopped on signal %d", sig);
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	sig = vf_table_print(t);
	return r ? r : sig;
}

static int run(int argc, char **argv)
{
	struct opts opt = { .width = 4, .count = 1, .src = VF_SOURCE_OPTS_INIT };
	struct vf_mapping m;
	int r, sig_r;

	vf_parse_args(&argp, argc, argv, 0, &opt);
	r = vf_source_map(&opt.src, true, &m);
	if (!r && opt.watch > 0)
		r = watch(&opt, &m);
	else if (!r && opt.binary)
		r = run_peek(&opt, &m, NULL, false);
	else if (!r) {
		struct vf_table *t = values_table(&opt);

		if (!t)
			r = VF_EXIT_USAGE;
		else {
			r = run_peek(&opt, &m, t, false);
			if ((sig_r = vf_table_print(t)) && !r)
				r = sig_r;
		}
	}
	vf_source_unmap(&m);
	return r;
}

const struct vf_command vf_cmd_peek = {
	"peek", "Read a dma-buf or BAR with accesses of an exact width", run
};
