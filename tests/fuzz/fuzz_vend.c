// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_vend - the --serve socket's messages, as each side receives them
 * (a C string): the greeting "vfbuf-vend 1 DESC" (vf_vend_parse_hello),
 * the request "revoke" (vf_vend_parse_revoke) and the reply "ok revoked"
 * or "error WHY" (vf_vend_parse_reply).
 *
 * Properties: each parser recognises exactly its message and what it
 * returns points inside the message; a greeting or a refusal built around
 * any text gives that text back.
 */
#include "fuzz.h"
#include "parse.h"

static void check_msg(const char *s)
{
	size_t n = strlen(s);
	const size_t hn = strlen(VF_VEND_MAGIC), en = strlen(VF_VEND_REPLY_ERROR);
	const char *desc = vf_vend_parse_hello(s);
	struct vf_vend_reply rep;

	FUZZ_CHECK((desc == NULL) == (strncmp(s, VF_VEND_MAGIC, hn) != 0));
	if (desc)
		FUZZ_CHECK(desc == s + hn && fuzz_inside(s, n + 1, desc, strlen(desc) + 1));
	FUZZ_CHECK(vf_vend_parse_revoke(s) == !strcmp(s, "revoke"));

	vf_vend_parse_reply(s, &rep);
	switch (rep.kind) {
	case VF_VEND_REVOKED:
		FUZZ_CHECK(!strcmp(s, "ok revoked") && !rep.why && !rep.unsupported);
		break;
	case VF_VEND_REFUSED:
		FUZZ_CHECK(!strncmp(s, "error ", en) && rep.why == s + en);
		FUZZ_CHECK(rep.unsupported == (strstr(rep.why, "lacks it") != NULL));
		break;
	case VF_VEND_UNEXPECTED:
		FUZZ_CHECK(strcmp(s, "ok revoked") && strncmp(s, "error ", en));
		FUZZ_CHECK(!rep.why && !rep.unsupported);
		break;
	default:
		FUZZ_CHECK(!"a reply kind");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t n = strlen(s);
	char *m = malloc(n + 32);
	struct vf_vend_reply rep;

	FUZZ_CHECK(m);
	check_msg(s);

	sprintf(m, "%s%s", VF_VEND_MAGIC, s);
	FUZZ_CHECK(vf_vend_parse_hello(m) && !strcmp(vf_vend_parse_hello(m), s));
	sprintf(m, "%s%s", VF_VEND_REPLY_ERROR, s);
	vf_vend_parse_reply(m, &rep);
	FUZZ_CHECK(rep.kind == VF_VEND_REFUSED && !strcmp(rep.why, s));

	free(m);
	free(s);
	return 0;
}
