/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmio.h - volatile accesses of exactly the asked width to a mapping, with
 * SIGBUS (a revoked buffer, a device gone) caught instead of dumping core.
 *
 * Core layer.  The handler only siglongjmp()s; reporting happens after.
 */
#ifndef VFBUF_MMIO_H
#define VFBUF_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read count values of width bytes (1, 2, 4, 8) from base + off into
 * vals.  Returns 0, or -1 after SIGBUS with *fault_index set to the access
 * that faulted. */
int vf_mmio_read(volatile void *base, uint64_t off, unsigned int width, size_t count,
		 uint64_t *vals, size_t *fault_index);
/* Write count values; with readback (not NULL), read each back into it
 * right after writing it.  Same returns. */
int vf_mmio_write(volatile void *base, uint64_t off, unsigned int width, size_t count,
		  const uint64_t *vals, uint64_t *readback, size_t *fault_index);

#endif /* VFBUF_MMIO_H */
