// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - pure parsers (see parse.h).  No I/O, no allocation, no state.
 */
#include "parse.h"

#include "vfbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vf_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vf_digits_u64(const char *s, size_t len, unsigned int base, uint64_t *out)
{
	/* v * base + d overflows iff v > lim, or v == lim and d > rem */
	const uint64_t lim = UINT64_MAX / base, rem = UINT64_MAX % base;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int d = vf_hexval((unsigned char)s[i]);

		if (d < 0 || (unsigned int)d >= base)
			break;
		if (v > lim || (v == lim && (uint64_t)d > rem))
			return -ERANGE;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return (int)i;
}

static int parse_u64_n(const char *s, size_t len, uint64_t *out)
{
	unsigned int base = 10, shift = 0;
	uint64_t v;
	int n;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	n = vf_digits_u64(s, len, base, &v);
	if (n < 0)
		return n;
	if (n == 0)
		return -EINVAL;
	s += n;
	len -= (size_t)n;
	if (len > 0) {
		switch (*s) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: return -EINVAL;
		}
		s++;
		len--;
		if (len == 2 && s[0] == 'i' && s[1] == 'B')
			len = 0;
		if (len != 0)
			return -EINVAL;
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
		v <<= shift;
	}
	*out = v;
	return 0;
}

int vf_parse_u64(const char *s, uint64_t *out)
{
	if (!s)
		return -EINVAL;
	return parse_u64_n(s, strlen(s), out);
}

int vf_parse_range(const char *s, uint64_t *off, uint64_t *len)
{
	const char *colon;
	int r;

	if (!s || !(colon = strchr(s, ':')) || strchr(colon + 1, ':'))
		return -EINVAL;
	r = parse_u64_n(s, (size_t)(colon - s), off);
	if (r)
		return r;
	return parse_u64_n(colon + 1, strlen(colon + 1), len);
}

/* maps fields: hex number, at least one digit, at most 16. */
static size_t take_hex(const char *s, size_t len, uint64_t *out)
{
	/* hex digit values plus 1 (0: not a digit), for a one-pass loop:
	 * maps-decode parses every line of its input */
	static const unsigned char hex1[256] = {
		['0'] = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
		['A'] = 11, 12, 13, 14, 15, 16,
		['a'] = 11, 12, 13, 14, 15, 16,
	};
	const size_t max = len < 17 ? len : 17;
	uint64_t v = 0;
	size_t n;
	unsigned int d;

	/* cppcheck-suppress knownConditionTrueFalse ; value-flow false positive: the maps tests take both ways */
	for (n = 0; n < max && (d = hex1[(unsigned char)s[n]]) != 0; n++)
		v = v << 4 | (d - 1); /* the 17th digit fails below */
	if (n == 0 || n > 16)
		return 0;
	*out = v;
	return n;
}

bool vf_vfio_cdev_name(const char *s, size_t len)
{
	uint64_t n;

	if (len > 8 && memcmp(s, "noiommu-", 8) == 0) {
		s += 8;
		len -= 8;
	}
	/* at most 11 digits, as before: they always fit 64 bits */
	return len > 4 && len < 4 + 12 && memcmp(s, "vfio", 4) == 0 &&
	       vf_digits_u64(s + 4, len - 4, 10, &n) == (int)(len - 4);
}

int vf_parse_majmin(const char *s, unsigned int *maj, unsigned int *min)
{
	unsigned long a, b;
	char *colon, *end;

	errno = 0;
	a = strtoul(s, &colon, 10);
	if (errno || colon == s || *colon != ':' || a > UINT_MAX)
		return -1;
	b = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || (*end && *end != '\n') || b > UINT_MAX)
		return -1;
	*maj = (unsigned int)a;
	*min = (unsigned int)b;
	return 0;
}

int vf_parse_maps_line(const char *line, size_t len, struct vf_maps_line *out)
{
	const char *p = line, *end;
	uint64_t v;
	size_t n;
	int i, dn;

	memset(out, 0, sizeof(*out));
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	end = line + len;

#define NEED(c) do { if (p >= end || *p != (c)) return -1; p++; } while (0)
	if (!(n = take_hex(p, (size_t)(end - p), &out->start)))
		return -1;
	p += n;
	NEED('-');
	if (!(n = take_hex(p, (size_t)(end - p), &out->end)))
		return -1;
	p += n;
	if (out->end < out->start)
		return -1;
	NEED(' ');
	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		static const char allowed[4][3] = { "r-", "w-", "x-", "sp" };
		if (p[i] != allowed[i][0] && p[i] != allowed[i][1])
			return -1;
		out->perms[i] = p[i];
	}
	out->perms[4] = '\0';
	p += 4;
	NEED(' ');
	if (!(n = take_hex(p, (size_t)(end - p), &out->offset)))
		return -1;
	p += n;
	NEED(' ');
	if (!(n = take_hex(p, (size_t)(end - p), &v)) || v > 0xfffff)
		return -1;
	out->dev_major = (unsigned int)v;
	p += n;
	NEED(':');
	if (!(n = take_hex(p, (size_t)(end - p), &v)) || v > 0xfffff)
		return -1;
	out->dev_minor = (unsigned int)v;
	p += n;
	NEED(' ');
	dn = vf_digits_u64(p, (size_t)(end - p), 10, &out->inode);
	if (dn <= 0)
		return -1;
	p += dn;
#undef NEED
	if (p < end && *p != ' ')
		return -1;
	/* the padding */
	/* cppcheck-suppress knownConditionTrueFalse ; value-flow false positive: the maps tests take both ways */
	while (end - p >= 8 && !memcmp(p, "        ", 8))
		p += 8;
	while (p < end && *p == ' ')
		p++;
	out->path = p;
	out->path_len = (size_t)(end - p);
	{
		static const char del[] = " (deleted)";
		const size_t dl = sizeof(del) - 1;

		/* cppcheck-suppress knownConditionTrueFalse ; value-flow false positive: the maps tests take both ways */
		if (out->path_len > dl &&
		    !memcmp(out->path + out->path_len - dl, del, dl)) {
			out->path_len -= dl;
			out->deleted = true;
		}
	}
	return 0;
}

/* Fixed-width hex field of exactly w digits. */
static int hex_fixed(const char *s, size_t w, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	for (i = 0; i < w; i++) {
		int d = vf_hexval((unsigned char)s[i]);

		if (d < 0)
			return -1;
		v = v * 16 + (unsigned int)d;
	}
	*out = v;
	return 0;
}

size_t vf_scan_bdf(const char *s, size_t len, struct vf_bdf *out)
{
	struct vf_bdf b;
	size_t dl = 0, n;

	/* DOMAIN: 4 to 8 hex digits, no leading zero beyond 4 (the kernel's
	 * "%04x"), then ":BB:DD.F" */
	while (dl < len && dl < 9 && vf_hexval((unsigned char)s[dl]) >= 0)
		dl++;
	if (dl < 4 || dl > 8 || (dl > 4 && s[0] == '0'))
		return 0;
	n = dl + 8;
	if (len < n || s[dl] != ':' || s[dl + 3] != ':' || s[dl + 6] != '.')
		return 0;
	if (hex_fixed(s, dl, &b.domain) || hex_fixed(s + dl + 1, 2, &b.bus) ||
	    hex_fixed(s + dl + 4, 2, &b.dev) || hex_fixed(s + dl + 7, 1, &b.fn))
		return 0;
	if (b.dev > 0x1f || b.fn > 7)
		return 0;
	*out = b;
	return n;
}

int vf_parse_bdf(const char *s, size_t len, struct vf_bdf *out)
{
	return len >= VF_BDF_MIN && vf_scan_bdf(s, len, out) == len ? 0 : -1;
}

/* "%04x:%02x:%02x.%x" without snprintf: maps-decode formats one a row */
void vf_format_bdf(const struct vf_bdf *b, char out[VF_BDF_LEN])
{
	static const char hx[] = "0123456789abcdef";
	unsigned int d = b->domain, bus = b->bus & 0xff, dev = b->dev & 0x1f;
	size_t n = 4, i;

	while (n < 8 && d >> (4 * n))
		n++;
	for (i = 0; i < n; i++)
		out[i] = hx[(d >> (4 * (n - 1 - i))) & 15];
	out[n] = ':';
	out[n + 1] = hx[bus >> 4];
	out[n + 2] = hx[bus & 15];
	out[n + 3] = ':';
	out[n + 4] = hx[dev >> 4];
	out[n + 5] = hx[dev & 15];
	out[n + 6] = '.';
	out[n + 7] = hx[b->fn & 7];
	out[n + 8] = '\0';
}

#define DMABUF_NAME_MAX (32 - 1) /* DMA_BUF_NAME_LEN less the NUL */

/* Decode "BDF" then an optional tail.  Returns characters used by the BDF
 * (12 to 16) or 0 when the BDF is cut short or malformed. */
static size_t take_bdf(const char *s, size_t len, struct vf_name_ref *out)
{
	size_t n = vf_scan_bdf(s, len, &out->bdf);

	out->has_bdf = n != 0;
	return n;
}

static enum vf_name_kind decode_name(const char *name, size_t len, struct vf_name_ref *out);

enum vf_name_kind vf_decode_dmabuf_name(const char *name, size_t len,
					struct vf_name_ref *out)
{
	if (decode_name(name, len, out) == VF_NAME_OTHER)
		memset(out, 0, sizeof(*out));
	return out->kind;
}

static enum vf_name_kind decode_name(const char *name, size_t len, struct vf_name_ref *out)
{
	const bool at_limit = len >= DMABUF_NAME_MAX;
	const char *p = name, *end = name + len;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (len >= 5 && !memcmp(name, "vfio:", 5)) {
		/* vfbuf's own: vfio:BDF:barN */
		p += 5;
		if (!(n = take_bdf(p, (size_t)(end - p), out)))
			goto partial;
		p += n;
		if (end - p < 5 || memcmp(p, ":bar", 4) != 0)
			goto partial;
		p += 4;
		if (end - p != 1 || *p < '0' || *p > '5')
			goto partial;
		out->bar = (unsigned int)(*p - '0');
		out->has_bar = true;
		out->kind = VF_NAME_VFBUF;
		return out->kind;
	}
	if (len >= 5 && !memcmp(name, "vfio", 4) && p[4] >= '0' && p[4] <= '9') {
		/* the series: vfioN:BDF/BAR (the /BAR part optional) */
		const char *colon = memchr(p, ':', len);
		size_t vl;
		uint64_t bar;
		int dn;

		if (!colon) {
			if (!at_limit)
				return VF_NAME_OTHER;
			colon = end;
		}
		vl = (size_t)(colon - p);
		for (n = 4; n < vl; n++)
			if (p[n] < '0' || p[n] > '9')
				return VF_NAME_OTHER;
		if (vl < sizeof(out->vfio)) {
			memcpy(out->vfio, p, vl);
			out->vfio[vl] = '\0';
			out->has_vfio = true;
		}
		out->kind = VF_NAME_SERIES;
		if (colon == end) {
			out->truncated = true;
			return out->kind;
		}
		p = colon + 1;
		if (!(n = take_bdf(p, (size_t)(end - p), out))) {
			if (!at_limit)
				return out->kind = VF_NAME_OTHER;
			out->truncated = true;
			return out->kind;
		}
		p += n;
		if (p == end) {
			/* no "/BAR": the form one review mail showed, or cut */
			out->truncated = at_limit;
			return out->kind;
		}
		if (*p != '/')
			return out->kind = VF_NAME_OTHER;
		p++;
		dn = vf_digits_u64(p, (size_t)(end - p), 16, &bar);
		if (dn <= 0) {
			if (p == end && at_limit) {
				out->truncated = true;
				return out->kind;
			}
			return out->kind = VF_NAME_OTHER;
		}
		if (p + dn != end || bar > 5)
			return out->kind = VF_NAME_OTHER;
		out->bar = (unsigned int)bar;
		out->has_bar = true;
		return out->kind;
	}
	return VF_NAME_OTHER;

partial:
	/* a vfbuf name cut short: keep what decoded only at the length limit */
	if (at_limit) {
		out->kind = VF_NAME_VFBUF;
		out->truncated = true;
		return out->kind;
	}
	memset(out, 0, sizeof(*out));
	return VF_NAME_OTHER;
}

int vf_format_export_name(char *out, size_t outsz, const struct vf_bdf *b,
			  unsigned int bar)
{
	char bdf[VF_BDF_LEN];
	int n;

	vf_format_bdf(b, bdf);
	n = snprintf(out, outsz, "vfio:%s:bar%u", bdf, bar);
	return (n < 0 || (size_t)n >= outsz || n > DMABUF_NAME_MAX) ? -1 : 0;
}

void vf_parse_fdinfo(const char *text, size_t len, struct vf_fdinfo *out)
{
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));

		if (colon) {
			size_t kl = (size_t)(colon - p);
			const char *v = colon + 1;
			size_t vl;
			uint64_t num;
			int dn;

			while (v < le && (*v == '\t' || *v == ' '))
				v++;
			vl = (size_t)(le - v);
#define KEY(k) (kl == sizeof(k) - 1 && !memcmp(p, k, kl))
			if (KEY("flags")) {
				dn = vf_digits_u64(v, vl, 8, &num);
				if (dn > 0 && num <= 0xffffffffu) {
					out->flags = (unsigned int)num;
					out->has_flags = true;
				}
			} else if (KEY("ino")) {
				dn = vf_digits_u64(v, vl, 10, &out->ino);
				out->has_ino = dn > 0;
			} else if (KEY("size")) {
				dn = vf_digits_u64(v, vl, 10, &out->size);
				out->has_size = dn > 0;
			} else if (KEY("count")) {
				dn = vf_digits_u64(v, vl, 10, &out->count);
				out->has_count = dn > 0;
			} else if (KEY("exp_name")) {
				vf_strlcpy(out->exp_name, sizeof(out->exp_name), v, vl);
				out->is_dmabuf = true;
			} else if (KEY("name")) {
				vf_strlcpy(out->name, sizeof(out->name), v, vl);
			} else if (KEY("vfio-device-syspath")) {
				vf_strlcpy(out->syspath, sizeof(out->syspath), v, vl);
				out->is_vfio_device = true;
			}
#undef KEY
		}
		p = nl ? nl + 1 : end;
	}
}

int vf_bdf_from_syspath(const char *path, struct vf_bdf *out)
{
	size_t len = strlen(path), start;

	while (len > 0 && path[len - 1] == '/')
		len--;
	/* the last component */
	for (start = len; start > 0 && path[start - 1] != '/'; start--)
		;
	return vf_parse_bdf(path + start, len - start, out);
}
