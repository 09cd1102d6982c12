// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_names - dma-buf names (what follows "/dmabuf:" in maps, or fdinfo's
 * name:): vf_decode_dmabuf_name() for both formats, the series'
 * "vfioN:BDF/BAR" and vfbuf's "vfio:BDF:barN", cut at 31 characters or not.
 *
 * Properties: the kind returned is the one filled in; an unknown name
 * leaves nothing set; what is set is in range (BAR 0-5, "vfio" + digits);
 * a complete name built back from the fields decodes to the same fields,
 * and vfbuf's own format rebuilds the input exactly (hex case aside).
 */
#include <strings.h>

#include "fuzz.h"
#include "parse.h"

static void check_fields(const struct vf_name_ref *r)
{
	size_t i;

	if (r->has_bar)
		FUZZ_CHECK(r->bar <= 5);
	if (r->has_bdf)
		FUZZ_CHECK(r->bdf.dev <= 0x1f && r->bdf.fn <= 7 && r->bdf.bus <= 0xff);
	if (r->has_vfio) {
		FUZZ_CHECK(r->kind == VF_NAME_SERIES);
		FUZZ_CHECK(strnlen(r->vfio, sizeof(r->vfio)) < sizeof(r->vfio));
		FUZZ_CHECK(!strncmp(r->vfio, "vfio", 4) && strlen(r->vfio) > 4);
		for (i = 4; r->vfio[i]; i++)
			FUZZ_CHECK(r->vfio[i] >= '0' && r->vfio[i] <= '9');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vf_name_ref zero;
	struct vf_name_ref r, r2;
	enum vf_name_kind k = vf_decode_dmabuf_name((const char *)data, size, &r);
	char buf[64];

	FUZZ_CHECK(k == r.kind);
	if (k == VF_NAME_OTHER) {
		FUZZ_CHECK(!memcmp(&r, &zero, sizeof(r)));
		return 0;
	}
	check_fields(&r);
	if (r.truncated) {
		FUZZ_CHECK(size >= 31);
		return 0;
	}
	if (k == VF_NAME_VFBUF) {
		FUZZ_CHECK(r.has_bdf && r.has_bar);
		FUZZ_CHECK(vf_format_export_name(buf, sizeof(buf), &r.bdf, r.bar) == 0);
		FUZZ_CHECK(strlen(buf) == size && !strncasecmp(buf, (const char *)data, size));
	} else if (r.has_vfio && r.has_bdf) {
		char bdf[VF_BDF_LEN];
		int n;

		vf_format_bdf(&r.bdf, bdf);
		if (r.has_bar)
			n = snprintf(buf, sizeof(buf), "%s:%s/%u", r.vfio, bdf, r.bar);
		else
			n = snprintf(buf, sizeof(buf), "%s:%s", r.vfio, bdf);
		FUZZ_CHECK(n > 0 && (size_t)n < sizeof(buf));
		FUZZ_CHECK(vf_decode_dmabuf_name(buf, (size_t)n, &r2) == VF_NAME_SERIES);
		/* a rebuilt name of 31 characters or more reads as cut */
		r2.truncated = r.truncated;
		FUZZ_CHECK(!memcmp(&r, &r2, sizeof(r)));
	}
	return 0;
}
