// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_numbers - vf_parse_u64() and vf_parse_range(): the numbers of
 * --offset, --length, --count, --bar, peek/poke OFFSET and VALUE, and
 * export --range OFFSET:LENGTH, with K/M/G/T suffixes.
 *
 * Properties: the result is 0, -EINVAL or -ERANGE; a parsed value prints
 * back (decimal, 0x hex, with its suffix) to the same value; plain decimal
 * and 0x hex agree with strtoull(), overflow included; a range is its two
 * halves parsed alone.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "parse.h"

static void check_number(const char *s)
{
	uint64_t v = 0, w;
	char buf[64];
	int r = vf_parse_u64(s, &v);
	size_t n = strlen(s), i;

	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE);

	/* strtoull as the reference for suffix-free decimal and hex */
	if (n > 0) {
		int hex = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
		int plain = 1;

		for (i = hex ? 2 : 0; i < n; i++)
			if (hex ? !isxdigit((unsigned char)s[i]) : !isdigit((unsigned char)s[i]))
				plain = 0;
		if (plain) {
			unsigned long long ref;
			char *end;

			errno = 0;
			ref = strtoull(s, &end, hex ? 16 : 10);
			FUZZ_CHECK(*end == '\0');
			if (errno == ERANGE) {
				FUZZ_CHECK(r == -ERANGE);
			} else {
				FUZZ_CHECK(r == 0 && v == ref);
			}
		}
	}
	if (r)
		return;
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	FUZZ_CHECK(vf_parse_u64(buf, &w) == 0 && w == v);
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	FUZZ_CHECK(vf_parse_u64(buf, &w) == 0 && w == v);
	if (v % 1024 == 0 && v) {
		snprintf(buf, sizeof(buf), "%" PRIu64 "K", v / 1024);
		FUZZ_CHECK(vf_parse_u64(buf, &w) == 0 && w == v);
		snprintf(buf, sizeof(buf), "%" PRIu64 "KiB", v / 1024);
		FUZZ_CHECK(vf_parse_u64(buf, &w) == 0 && w == v);
	}
}

static void check_range(const char *s)
{
	uint64_t off = 0, len = 0, a, b;
	const char *colon = strchr(s, ':');
	int r = vf_parse_range(s, &off, &len);

	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r)
		return;
	FUZZ_CHECK(colon && !strchr(colon + 1, ':'));
	{
		char *head = strndup(s, (size_t)(colon - s));

		FUZZ_CHECK(head);
		FUZZ_CHECK(vf_parse_u64(head, &a) == 0 && a == off);
		free(head);
	}
	FUZZ_CHECK(vf_parse_u64(colon + 1, &b) == 0 && b == len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	check_number(s);
	check_range(s);
	free(s);
	return 0;
}
