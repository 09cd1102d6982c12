// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/holders.c: the processes bench/stat looks at, in the VM rig.
 *
 *   holders N BDF BAR
 *
 * Opens BDF (VFIO group/container), maps BAR through the device fd (the
 * classic path), exports N one-page dma-bufs of BAR, each named the
 * series' way ("vfioN:BDF/BAR"), then forks N children: child i keeps
 * dma-buf i (closing the others) and mmaps it, so every child holds and
 * maps its own dma-buf (mmap of a dma-buf needs the series: vfbuf_sim).
 * Prints "ready N holders, M mapped" and waits for EOF on stdin (or a
 * signal); the children die with it (PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

int main(int argc, char **argv)
{
	struct vfio_region_dma_range range = { 0, PAGE };
	struct vfio_region_info ri;
	struct vfio_dev d;
	char vname[64], name[DMA_BUF_NAME_LEN];
	int n, bar, i, r, *fds, pipefd[2], mapped = 0;
	char c;

	prog = "holders";
	if (argc != 4 || (n = atoi(argv[1])) <= 0 || (bar = atoi(argv[3])) < 0) {
		fprintf(stderr, "usage: holders N BDF BAR\n");
		return 2;
	}
	/* N dma-buf fds at once in this process: as many fds as allowed */
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if ((r = vfio_open(argv[2], &d)) < 0) {
		errno = -r;
		die("open %s", argv[2]);
	}
	if ((r = vfio_region(&d, (unsigned)bar, &ri)) < 0) {
		errno = -r;
		die("region info of BAR%d", bar);
	}
	if (mmap(NULL, ri.size, PROT_READ, MAP_SHARED, d.device, (off_t)ri.offset) == MAP_FAILED)
		die("mmap BAR%d through the device fd", bar);
	snprintf(name, sizeof(name), "%s:%s/%x",
		 vfio_dev_name(argv[2], vname, sizeof(vname)) ?: "vfio0", argv[2], (unsigned)bar);
	if (!(fds = calloc((size_t)n, sizeof(*fds))))
		die("calloc");
	for (i = 0; i < n; i++) {
		range.offset = (uint64_t)(i % (int)(ri.size / PAGE)) * PAGE;
		fds[i] = dmabuf_export(d.device, (uint32_t)bar, O_RDWR, &range, 1);
		if (fds[i] < 0)
			die("export dma-buf %d of %s BAR%d", i, argv[2], bar);
		if (ioctl(fds[i], DMA_BUF_SET_NAME, name) < 0)
			die("DMA_BUF_SET_NAME(\"%s\")", name);
	}
	/* each child reports through the pipe whether its mmap worked */
	if (pipe(pipefd) < 0)
		die("pipe");
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			void *m;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (int j = 0; j < n; j++)
				if (j != i)
					close(fds[j]);
			m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fds[i], 0);
			c = m == MAP_FAILED ? 'n' : 'y';
			if (write(pipefd[1], &c, 1) != 1)
				_exit(1);
			close(pipefd[0]);
			close(pipefd[1]);
			for (;;)
				pause();
		}
	}
	for (i = 0; i < n; i++) {
		if (read(pipefd[0], &c, 1) != 1)
			die("a child died");
		mapped += c == 'y';
	}
	printf("ready %d holders, %d mapped\n", n, mapped);
	fflush(stdout);
	/* until stdin ends (or a signal); the children follow */
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
