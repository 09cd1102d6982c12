// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-poke.c - vfbuf poke: write exactly the given accesses to a mapped
 * dma-buf or BAR; no read before writing, a read-back only with --verify.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "output.h"
#include "parse.h"
#include "source.h"

struct opts {
	unsigned int width;
	bool verify;
	uint64_t offset;
	char **values;
	int nvalues;
	struct vf_source_opts src;
};

static const struct argp_option options[] = {
	{ "width", 'w', "BYTES", 0, "Access width: 1, 2, 4 (default) or 8", 0 },
	{ "verify", 'V', NULL, 0, "Read each value back after writing it; fail on a difference", 0 },
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
	case 'V': o->verify = true; return 0;
	case ARGP_KEY_ARGS:
		o->values = state->argv + state->next;
		o->nvalues = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (o->nvalues < 2)
			vf_usage_error(state, "need OFFSET and at least one VALUE");
		/* numbers are usage errors, worded as every number option's */
		o->offset = vf_arg_u64(state, "OFFSET", o->values[0]);
		for (int i = 1; i < o->nvalues; i++)
			vf_arg_u64(state, "VALUE", o->values[i]);
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp argp = {
	options, parse, "OFFSET VALUE...",
	"Write VALUEs of WIDTH bytes from OFFSET of a dma-buf or BAR, one volatile access "
	"each, in order.  A revoked buffer (SIGBUS) exits 3.",
	vf_source_children, NULL, NULL
};

static int run(int argc, char **argv)
{
	struct opts opt = { .width = 4, .src = VF_SOURCE_OPTS_INIT };
	struct vf_mapping m;
	uint64_t off, *vals = NULL, *back = NULL;
	size_t n, i;
	int r;

	opt.src.write = true;
	vf_parse_args(&argp, argc, argv, 0, &opt);
	/* everything is checked before the device is touched (the numbers
	 * parse: the argp parser checked them) */
	off = opt.offset;
	n = (size_t)opt.nvalues - 1;
	vals = calloc(n, sizeof(*vals));
	back = calloc(n, sizeof(*back));
	if (!vals || !back) {
		free(vals);
		free(back);
		return vf_error_errno(VF_EXIT_FAIL, ENOMEM, NULL, "values");
	}
	for (i = 0; i < n; i++) {
		const char *s = opt.values[i + 1];

		vf_parse_u64(s, &vals[i]);
		if (opt.width < 8 && vals[i] >> (8 * opt.width)) {
			free(vals);
			free(back);
			return vf_error(VF_EXIT_USAGE, NULL, "too wide for the access", "VALUE '%s' (width %u)",
					s, opt.width);
		}
	}
	r = vf_source_map(&opt.src, true, &m);
	if (!r)
		r = vf_access_check(&m, "poke", off, opt.width, n);
	if (!r)
		r = vf_access_write(&m, "poke", off, opt.width, n, vals, opt.verify ? back : NULL);
	for (i = 0; !r && opt.verify && i < n; i++)
		if (back[i] != vals[i])
			r = vf_error(VF_EXIT_FAIL, NULL, "the value read back differs",
				     "poke 0x%llx: wrote 0x%0*llx, read 0x%0*llx",
				     (unsigned long long)(off + i * opt.width), (int)opt.width * 2,
				     (unsigned long long)vals[i], (int)opt.width * 2,
				     (unsigned long long)back[i]);
	vf_source_unmap(&m);
	free(vals);
	free(back);
	return r;
}

const struct vf_command vf_cmd_poke = {
	"poke", "Write exact-width values to a dma-buf or BAR", run
};
