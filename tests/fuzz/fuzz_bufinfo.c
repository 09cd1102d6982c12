// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_bufinfo - debugfs dma_buf/bufinfo text: vf_bufinfo_line() line by
 * line, then vf_bufinfo_end(), as stat reads it.
 *
 * Properties: every record's device names are terminated inside their
 * buffers and have no tab (an ok record's: non-empty); an ok record keeps every device
 * it counts (at most VF_BUFINFO_DEVS); an ok record's inode is a digit run
 * of the input; there are no more records than buffer lines could start
 * (lines); after vf_bufinfo_end() nothing is open.
 */
#include "fuzz.h"
#include "bufinfo.h"

static void check(const struct vf_bufinfo_rec *rec, const char *text, size_t size)
{
	unsigned int i;
	char digits[24];

	FUZZ_CHECK(!rec->ok || rec->ndev <= VF_BUFINFO_DEVS);
	for (i = 0; i < rec->ndev && i < VF_BUFINFO_DEVS; i++) {
		size_t n = strnlen(rec->dev[i], VF_BUFINFO_DEV_NAME);

		FUZZ_CHECK(n < VF_BUFINFO_DEV_NAME);
		FUZZ_CHECK(!rec->ok || n > 0);
		FUZZ_CHECK(!memchr(rec->dev[i], '\t', n));
		FUZZ_CHECK(!memchr(rec->dev[i], '\n', n));
	}
	if (rec->ok) {
		snprintf(digits, sizeof(digits), "%llu", (unsigned long long)rec->ino);
		FUZZ_CHECK(memmem(text, size, digits, strlen(digits)) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct vf_bufinfo st = { 0 };
	struct vf_bufinfo_rec rec;
	size_t i = 0, lines = 0, recs = 0;

	while (i < size) {
		const char *nl = memchr(text + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - (text + i)) + 1 : size - i;

		lines++;
		if (vf_bufinfo_line(&st, text + i, len, &rec)) {
			check(&rec, text, size);
			recs++;
		}
		i += len;
	}
	if (vf_bufinfo_end(&st, &rec)) {
		check(&rec, text, size);
		recs++;
	}
	FUZZ_CHECK(recs <= lines);
	FUZZ_CHECK(!vf_bufinfo_end(&st, &rec));
	return 0;
}
