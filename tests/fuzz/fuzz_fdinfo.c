// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_fdinfo - /proc/PID/fdinfo/FD text: vf_parse_fdinfo(), then
 * vf_bdf_from_syspath() on a VFIO device's vfio-device-syspath, as stat
 * and revoke --pid read them.
 *
 * Properties: the strings are terminated inside their buffers; a field
 * flagged present is one the text has on a line of its own ("key:");
 * the BDF from the syspath is the path's last component.
 */
#include <strings.h>

#include "fuzz.h"
#include "parse.h"

/* Does text have a line starting with key (including its ':')? */
static int has_key(const char *text, size_t len, const char *key)
{
	size_t kl = strlen(key), i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (text + i)) : len - i;

		if (ll >= kl && !memcmp(text + i, key, kl))
			return 1;
		i += ll + 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct vf_fdinfo fi;
	struct vf_bdf b;

	vf_parse_fdinfo(text, size, &fi);
	FUZZ_CHECK(strnlen(fi.exp_name, sizeof(fi.exp_name)) < sizeof(fi.exp_name));
	FUZZ_CHECK(strnlen(fi.name, sizeof(fi.name)) < sizeof(fi.name));
	FUZZ_CHECK(strnlen(fi.syspath, sizeof(fi.syspath)) < sizeof(fi.syspath));
	FUZZ_CHECK(!fi.has_flags || has_key(text, size, "flags:"));
	FUZZ_CHECK(!fi.has_ino || has_key(text, size, "ino:"));
	FUZZ_CHECK(!fi.has_size || has_key(text, size, "size:"));
	FUZZ_CHECK(!fi.has_count || has_key(text, size, "count:"));
	FUZZ_CHECK(fi.is_dmabuf == has_key(text, size, "exp_name:"));
	FUZZ_CHECK(fi.is_vfio_device == has_key(text, size, "vfio-device-syspath:"));
	if (fi.is_vfio_device && vf_bdf_from_syspath(fi.syspath, &b) == 0) {
		char s[VF_BDF_LEN];
		size_t n = strlen(fi.syspath), start;

		while (n > 0 && fi.syspath[n - 1] == '/')
			n--;
		for (start = n; start > 0 && fi.syspath[start - 1] != '/'; start--)
			;
		vf_format_bdf(&b, s);
		FUZZ_CHECK(strlen(s) == n - start && !strncasecmp(s, fi.syspath + start, n - start));
	}
	return 0;
}
