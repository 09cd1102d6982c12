// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_args - the whole command line: vfbuf's real main() (built as
 * vfbuf_main) and each command's real argp parsing, stopped after the
 * command's arguments are parsed, before it touches anything.
 *
 * The input is the arguments, separated by NUL bytes; argv is
 * "vfbuf --sysroot FIXTURE ARGS...".  Through vf_args_hooks (cmd.h):
 *  - argp runs with ARGP_NO_EXIT on a copy of the command's argp tree whose
 *    parsers are trampolines: a usage error (vf_usage_error, which would
 *    exit) longjmps back to the innermost trampoline, which returns EINVAL
 *    to argp, so argp_parse() ends normally and frees what it allocated;
 *  - after a parse: a failed one stops the run; the first successful one
 *    is main's and the run goes on (dispatch, --version), the second is
 *    the command's and the run stops there.  A run also stops after main's
 *    parse if --sysroot moved away from the fixture, so --version -v never
 *    reads the host's sysfs.
 * Commands parse into their own options structs (argp's input), so the
 * only state a run leaves is the settings global vf (vfbuf.h): it is reset
 * before each run, and each input starts from the state a fresh process
 * has.
 *
 * Properties: no crash, leak or undefined behaviour while parsing; every
 * run ends (no exit()).
 */
#include <argp.h>
#include <setjmp.h>

#include "cmd.h"
#include "fuzz.h"
#include "output.h"

int vfbuf_main(int argc, char **argv); /* src/main.c, built with -Dmain=vfbuf_main */

/* ---- argp through trampolines ---- */

struct node {
	const struct argp *orig;
	void *input; /* what the parser's parent gave it */
	struct argp copy;
	struct argp_child *children; /* the copy's, pointing at copies */
	struct node **kids;
	size_t nkids;
};

static jmp_buf *inner; /* the innermost parser call running */
static jmp_buf top;    /* the end of the run */
static int parses;     /* successful vf_parse_args() calls in this run */

static error_t trampoline(int key, char *arg, struct argp_state *state)
{
	struct node *n = state->input;
	jmp_buf env, *outer = inner;
	error_t r;
	size_t i;

	if (!n->orig->parser) {
		/* as argp does for a parser-less argp: its input goes to its
		 * first child */
		if (key == ARGP_KEY_INIT && n->nkids)
			state->child_inputs[0] = n->input;
		r = ARGP_ERR_UNKNOWN;
		goto wrap;
	}
	if (setjmp(env)) {
		inner = outer;
		state->input = n;
		return EINVAL; /* a usage error: argp stops and cleans up */
	}
	inner = &env;
	/* the parser sees its own input, and at ARGP_KEY_INIT gives its
	 * children theirs: each child's node keeps it */
	state->input = n->input;
	r = n->orig->parser(key, arg, state);
	state->input = n;
	inner = outer;
wrap:
	if (key == ARGP_KEY_INIT)
		for (i = 0; i < n->nkids; i++) {
			n->kids[i]->input = state->child_inputs[i];
			state->child_inputs[i] = n->kids[i];
		}
	return r;
}

static struct node *copy_tree(const struct argp *a)
{
	struct node *n = calloc(1, sizeof(*n));
	size_t i, k = 0;

	FUZZ_CHECK(n);
	n->orig = a;
	n->copy = *a;
	n->copy.parser = trampoline;
	while (a->children && a->children[k].argp)
		k++;
	if (k) {
		n->children = calloc(k + 1, sizeof(*n->children));
		n->kids = calloc(k, sizeof(*n->kids));
		FUZZ_CHECK(n->children && n->kids);
		for (i = 0; i < k; i++) {
			n->kids[i] = copy_tree(a->children[i].argp);
			n->children[i] = a->children[i];
			n->children[i].argp = &n->kids[i]->copy;
		}
		n->nkids = k;
		n->copy.children = n->children;
	}
	return n;
}

static void free_tree(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		free_tree(n->kids[i]);
	free(n->kids);
	free(n->children);
	free(n);
}

static error_t hook_parse(const struct argp *argp, int argc, char **argv, unsigned int flags,
			  int *arg_index, void *input)
{
	struct node *root = copy_tree(argp);
	error_t r;

	root->input = input; /* the trampolines use argp's input: the nodes */
	r = argp_parse(&root->copy, argc, argv, flags | ARGP_NO_EXIT, arg_index, root);
	free_tree(root);
	return r;
}

static void hook_done(int status)
{
	if (status)
		longjmp(inner ? *inner : top, 1);
	if (++parses >= 2 || strcmp(vf.sysroot, FUZZ_SYSROOT))
		longjmp(top, 1);
}

static const struct vf_args_hooks hooks = { hook_parse, hook_done };

/* ---- the run ---- */

static FILE *std_out, *std_err;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	std_out = stdout;
	std_err = stderr;
	return 0;
}

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const head[] = { "vfbuf", "--sysroot", FUZZ_SYSROOT };
	char *argv[3 + MAX_ARGS + 1], *own[3 + MAX_ARGS];
	int argc = 0, nown = 0, i;
	size_t pos = 0;

	for (i = 0; i < 3; i++)
		argv[argc++] = own[nown++] = strdup(head[i]);
	while (pos < size) {
		const uint8_t *nul = memchr(data + pos, 0, size - pos);
		size_t len = nul ? (size_t)(nul - (data + pos)) : size - pos;

		if (argc == 3 + MAX_ARGS)
			goto out; /* more arguments than a test needs */
		argv[argc] = own[nown++] = fuzz_cstr(data + pos, len);
		argc++;
		pos += len + 1;
	}
	argv[argc] = NULL;

	vf = (struct vf_settings)VF_SETTINGS_INIT;
	parses = 0;
	inner = NULL;
	vf_args_hooks = &hooks;
	if (!setjmp(top))
		vfbuf_main(argc, argv);
	vf_args_hooks = NULL;
	FUZZ_CHECK(inner == NULL);
	stdout = std_out;
	stderr = std_err;
	fflush(stdout);
out:
	for (i = 0; i < nown; i++)
		free(own[i]);
	return 0;
}
