/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wait.h - waiting: for the signals that end a holding vfbuf (SIGINT,
 * SIGTERM, SIGHUP), for a number of seconds, or for a child (its status).
 *
 * Core layer.
 */
#ifndef VFBUF_WAIT_H
#define VFBUF_WAIT_H

#include <signal.h>
#include <sys/types.h>
#include <time.h>

/* The signals that release a --hold, stop a --watch or a --serve. */
void vf_term_signals(sigset_t *set);
/* Block them (the old mask into *old, if not NULL). */
void vf_block_term_signals(sigset_t *set, sigset_t *old);
/* --hold: block them and wait for one; returns it. */
int vf_wait_for_signal(void);
/*
 * Wait with a periodic tick: for one of the term signals (child 0: as
 * --hold does; they stay blocked) or for child to exit (its wait status
 * into *status; the term signals keep their disposition).  Meanwhile
 * tick(arg) runs every interval (not at all if tick is NULL).  Returns the
 * signal, 0 when the child exited, or -errno (waitpid's, sigtimedwait's).
 */
int vf_wait_ticking(pid_t child, int *status, struct timespec interval, void (*tick)(void *arg),
		    void *arg);
/* A child's wait status as an exit status (a signal: 128 + its number). */
int vf_child_status(int status);
/* Seconds (>= 0, as --watch and --revoke-after take them) as a timespec. */
struct timespec vf_timespec(double seconds);

#endif /* VFBUF_WAIT_H */
