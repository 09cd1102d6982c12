// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tests/helpers/edu-dma.c: drive QEMU's edu device's DMA engine through an
 * open VFIO device fd (test code, not vfbuf).
 *
 *   edu-dma [--pid PID] --fd N [--load IOVA] --to IOVA [--len LEN] [--timeout MS]
 *   edu-dma [--pid PID] --fd N --decode on|off
 *   edu-dma [--pid PID] --fd N --reset
 *
 * The device fd is an fd number this process inherited (--fd N), or fd N of
 * process PID, taken with pidfd_getfd (--pid PID --fd N: needs ptrace
 * rights over PID). It must be bound (cdev: bound to iommufd and attached;
 * group: in a container) so that the device's DMA is translated.
 *
 * DMA mode: turn on bus mastering (and memory decode) in the command
 * register through the VFIO config region, mmap BAR0, check edu's
 * identification register, then
 *   --load IOVA  copy LEN bytes from bus address IOVA into edu's buffer
 *                (device address 0x40000): edu's buffer is reachable only by
 *                its own DMA, so this is how a pattern gets into it;
 *   --to IOVA    copy LEN bytes of edu's buffer to bus address IOVA.
 * Each transfer is polled to completion (command bit 0 clears; edu starts
 * it 100 ms after the command). LEN (default 64) must be 1..4095: QEMU's
 * range check rejects (older QEMU: aborts on) a transfer of the full 4 KiB.
 * edu's DMA mask is 28 bits: IOVAs must be below 0x10000000.
 *
 * edu does not report IOMMU faults: a DMA the IOMMU blocks "completes" too;
 * the kernel logs the fault (DMAR: ... fault addr ...), which is what a
 * caller checks.
 *
 * Decode mode (any VFIO PCI device fd): set or clear memory-space decode in
 * the command register; on a device whose BAR is exported as a dma-buf,
 * clearing it revokes the dma-buf.
 *
 * Reset mode (any VFIO PCI device fd that can reset: VFIO_DEVICE_INFO's
 * VFIO_DEVICE_FLAGS_RESET): VFIO_DEVICE_RESET, which revokes the device's
 * dma-bufs too.
 *
 * Prints one line per step; exits 0, 1 on failure (with the reason), 2 usage.
 */
#define _GNU_SOURCE
#include "helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#define EDU_ID 0x00
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_BUS 0x2 /* from edu's buffer to the bus; clear: from the bus */
#define EDU_BUF 0x40000UL
#define EDU_BUF_SIZE 4096UL
#define EDU_DMA_MASK ((1UL << 28) - 1)

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static void usage(void)
{
	fprintf(stderr,
		"usage: edu-dma [--pid PID] --fd N [--load IOVA] --to IOVA [--len LEN] [--timeout MS]\n"
		"       edu-dma [--pid PID] --fd N --decode on|off\n"
		"       edu-dma [--pid PID] --fd N --reset\n");
	exit(2);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t num_arg(const char *opt, const char *s)
{
	uint64_t v;

	if (parse_u64(s, &v))
		diex("%s: not a number: '%s'", opt, s);
	return v;
}

static int region(int devfd, unsigned int index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, ri) < 0 ? -errno : 0;
}

/* Read-modify-write the PCI command register: set bits on, clear bits off. */
static uint16_t command_update(int devfd, uint16_t on, uint16_t off)
{
	struct vfio_region_info ri;
	uint16_t cmd, got;
	int r;

	if ((r = region(devfd, VFIO_PCI_CONFIG_REGION_INDEX, &ri)) < 0) {
		errno = -r;
		die("VFIO_DEVICE_GET_REGION_INFO (config space) on fd %d", devfd);
	}
	if (pread(devfd, &cmd, sizeof(cmd), (off_t)(ri.offset + PCI_COMMAND)) != sizeof(cmd))
		die("reading the PCI command register");
	cmd = (uint16_t)((cmd | on) & ~off);
	if (pwrite(devfd, &cmd, sizeof(cmd), (off_t)(ri.offset + PCI_COMMAND)) != sizeof(cmd))
		die("writing the PCI command register");
	if (pread(devfd, &got, sizeof(got), (off_t)(ri.offset + PCI_COMMAND)) != sizeof(got))
		die("reading the PCI command register back");
	if ((got & (on | off)) != on)
		diex("the PCI command register is 0x%04x after writing 0x%04x", got, cmd);
	return got;
}

/* Program one transfer and poll it to completion; its time in ms. */
static uint64_t transfer(volatile uint8_t *bar, uint64_t src, uint64_t dst, uint64_t len,
			 uint64_t to_bus, uint64_t timeout_ms)
{
	uint64_t t0 = now_ms(), cmd;

	*(volatile uint64_t *)(bar + EDU_DMA_SRC) = src;
	*(volatile uint64_t *)(bar + EDU_DMA_DST) = dst;
	*(volatile uint64_t *)(bar + EDU_DMA_CNT) = len;
	*(volatile uint64_t *)(bar + EDU_DMA_CMD) = EDU_CMD_START | to_bus;
	for (;;) {
		cmd = *(volatile uint64_t *)(bar + EDU_DMA_CMD);
		if (cmd == UINT64_MAX)
			diex("edu's BAR0 reads all ones: is its memory decode off?");
		if (!(cmd & EDU_CMD_START))
			break;
		if (now_ms() - t0 > timeout_ms)
			diex("the DMA 0x%llx -> 0x%llx (%llu bytes) did not complete in %llu ms (cmd 0x%llx)",
			     (unsigned long long)src, (unsigned long long)dst,
			     (unsigned long long)len, (unsigned long long)timeout_ms,
			     (unsigned long long)cmd);
		usleep(1000);
	}
	return now_ms() - t0;
}

static void check_iova(const char *opt, uint64_t iova, uint64_t len)
{
	if (iova > EDU_DMA_MASK || iova + len - 1 > EDU_DMA_MASK)
		diex("%s 0x%llx: edu's DMA mask is 28 bits (addresses below 0x%lx)", opt,
		     (unsigned long long)iova, EDU_DMA_MASK + 1);
}

int main(int argc, char **argv)
{
	uint64_t load = 0, to = 0, len = 64, timeout_ms = 5000, pid = 0, fdno = 0, ms;
	int have_load = 0, have_to = 0, have_fd = 0, decode = -1, reset = 0, devfd, pidfd, i;
	struct vfio_region_info ri;
	volatile uint8_t *bar;
	uint32_t id;
	uint16_t cmd;

	prog = "edu-dma";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage();
		if (!strcmp(a, "--reset")) {
			reset = 1;
			continue;
		}
		if (!v)
			usage();
		if (!strcmp(a, "--fd"))
			fdno = num_arg(a, v), have_fd = 1;
		else if (!strcmp(a, "--pid"))
			pid = num_arg(a, v);
		else if (!strcmp(a, "--load"))
			load = num_arg(a, v), have_load = 1;
		else if (!strcmp(a, "--to"))
			to = num_arg(a, v), have_to = 1;
		else if (!strcmp(a, "--len"))
			len = num_arg(a, v);
		else if (!strcmp(a, "--timeout"))
			timeout_ms = num_arg(a, v);
		else if (!strcmp(a, "--decode") && (!strcmp(v, "on") || !strcmp(v, "off")))
			decode = !strcmp(v, "on");
		else
			usage();
		i++;
	}
	if (!have_fd || (decode < 0 && !reset && !have_to) || ((decode >= 0 || reset) && (have_to || have_load)) ||
	    (decode >= 0 && reset))
		usage();
	if (fdno > 0x7fffffff || pid > 0x7fffffff)
		diex("--fd/--pid out of range");
	if (len == 0 || len >= EDU_BUF_SIZE)
		diex("--len %llu: edu transfers must be 1..%lu bytes", (unsigned long long)len,
		     EDU_BUF_SIZE - 1);

	devfd = (int)fdno;
	if (pid) {
		pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		if (pidfd < 0)
			die("pidfd_open(%llu)", (unsigned long long)pid);
		devfd = (int)syscall(SYS_pidfd_getfd, pidfd, (int)fdno, 0);
		if (devfd < 0)
			die("pidfd_getfd(pid %llu, fd %llu)", (unsigned long long)pid,
			    (unsigned long long)fdno);
		close(pidfd);
	}

	if (decode >= 0) {
		cmd = command_update(devfd, decode ? PCI_COMMAND_MEMORY : 0,
				     decode ? 0 : PCI_COMMAND_MEMORY);
		printf("decode %s: command register 0x%04x\n", decode ? "on" : "off", cmd);
		return 0;
	}

	if (reset) {
		struct vfio_device_info di = { .argsz = sizeof(di) };

		if (ioctl(devfd, VFIO_DEVICE_GET_INFO, &di) < 0)
			die("VFIO_DEVICE_GET_INFO on fd %d", devfd);
		if (!(di.flags & VFIO_DEVICE_FLAGS_RESET))
			diex("the device of fd %d cannot reset (no VFIO_DEVICE_FLAGS_RESET)", devfd);
		if (ioctl(devfd, VFIO_DEVICE_RESET) < 0)
			die("VFIO_DEVICE_RESET on fd %d", devfd);
		printf("reset: VFIO_DEVICE_RESET done\n");
		return 0;
	}

	if (have_load)
		check_iova("--load", load, len);
	check_iova("--to", to, len);
	cmd = command_update(devfd, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 0);
	printf("bus master on: command register 0x%04x\n", cmd);

	if (region(devfd, VFIO_PCI_BAR0_REGION_INDEX, &ri) < 0)
		die("VFIO_DEVICE_GET_REGION_INFO (BAR0) on fd %d", devfd);
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) || ri.size < 0x100)
		diex("BAR0 of fd %d cannot be mapped (flags 0x%x, size 0x%llx): not edu?", devfd,
		     ri.flags, (unsigned long long)ri.size);
	bar = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, devfd, (off_t)ri.offset);
	if (bar == MAP_FAILED)
		die("mmap of BAR0");
	id = *(volatile uint32_t *)(bar + EDU_ID);
	if ((id & 0xff) != 0xed)
		diex("BAR0's identification register is 0x%08x, not edu's (0x......ed)", id);

	if (have_load) {
		ms = transfer(bar, load, EDU_BUF, len, 0, timeout_ms);
		printf("load: %llu bytes from bus address 0x%llx into edu's buffer: done in %llu ms\n",
		       (unsigned long long)len, (unsigned long long)load, (unsigned long long)ms);
	}
	ms = transfer(bar, EDU_BUF, to, len, EDU_CMD_TO_BUS, timeout_ms);
	printf("store: %llu bytes from edu's buffer to bus address 0x%llx: done in %llu ms\n",
	       (unsigned long long)len, (unsigned long long)to, (unsigned long long)ms);
	munmap((void *)bar, ri.size);
	return 0;
}
