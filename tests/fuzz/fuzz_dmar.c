// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dmar - kernel log text: vf_kmsg_text() on a /dev/kmsg record, and
 * vf_parse_dmar_fault() on its text and on the whole input, as a holding
 * vfbuf import reads them.
 *
 * Properties: the record's text lies inside it and has no '\n'; a parsed
 * fault's reason text is terminated and has no '\n'; printed back in the
 * kernel's format (dmar_fault_do_one()) it parses to the same fault.
 */
#include "fuzz.h"
#include "dmar.h"

static void roundtrip(const struct vf_dmar_fault *f)
{
	struct vf_dmar_fault g;
	char line[512], pasid[32];
	int n;

	FUZZ_CHECK(strnlen(f->why, sizeof(f->why)) < sizeof(f->why));
	FUZZ_CHECK(!strchr(f->why, '\n'));
	if (f->has_pasid)
		snprintf(pasid, sizeof(pasid), "PASID 0x%x", f->pasid);
	else
		snprintf(pasid, sizeof(pasid), "NO_PASID");
	n = snprintf(line, sizeof(line),
		     "DMAR: [%s %s] Request device [%04x:%02x:%02x.%d] fault addr 0x%llx [fault reason 0x%02x] %s\n",
		     f->write ? "DMA Write" : "DMA Read", pasid, f->dev.domain, f->dev.bus, f->dev.dev, f->dev.fn,
		     (unsigned long long)f->addr, f->reason, f->why);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(line));
	FUZZ_CHECK(vf_parse_dmar_fault(line, (size_t)n, &g) == 0);
	FUZZ_CHECK(g.write == f->write && g.has_pasid == f->has_pasid && g.pasid == f->pasid);
	FUZZ_CHECK(!memcmp(&g.dev, &f->dev, sizeof(g.dev)));
	FUZZ_CHECK(g.addr == f->addr && g.reason == f->reason && !strcmp(g.why, f->why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *rec = (const char *)data, *text;
	struct vf_dmar_fault f;
	uint64_t seq;
	size_t tlen;

	if (vf_kmsg_text(rec, size, &seq, &text, &tlen) == 0) {
		FUZZ_CHECK(text >= rec && text + tlen <= rec + size);
		FUZZ_CHECK(!memchr(text, '\n', tlen));
		if (vf_parse_dmar_fault(text, tlen, &f) == 0)
			roundtrip(&f);
	}
	if (vf_parse_dmar_fault(rec, size, &f) == 0)
		roundtrip(&f);
	return 0;
}
