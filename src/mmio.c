// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmio.c - guarded volatile accesses (see mmio.h).
 */
#include "mmio.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

static sigjmp_buf bus_env;
static volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (bus_armed) {
		bus_armed = 0;
		siglongjmp(bus_env, 1);
	}
	/* not ours: die of it, as without a handler (but no core: rlimit) */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void arm(struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, old);
}

static uint64_t load(volatile void *p, unsigned int width)
{
	switch (width) {
	case 1: return *(volatile uint8_t *)p;
	case 2: return *(volatile uint16_t *)p;
	case 4: return *(volatile uint32_t *)p;
	default: return *(volatile uint64_t *)p;
	}
}

static void store(volatile void *p, unsigned int width, uint64_t v)
{
	switch (width) {
	case 1: *(volatile uint8_t *)p = (uint8_t)v; break;
	case 2: *(volatile uint16_t *)p = (uint16_t)v; break;
	case 4: *(volatile uint32_t *)p = (uint32_t)v; break;
	default: *(volatile uint64_t *)p = v; break;
	}
}

/* The loop of vf_mmio_read, one per width, outside the function that calls
 * sigsetjmp (where every local would live in memory): *done is the access
 * under way, for the SIGBUS report. */
static void read_loop(volatile uint8_t *p, unsigned int width, size_t count, uint64_t *vals,
		      volatile size_t *done)
{
	size_t i;

/* NOLINTBEGIN(bugprone-macro-parentheses): T is a type */
#define READ_LOOP(T)                                                   \
	for (i = 0; i < count; i++) {                                  \
		*done = i;                                             \
		vals[i] = *(volatile T *)(p + i * sizeof(T));          \
	}
/* NOLINTEND(bugprone-macro-parentheses) */
	switch (width) {
	case 1: READ_LOOP(uint8_t); break;
	case 2: READ_LOOP(uint16_t); break;
	case 4: READ_LOOP(uint32_t); break;
	default: READ_LOOP(uint64_t); break;
	}
#undef READ_LOOP
}

/* The loop of vf_mmio_write; with readback, each value is read back right
 * after it is written. */
static void write_loop(volatile uint8_t *p, unsigned int width, size_t count, const uint64_t *vals,
		       uint64_t *readback, volatile size_t *done)
{
	size_t i;

	for (i = 0; i < count; i++) {
		*done = i;
		store(p + i * width, width, vals[i]);
		if (readback)
			readback[i] = load(p + i * width, width);
	}
}

/* Run the read loop (wvals NULL) or the write loop with SIGBUS caught. */
static int guarded(volatile uint8_t *p, unsigned int width, size_t count, uint64_t *rvals,
		   const uint64_t *wvals, uint64_t *readback, size_t *fault_index)
{
	struct sigaction old;
	volatile size_t i = 0;
	int r = 0;

	arm(&old);
	if (sigsetjmp(bus_env, 1) == 0) {
		bus_armed = 1;
		if (wvals)
			write_loop(p, width, count, wvals, readback, &i);
		else if (rvals)
			read_loop(p, width, count, rvals, &i);
		bus_armed = 0;
	} else {
		*fault_index = i;
		r = -1;
	}
	sigaction(SIGBUS, &old, NULL);
	return r;
}

int vf_mmio_read(volatile void *base, uint64_t off, unsigned int width, size_t count,
		 uint64_t *vals, size_t *fault_index)
{
	return guarded((volatile uint8_t *)base + off, width, count, vals, NULL, NULL, fault_index);
}

int vf_mmio_write(volatile void *base, uint64_t off, unsigned int width, size_t count,
		  const uint64_t *vals, uint64_t *readback, size_t *fault_index)
{
	return guarded((volatile uint8_t *)base + off, width, count, NULL, vals, readback, fault_index);
}
