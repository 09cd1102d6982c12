/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmar.h - the Intel IOMMU's DMA fault lines in the kernel log, as
 * /dev/kmsg gives them (drivers/iommu/intel/dmar.c, dmar_fault_do_one()):
 *
 *   DMAR: [DMA Write NO_PASID] Request device [0000:00:03.0] fault addr 0x20d000 [fault reason 0x05] PTE Write access is not set
 *   DMAR: [DMA Read PASID 0x1] Request device [00:03.0] fault addr ...      (older kernels: no segment)
 *
 * and the /dev/kmsg record around such a message ("PRI,SEQ,TS,FLAGS;TEXT"
 * then " KEY=VALUE" lines).  Parse layer: pure, bounded by the given
 * length.  Interrupt-remapping faults ("[INTR-REMAP] ... fault index") are
 * not DMA faults and are refused.
 */
#ifndef VFBUF_DMAR_H
#define VFBUF_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

struct vf_dmar_fault {
	bool write;         /* a DMA write (else a read) */
	bool has_pasid;
	uint32_t pasid;
	struct vf_bdf dev;  /* the requester (domain 0 where the line has none) */
	uint64_t addr;      /* the faulting IOVA */
	unsigned int reason;
	char why[96];       /* the reason's text, cut to fit */
};

/* One message (the text of a record, without the kmsg prefix, its '\n'
 * may be there).  0, or -EINVAL when it is not a DMAR DMA fault. */
int vf_parse_dmar_fault(const char *s, size_t len, struct vf_dmar_fault *f);

/* A /dev/kmsg record: its text (up to the first '\n') and sequence
 * number.  0, or -EINVAL when it has not the record's shape. */
int vf_kmsg_text(const char *rec, size_t len, uint64_t *seq, const char **text, size_t *tlen);

#endif /* VFBUF_DMAR_H */
