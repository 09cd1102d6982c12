/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - what the libFuzzer harnesses share (tests/fuzz/README.md).
 *
 * Each harness feeds one parser the fuzzer's bytes, then checks properties
 * of the result that hold for every input (a round trip, agreement with an
 * independent parser, outputs inside their buffers).  A failed property
 * aborts, which libFuzzer reports like a crash.
 */
#ifndef VFBUF_FUZZ_H
#define VFBUF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* The input as a C string in its own heap block, so that ASan sees a read
 * past the terminating NUL.  Free it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Is p[0..n) inside [base, base+size)? */
static inline int fuzz_inside(const void *base, size_t size, const void *p, size_t n)
{
	const char *b = base, *q = p;

	return q >= b && n <= size && (size_t)(q - b) <= size - n;
}

#endif /* VFBUF_FUZZ_H */
