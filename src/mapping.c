// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mapping.c - decode a maps line in VFIO terms (see mapping.h).
 */
#include "mapping.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "procfs.h"
#include "vfbuf.h"

/* The PCI device behind /dev/vfio/devices/vfioN, from sysfs. */
static bool cdev_device(const char *vfio, struct vf_bdf *b)
{
	char p[PATH_MAX], link[PATH_MAX];

	return !vf_path(p, sizeof(p), "/sys/class/vfio-dev/%s/device", vfio) &&
	       vf_readlink(p, link, sizeof(link)) > 0 && !vf_bdf_from_syspath(link, b);
}

/* The kernel names VFIO device cdevs vfio%d: anything else after
 * "/dev/vfio/devices/vfio" is some other file (and no sysfs name). */
static bool all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool vf_decode_mapping(struct vf_decode_ctx *ctx, const struct vf_maps_line *m,
		       struct vf_decoded *out)
{
	static const char anon[] = "anon_inode:[vfio-device]";
	static const char cdev[] = "/dev/vfio/devices/vfio";
	struct vf_name_ref ref;

	memset(out, 0, sizeof(*out));
	out->name = m->path;
	out->name_len = m->path_len;
	/* a dma-buf's file lives on the kernel's dma-buf pseudo file system,
	 * an anonymous one (device major 0): a file on a disk that is named
	 * /dmabuf:... is not one */
	if (m->path_len >= 8 && !memcmp(m->path, "/dmabuf:", 8) && m->dev_major == 0) {
		out->name += 8;
		out->name_len -= 8;
		out->kind = "dmabuf";
		switch (vf_decode_dmabuf_name(out->name, out->name_len, &ref)) {
		case VF_NAME_SERIES:
			/* the offset column keeps index << 40 */
			out->kind = "dmabuf-bar";
			out->has_bar = true;
			out->bar = ref.has_bar ? ref.bar : (unsigned int)(m->offset >> VF_OFFSET_SHIFT);
			out->has_baroff = true;
			out->baroff = m->offset & VF_OFFSET_MASK;
			break;
		case VF_NAME_VFBUF:
			out->has_bar = ref.has_bar;
			out->bar = ref.bar;
			break;
		default:
			break;
		}
		out->has_bdf = ref.has_bdf;
		out->bdf = ref.bdf;
		if (ref.has_vfio)
			snprintf(out->vfio, sizeof(out->vfio), "%s", ref.vfio);
		return true;
	}
	if (m->path_len == sizeof(anon) - 1 && !memcmp(m->path, anon, m->path_len)) {
		out->kind = "vfio-bar";
		if (ctx->pid && ctx->vfio_devs < 0)
			ctx->vfio_devs = vf_proc_vfio_devices(ctx->pid, ctx->devs, 2);
		/* the anon inode is shared: only a process with one device tells */
		if (ctx->vfio_devs == 1) {
			out->bdf = ctx->devs[0].bdf;
			out->has_bdf = true;
		}
	} else if (m->path_len > sizeof(cdev) - 1 && m->path_len < sizeof(cdev) - 1 + 12 &&
		   !memcmp(m->path, cdev, sizeof(cdev) - 1) &&
		   all_digits(m->path + sizeof(cdev) - 1, m->path_len - (sizeof(cdev) - 1))) {
		out->kind = "vfio-bar";
		vf_strlcpy(out->vfio, sizeof(out->vfio), m->path + 18, m->path_len - 18);
		out->has_bdf = cdev_device(out->vfio, &out->bdf);
	} else {
		out->kind = "other";
		return false;
	}
	out->has_bar = true;
	out->bar = (unsigned int)(m->offset >> VF_OFFSET_SHIFT);
	out->has_baroff = true;
	out->baroff = m->offset & VF_OFFSET_MASK;
	return true;
}

/* 1: a lower-case hex digit or a decimal digit (2), 0 otherwise */
static const unsigned char cls[256] = {
	['0'] = 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	['a'] = 1, 1, 1, 1, 1, 1,
};

/* A run of lower-case hex digits at s: its length (0: none, or one that
 * take_hex() would read differently: upper case, or longer than 16). */
static inline __attribute__((always_inline)) size_t hex_run(const unsigned char *s,
								 const unsigned char *e)
{
	const unsigned char *p = s;

	while (p < e && (cls[*p] & 1))
		p++;
	if (p < e && ((*p >= 'A' && *p <= 'F') || (size_t)(p - s) > 16))
		return 0;
	return (size_t)(p - s);
}

/* a < b, both n lower-case hex digits: as strings ('0' < '9' < 'a') */
static inline bool less(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i];
	return false;
}

/* 8 bytes at s all lower-case hex digits (SWAR: per byte, no carries
 * between bytes once every byte is below 0x80) */
static inline bool hex8(const unsigned char *s)
{
	const uint64_t h = 0x8080808080808080ULL, one = 0x0101010101010101ULL;
	uint64_t x, digit, af;

	memcpy(&x, s, 8);
	if (x & h)
		return false;
	digit = ((x + one * (0x80 - '0')) & ~(x + one * (0x7f - '9'))) & h;
	af = ((x + one * (0x80 - 'a')) & ~(x + one * (0x7f - 'f'))) & h;
	return (digit | af) == h;
}

static inline uint64_t be64(const unsigned char *s)
{
	uint64_t x;

	memcpy(&x, s, 8);
	return __builtin_bswap64(x);
}

static bool path_plain(const unsigned char *p, const unsigned char *e);

/* The common layout, fixed positions, 64-bit addresses of 12 digits:
 * "7f0000000000-7f0000001000 r--p 00000000 fe:01 300000 ...".
 * 1: plain; 0: not this layout, or unsure (the general check decides). */
static int plain_fixed(const unsigned char *p, const unsigned char *e)
{
	const unsigned char *q;
	size_t i;

	if (e - p < 47 || p[12] != '-' || p[25] != ' ' || p[30] != ' ' || p[39] != ' ' ||
	    p[42] != ':' || p[45] != ' ')
		return 0;
	if (!hex8(p) || !hex8(p + 4) || !hex8(p + 13) || !hex8(p + 17) || !hex8(p + 31) ||
	    !(cls[p[40]] & 1) || !(cls[p[41]] & 1) || !(cls[p[43]] & 1) || !(cls[p[44]] & 1))
		return 0;
	if ((p[26] != 'r' && p[26] != '-') || (p[27] != 'w' && p[27] != '-') ||
	    (p[28] != 'x' && p[28] != '-') || (p[29] != 's' && p[29] != 'p'))
		return 0;
	/* start <= end: as big-endian numbers, digits compare as strings */
	if (be64(p) > be64(p + 13) || (be64(p) == be64(p + 13) && be64(p + 4) > be64(p + 17)))
		return 0;
	q = p + 46;
	for (i = 0; q + i < e && (cls[q[i]] & 2); i++)
		;
	if (!i || i > 19 || (q + i < e && q[i] != ' '))
		return 0;
	return path_plain(q + i, e);
}

/* after the inode: anything but a path vf_decode_mapping() looks at; the
 * padding eight spaces at a time */
static bool path_plain(const unsigned char *p, const unsigned char *e)
{
	for (;;) {
		uint64_t w;

		if (e - p < 8)
			break;
		memcpy(&w, p, 8);
		if (w != 0x2020202020202020ULL)
			break;
		p += 8;
	}
	while (p < e && *p == ' ')
		p++;
	if (p == e)
		return true;
	if (*p == '/')
		return e - p >= 2 && p[1] != 'd';
	if (*p == 'a')
		return e - p >= 2 && p[1] != 'n';
	return true;
}

bool vf_maps_line_plain(const char *line, size_t len)
{
	const unsigned char *p = (const unsigned char *)line, *e = p + len, *a;
	size_t n, m, i;

	while (e > p && (e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if (plain_fixed(p, e))
		return true;
	/* start-end, compared as strings: equal lengths, or no leading zero */
	if (!(n = hex_run(p, e)) || p + n >= e || p[n] != '-')
		return false;
	a = p;
	p += n + 1;
	if (!(m = hex_run(p, e)) || p + m >= e || p[m] != ' ')
		return false;
	if (n != m ? (n > m || (n > 1 && *a == '0') || (m > 1 && *p == '0')) : less(p, a, n))
		return false;
	p += m + 1;
	/* perms */
	if (e - p < 5 || (p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') ||
	    (p[2] != 'x' && p[2] != '-') || (p[3] != 's' && p[3] != 'p') || p[4] != ' ')
		return false;
	p += 5;
	/* offset, dev major:minor (at most 5 digits each), inode */
	if (!(n = hex_run(p, e)) || p + n >= e || p[n] != ' ')
		return false;
	p += n + 1;
	if (!(n = hex_run(p, e)) || n > 5 || p + n >= e || p[n] != ':')
		return false;
	p += n + 1;
	if (!(n = hex_run(p, e)) || n > 5 || p + n >= e || p[n] != ' ')
		return false;
	p += n + 1;
	for (i = 0; p + i < e && (cls[p[i]] & 2); i++)
		;
	if (!i || i > 19 || (p + i < e && p[i] != ' '))
		return false;
	p += i;
	return path_plain(p, e);
}
