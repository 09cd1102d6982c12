// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vendproto.c - the vending socket's messages (see vendproto.h).
 */
#include "vendproto.h"

#include <stdio.h>
#include <string.h>

#include "vfbuf.h"

void vf_vend_format_desc(const struct vf_vend_desc *d, char *out, size_t sz)
{
	snprintf(out, sz, "size=%llu inode=%llu device=%s bar=%u ranges=%s name=%s access=%s wc=%d",
		 (unsigned long long)d->size, (unsigned long long)d->inode, d->device, d->bar,
		 d->ranges, d->name, d->rdonly == 1 ? "ro" : "rw", d->wc == 1 ? 1 : 0);
}

/* A decimal number of exactly len characters, up to max. */
static bool decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || v > max / 10 || (v == max / 10 && d > max % 10))
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool key_is(const char *k, size_t klen, const char *want)
{
	return klen == strlen(want) && !memcmp(k, want, klen);
}

void vf_vend_parse_desc(const char *s, struct vf_vend_desc *out)
{
	const struct vf_vend_desc init = VF_VEND_DESC_INIT;

	*out = init;
	while (*s) {
		size_t wlen = strcspn(s, " "), klen;
		const char *eq = memchr(s, '=', wlen), *v;
		size_t vlen;
		uint64_t n;

		if (eq) {
			klen = (size_t)(eq - s);
			v = eq + 1;
			vlen = wlen - klen - 1;
			if (key_is(s, klen, "size"))
				out->has_size = decimal(v, vlen, UINT64_MAX, &out->size);
			else if (key_is(s, klen, "inode"))
				out->has_inode = decimal(v, vlen, UINT64_MAX, &out->inode);
			else if (key_is(s, klen, "device"))
				vf_strlcpy(out->device, sizeof(out->device), v, vlen);
			else if (key_is(s, klen, "bar") && decimal(v, vlen, 5, &n)) {
				out->has_bar = true;
				out->bar = (unsigned int)n;
			} else if (key_is(s, klen, "ranges"))
				vf_strlcpy(out->ranges, sizeof(out->ranges), v, vlen);
			else if (key_is(s, klen, "name"))
				vf_strlcpy(out->name, sizeof(out->name), v, vlen);
			else if (key_is(s, klen, "access") && (key_is(v, vlen, "ro") || key_is(v, vlen, "rw")))
				out->rdonly = v[1] == 'o';
			else if (key_is(s, klen, "wc") && (key_is(v, vlen, "0") || key_is(v, vlen, "1")))
				out->wc = v[0] - '0';
		}
		s += wlen;
		while (*s == ' ')
			s++;
	}
}

const char *vf_vend_parse_hello(const char *msg)
{
	const size_t n = sizeof(VF_VEND_MAGIC) - 1;

	return strncmp(msg, VF_VEND_MAGIC, n) ? NULL : msg + n;
}

bool vf_vend_parse_revoke(const char *msg)
{
	return !strcmp(msg, VF_VEND_REQ_REVOKE);
}

void vf_vend_parse_reply(const char *msg, struct vf_vend_reply *out)
{
	const size_t n = sizeof(VF_VEND_REPLY_ERROR) - 1;
	uint64_t code;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!strcmp(msg, VF_VEND_REPLY_OK)) {
		out->kind = VF_VEND_REVOKED;
	} else if (!strncmp(msg, VF_VEND_REPLY_ERROR, n)) {
		out->kind = VF_VEND_REFUSED;
		out->why = msg + n;
		out->code = VF_EXIT_FAIL;
		len = strspn(out->why, "0123456789");
		/* an exit status, 1 to 255, then a space; else all of it is WHY */
		if (out->why[len] == ' ' && decimal(out->why, len, 255, &code) && code) {
			out->code = (int)code;
			out->why += len + 1;
		}
	}
}

void vf_vend_format_refusal(char *out, size_t sz, int code, const char *why)
{
	snprintf(out, sz, "%s%d %s", VF_VEND_REPLY_ERROR, code, why);
}

char *vf_printable(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}
