# bench/bench.mk: the benchmarks (bench/RESULTS.md), included by the top
# Makefile after tests/vm/vm.mk.
#
#   make bench          every benchmark, repeated, one table (bench/run):
#                       on the host, then in the VM rig on vfio-pci and on
#                       vfbuf_sim; a few minutes
#   make bench-smoke    every benchmark once with tiny sizes: proves they run
#                       (host part a few seconds, plus one VM boot;
#                       VFBUF_SKIP_VM=1 leaves the VM part out, loudly)
#   make bench-helpers  the static guest programs (build/bench/)

BENCH_HELPERS := build/bench/memcpy-bar build/bench/holders
BENCH_HELPER_CFLAGS ?= -std=c11 -O2 -g -Wall -Wextra -Werror
BENCH_HELPER_LDFLAGS ?= -static

$(BENCH_HELPERS): build/bench/%: bench/%.c tests/helpers/helpers.c tests/helpers/helpers.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_HELPER_CFLAGS) -Itests/helpers $(BENCH_HELPER_LDFLAGS) -o $@ $< tests/helpers/helpers.c

# the same, dynamically linked like vfbuf (the guest has vfbuf's libc and
# loader): how much of vfbuf's start under TCG is the dynamic loader's
build/bench/memcpy-bar-dyn: bench/memcpy-bar.c tests/helpers/helpers.c tests/helpers/helpers.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_HELPER_CFLAGS) -Itests/helpers -o $@ $< tests/helpers/helpers.c

.PHONY: bench bench-smoke bench-helpers
bench-helpers: $(BENCH_HELPERS) build/bench/memcpy-bar-dyn

bench: vfbuf bench-helpers
	@scripts/deps test vm
	bench/run

bench-smoke: vfbuf bench-helpers
	@scripts/deps test vm
	bench/run --smoke
