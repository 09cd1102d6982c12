// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_vend - the --serve socket's messages, as each side receives them
 * (a C string): the greeting "vfbuf-vend 1 DESC" (vf_vend_parse_hello),
 * the request "revoke" (vf_vend_parse_revoke), the reply "ok revoked" or
 * "error CODE WHY" (vf_vend_parse_reply), and DESC (vf_vend_parse_desc).
 *
 * Properties: each parser recognises exactly its message and what it
 * returns points inside the message; a greeting or a refusal built around
 * any text gives that text back, a refusal its code; a description parsed,
 * formatted and parsed again gives the same fields.
 */
#include "fuzz.h"
#include "vendproto.h"
#include "vfbuf.h"

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
		FUZZ_CHECK(!strcmp(s, "ok revoked") && !rep.why && !rep.code);
		break;
	case VF_VEND_REFUSED:
		FUZZ_CHECK(!strncmp(s, "error ", en) && fuzz_inside(s, n + 1, rep.why, strlen(rep.why) + 1));
		FUZZ_CHECK(rep.code >= 1 && rep.code <= 255);
		FUZZ_CHECK(rep.why == s + en || (rep.why[-1] == ' ' && rep.why > s + en + 1));
		break;
	case VF_VEND_UNEXPECTED:
		FUZZ_CHECK(strcmp(s, "ok revoked") && strncmp(s, "error ", en));
		FUZZ_CHECK(!rep.why && !rep.code);
		break;
	default:
		FUZZ_CHECK(!"a reply kind");
	}
}

/* parse, format, parse: the same fields */
static void check_desc(const char *s)
{
	struct vf_vend_desc a, b;
	char text[4096];

	vf_vend_parse_desc(s, &a);
	FUZZ_CHECK(a.rdonly >= -1 && a.rdonly <= 1 && a.wc >= -1 && a.wc <= 1 && a.bar <= 5);
	/* the formatter writes every field: give the absent ones values */
	if (a.rdonly < 0)
		a.rdonly = 0;
	if (a.wc < 0)
		a.wc = 0;
	a.has_size = a.has_inode = a.has_bar = true;
	if (strchr(a.device, ' ') || strchr(a.ranges, ' ') || strchr(a.name, ' ') || !*a.device ||
	    !*a.ranges || !*a.name)
		return; /* a value with a space is not one word again */
	vf_vend_format_desc(&a, text, sizeof(text));
	vf_vend_parse_desc(text, &b);
	FUZZ_CHECK(b.has_size && b.size == a.size && b.has_inode && b.inode == a.inode);
	FUZZ_CHECK(b.has_bar && b.bar == a.bar && b.rdonly == a.rdonly && b.wc == a.wc);
	FUZZ_CHECK(!strcmp(b.device, a.device) && !strcmp(b.ranges, a.ranges) &&
		   !strcmp(b.name, a.name));
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
	vf_vend_format_refusal(m, n + 32, 69, s);
	vf_vend_parse_reply(m, &rep);
	FUZZ_CHECK(rep.kind == VF_VEND_REFUSED && rep.code == 69 && !strcmp(rep.why, s));
	check_desc(s);

	free(m);
	free(s);
	return 0;
}
