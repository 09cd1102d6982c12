// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_select - the -s SLOT and -d VENDOR:DEVICE selectors: our wrapper
 * vf_select_check() around libpci's pci_filter_parse_slot() and
 * pci_filter_parse_id().  The input is "SLOT" or "SLOT\nID".
 *
 * Properties: the wrapper accepts a selector exactly when libpci accepts
 * the whole string (so a long selector is never cut into a different one),
 * and an error is a non-empty message.
 */
#include <pci/pci.h>

#include "fuzz.h"
#include "pcidev.h"

/* libpci on a writable copy of the whole selector */
static int libpci_ok(const char *s, int slot)
{
	struct pci_filter f;
	char *copy = strdup(s);
	char *e;

	FUZZ_CHECK(copy);
	pci_filter_init(NULL, &f);
	e = slot ? pci_filter_parse_slot(&f, copy) : pci_filter_parse_id(&f, copy);
	free(copy);
	return e == NULL;
}

static void check(const char *slot, const char *id)
{
	struct vf_select sel = { slot, id };
	char e[256] = "";
	int bad = vf_select_check(&sel, e, sizeof(e));
	int ok = (!slot || libpci_ok(slot, 1)) && (!id || libpci_ok(id, 0));

	FUZZ_CHECK((bad == 0) == (ok != 0));
	if (bad)
		FUZZ_CHECK(*e && strlen(e) < sizeof(e));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *nl = strchr(s, '\n');

	if (nl) {
		*nl = '\0';
		check(s, nl + 1);
		check(NULL, nl + 1);
	}
	check(s, NULL);
	free(s);
	return 0;
}
