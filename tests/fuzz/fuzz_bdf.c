// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_bdf - PCI addresses: vf_parse_bdf() (exactly "DDDD:BB:DD.F", the
 * domain 4 to 8 digits), vf_scan_bdf() (one at the start of the text) and
 * vf_bdf_from_syspath() (a sysfs path ending in one).
 *
 * Properties: a parsed address is in range and formats back to the input
 * (hex case aside), domains above 0xffff in full; the scanner reads the
 * address the strict parser reads on the same characters; an address found
 * at the end of a path is the one that vf_parse_bdf() reads in its last
 * component.
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
		FUZZ_CHECK(size >= VF_BDF_MIN && size <= VF_BDF_MAX);
		FUZZ_CHECK(b.bus <= 0xff && b.dev <= 0x1f && b.fn <= 7);
		FUZZ_CHECK((b.domain > 0xffff) == (size > 12));
		vf_format_bdf(&b, s);
		FUZZ_CHECK(strlen(s) == size && !strncasecmp(s, (const char *)data, size));
		FUZZ_CHECK(vf_parse_bdf(s, size, &b2) == 0 && !memcmp(&b, &b2, sizeof(b)));
	}
	n = vf_scan_bdf((const char *)data, size, &b);
	FUZZ_CHECK(n == 0 || (n >= VF_BDF_MIN && n <= VF_BDF_MAX && n <= size));
	if (n)
		FUZZ_CHECK(vf_parse_bdf((const char *)data, n, &b2) == 0 && !memcmp(&b, &b2, sizeof(b)));

	path = fuzz_cstr(data, size);
	if (vf_bdf_from_syspath(path, &b) == 0) {
		size_t start;

		n = strlen(path);
		while (n > 0 && path[n - 1] == '/')
			n--;
		for (start = n; start > 0 && path[start - 1] != '/'; start--)
			;
		FUZZ_CHECK(n - start >= VF_BDF_MIN && n - start <= VF_BDF_MAX);
		FUZZ_CHECK(vf_parse_bdf(path + start, n - start, &b2) == 0 && !memcmp(&b, &b2, sizeof(b)));
	}
	free(path);
	return 0;
}
