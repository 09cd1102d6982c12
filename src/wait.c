// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wait.c - waiting for signals or time (see wait.h).
 */
#include "wait.h"

#include <stdio.h>
#include <sys/wait.h>

#include "output.h"

void vf_term_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void vf_block_term_signals(sigset_t *set, sigset_t *old)
{
	vf_term_signals(set);
	sigprocmask(SIG_BLOCK, set, old);
}

int vf_wait_for_signal(void)
{
	sigset_t set;
	int sig = 0;

	vf_block_term_signals(&set, NULL);
	fflush(stdout);
	sigwait(&set, &sig);
	vf_info("released on signal %d", sig);
	return sig;
}

struct timespec vf_timespec(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };

	return ts;
}

int vf_child_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return VF_EXIT_FAIL;
}
