// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_maps - one /proc/PID/maps line: vf_parse_maps_line(), then
 * vf_decode_mapping() as maps-decode does for a file (no process: sysfs
 * reads go to the fixture sysroot).
 *
 * Properties: start <= end, perms from the allowed set, the path inside
 * the line; a parsed line printed back in the kernel's format parses to the
 * same fields; the decoded name lies inside the line and the VFIO device
 * name is "vfio" and digits (a cdev's may start "noiommu-"); a line vf_maps_line_plain() lets maps-decode
 * skip unparsed parses and does not decode; vf_maps_line_scan() says plain
 * exactly when it does, and otherwise reads the parser's fields or fails
 * where it fails.
 */
#include <inttypes.h>

#include "fuzz.h"
#include "mapping.h"
#include "parse.h"
#include "vfbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	vf.sysroot = FUZZ_SYSROOT;
	return 0;
}

static void check_roundtrip(const struct vf_maps_line *m)
{
	size_t cap = m->path_len + 128, len;
	char *buf = malloc(cap);
	struct vf_maps_line m2;
	int n;

	FUZZ_CHECK(buf);
	n = snprintf(buf, cap, "%" PRIx64 "-%" PRIx64 " %s %08" PRIx64 " %02x:%02x %" PRIu64 "%s",
		     m->start, m->end, m->perms, m->offset, m->dev_major, m->dev_minor, m->inode,
		     m->path_len ? "    " : "");
	FUZZ_CHECK(n > 0 && (size_t)n < 128);
	len = (size_t)n;
	/* the path byte for byte: it may hold a NUL */
	memcpy(buf + len, m->path, m->path_len);
	len += m->path_len;
	n = snprintf(buf + len, cap - len, "%s\n", m->deleted ? " (deleted)" : "");
	FUZZ_CHECK(n > 0 && (size_t)n < cap - len);
	len += (size_t)n;
	FUZZ_CHECK(vf_parse_maps_line(buf, len, &m2) == 0);
	FUZZ_CHECK(m2.start == m->start && m2.end == m->end && !strcmp(m2.perms, m->perms));
	FUZZ_CHECK(m2.offset == m->offset && m2.dev_major == m->dev_major &&
		   m2.dev_minor == m->dev_minor && m2.inode == m->inode);
	FUZZ_CHECK(m2.path_len == m->path_len && !memcmp(m2.path, m->path, m->path_len));
	FUZZ_CHECK(m2.deleted == m->deleted);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vf_decode_ctx ctx = VF_DECODE_CTX(0);
	struct vf_maps_line m;
	struct vf_decoded d;
	size_t i;

	/* the scan's fast path: a line it skips parses and does not decode */
	bool plain = vf_maps_line_plain((const char *)data, size);
	/* and the scan in one call: plain, or the parser's fields */
	struct vf_maps_line ms;
	int scan = vf_maps_line_scan((const char *)data, size, &ms);

	FUZZ_CHECK(scan == 1 ? plain : !plain);
	if (vf_parse_maps_line((const char *)data, size, &m)) {
		FUZZ_CHECK(!plain && scan == -1);
		return 0;
	}
	FUZZ_CHECK(scan != -1);
	if (!scan) {
		FUZZ_CHECK(ms.start == m.start && ms.end == m.end && !memcmp(ms.perms, m.perms, 5));
		FUZZ_CHECK(ms.offset == m.offset && ms.dev_major == m.dev_major &&
			   ms.dev_minor == m.dev_minor && ms.inode == m.inode);
		FUZZ_CHECK(ms.path == m.path && ms.path_len == m.path_len && ms.deleted == m.deleted);
	}
	if (plain) {
		FUZZ_CHECK(!vf_decode_mapping(&ctx, &m, &d));
	}
	FUZZ_CHECK(m.start <= m.end);
	FUZZ_CHECK(strlen(m.perms) == 4);
	for (i = 0; i < 4; i++)
		FUZZ_CHECK(strchr(i == 3 ? "sp" : "rwx-", m.perms[i]));
	FUZZ_CHECK(m.dev_major <= 0xfffff && m.dev_minor <= 0xfffff);
	FUZZ_CHECK(fuzz_inside(data, size, m.path, m.path_len));
	check_roundtrip(&m);

	vf_decode_mapping(&ctx, &m, &d);
	FUZZ_CHECK(d.kind);
	FUZZ_CHECK(fuzz_inside(data, size, d.name, d.name_len));
	FUZZ_CHECK(strnlen(d.vfio, sizeof(d.vfio)) < sizeof(d.vfio));
	if (*d.vfio) {
		/* a VFIO device name is the kernel's "vfio%d" (a cdev's may be
		 * "noiommu-vfio%d"), nothing else */
		const char *v = d.vfio;

		if (!strncmp(v, "noiommu-", 8))
			v += 8;
		FUZZ_CHECK(!strncmp(v, "vfio", 4) && v[4]);
		for (i = 4; v[i]; i++)
			FUZZ_CHECK(v[i] >= '0' && v[i] <= '9');
	}
	if (d.has_bdf)
		FUZZ_CHECK(d.bdf.dev <= 0x1f && d.bdf.fn <= 7 && d.bdf.bus <= 0xff);
	if (d.has_baroff)
		FUZZ_CHECK(d.baroff == (m.offset & VF_OFFSET_MASK));
	return 0;
}
