// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wait.c - waiting for signals or time (see wait.h).
 */
#include "wait.h"

#include <errno.h>
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

int vf_wait_ticking(pid_t child, int *status, struct timespec interval, void (*tick)(void *arg),
		    void *arg)
{
	sigset_t set, old;
	int sig, r;

	if (child > 0) {
		/* SIGCHLD blocked stays pending: sigtimedwait returns at the
		 * child's exit; one that came before is found by WNOHANG */
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, &old);
	} else {
		vf_block_term_signals(&set, NULL);
	}
	vf_flush();
	for (;;) {
		if (child > 0) {
			pid_t w = waitpid(child, status, WNOHANG);

			if (w == child) {
				r = 0;
				break;
			}
			if (w < 0 && errno != EINTR) {
				r = -errno;
				break;
			}
		}
		sig = sigtimedwait(&set, NULL, &interval);
		if (sig > 0 && child <= 0) {
			vf_info("released on signal %d", sig);
			r = sig;
			break;
		}
		if (sig < 0 && errno != EAGAIN && errno != EINTR) {
			r = -errno;
			break;
		}
		if (sig < 0 && errno == EAGAIN && tick)
			tick(arg);
	}
	if (child > 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
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
