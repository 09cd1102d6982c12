// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcidev.c - PCI devices and their VFIO state (see pcidev.h).
 *
 * libpci reads the device list, ids, names, BARs, driver and IOMMU group
 * from sysfs (sysfs.path under --sysroot); the VFIO view (driver family,
 * group viability, device nodes) is read next to it.
 */
#include "pcidev.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pci/pci.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "procfs.h"
#include "vfbuf.h"

static void __attribute__((noreturn, format(printf, 1, 2))) lib_error(char *msg, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	vf_error(VF_EXIT_FAIL, "is sysfs mounted? (--sysroot changes where it is read)",
		 buf, "reading PCI devices (libpci)");
	exit(VF_EXIT_FAIL);
}

static void __attribute__((format(printf, 1, 2))) lib_warning(char *msg, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	vf_warn("libpci: %s", buf);
}

static struct pci_access *lib_open(void)
{
	struct pci_access *pa = pci_alloc();
	char path[PATH_MAX];

	pa->error = lib_error;
	pa->warning = lib_warning;
	pa->method = PCI_ACCESS_SYS_BUS_PCI;
	if (*vf.sysroot) {
		if (!vf_path(path, sizeof(path), "/sys/bus/pci"))
			pci_set_param(pa, "sysfs.path", path);
		if (!vf_path(path, sizeof(path), "/usr/share/misc/pci.ids") &&
		    access(path, R_OK) == 0)
			pci_set_name_list_path(pa, strdup(path), 1);
	}
	pci_init(pa);
	return pa;
}

int vf_select_check(const struct vf_select *sel, char *msg, size_t sz)
{
	struct pci_filter f;
	const char *e = NULL;
	char buf[128];

	pci_filter_init(NULL, &f);
	if (sel->slot) {
		snprintf(buf, sizeof(buf), "%s", sel->slot);
		e = pci_filter_parse_slot(&f, buf);
	}
	if (!e && sel->id) {
		snprintf(buf, sizeof(buf), "%s", sel->id);
		e = pci_filter_parse_id(&f, buf);
	}
	if (!e)
		return 0;
	snprintf(msg, sz, "%s", e);
	return -1;
}

/* Is drv a VFIO driver: vfio-pci itself, or a module that uses
 * vfio_pci_core (a variant driver)? */
static bool driver_is_vfio(const char *drv)
{
	char p[PATH_MAX], link[PATH_MAX];
	const char *mod;

	if (!*drv)
		return false;
	if (!strcmp(drv, "vfio-pci"))
		return true;
	if (vf_path(p, sizeof(p), "/sys/bus/pci/drivers/%s/module", drv) ||
	    vf_readlink(p, link, sizeof(link)) < 0)
		return false;
	mod = strrchr(link, '/');
	mod = mod ? mod + 1 : link;
	if (vf_path(p, sizeof(p), "/sys/module/vfio_pci_core/holders/%s", mod))
		return false;
	return access(p, F_OK) == 0;
}

/* A group member that does not stand in VFIO's way: no driver, a VFIO
 * driver, or one that manages DMA itself the way the kernel allows. */
static bool driver_is_harmless(const char *drv)
{
	return !*drv || !strcmp(drv, "pci-stub") || !strcmp(drv, "pcieport") ||
	       driver_is_vfio(drv);
}

static void driver_of(const char *bdf, char *out, size_t sz)
{
	char p[PATH_MAX], link[PATH_MAX];
	const char *b;

	out[0] = '\0';
	if (vf_path(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", bdf) ||
	    vf_readlink(p, link, sizeof(link)) < 0)
		return;
	b = strrchr(link, '/');
	b = b ? b + 1 : link;
	vf_strlcpy(out, sz, b, strlen(b));
}

static void group_state(struct vf_pcidev *d)
{
	char p[PATH_MAX], drv[64];
	struct dirent *de;
	DIR *dir;
	size_t used = 0;

	d->viable = VF_VIABLE_UNKNOWN;
	if (d->group < 0 || vf_path(p, sizeof(p), "/sys/kernel/iommu_groups/%d/devices", d->group) ||
	    !(dir = opendir(p)))
		return;
	d->viable = VF_VIABLE_YES;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		driver_of(de->d_name, drv, sizeof(drv));
		if (driver_is_harmless(drv))
			continue;
		d->viable = VF_VIABLE_NO;
		if (used < sizeof(d->blockers)) {
			int n = snprintf(d->blockers + used, sizeof(d->blockers) - used,
					 "%s%s(%s)", used ? " " : "", de->d_name, drv);
			used += n > 0 ? (size_t)n : 0;
		}
	}
	closedir(dir);

	if (!vf_path(p, sizeof(p), "/dev/vfio/%d", d->group) && access(p, F_OK) == 0)
		snprintf(d->group_node, sizeof(d->group_node), "/dev/vfio/%d", d->group);
}

static void cdev_of(struct vf_pcidev *d)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	if (vf_path(p, sizeof(p), "/sys/bus/pci/devices/%s/vfio-dev", d->bdfstr) ||
	    !(dir = opendir(p)))
		return;
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "vfio", 4)) {
			vf_strlcpy(d->cdev, sizeof(d->cdev), de->d_name, strlen(de->d_name));
			break;
		}
	closedir(dir);
}

/* The IOMMU group libpci read (the iommu_group link's name), -1 if none
 * or not a number. */
static int group_number(const char *s)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno || *end || v > INT_MAX ? -1 : (int)v;
}

/* names: look up the vendor and device names (libpci then parses all of
 * pci.ids: most of the run time of a command that only opens a device). */
static void fill(struct pci_access *pa, struct pci_dev *pd, struct vf_pcidev *d, bool names)
{
	const char *s;
	int i;

	memset(d, 0, sizeof(*d));
	pci_fill_info(pd, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_BASES | PCI_FILL_SIZES |
			  PCI_FILL_IO_FLAGS | PCI_FILL_IOMMU_GROUP | PCI_FILL_DRIVER);
	d->bdf.domain = (unsigned int)pd->domain;
	d->bdf.bus = pd->bus;
	d->bdf.dev = pd->dev;
	d->bdf.fn = pd->func;
	vf_format_bdf(&d->bdf, d->bdfstr);
	d->vendor = pd->vendor_id;
	d->device = pd->device_id;
	d->class_id = pd->device_class;
	if (names)
		pci_lookup_name(pa, d->name, sizeof(d->name), PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
				d->vendor, d->device);
	s = pci_get_string_property(pd, PCI_FILL_DRIVER);
	snprintf(d->driver, sizeof(d->driver), "%s", s ? s : "");
	d->vfio = driver_is_vfio(d->driver);
	s = pci_get_string_property(pd, PCI_FILL_IOMMU_GROUP);
	d->group = group_number(s);
	for (i = 0; i < VF_NBARS; i++) {
		struct vf_bar *b = &d->bars[i];
		pciaddr_t fl = pd->flags[i];

		b->size = pd->size[i];
		b->present = b->size != 0;
		if (!b->present)
			continue;
		b->io = (fl & PCI_IORESOURCE_IO) != 0;
		b->is64 = (fl & PCI_IORESOURCE_MEM_64) != 0;
		b->prefetch = (fl & PCI_IORESOURCE_PREFETCH) != 0;
	}
	group_state(d);
	cdev_of(d);
	/* a VFIO driver built into the kernel has no module to ask: the
	 * device's vfio-dev/ entry says VFIO registered it */
	if (!d->vfio && *d->cdev)
		d->vfio = true;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct vf_bdf *x = &((const struct vf_pcidev *)a)->bdf;
	const struct vf_bdf *y = &((const struct vf_pcidev *)b)->bdf;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (int)x->fn - (int)y->fn;
}

static int scan(const struct vf_select *sel, bool names, struct vf_pcidev **out)
{
	struct pci_access *pa;
	struct pci_filter f;
	struct pci_dev *pd;
	struct vf_pcidev *v = NULL;
	size_t n = 0, cap = 0;
	char p[PATH_MAX], buf[128];

	/* errors: -VF_EXIT_FAIL spelled out, so that the analyser sees n < 0 */
	if (vf_path(p, sizeof(p), "/sys/bus/pci/devices") == 0 && access(p, R_OK) != 0) {
		vf_error_errno(VF_EXIT_FAIL, errno,
			       *vf.sysroot ? "check --sysroot" : "is sysfs mounted on /sys?",
			       "reading %s", p);
		return -VF_EXIT_FAIL;
	}
	vf_debug("scanning PCI devices%s%s%s%s", sel && sel->slot ? " -s " : "",
		 sel && sel->slot ? sel->slot : "", sel && sel->id ? " -d " : "", sel && sel->id ? sel->id : "");
	pa = lib_open();
	pci_filter_init(pa, &f);
	if (sel && sel->slot) {
		snprintf(buf, sizeof(buf), "%s", sel->slot);
		pci_filter_parse_slot(&f, buf);
	}
	if (sel && sel->id) {
		snprintf(buf, sizeof(buf), "%s", sel->id);
		pci_filter_parse_id(&f, buf);
	}
	pci_scan_bus(pa);
	for (pd = pa->devices; pd; pd = pd->next) {
		if (!pci_filter_match(&f, pd))
			continue;
		if (n == cap) {
			struct vf_pcidev *nv;

			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				pci_cleanup(pa);
				vf_error_errno(VF_EXIT_FAIL, ENOMEM, NULL, "scanning PCI devices");
				return -VF_EXIT_FAIL;
			}
			v = nv;
		}
		fill(pa, pd, &v[n++], names);
	}
	pci_cleanup(pa);
	if (n)
		qsort(v, n, sizeof(*v), cmp_dev);
	*out = v;
	return (int)n;
}

int vf_pci_scan(const struct vf_select *sel, struct vf_pcidev **out)
{
	return scan(sel, true, out);
}

void vf_select_text(const struct vf_select *sel, char *out, size_t sz)
{
	snprintf(out, sz, "%s%s%s%s", sel->slot ? "-s " : "", sel->slot ? sel->slot : "",
		 sel->id ? (sel->slot ? " -d " : "-d ") : "", sel->id ? sel->id : "");
}

int vf_pci_find_one(const struct vf_select *sel, struct vf_pcidev *dev)
{
	struct vf_pcidev *v = NULL;
	char what[160];
	int n, i;
	size_t used = 0;
	char list[512] = "";

	vf_select_text(sel, what, sizeof(what));
	if (!sel->slot && !sel->id)
		return vf_error(VF_EXIT_USAGE, "name one with -s BDF or -d VENDOR:DEVICE",
				"none named", "selecting a device");
	n = scan(sel, false, &v); /* the caller opens it: no names */
	if (n < 0)
		return -n;
	if (n == 0) {
		free(v);
		return vf_error(VF_EXIT_FAIL, "'vfbuf list --all' shows the PCI devices",
				"no such PCI device", "%s", what);
	}
	if (n > 1) {
		for (i = 0; i < n && used < sizeof(list); i++) {
			int k = snprintf(list + used, sizeof(list) - used, "%s%s", i ? " " : "",
					 v[i].bdfstr);
			used += k > 0 ? (size_t)k : 0;
		}
		vf_error(VF_EXIT_USAGE, "narrow the selection with -s BDF",
			 "matches several devices", "%s (%s)", what, list);
		free(v);
		return VF_EXIT_USAGE;
	}
	*dev = v[0];
	free(v);
	return 0;
}
