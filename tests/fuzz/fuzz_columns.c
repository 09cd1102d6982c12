// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_columns - the -o/--output column list of the table commands:
 * vf_table_new() with -o set to the input ("NAME,NAME", "+NAME" adds to
 * the defaults), over a column set like list's.
 *
 * Properties: the table is refused exactly when a name (between commas, a
 * single trailing comma allowed) is not a column, case aside; an accepted
 * table shows exactly the columns named (plus the defaults after "+").
 */
#include <strings.h>

#include "fuzz.h"
#include "output.h"

static const struct vf_colinfo cols[] = {
	{ "DEVICE", 12, 0, VF_COL_STR, "PCI address" },
	{ "ID", 9, 0, VF_COL_STR, "vendor:device" },
	{ "DRIVER", 10, 0, VF_COL_STR, "driver" },
	{ "GROUP", 5, SCOLS_FL_RIGHT, VF_COL_NUM, "IOMMU group" },
	{ "VIABLE", 3, 0, VF_COL_BOOL, "group viable" },
	{ "SIZE", 6, SCOLS_FL_RIGHT, VF_COL_NUM, "size" },
	{ "NAME", 0.3, 0, VF_COL_STR, "name" },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))
#define DEFAULTS "DEVICE,ID,DRIVER"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	vf.quiet = true;
	return 0;
}

/* The reference: mark the columns a list names; 0 if one is unknown. */
static int expect(const char *list, int *want)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ","), i;
		int found = 0;

		for (i = 0; i < NCOLS; i++)
			if (strlen(cols[i].name) == len && !strncasecmp(cols[i].name, p, len)) {
				want[i] = 1;
				found = 1;
			}
		if (!found)
			return 0;
		p += len;
		if (*p == ',')
			p++;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_cstr(data, size);
	struct vf_table_opts opts = { 0 };
	int want[NCOLS] = { 0 }, ok;
	struct vf_table *t;
	FILE *saved = stderr;
	size_t i;

	if (*spec == '+')
		ok = expect(DEFAULTS, want) && expect(spec + 1, want);
	else
		ok = expect(spec, want);
	opts.columns = spec;
	stderr = fopen("/dev/null", "w"); /* the "unknown column" message */
	FUZZ_CHECK(stderr);
	t = vf_table_new("fuzz", cols, NCOLS, DEFAULTS, &opts);
	fclose(stderr);
	stderr = saved;
	FUZZ_CHECK((t != NULL) == (ok != 0));
	if (t) {
		for (i = 0; i < NCOLS; i++)
			FUZZ_CHECK(vf_table_has(t, i) == (want[i] != 0));
		vf_table_row(t);
		vf_cell_str(t, 0, spec);
		vf_cell_u64(t, 3, size);
		vf_table_free(t);
	}
	free(spec);
	return 0;
}
