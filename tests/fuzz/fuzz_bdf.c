// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_bdf - PCI addresses: vf_parse_bdf() (exactly "DDDD:BB:DD.F") and
 * vf_bdf_from_syspath() (a sysfs path ending in one).
 *
 * Properties: a parsed address is in range and formats back to the input
 * (hex case aside); an address found at the end of a path is the one that
 * vf_parse_bdf() reads there.
 */
#include <strings.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vf_bdf b, b2;
	char s[VF_BDF_LEN], *path;
	size_t n;

	if (vf_parse_bdf((const char *)data, size, &b) == 0) {
		FUZZ_CHECK(size == 12);
		FUZZ_CHECK(b.domain <= 0xffff && b.bus <= 0xff && b.dev <= 0x1f && b.fn <= 7);
		vf_format_bdf(&b, s);
		FUZZ_CHECK(strlen(s) == 12 && !strncasecmp(s, (const char *)data, 12));
		FUZZ_CHECK(vf_parse_bdf(s, 12, &b2) == 0 && !memcmp(&b, &b2, sizeof(b)));
	}

	path = fuzz_cstr(data, size);
	if (vf_bdf_from_syspath(path, &b) == 0) {
		n = strlen(path);
		while (n > 0 && path[n - 1] == '/')
			n--;
		FUZZ_CHECK(n >= 12 && (n == 12 || path[n - 13] == '/'));
		FUZZ_CHECK(vf_parse_bdf(path + n - 12, 12, &b2) == 0 && !memcmp(&b, &b2, sizeof(b)));
	}
	free(path);
	return 0;
}
