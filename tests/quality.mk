# tests/quality.mk: fuzzing, valgrind and static analysis (issue 5).
# Included by the top-level Makefile (CPPFLAGS, WFLAGS, SRCS, PKGS, BATS).
#
#   make fuzz          build the libFuzzer harnesses (tests/fuzz/) and run each
#                      for FUZZ_SECONDS (default 20); prints executions,
#                      coverage, corpus and findings per harness; fails on a
#                      finding (crash-*, leak-*, timeout-* in build/fuzz/artifacts)
#   make fuzz-smoke    run every harness once over its checked-in corpus (seconds)
#   make fuzz-merge    fold what `make fuzz` found (build/fuzz/corpus) into the
#                      checked-in corpora, keeping only inputs that add coverage
#   make valgrind      the host suite with vfbuf under valgrind memcheck;
#                      fails on any error, leak or fd left open at exit
#   make analyse       cppcheck and clang-tidy on src/ (.clang-tidy,
#                      tests/quality/cppcheck.supp)
# FUZZERS="maps args" narrows fuzz/fuzz-smoke/fuzz-merge to some harnesses.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 20
FUZZ_BUILD := build/fuzz
FUZZERS ?= numbers maps fdinfo bdf select names vend columns args bufinfo dmar
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-DFUZZ_SYSROOT='"$(CURDIR)/tests/fixtures/sysroot"'
FUZZ_OBJS := $(SRCS:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS := $(FUZZERS:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-merge valgrind analyse

$(FUZZ_BUILD)/.deps-ok:
	@scripts/deps build fuzz
	@mkdir -p $(FUZZ_BUILD)/obj && touch $@

$(FUZZ_BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) tests/quality.mk \
		| $(FUZZ_BUILD)/.deps-ok
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(WFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		$(if $(filter main,$*),-Dmain=vfbuf_main -Wno-missing-prototypes) \
		$$($(PKG_CONFIG) --cflags $(PKGS)) -c -o $@ $<

$(FUZZ_BUILD)/libvfbuf.a: $(FUZZ_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libvfbuf.a
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(WFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$$($(PKG_CONFIG) --cflags $(PKGS)) -o $@ $< $(FUZZ_BUILD)/libvfbuf.a \
		$$($(PKG_CONFIG) --libs $(PKGS))

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@tests/fuzz/run fuzz $(FUZZ_SECONDS) $(FUZZERS)

fuzz-smoke: fuzz-build
	@tests/fuzz/run smoke 0 $(FUZZERS)

fuzz-merge: fuzz-build
	@tests/fuzz/run merge 0 $(FUZZERS)

# ---- valgrind: the host suite with every vfbuf under memcheck ----
VG_LOGS := $(CURDIR)/build/valgrind

valgrind: vfbuf
	@scripts/deps test quality
	@rm -rf $(VG_LOGS) && mkdir -p $(VG_LOGS) && chmod 1777 $(VG_LOGS) # tests run vfbuf as nobody too
	@VFBUF=$(CURDIR)/tests/quality/vfbuf-valgrind VFBUF_VALGRIND_BIN=$(CURDIR)/$(BIN) \
		VFBUF_VALGRIND_LOGS=$(VG_LOGS) VFBUF_SANITIZE=valgrind $(BATS) tests/bats; \
		suite=$$?; tests/quality/valgrind-report $(VG_LOGS) && exit $$suite

# ---- static analysis of src/ ----
ANALYSE_CPPFLAGS = $(CPPFLAGS) $$($(PKG_CONFIG) --cflags $(PKGS))
# clang-tidy one file at a time: given several, clang-tidy 14 reports false
# "uninitialized va_list" (clang-analyzer-valist) across them

analyse:
	@scripts/deps build quality
	cppcheck --quiet --error-exitcode=1 --std=c11 --language=c --platform=unix64 \
		--enable=warning,style,performance,portability --inline-suppr \
		--suppressions-list=tests/quality/cppcheck.supp --library=posix \
		-D_GNU_SOURCE -DVFBUF_VERSION='"0"' -Isrc src
	@echo "clang-tidy (.clang-tidy) on $(words $(SRCS)) files"
	@fail=0; for f in $(SRCS); do \
		clang-tidy --quiet $$f -- -std=c11 $(ANALYSE_CPPFLAGS) 2>/dev/null || fail=1; \
	done; exit $$fail
