// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmar.c - DMAR fault lines and /dev/kmsg records (see dmar.h).
 */
#include "dmar.h"

#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* s[*i...] starts with lit: skip it. */
static bool lit(const char *s, size_t n, size_t *i, const char *l)
{
	size_t ll = strlen(l);

	if (n - *i < ll || memcmp(s + *i, l, ll) != 0)
		return false;
	*i += ll;
	return true;
}

/* 1 to 16 hex digits (after a "0x" the caller skipped). */
static bool hexnum(const char *s, size_t n, size_t *i, uint64_t *v)
{
	int d = vf_digits_u64(s + *i, n - *i, 16, v);

	if (d <= 0 || d > 16)
		return false;
	*i += (size_t)d;
	return true;
}

/* 1 or more decimal digits, at most max. */
static bool decnum(const char *s, size_t n, size_t *i, uint64_t *v, uint64_t max)
{
	int d = vf_digits_u64(s + *i, n - *i, 10, v);

	if (d <= 0 || *v > max)
		return false;
	*i += (size_t)d;
	return true;
}

/* "[DDDD:BB:DD.F]" or "[BB:DD.F]". */
static bool device(const char *s, size_t n, size_t *i, struct vf_bdf *b)
{
	const char *end;
	char full[VF_BDF_LEN] = "";
	size_t len;

	if (!lit(s, n, i, "["))
		return false;
	end = memchr(s + *i, ']', n - *i);
	if (!end)
		return false;
	len = (size_t)(end - (s + *i));
	if (len == 7) { /* BB:DD.F: segment 0 */
		snprintf(full, sizeof(full), "0000:%.7s", s + *i);
		if (vf_parse_bdf(full, 12, b))
			return false;
	} else if (len < VF_BDF_MIN || len > VF_BDF_MAX || vf_parse_bdf(s + *i, len, b)) {
		return false;
	}
	*i += len + 1;
	return true;
}

int vf_parse_dmar_fault(const char *s, size_t n, struct vf_dmar_fault *f)
{
	size_t i = 0, wl;
	uint64_t v;

	memset(f, 0, sizeof(*f));
	if (n && s[n - 1] == '\n')
		n--;
	if (!lit(s, n, &i, "DMAR: [DMA "))
		return -EINVAL;
	if (lit(s, n, &i, "Write "))
		f->write = true;
	else if (!lit(s, n, &i, "Read "))
		return -EINVAL;
	if (lit(s, n, &i, "PASID 0x")) {
		if (!hexnum(s, n, &i, &v) || v > UINT32_MAX || !lit(s, n, &i, "]"))
			return -EINVAL;
		f->has_pasid = true;
		f->pasid = (uint32_t)v;
	} else if (!lit(s, n, &i, "NO_PASID]")) {
		return -EINVAL;
	}
	if (!lit(s, n, &i, " Request device ") || !device(s, n, &i, &f->dev))
		return -EINVAL;
	if (!lit(s, n, &i, " fault addr 0x") || !hexnum(s, n, &i, &f->addr))
		return -EINVAL;
	if (!lit(s, n, &i, " [fault reason 0x") || !hexnum(s, n, &i, &v) || v > 0xff || !lit(s, n, &i, "]"))
		return -EINVAL;
	f->reason = (unsigned int)v;
	if (i < n && !lit(s, n, &i, " "))
		return -EINVAL;
	/* the reason's text: to the end of the line (a NUL ends it too) */
	for (wl = 0; wl < sizeof(f->why) - 1 && i + wl < n && s[i + wl] != '\n' && s[i + wl]; wl++)
		f->why[wl] = s[i + wl];
	f->why[wl] = '\0';
	return 0;
}

int vf_kmsg_text(const char *rec, size_t n, uint64_t *seq, const char **text, size_t *tlen)
{
	size_t i = 0;
	uint64_t v;
	const char *semi, *nl;

	/* PRI,SEQ,TS,FLAGS; */
	if (!decnum(rec, n, &i, &v, 0xffffffffu) || !lit(rec, n, &i, ","))
		return -EINVAL;
	if (!decnum(rec, n, &i, seq, UINT64_MAX / 10 - 1) || !lit(rec, n, &i, ","))
		return -EINVAL;
	if (!decnum(rec, n, &i, &v, UINT64_MAX / 10 - 1) || !lit(rec, n, &i, ","))
		return -EINVAL;
	semi = memchr(rec + i, ';', n - i);
	if (!semi)
		return -EINVAL;
	i = (size_t)(semi - rec) + 1;
	nl = memchr(rec + i, '\n', n - i);
	*text = rec + i;
	*tlen = nl ? (size_t)(nl - (rec + i)) : n - i;
	return 0;
}
