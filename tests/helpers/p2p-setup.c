// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tests/helpers/p2p-setup.c: set up peer-to-peer DMA into a BAR through
 * iommufd, the way `vfbuf import` is meant to, and run a command in it
 * (test code, not vfbuf; it links vfbuf's src/iommufd.c).
 *
 *   p2p-setup --edu BDF --ivshmem BDF [--bar N] [--size SIZE] [--iova IOVA|auto]
 *             [--seed OFF:TEXT]... [--readback OFF:LEN]... -- CMD [ARG...]
 *
 * Steps, each printed as "p2p-setup: STEP: ...":
 *   iommufd   open /dev/iommu
 *   ioas      IOMMU_IOAS_ALLOC
 *   attach    for edu, then ivshmem: open its cdev /dev/vfio/devices/vfioN
 *             (sysfs vfio-dev/), VFIO_DEVICE_BIND_IOMMUFD,
 *             VFIO_DEVICE_ATTACH_IOMMUFD_PT to the IOAS
 *   ranges    IOMMU_IOAS_IOVA_RANGES (after the attaches)
 *   export    ivshmem's BAR N (default 2) [0, SIZE) (default 64K) as a
 *             one-range dma-buf (VFIO_DEVICE_FEATURE_DMA_BUF)
 *   map       IOMMU_IOAS_MAP_FILE of the dma-buf, READABLE|WRITEABLE, at IOVA
 *             (default 0x200000; "auto": the kernel picks)
 *   seed      write TEXT at OFF of ivshmem's BAR through its device fd
 *             (a CPU write, for a DMA to read from)
 *   run       CMD, with edu's and ivshmem's device fds inherited:
 *             P2P_EDU_FD, P2P_IVSHMEM_FD, P2P_IOVA (hex), P2P_SIZE
 *   readback  read LEN bytes at OFF of ivshmem's BAR through its device fd
 *             and print them ('.' for a zero byte, '?' for other
 *             non-printables), or the error (EIO with memory decode off)
 *   remap     IOMMU_IOAS_MAP_FILE of the same dma-buf again (kernel IOVA):
 *             "ok" while it is live, ENODEV once it was revoked
 *   teardown  IOMMU_IOAS_UNMAP of everything, detach, IOMMU_DESTROY
 *
 * Exit status: CMD's; 1 if a step before it failed (with the reason); 2 usage.
 */
#define _GNU_SOURCE
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommufd.h"

#define MAX_ITEMS 16

struct item {
	uint64_t off;
	const char *text; /* seed */
	uint64_t len;	  /* readback */
};

struct dev {
	const char *bdf;
	char cdev[64];
	int fd;
	uint32_t devid, hwpt;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: p2p-setup --edu BDF --ivshmem BDF [--bar N] [--size SIZE] [--iova IOVA|auto]\n"
		"                 [--seed OFF:TEXT]... [--readback OFF:LEN]... -- CMD [ARG...]\n");
	exit(2);
}

static void step(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("p2p-setup: %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void fail(const char *what, int neg_errno)
{
	errno = -neg_errno;
	die("%s", what);
}

static uint64_t num(const char *opt, const char *s)
{
	uint64_t v;

	if (parse_u64(s, &v))
		diex("%s: not a number: '%s'", opt, s);
	return v;
}

static void attach(struct dev *d, int iommufd, uint32_t ioas)
{
	char path[128];
	int r;

	if (!vfio_dev_name(d->bdf, d->cdev, sizeof(d->cdev)))
		diex("%s has no VFIO cdev (no /sys/bus/pci/devices/%s/vfio-dev/): "
		     "not bound to a VFIO driver, or a kernel without CONFIG_VFIO_DEVICE_CDEV",
		     d->bdf, d->bdf);
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", d->cdev);
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		die("open %s (%s)", path, d->bdf);
	if ((r = vf_vfio_bind_iommufd(d->fd, iommufd, &d->devid)) < 0)
		fail("VFIO_DEVICE_BIND_IOMMUFD", r);
	d->hwpt = ioas;
	if ((r = vf_vfio_attach_pt(d->fd, &d->hwpt)) < 0)
		fail("VFIO_DEVICE_ATTACH_IOMMUFD_PT", r);
	step("attach", "%s %s: fd %d, bound (devid %u), attached to IOAS %u (hwpt %u)", d->bdf, path,
	     d->fd, d->devid, ioas, d->hwpt);
}

static uint64_t bar_offset(int devfd, unsigned int bar, uint64_t *size)
{
	struct vfio_region_info ri;

	memset(&ri, 0, sizeof(ri));
	ri.argsz = sizeof(ri);
	ri.index = bar;
	if (ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0)
		die("VFIO_DEVICE_GET_REGION_INFO (BAR %u)", bar);
	*size = ri.size;
	return ri.offset;
}

int main(int argc, char **argv)
{
	struct dev edu = { .fd = -1 }, ivs = { .fd = -1 };
	struct item seeds[MAX_ITEMS], reads[MAX_ITEMS];
	unsigned int nseed = 0, nread = 0, k, bar = 2;
	uint64_t size = 0x10000, iova = 0x200000, iova2 = 0, unmapped, boff, bsize;
	struct vfio_region_dma_range rg;
	struct vf_iova_range ranges[16];
	int fixed = 1, iommufd, dmabuf, r, n, i, status;
	uint32_t ioas, flags;
	char env[64], *cmdline;
	pid_t pid;

	prog = "p2p-setup";
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *colon;

		if (!v)
			usage();
		if (!strcmp(a, "--edu"))
			edu.bdf = v;
		else if (!strcmp(a, "--ivshmem"))
			ivs.bdf = v;
		else if (!strcmp(a, "--bar"))
			bar = (unsigned int)num(a, v);
		else if (!strcmp(a, "--size"))
			size = num(a, v);
		else if (!strcmp(a, "--iova") && !strcmp(v, "auto"))
			fixed = 0;
		else if (!strcmp(a, "--iova"))
			iova = num(a, v);
		else if ((!strcmp(a, "--seed") || !strcmp(a, "--readback")) &&
			 (colon = strchr(v, ':'))) {
			char offs[32];
			struct item *it;

			if (nseed == MAX_ITEMS || nread == MAX_ITEMS)
				diex("too many --seed/--readback");
			snprintf(offs, sizeof(offs), "%.*s", (int)(colon - v), v);
			it = a[2] == 's' ? &seeds[nseed++] : &reads[nread++];
			it->off = num(a, offs);
			it->text = colon + 1;
			it->len = a[2] == 's' ? strlen(colon + 1) : num(a, colon + 1);
		} else
			usage();
		i++;
	}
	if (i >= argc - 1 || !edu.bdf || !ivs.bdf || bar > 5)
		usage();
	argv += i + 1;

	/* iommufd, an IOAS, both devices bound and attached */
	if ((iommufd = vf_iommufd_open()) < 0)
		fail("open " VF_IOMMUFD_PATH, iommufd);
	step("iommufd", "%s: fd %d", VF_IOMMUFD_PATH, iommufd);
	if ((r = vf_ioas_alloc(iommufd, &ioas)) < 0)
		fail("IOMMU_IOAS_ALLOC", r);
	step("ioas", "IOAS %u", ioas);
	attach(&edu, iommufd, ioas);
	attach(&ivs, iommufd, ioas);

	n = vf_ioas_iova_ranges(iommufd, ioas, ranges, 16, NULL);
	if (n < 0)
		fail("IOMMU_IOAS_IOVA_RANGES", n);
	for (k = 0; k < (unsigned int)n && k < 16; k++)
		step("ranges", "allowed 0x%llx-0x%llx", (unsigned long long)ranges[k].start,
		     (unsigned long long)ranges[k].last);

	/* ivshmem's BAR as a one-range dma-buf, mapped into the IOAS */
	boff = bar_offset(ivs.fd, bar, &bsize);
	rg.offset = 0;
	rg.length = size;
	dmabuf = dmabuf_export(ivs.fd, bar, O_RDWR | O_CLOEXEC, &rg, 1);
	if (dmabuf < 0)
		die("VFIO_DEVICE_FEATURE_DMA_BUF of %s BAR %u [0, 0x%llx)", ivs.bdf, bar,
		    (unsigned long long)size);
	step("export", "%s BAR %u (0x%llx bytes) [0, 0x%llx): dma-buf fd %d", ivs.bdf, bar,
	     (unsigned long long)bsize, (unsigned long long)size, dmabuf);
	flags = VF_IOAS_MAP_READABLE | VF_IOAS_MAP_WRITEABLE | (fixed ? VF_IOAS_MAP_FIXED_IOVA : 0);
	if ((r = vf_ioas_map_file(iommufd, ioas, dmabuf, 0, size, flags, &iova)) < 0)
		fail("IOMMU_IOAS_MAP_FILE", r);
	step("map", "dma-buf fd %d [0, 0x%llx) at IOVA 0x%llx (%s)", dmabuf,
	     (unsigned long long)size, (unsigned long long)iova, fixed ? "fixed" : "kernel's choice");

	for (k = 0; k < nseed; k++) {
		if (seeds[k].off + seeds[k].len > bsize)
			diex("--seed 0x%llx: past the BAR", (unsigned long long)seeds[k].off);
		if (pwrite(ivs.fd, seeds[k].text, seeds[k].len, (off_t)(boff + seeds[k].off)) !=
		    (ssize_t)seeds[k].len)
			die("writing the seed at 0x%llx of BAR %u", (unsigned long long)seeds[k].off,
			    bar);
		step("seed", "'%s' at 0x%llx of %s BAR %u", seeds[k].text,
		     (unsigned long long)seeds[k].off, ivs.bdf, bar);
	}

	/* the command, with both device fds */
	if (fcntl(edu.fd, F_SETFD, 0) < 0 || fcntl(ivs.fd, F_SETFD, 0) < 0)
		die("clearing FD_CLOEXEC");
	snprintf(env, sizeof(env), "%d", edu.fd);
	setenv("P2P_EDU_FD", env, 1);
	snprintf(env, sizeof(env), "%d", ivs.fd);
	setenv("P2P_IVSHMEM_FD", env, 1);
	snprintf(env, sizeof(env), "0x%llx", (unsigned long long)iova);
	setenv("P2P_IOVA", env, 1);
	snprintf(env, sizeof(env), "0x%llx", (unsigned long long)size);
	setenv("P2P_SIZE", env, 1);
	cmdline = argv[0];
	step("run", "%s (P2P_EDU_FD=%d P2P_IVSHMEM_FD=%d P2P_IOVA=0x%llx)", cmdline, edu.fd, ivs.fd,
	     (unsigned long long)iova);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		die("exec %s", argv[0]);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	step("run", "%s exited %d", cmdline, status);

	for (k = 0; k < nread; k++) {
		char *buf = calloc(1, reads[k].len + 1);
		uint64_t j;

		if (!buf || reads[k].off + reads[k].len > bsize)
			diex("--readback 0x%llx: past the BAR", (unsigned long long)reads[k].off);
		/* EIO once memory decode is off: reported, not fatal */
		if (pread(ivs.fd, buf, reads[k].len, (off_t)(boff + reads[k].off)) !=
		    (ssize_t)reads[k].len) {
			step("readback", "0x%llx: %s (%s)", (unsigned long long)reads[k].off,
			     errname(errno), strerror(errno));
			free(buf);
			continue;
		}
		for (j = 0; j < reads[k].len; j++)
			if (buf[j] == 0)
				buf[j] = '.';
			else if (buf[j] < 0x20 || buf[j] > 0x7e)
				buf[j] = '?';
		step("readback", "0x%llx: %s", (unsigned long long)reads[k].off, buf);
		free(buf);
	}

	r = vf_ioas_map_file(iommufd, ioas, dmabuf, 0, size,
			     VF_IOAS_MAP_READABLE | VF_IOAS_MAP_WRITEABLE, &iova2);
	if (r < 0)
		step("remap", "%s (%s)", errname(-r), strerror(-r));
	else
		step("remap", "ok at IOVA 0x%llx", (unsigned long long)iova2);

	r = vf_ioas_unmap(iommufd, ioas, 0, VF_IOAS_UNMAP_ALL, &unmapped);
	if (r < 0)
		step("teardown", "IOMMU_IOAS_UNMAP: %s", errname(-r));
	else
		step("teardown", "IOMMU_IOAS_UNMAP: 0x%llx bytes", (unsigned long long)unmapped);
	close(dmabuf);
	if ((r = vf_vfio_detach_pt(edu.fd)) < 0 || (r = vf_vfio_detach_pt(ivs.fd)) < 0)
		step("teardown", "VFIO_DEVICE_DETACH_IOMMUFD_PT: %s", errname(-r));
	close(edu.fd);
	close(ivs.fd);
	if ((r = vf_iommufd_destroy(iommufd, ioas)) < 0)
		step("teardown", "IOMMU_DESTROY of IOAS %u: %s", ioas, errname(-r));
	close(iommufd);
	step("teardown", "done");
	return status;
}
