// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mapping.c - decode a maps line in VFIO terms (see mapping.h).
 */
#include "mapping.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "procfs.h"
#include "vfbuf.h"

/* The PCI device behind /dev/vfio/devices/vfioN, from sysfs. */
static bool cdev_device(const char *vfio, struct vf_bdf *b)
{
	char p[PATH_MAX], link[PATH_MAX];

	return !vf_path(p, sizeof(p), "/sys/class/vfio-dev/%s/device", vfio) &&
	       vf_readlink(p, link, sizeof(link)) > 0 && !vf_bdf_from_syspath(link, b);
}

/* A live process's line (ctx->pid): is the file it maps the VFIO cdev the
 * kernel made as NAME?  /proc/PID/map_files/START-END leads to the mapped
 * file itself: it must be a character device whose number is sysfs'
 * vfio-dev/NAME/dev.  That holds for the node in a container's own /dev
 * too; a regular file placed or mounted at /dev/vfio/devices/vfioN fails
 * it.  1 yes, 0 no, -1 cannot tell (no map_files access, no sysfs entry):
 * the name decides then, as it does for a file's lines. */
static int cdev_is_kernels(const struct vf_decode_ctx *ctx, const struct vf_maps_line *m,
			   const char *name)
{
	char p[PATH_MAX], num[32];
	unsigned int maj, min;
	struct stat st;

	if (!ctx->pid ||
	    vf_path(p, sizeof(p), "/proc/%d/map_files/%llx-%llx", (int)ctx->pid,
		    (unsigned long long)m->start, (unsigned long long)m->end) ||
	    stat(p, &st) != 0)
		return -1;
	if (!S_ISCHR(st.st_mode))
		return 0;
	if (vf_path(p, sizeof(p), "/sys/class/vfio-dev/%s/dev", name) || vf_read_file(p, num, sizeof(num)) <= 0 ||
	    vf_parse_majmin(num, &maj, &min))
		return -1;
	return major(st.st_rdev) == maj && minor(st.st_rdev) == min;
}

bool vf_decode_mapping(struct vf_decode_ctx *ctx, const struct vf_maps_line *m,
		       struct vf_decoded *out)
{
	static const char anon[] = "anon_inode:[vfio-device]";
	static const char cdevs[] = "/dev/vfio/devices/";
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
			vf_strlcpy(out->vfio, sizeof(out->vfio), ref.vfio, strlen(ref.vfio));
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
	} else if (m->path_len > sizeof(cdevs) - 1 && !memcmp(m->path, cdevs, sizeof(cdevs) - 1) &&
		   vf_vfio_cdev_name(m->path + sizeof(cdevs) - 1, m->path_len - (sizeof(cdevs) - 1))) {
		vf_strlcpy(out->vfio, sizeof(out->vfio), m->path + sizeof(cdevs) - 1,
			   m->path_len - (sizeof(cdevs) - 1));
		if (cdev_is_kernels(ctx, m, out->vfio) == 0) {
			/* a file so named, not the device */
			out->vfio[0] = '\0';
			out->kind = "other";
			return false;
		}
		out->kind = "vfio-bar";
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

/* 8 bytes at s as a big-endian number: digits compare as strings */
static inline uint64_t be64(const unsigned char *s)
{
	uint64_t x;

	memcpy(&x, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return x;
#else
	return __builtin_bswap64(x);
#endif
}

/* The value of 8 lower-case hex digits at s (hex8() checked them), the
 * nibbles gathered SWAR ('a'-'f' have bit 6: low nibble + 9). */
static inline uint64_t hexval8(const unsigned char *s)
{
	uint64_t x = be64(s);

	x = (x & 0x0f0f0f0f0f0f0f0fULL) + ((x >> 6) & 0x0101010101010101ULL) * 9;
	x = (x | x >> 4) & 0x00ff00ff00ff00ffULL;
	x = (x | x >> 8) & 0x0000ffff0000ffffULL;
	return (x | x >> 16) & 0xffffffffULL;
}

/* A lower-case hex digit's value (checked), and two of them */
static inline unsigned int nib(unsigned char c)
{
	return (c & 15u) + (c >> 6) * 9u;
}

static inline unsigned int hex2(const unsigned char *s)
{
	return nib(s[0]) << 4 | nib(s[1]);
}

/* The padding before a path, eight spaces at a time. */
static inline const unsigned char *skip_spaces(const unsigned char *p, const unsigned char *e)
{
	while (e - p >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		w ^= 0x2020202020202020ULL; /* the bytes that are not spaces */
		if (w) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			return p + __builtin_clzll(w) / 8;
#else
			return p + __builtin_ctzll(w) / 8;
#endif
		}
		p += 8;
	}
	while (p < e && *p == ' ')
		p++;
	return p;
}

/* The decimal digits at the start of q[0..e), counted up to 8 (8: at
 * least 8), SWAR when 8 bytes are there. */
static inline size_t digits8(const unsigned char *q, const unsigned char *e)
{
	const uint64_t h = 0x8080808080808080ULL, one = 0x0101010101010101ULL;
	uint64_t x, y, nd;
	size_t i;

	if (e - q < 8) {
		for (i = 0; q + i < e && (cls[q[i]] & 2); i++)
			;
		return i < 8 ? i : 8;
	}
	memcpy(&x, q, 8);
	y = x & ~h; /* no carries between bytes below */
	nd = ~(((y + one * (0x80 - '0')) & ~(y + one * (0x7f - '9'))) & ~x) & h;
	if (!nd)
		return 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(nd) / 8;
#else
	return (size_t)__builtin_ctzll(nd) / 8;
#endif
}

/* 16 bytes compared with a template at once (GCC/clang vector
 * extensions: SSE2, NEON or plain words) */
typedef unsigned char vf_v16 __attribute__((vector_size(16)));

/* The common layout's bytes 0..15, 16..31 and 30..45: 'h' where a
 * lower-case hex digit goes, else the byte (a or b: the perms). */
static const char tmpl_a[3][17] = { "hhhhhhhhhhhh-hhh", "hhhhhhhhh rwxs h", " hhhhhhhh hh:hh " };
static const char tmpl_b[3][17] = { "hhhhhhhhhhhh-hhh", "hhhhhhhhh ---p h", " hhhhhhhh hh:hh " };

static inline bool layout16(const unsigned char *s, int k)
{
	vf_v16 x, a, b, h, ok;
	uint64_t lo, hi;

	memcpy(&x, s, 16);
	memcpy(&a, tmpl_a[k], 16);
	memcpy(&b, tmpl_b[k], 16);
	h = (vf_v16)(a == 'h');
	ok = ((vf_v16)((vf_v16)(x - '0') < 10) | (vf_v16)((vf_v16)(x - 'a') < 6)) & h;
	ok |= ((vf_v16)(x == a) | (vf_v16)(x == b)) & ~h;
	memcpy(&lo, &ok, 8);
	memcpy(&hi, (const unsigned char *)&ok + 8, 8);
	return (lo & hi) == ~0ULL;
}

/* The common layout, fixed positions, 64-bit addresses of 12 digits:
 * "7f0000000000-7f0000001000 r--p 00000000 fe:01 300000 ..." (the offset
 * 8 to 16 digits: the series keeps a BAR index above bit 40 there).
 * Returns where the inode ends when p[0..e) is a maps line of this layout
 * up to there (as vf_parse_maps_line() reads it), NULL when it is not this
 * layout or unsure (the general check decides); *olen: the offset's
 * digits. */
static const unsigned char *fixed_layout(const unsigned char *p, const unsigned char *e,
					 size_t *olen)
{
	const unsigned char *q;
	size_t i, o;

	if (e - p < 47)
		return NULL;
	if (layout16(p, 0) && layout16(p + 16, 1) && layout16(p + 30, 2)) {
		o = 8; /* bytes 0..45 as in the comment above, in three loads */
		q = p + 39;
	} else {
		if (p[12] != '-' || p[25] != ' ' || p[30] != ' ')
			return NULL;
		if (!hex8(p) || !hex8(p + 4) || !hex8(p + 13) || !hex8(p + 17) || !hex8(p + 31))
			return NULL;
		if ((p[26] != 'r' && p[26] != '-') || (p[27] != 'w' && p[27] != '-') ||
		    (p[28] != 'x' && p[28] != '-') || (p[29] != 's' && p[29] != 'p'))
			return NULL;
		for (o = 8; o < 17 && p + 31 + o < e && (cls[p[31 + o]] & 1); o++)
			;
		q = p + 31 + o; /* " MM:mm INODE" */
		if (o > 16 || e - q < 8 || q[0] != ' ' || q[3] != ':' || q[6] != ' ' ||
		    !(cls[q[1]] & 1) || !(cls[q[2]] & 1) || !(cls[q[4]] & 1) || !(cls[q[5]] & 1))
			return NULL;
	}
	/* start <= end: as big-endian numbers, digits compare as strings */
	if (be64(p) > be64(p + 13) || (be64(p) == be64(p + 13) && be64(p + 4) > be64(p + 17)))
		return NULL;
	q += 7;
	if ((i = digits8(q, e)) == 8)
		for (; q + i < e && (cls[q[i]] & 2); i++)
			;
	if (!i || i > 19 || (q + i < e && q[i] != ' '))
		return NULL;
	*olen = o;
	return q + i;
}

/* after the inode: anything but a path vf_decode_mapping() looks at */
static bool path_plain(const unsigned char *p, const unsigned char *e)
{
	p = skip_spaces(p, e);
	if (p == e)
		return true;
	if (*p == '/')
		return e - p >= 2 && p[1] != 'd';
	if (*p == 'a')
		return e - p >= 2 && p[1] != 'n';
	return true;
}

/* The general check (any layout) of p[0..e), line ends stripped. */
static bool plain_general(const unsigned char *p, const unsigned char *e)
{
	const unsigned char *a;
	size_t n, m, i;

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

static inline const unsigned char *strip_eol(const unsigned char *p, const unsigned char *e)
{
	while (e > p && (e[-1] == '\n' || e[-1] == '\r'))
		e--;
	return e;
}

bool vf_maps_line_plain(const char *line, size_t len)
{
	const unsigned char *p = (const unsigned char *)line, *e = strip_eol(p, p + len), *q;
	size_t o;

	if ((q = fixed_layout(p, e, &o)) && path_plain(q, e))
		return true;
	return plain_general(p, e);
}

/* The fields of a line fixed_layout() accepted, o its offset's digits, q
 * where its inode ends: what vf_parse_maps_line() reads from it. */
static void fixed_fields(const unsigned char *p, size_t o, const unsigned char *q,
			 const unsigned char *e, struct vf_maps_line *out)
{
	const unsigned char *dev = p + 31 + o;
	uint64_t off;
	size_t i;
	static const char del[] = " (deleted)";
	const size_t dl = sizeof(del) - 1;
	const unsigned char *s;
	uint64_t ino = 0;

	memset(out, 0, sizeof(*out));
	out->start = (hexval8(p) << 16) | (hexval8(p + 4) & 0xffff);
	out->end = (hexval8(p + 13) << 16) | (hexval8(p + 17) & 0xffff);
	memcpy(out->perms, p + 26, 4);
	off = hexval8(p + 31);
	for (i = 8; i < o; i++)
		off = off << 4 | nib(p[31 + i]);
	out->offset = off;
	out->dev_major = hex2(dev + 1);
	out->dev_minor = hex2(dev + 4);
	for (s = dev + 7; s < q; s++) /* at most 19 digits: no overflow */
		ino = ino * 10 + (uint64_t)(*s - '0');
	out->inode = ino;
	s = skip_spaces(q, e);
	out->path = (const char *)s;
	out->path_len = (size_t)(e - s);
	if (out->path_len > dl && !memcmp(out->path + out->path_len - dl, del, dl)) {
		out->path_len -= dl;
		out->deleted = true;
	}
}

int vf_maps_line_scan(const char *line, size_t len, struct vf_maps_line *out)
{
	const unsigned char *p = (const unsigned char *)line, *e = strip_eol(p, p + len), *q;
	size_t o;

	if ((q = fixed_layout(p, e, &o))) {
		if (path_plain(q, e))
			return 1;
		fixed_fields(p, o, q, e, out);
		return 0;
	}
	if (plain_general(p, e))
		return 1;
	return vf_parse_maps_line(line, len, out) ? -1 : 0;
}
