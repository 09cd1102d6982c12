// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * device.c - find, open and take VFIO devices, explaining refusals (see
 * device.h).
 */
#include "device.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "iommufd.h"
#include "output.h"
#include "pidfd.h"
#include "procfs.h"

static void device_init(struct vf_device *d)
{
	const struct vf_vfio_dev none = VF_VFIO_DEV_INIT;

	memset(d, 0, sizeof(*d));
	d->vfio = none;
}

static int select_vfio(const char *arg, const char *origin)
{
	if (strcmp(arg, "auto") != 0 && strcmp(arg, "group") != 0 && strcmp(arg, "cdev") != 0)
		return -1;
	vf.vfio = !strcmp(arg, "auto") ? "auto" : !strcmp(arg, "group") ? "group" : "cdev";
	vf.vfio_origin = origin;
	return 0;
}

int vf_vfio_select(const char *arg)
{
	return select_vfio(arg, "--vfio");
}

int vf_vfio_select_env(const char **value)
{
	const char *env = getenv("VFBUF_VFIO");

	*value = env;
	return !env || !*env ? 0 : select_vfio(env, "VFBUF_VFIO");
}

/* Does <sysroot>/dir/name exist? */
static bool exists(const char *dir, const char *name)
{
	char p[PATH_MAX];

	return !vf_path(p, sizeof(p), "%s%s", dir, name) && access(p, F_OK) == 0;
}

void vf_device_doors(const struct vf_pcidev *pci, struct vf_doors *out)
{
	out->group = *pci->group_node && exists("/dev/vfio/", "vfio") && exists(pci->group_node, "");
	out->cdev = *pci->cdev && exists("/dev/vfio/devices/", pci->cdev) &&
		    exists(VF_IOMMUFD_PATH, "");
}

int vf_device_find(const struct vf_select *sel, struct vf_pcidev *pci)
{
	return vf_pci_find_one(sel, pci);
}

/* The hint for EACCES/EPERM on a VFIO node (nodes: what needs opening). */
static const char *denied_hint(const char *nodes, char *buf, size_t sz)
{
	if (geteuid() == 0)
		return VF_HINT_ROOT_DENIED;
	snprintf(buf, sz, "needs read and write access to %s: run as root, or give your user the node (chown/udev rule)",
		 nodes);
	return buf;
}

/* Who holds the device: a process (not us) with its group node open, or
 * with a VFIO device fd whose fdinfo names this PCI device (either door):
 * "pid 123 (qemu) holds it" (the group), "pid 123 (qemu) holds it (a VFIO
 * device fd)", or "" if none is seen. */
struct holder_acc {
	const char *group_node; /* "" when the device has no group */
	const struct vf_bdf *bdf;
	pid_t self, found;
	bool by_group;
};

static int match_holder(pid_t pid, int fd, const char *target, void *arg)
{
	struct holder_acc *a = arg;
	struct vf_bdf b;

	if (pid == a->self)
		return 0;
	if (*a->group_node && !strcmp(target, a->group_node)) {
		a->found = pid;
		a->by_group = true;
		return 1;
	}
	if (!vf_proc_fd_vfio_bdf(pid, fd, target, &b) && !memcmp(&b, a->bdf, sizeof(b))) {
		a->found = pid;
		return 1;
	}
	return 0;
}

static void find_holder(const struct vf_pcidev *d, char *out, size_t sz)
{
	struct holder_acc a = { d->group_node, &d->bdf, getpid(), 0, false };
	struct vf_proc_iter it;
	pid_t pid;
	char comm[64];

	out[0] = '\0';
	if (vf_proc_open(&it))
		return;
	while (!a.found && vf_proc_next(&it, &pid))
		vf_proc_fds(pid, match_holder, &a);
	vf_proc_close(&it);
	if (a.found) {
		vf_proc_comm(a.found, comm, sizeof(comm));
		snprintf(out, sz, "pid %d (%s) holds it%s", (int)a.found, comm,
			 a.by_group ? "" : " (a VFIO device fd)");
	}
}

/* The kernel cannot give VFIO this device at all: no vfio-pci, or no
 * IOMMU (and no no-IOMMU mode).  Exit 69 saying so, or 0. */
static int no_vfio_kernel(const struct vf_pcidev *d, const struct vf_vfio_support *k)
{
	char why[256];

	if (!k->vfio_pci) {
		snprintf(why, sizeof(why),
			 "this kernel (%s) has no vfio-pci (no /sys/bus/pci/drivers/vfio-pci, no vfio-pci module)",
			 *k->release ? k->release : "?");
		return vf_error(VF_EXIT_UNSUPPORTED,
				"a kernel with CONFIG_VFIO_PCI (and an IOMMU) can give the device to VFIO; "
				"binding it to another driver would not help",
				why, "%s: not bound to a VFIO driver", d->bdfstr);
	}
	if (!k->iommu && !k->noiommu && d->group < 0)
		return vf_error(VF_EXIT_UNSUPPORTED,
				"enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel command line, "
				"VT-d/AMD-Vi in firmware); vfio-pci refuses devices without one",
				"this kernel has no IOMMU (no /sys/kernel/iommu_groups entries, no no-IOMMU mode)",
				"%s: not bound to a VFIO driver", d->bdfstr);
	return 0;
}

static int not_vfio_error(const struct vf_pcidev *d)
{
	char unbind[128] = "", hint[1024], used[384] = "", warn[512] = "";
	struct vf_vfio_support k;
	int r;

	vf_vfio_support(&k);
	if ((r = no_vfio_kernel(d, &k)))
		return r;
	if (*d->driver) {
		snprintf(unbind, sizeof(unbind), "  echo %s > /sys/bus/pci/devices/%s/driver/unbind\n",
			 d->bdfstr, d->bdfstr);
		/* never advise taking a device from this host without saying so */
		vf_pci_in_use(d, used, sizeof(used));
		if (*used)
			snprintf(warn, sizeof(warn),
				 "%s IS IN USE: %s; unbinding it from %s takes that away from this host.\n"
				 "Only if you mean that, ",
				 d->bdfstr, used, d->driver);
	}
	snprintf(hint, sizeof(hint),
		 "%sbind it to vfio-pci (as root):\n"
		 "  echo vfio-pci > /sys/bus/pci/devices/%s/driver_override\n"
		 "%s"
		 "  echo %s > /sys/bus/pci/drivers_probe%s",
		 warn, d->bdfstr, unbind, d->bdfstr,
		 k.iommu ? "" : "\n(no IOMMU: vfio-pci gives it a no-IOMMU group, without DMA isolation)");
	return vf_error(VF_EXIT_FAIL, hint,
			*used ? "bound to another driver, and in use" :
			*d->driver ? "bound to another driver" : "not bound to any driver",
			"%s: not bound to a VFIO driver%s%s%s", d->bdfstr,
			*d->driver ? " (" : "", d->driver, *d->driver ? ")" : "");
}

/* The group interface is missing but the device has a cdev: a kernel
 * built with VFIO_DEVICE_CDEV and without VFIO_GROUP/VFIO_CONTAINER. */
static int cdev_only(const struct vf_pcidev *d, const char *node)
{
	char hint[PATH_MAX + 160];

	if (exists(VF_IOMMUFD_PATH, ""))
		snprintf(hint, sizeof(hint),
			 "the device has only its cdev /dev/vfio/devices/%s: --vfio cdev (or auto) opens it "
			 "through that and iommufd",
			 d->cdev);
	else
		snprintf(hint, sizeof(hint),
			 "the device has only its cdev /dev/vfio/devices/%s, which needs iommufd (no %s: a kernel "
			 "with CONFIG_IOMMUFD has it); a kernel with CONFIG_VFIO_GROUP=y and CONFIG_VFIO_CONTAINER=y "
			 "has the group path",
			 d->cdev, VF_IOMMUFD_PATH);
	return vf_error(VF_EXIT_UNSUPPORTED, hint, "no VFIO group interface on this kernel",
			"opening %s for %s", node, d->bdfstr);
}

/* The cdev path: /dev/iommu, the device's cdev bound to it, an IOAS the
 * device is attached to (DMA then goes through that IOAS: vfbuf import). */
/* With iommufd >= 0: bind to that iommufd (not ours: v->iommufd stays -1)
 * and attach to its IOAS ioas; else open our own and a new IOAS. */
static int open_cdev(const struct vf_pcidev *d, struct vf_vfio_dev *v, int iommufd, uint32_t ioas)
{
	char node[PATH_MAX], iommu[PATH_MAX], hint[PATH_MAX + 160];
	uint32_t pt;
	int r, e, ifd;

	if (!*d->cdev)
		return vf_error(VF_EXIT_UNSUPPORTED,
				"a kernel with CONFIG_VFIO_DEVICE_CDEV=y and CONFIG_IOMMUFD has it; --vfio group (or auto) uses the group path",
				"no VFIO device cdev (no vfio-dev/ entry in sysfs)", "%s: --vfio cdev", d->bdfstr);
	if (vf_path(iommu, sizeof(iommu), "%s", VF_IOMMUFD_PATH) ||
	    vf_path(node, sizeof(node), "/dev/vfio/devices/%s", d->cdev))
		return vf_error(VF_EXIT_FAIL, NULL, "path too long", "--sysroot");
	if (iommufd < 0) {
		char what[64];

		snprintf(what, sizeof(what), "%s's cdev", d->bdfstr);
		if ((r = vf_device_iommufd(&v->iommufd, what)))
			return r;
	}
	ifd = iommufd >= 0 ? iommufd : v->iommufd;
	v->device = open(node, O_RDWR | O_CLOEXEC);
	if (v->device < 0) {
		e = errno;
		if (e == EACCES || e == EPERM)
			return vf_error_errno(VF_EXIT_NOPERM, e, denied_hint(node, hint, sizeof(hint)),
					      "opening %s (cdev of %s)", node, d->bdfstr);
		return vf_error_errno(-1, e, NULL, "opening %s (cdev of %s)", node, d->bdfstr);
	}
	if ((r = vf_vfio_bind_iommufd(v->device, ifd, &v->devid)) < 0) {
		/* EBUSY: its group is open (vfio_device_block_group); EINVAL:
		 * the device is open already, and the cdev door opens a device
		 * once (vfio_df_open) */
		if (-r == EBUSY || -r == EINVAL) {
			find_holder(d, hint, sizeof(hint));
			if (!*hint)
				snprintf(hint, sizeof(hint), "%s",
					 -r == EBUSY ? "its IOMMU group is open elsewhere (QEMU, DPDK, another vfbuf)"
						     : "the device is probably open elsewhere already: through its cdev the kernel opens a device only once");
			return vf_error_errno(VF_EXIT_FAIL, -r, hint, "VFIO_DEVICE_BIND_IOMMUFD %s (cdev of %s)", node,
					      d->bdfstr);
		}
		return vf_error_errno(-1, -r, -r == ENODEV ? "the device went away" : NULL,
				      "VFIO_DEVICE_BIND_IOMMUFD %s (cdev of %s)", node, d->bdfstr);
	}
	v->ioas = ioas;
	if (iommufd < 0 && (r = vf_ioas_alloc(ifd, &v->ioas)) < 0)
		return vf_error_errno(-1, -r, NULL, "IOMMU_IOAS_ALLOC on %s", iommu);
	pt = v->ioas;
	if ((r = vf_vfio_attach_pt(v->device, &pt)) < 0)
		return vf_error_errno(-1, -r, NULL, "VFIO_DEVICE_ATTACH_IOMMUFD_PT %s to IOAS %u", node,
				      v->ioas);
	return 0;
}

int vf_device_iommufd(int *fd, const char *what)
{
	char iommu[PATH_MAX];
	int e;

	if (vf_path(iommu, sizeof(iommu), "%s", VF_IOMMUFD_PATH))
		return vf_error(VF_EXIT_FAIL, NULL, "path too long", "--sysroot");
	*fd = open(iommu, O_RDWR | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	e = errno;
	if (e == ENOENT)
		return vf_error(VF_EXIT_UNSUPPORTED,
				"a kernel with CONFIG_IOMMUFD (modprobe iommufd) has it; --vfio group uses the group path",
				"no iommufd on this kernel", "opening %s for %s", iommu, what);
	if (e == EACCES || e == EPERM) {
		char hint[PATH_MAX + 160];

		return vf_error_errno(VF_EXIT_NOPERM, e,
				      denied_hint("/dev/iommu and the device's cdev", hint, sizeof(hint)),
				      "opening %s for %s", iommu, what);
	}
	return vf_error_errno(-1, e, NULL, "opening %s for %s", iommu, what);
}

int vf_device_open_cdev(const struct vf_pcidev *pci, int iommufd, uint32_t ioas, struct vf_device *d)
{
	int r;

	device_init(d);
	d->pci = *pci;
	d->cdev = true;
	if (!pci->vfio)
		return not_vfio_error(pci);
	if ((r = open_cdev(pci, &d->vfio, iommufd, ioas)) || (r = vf_vfio_device_info(&d->vfio)) < 0) {
		vf_vfio_close(&d->vfio);
		return r < 0 ? vf_error_errno(-1, -r, NULL, "VFIO_DEVICE_GET_INFO %s", pci->bdfstr) : r;
	}
	vf_info("%s: driver %s, opened through its cdev, attached to IOAS %u", pci->bdfstr, pci->driver,
		ioas);
	return 0;
}

/* The blockers of a group ("BDF(driver) ...") that are in use, said
 * before anyone unbinds them: "BDF IS IN USE: why; ..." */
static void blockers_in_use(const char *blockers, char *out, size_t sz)
{
	const char *p = blockers;
	size_t used = 0;

	out[0] = '\0';
	while (*p && used + 1 < sz) {
		struct vf_pcidev b;
		const char *paren = strchr(p, '('), *sp;
		char why[256];
		int n;

		if (!paren)
			break;
		memset(&b, 0, sizeof(b));
		vf_strlcpy(b.bdfstr, sizeof(b.bdfstr), p, (size_t)(paren - p));
		vf_pci_in_use(&b, why, sizeof(why));
		if (*why) {
			n = snprintf(out + used, sz - used, "%s%s IS IN USE: %s", used ? "; " : "",
				     b.bdfstr, why);
			used += n > 0 ? (size_t)n : 0;
		}
		sp = strchr(paren, ' ');
		if (!sp)
			break;
		p = sp + 1;
	}
}

/* after_open: the kernel said so (VFIO_GROUP_GET_STATUS), else sysfs did. */
static int not_viable(const struct vf_pcidev *d, bool after_open)
{
	char hint[1200], used[640], first[700] = "";

	blockers_in_use(d->blockers, used, sizeof(used));
	if (*used)
		snprintf(first, sizeof(first),
			 "%s: unbinding takes that away from this host.\nOnly if you mean that, ", used);
	if (after_open)
		snprintf(hint, sizeof(hint), "%sbind or unbind the other devices of group %d: %s", first,
			 d->group, *d->blockers ? d->blockers : "see /sys/kernel/iommu_groups/");
	else
		snprintf(hint, sizeof(hint),
			 "%sunbind these from their drivers, or bind them to vfio-pci too: %s", first,
			 d->blockers);
	return vf_error(VF_EXIT_FAIL, hint, "group not viable", "IOMMU group %d of %s", d->group,
			d->bdfstr);
}

static int open_container(const struct vf_pcidev *d, struct vf_vfio_dev *v)
{
	char node[PATH_MAX];
	int r;

	if (vf_path(node, sizeof(node), "/dev/vfio/vfio"))
		return vf_error(VF_EXIT_FAIL, NULL, "path too long", "--sysroot");
	v->container = open(node, O_RDWR | O_CLOEXEC);
	if (v->container < 0 && errno == ENOENT && *d->cdev)
		return cdev_only(d, node);
	if (v->container < 0)
		return vf_error_errno(-1, errno,
				      errno == ENOENT ? "load the vfio module: modprobe vfio-pci" : NULL,
				      "opening %s", node);
	if ((r = vf_vfio_api_version(v->container)) < 0)
		return vf_error_errno(VF_EXIT_FAIL, -r, NULL, "%s: not a VFIO container (VFIO_GET_API_VERSION)",
				      node);
	if (r != VFIO_API_VERSION)
		return vf_error(VF_EXIT_UNSUPPORTED, NULL, "unknown VFIO API version",
				"%s: version %d", node, r);
	if (d->noiommu) {
		if (!vf_vfio_has_noiommu(v->container))
			return vf_error(VF_EXIT_UNSUPPORTED,
					"load vfio with enable_unsafe_noiommu_mode=1",
					"no no-IOMMU backend", "%s (for the no-IOMMU group of %s)", node,
					d->bdfstr);
		return 0;
	}
	if (!vf_vfio_has_type1(v->container))
		return vf_error(VF_EXIT_UNSUPPORTED, "load vfio_iommu_type1 (modprobe vfio_iommu_type1)",
				"no type1 IOMMU backend", "%s", node);
	return 0;
}

static int open_group(const struct vf_pcidev *d, struct vf_vfio_dev *v)
{
	char node[PATH_MAX], holder[128];
	const char *stage;
	uint32_t flags;
	int r, e;

	if (vf_path(node, sizeof(node), "/dev/vfio/%s%d", d->noiommu ? "noiommu-" : "", d->group))
		return vf_error(VF_EXIT_FAIL, NULL, "path too long", "--sysroot");

	v->group = open(node, O_RDWR | O_CLOEXEC);
	if (v->group < 0) {
		e = errno;
		if (e == ENOENT && *d->cdev)
			return cdev_only(d, node);
		if (e == EBUSY) {
			find_holder(d, holder, sizeof(holder));
			return vf_error(VF_EXIT_FAIL,
					*holder ? holder : "another process holds the group (QEMU, DPDK, another vfbuf)",
					vf_strerror(e), "opening %s (IOMMU group of %s)", node, d->bdfstr);
		}
		if (e == EACCES || e == EPERM) {
			char hint[PATH_MAX + 128];

			return vf_error_errno(VF_EXIT_NOPERM, e, denied_hint(node, hint, sizeof(hint)),
					      "opening %s", node);
		}
		return vf_error_errno(-1, e, NULL, "opening %s", node);
	}
	if ((r = vf_vfio_group_status(v->group, &flags)) < 0)
		return vf_error_errno(-1, -r, NULL, "VFIO_GROUP_GET_STATUS on %s", node);
	if (!(flags & VFIO_GROUP_FLAGS_VIABLE))
		return not_viable(d, true);
	if (!(flags & VFIO_GROUP_FLAGS_CONTAINER_SET) &&
	    (r = vf_vfio_group_attach(v->group, v->container, d->noiommu, &stage)) < 0)
		return vf_error_errno(-1, -r, NULL, "%s on %s", stage, node);
	r = vf_vfio_group_device(v->group, d->bdfstr);
	if (r < 0)
		return vf_error_errno(-1, -r, -r == EBUSY ? "another process has the device open" : NULL,
				      "VFIO_GROUP_GET_DEVICE_FD %s", d->bdfstr);
	v->device = r;
	return 0;
}

const struct vf_uapi_rev *vf_device_rev(struct vf_device *d)
{
	if (!d->series_known) {
		vf_uapi_choose(d->vfio.device, &d->pci, &d->series);
		d->series_known = true;
		vf_info("%s: series revision %s: %s", d->pci.bdfstr,
			d->series.rev ? d->series.rev->name : "none", d->series.why);
	}
	return d->series.rev;
}

int vf_device_open(const struct vf_pcidev *pci, struct vf_device *d)
{
	struct vf_doors doors;
	int r;

	device_init(d);
	d->pci = *pci;
	if (!pci->vfio)
		return not_vfio_error(pci);
	if (pci->group < 0 && strcmp(vf.vfio, "cdev") != 0) {
		struct vf_vfio_support k;

		vf_vfio_support(&k);
		if (!k.iommu && !k.noiommu)
			return vf_error(VF_EXIT_UNSUPPORTED,
					"enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in firmware)",
					"no IOMMU group: this kernel has no IOMMU (no /sys/kernel/iommu_groups entries, no no-IOMMU mode)",
					"%s", pci->bdfstr);
		return vf_error(VF_EXIT_FAIL,
				"enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in firmware)",
				"no IOMMU group", "%s", pci->bdfstr);
	}
	/* sysfs already tells: say who is in the way before opening */
	if (pci->viable == VF_VIABLE_NO && strcmp(vf.vfio, "cdev") != 0)
		return not_viable(pci, false);
	if (pci->noiommu)
		vf_warn("%s is in a no-IOMMU group (/dev/vfio/noiommu-%d): there is no DMA isolation, "
			"the device can reach all of this host's memory", pci->bdfstr, pci->group);
	vf_device_doors(pci, &doors);
	d->cdev = !strcmp(vf.vfio, "cdev") || (!strcmp(vf.vfio, "auto") && !doors.group && doors.cdev);
	if (d->cdev)
		r = open_cdev(pci, &d->vfio, -1, 0);
	else if (!(r = open_container(pci, &d->vfio)))
		r = open_group(pci, &d->vfio);
	if (r) {
		vf_vfio_close(&d->vfio);
		return r;
	}
	if ((r = vf_vfio_device_info(&d->vfio)) < 0) {
		vf_vfio_close(&d->vfio);
		return vf_error_errno(-1, -r, NULL, "VFIO_DEVICE_GET_INFO %s", pci->bdfstr);
	}
	vf_info("%s: driver %s, opened through its %s, --uapi %s", pci->bdfstr, pci->driver,
		d->cdev ? "cdev (iommufd)" : "group", vf.uapi);
	return 0;
}

int vf_device_held(pid_t pid, const struct vf_select *sel, const char *none_hint,
		   struct vf_pcidev *pci, int *fd)
{
	struct vf_vfio_fd devs[16], *dev = NULL;
	bool want = sel->slot || sel->id;
	char bdf[VF_BDF_LEN];
	int r, n, i, found = 0;

	*fd = -1;
	if (want && (r = vf_device_find(sel, pci)))
		return r;
	n = vf_proc_vfio_devices(pid, devs, 16);
	if (n < 0)
		return vf_error_errno(-1, n == -ENOENT ? ESRCH : -n,
				      n == -EACCES || n == -EPERM ? vf_hint_denied(VF_HINT_FDS_RIGHTS) : NULL,
				      "reading the fds of process %d", (int)pid);
	/* the -s/-d device's fd, or the process's only device */
	for (i = 0; i < n; i++)
		if (!want || !memcmp(&devs[i].bdf, &pci->bdf, sizeof(pci->bdf))) {
			dev = &devs[i];
			found++;
		}
	if (!found)
		return vf_error(VF_EXIT_FAIL, none_hint,
				want ? "holds no VFIO device fd of that device" : "holds no VFIO device fd",
				"process %d", (int)pid);
	if (found > 1)
		return vf_error(VF_EXIT_USAGE, "name the device with -s BDF", "holds several VFIO devices",
				"process %d", (int)pid);
	if (!want) {
		struct vf_select one = { bdf, NULL };

		vf_format_bdf(&dev->bdf, bdf);
		if ((r = vf_device_find(&one, pci)))
			return r;
	}
	*fd = dev->fd;
	return 0;
}

int vf_device_take(pid_t pid, int fd, const struct vf_pcidev *pci, struct vf_device *d)
{
	int r;

	device_init(d);
	d->pci = *pci;
	if ((r = vf_take_fd(pid, fd, "VFIO device")) < 0)
		return -r;
	d->vfio.device = r;
	vf_info("%s: VFIO device fd %d of process %d is our fd %d; driver %s", pci->bdfstr, fd,
		(int)pid, r, pci->driver);
	return 0;
}

void vf_device_close(struct vf_device *d)
{
	vf_vfio_close(&d->vfio);
}
