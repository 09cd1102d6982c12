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

#include "lines.h"
#include "output.h"
#include "parse.h"
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

/* libpci reading sysfs (and pci.ids) under --sysroot, and nothing
 * outside it: no fallback to /sys or the host's pci.ids, no udev hwdb, no
 * ID cache.  NULL (after the error) when a path cannot be built. */
static struct pci_access *lib_open(void)
{
	struct pci_access *pa;
	char sys[PATH_MAX], ids[PATH_MAX];

	if (*vf.sysroot && (vf_path(sys, sizeof(sys), "/sys/bus/pci") ||
			    vf_path(ids, sizeof(ids), "/usr/share/misc/pci.ids"))) {
		vf_error_errno(VF_EXIT_FAIL, ENAMETOOLONG, "use a shorter --sysroot", "--sysroot %s",
			       vf.sysroot);
		return NULL;
	}
	pa = pci_alloc();
	pa->error = lib_error;
	pa->warning = lib_warning;
	pa->method = PCI_ACCESS_SYS_BUS_PCI;
	if (*vf.sysroot) {
		pci_set_param(pa, "sysfs.path", sys);
		/* a missing pci.ids under the sysroot gives numbers, not the host's names */
		pci_set_name_list_path(pa, strdup(ids), 1);
		pa->id_lookup_mode = (pa->id_lookup_mode & ~(unsigned int)PCI_LOOKUP_CACHE) |
				     PCI_LOOKUP_NO_HWDB;
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

	/* a no-IOMMU group (vfio's enable_unsafe_noiommu_mode) is named so,
	 * and its node is /dev/vfio/noiommu-N */
	if (!vf_path(p, sizeof(p), "/sys/kernel/iommu_groups/%d/name", d->group) &&
	    vf_read_file(p, drv, sizeof(drv)) > 0 && !strncmp(drv, "vfio-noiommu", 12))
		d->noiommu = true;
	if (!vf_path(p, sizeof(p), "/dev/vfio/%s%d", d->noiommu ? "noiommu-" : "", d->group) &&
	    access(p, F_OK) == 0)
		snprintf(d->group_node, sizeof(d->group_node), "/dev/vfio/%s%d",
			 d->noiommu ? "noiommu-" : "", d->group);
}

static void cdev_of(struct vf_pcidev *d)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	if (vf_path(p, sizeof(p), "/sys/bus/pci/devices/%s/vfio-dev", d->bdfstr) ||
	    !(dir = opendir(p)))
		return;
	/* "vfioN"; a no-IOMMU device's is "noiommu-vfioN" (vfio_main.c's
	 * vfio_device_set_noiommu_and_name(), kernels with IOMMUFD_NOIOMMU) */
	while ((de = readdir(dir)))
		if (vf_vfio_cdev_name(de->d_name, strlen(de->d_name))) {
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
	if (vf_path(p, sizeof(p), "/sys/bus/pci/devices")) {
		vf_error_errno(VF_EXIT_FAIL, ENAMETOOLONG, "use a shorter --sysroot", "--sysroot %s",
			       vf.sysroot);
		return -VF_EXIT_FAIL;
	}
	if (access(p, R_OK) != 0) {
		vf_error_errno(VF_EXIT_FAIL, errno,
			       *vf.sysroot ? "check --sysroot" : "is sysfs mounted on /sys?",
			       "reading %s", p);
		return -VF_EXIT_FAIL;
	}
	vf_debug("scanning PCI devices%s%s%s%s", sel && sel->slot ? " -s " : "",
		 sel && sel->slot ? sel->slot : "", sel && sel->id ? " -d " : "", sel && sel->id ? sel->id : "");
	if (!(pa = lib_open()))
		return -VF_EXIT_FAIL;
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

/* ---- what a device is used for (before anyone advises unbinding it) ---- */

#define IN_USE_BLK 16

struct in_use {
	char *why;
	size_t sz, used;
	struct { unsigned int maj, min; char name[64]; } blk[IN_USE_BLK];
	int nblk;
	char console[256]; /* /sys/class/tty/console/active: "ttyS0 tty0" */
};

static void say(struct in_use *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct in_use *u, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (u->used + 3 >= u->sz)
		return;
	if (u->used) {
		memcpy(u->why + u->used, "; ", 3);
		u->used += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(u->why + u->used, u->sz - u->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		u->used += (size_t)n < u->sz - u->used ? (size_t)n : u->sz - u->used - 1;
}

/* Is word a blank-separated word of list? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ' || p[-1] == '\n') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

static void add_blk(struct in_use *u, const char *name, const char *devfile)
{
	char buf[32];
	unsigned int maj, min;

	if (u->nblk >= IN_USE_BLK || vf_read_file(devfile, buf, sizeof(buf)) <= 0 ||
	    vf_parse_majmin(buf, &maj, &min))
		return;
	u->blk[u->nblk].maj = maj;
	u->blk[u->nblk].min = min;
	vf_strlcpy(u->blk[u->nblk].name, sizeof(u->blk[0].name), name, strlen(name));
	u->nblk++;
}

/* The subsystem a sysfs device directory belongs to ("block", "net"). */
static void subsystem_of(const char *dir, char *out, size_t sz)
{
	char p[PATH_MAX], link[PATH_MAX];
	const char *b;

	out[0] = '\0';
	if ((size_t)snprintf(p, sizeof(p), "%s/subsystem", dir) >= sizeof(p) ||
	    vf_readlink(p, link, sizeof(link)) < 0)
		return;
	b = strrchr(link, '/');
	b = b ? b + 1 : link;
	vf_strlcpy(out, sz, b, strlen(b));
}

/* One device directory under the PCI device: what it is, then its
 * children (real directories only: sysfs links lead out of the tree).
 * Recursive, but bounded by depth. */
// NOLINTNEXTLINE(misc-no-recursion): the depth argument bounds it
static void walk(struct in_use *u, const char *dir, const char *name, int depth)
{
	char p[PATH_MAX], sub[32], buf[64];
	struct dirent *de;
	DIR *dh;

	subsystem_of(dir, sub, sizeof(sub));
	if (!strcmp(sub, "block")) {
		/* the disk or partition, and what is built on it (dm, md) */
		if ((size_t)snprintf(p, sizeof(p), "%s/dev", dir) < sizeof(p))
			add_blk(u, name, p);
		if ((size_t)snprintf(p, sizeof(p), "%s/holders", dir) < sizeof(p) && (dh = opendir(p))) {
			char q[PATH_MAX];

			while ((de = readdir(dh)))
				if (de->d_name[0] != '.' &&
				    !vf_path(q, sizeof(q), "/sys/class/block/%s/dev", de->d_name))
					add_blk(u, de->d_name, q);
			closedir(dh);
		}
	} else if (!strcmp(sub, "net")) {
		unsigned long flags;

		char *end;

		if ((size_t)snprintf(p, sizeof(p), "%s/flags", dir) < sizeof(p) &&
		    vf_read_file(p, buf, sizeof(buf)) > 0 &&
		    (errno = 0, flags = strtoul(buf, &end, 16), !errno && end != buf) &&
		    (flags & 1)) /* IFF_UP */
			say(u, "network interface %s is up", name);
	} else if (!strcmp(sub, "tty") && has_word(u->console, name)) {
		say(u, "%s on it is the console", name);
	} else if ((!strcmp(sub, "graphics") || !strcmp(sub, "drm")) && !strncmp(name, "fb", 2) &&
		   has_word(u->console, "tty0")) {
		say(u, "its framebuffer %s shows the console (tty0)", name);
	}
	if (depth >= 8 || !(dh = opendir(dir)))
		return;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR ||
		    (size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >= sizeof(p))
			continue;
		walk(u, p, de->d_name, depth + 1);
	}
	closedir(dh);
}

/* Which of u's block devices <sysroot>/proc/self/mountinfo mounts. */
static void mounted(struct in_use *u)
{
	bool seen[IN_USE_BLK] = { false };
	char p[PATH_MAX];
	struct vf_lines r;
	const char *line;
	size_t len;
	FILE *f;
	int i;

	if (!u->nblk || vf_path(p, sizeof(p), "/proc/self/mountinfo") || !(f = fopen(p, "re")))
		return;
	if (vf_lines_open(&r, f)) {
		fclose(f);
		return;
	}
	/* "36 35 259:1 / / rw,relatime - ext4 /dev/nvme0n1p1 rw": the third field */
	while ((line = vf_lines_next(&r, &len))) {
		char text[64];
		const char *a = memchr(line, ' ', len), *b;
		unsigned int maj, min;
		char mnt[64] = "";

		if (!a || !(a = memchr(a + 1, ' ', len - (size_t)(a + 1 - line))))
			continue;
		a++;
		b = memchr(a, ' ', len - (size_t)(a - line));
		if (!b || (size_t)(b - a) >= sizeof(text))
			continue;
		vf_strlcpy(text, sizeof(text), a, (size_t)(b - a));
		if (vf_parse_majmin(text, &maj, &min))
			continue;
		/* the mount point: the fifth field */
		a = memchr(b + 1, ' ', len - (size_t)(b + 1 - line));
		if (a) {
			const char *c = memchr(a + 1, ' ', len - (size_t)(a + 1 - line));

			if (c)
				vf_strlcpy(mnt, sizeof(mnt), a + 1, (size_t)(c - a - 1));
		}
		for (i = 0; i < u->nblk; i++)
			if (!seen[i] && u->blk[i].maj == maj && u->blk[i].min == min) {
				seen[i] = true;
				say(u, "%s (%u:%u) is mounted on %s", u->blk[i].name, maj, min, mnt);
			}
	}
	vf_lines_close(&r);
	fclose(f);
}

void vf_pci_in_use(const struct vf_pcidev *d, char *why, size_t sz)
{
	struct in_use u = { .why = why, .sz = sz };
	char p[PATH_MAX], buf[8];

	why[0] = '\0';
	if (!vf_path(p, sizeof(p), "/sys/class/tty/console/active"))
		vf_read_file(p, u.console, sizeof(u.console));
	if (!vf_path(p, sizeof(p), "/sys/bus/pci/devices/%s/boot_vga", d->bdfstr) &&
	    vf_read_file(p, buf, sizeof(buf)) > 0 && buf[0] == '1')
		say(&u, "it is the boot VGA device");
	if (!vf_path(p, sizeof(p), "/sys/bus/pci/devices/%s", d->bdfstr))
		walk(&u, p, d->bdfstr, 0);
	mounted(&u);
}

void vf_vfio_support(struct vf_vfio_support *s)
{
	static const char *const ext[] = { "", ".xz", ".zst", ".gz" };
	char p[PATH_MAX], buf[8];
	struct dirent *de;
	DIR *dir;
	size_t i;
	ssize_t n;

	memset(s, 0, sizeof(*s));
	if (!vf_path(p, sizeof(p), "/proc/sys/kernel/osrelease") &&
	    (n = vf_read_file(p, s->release, sizeof(s->release))) > 0 && s->release[n - 1] == '\n')
		s->release[n - 1] = '\0';
	if (!vf_path(p, sizeof(p), "/sys/bus/pci/drivers/vfio-pci") && access(p, F_OK) == 0)
		s->vfio_pci = true;
	for (i = 0; !s->vfio_pci && *s->release && i < VF_ARRAY_SIZE(ext); i++)
		if (!vf_path(p, sizeof(p), "/lib/modules/%s/kernel/drivers/vfio/pci/vfio-pci.ko%s",
			     s->release, ext[i]) && access(p, F_OK) == 0)
			s->vfio_pci = true;
	if (!vf_path(p, sizeof(p), "/sys/kernel/iommu_groups") && (dir = opendir(p))) {
		while (!s->iommu && (de = readdir(dir))) {
			char q[PATH_MAX], name[16];

			if (de->d_name[0] == '.')
				continue;
			/* a no-IOMMU group is no IOMMU */
			if (!vf_path(q, sizeof(q), "/sys/kernel/iommu_groups/%s/name", de->d_name) &&
			    vf_read_file(q, name, sizeof(name)) > 0 && !strncmp(name, "vfio-noiommu", 12))
				continue;
			s->iommu = true;
		}
		closedir(dir);
	}
	if (!vf_path(p, sizeof(p), "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode") &&
	    vf_read_file(p, buf, sizeof(buf)) > 0 && (buf[0] == 'Y' || buf[0] == '1'))
		s->noiommu = true;
}
