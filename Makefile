# vfbuf - diagnose and exercise the VFIO PCI dma-buf uAPI
#
#   make            build ./vfbuf
#   make check      install missing packages (root) or say which, build, run
#                   the host suite (plain and ASan+UBSan), the analysers, the
#                   fuzz corpora, bench-smoke, the Debian packages (installed:
#                   check-deb; DKMS in the rig: check-dkms), then the guest
#                   suite in the QEMU rig on vfio-pci and every series
#                   revision on vfbuf_sim (what CI runs)
#   make deb        build the Debian packages into build/deb/, lint them
#   make asan       the host suite under ASan+UBSan (same as check-host SANITIZE=1)
#   make asan-bin   only build that build (build/asan/vfbuf)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONSDIR ?= $(PREFIX)/share/bash-completion/completions

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libpci smartcols
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CFLAGS ?= -O2 -g
WFLAGS := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
CPPFLAGS += -D_GNU_SOURCE -DVFBUF_VERSION='"$(VERSION)"' -Isrc

ifeq ($(SANITIZE),1)
BUILD := build/asan
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
else
BUILD := build/default
endif

SRCS := $(sort $(wildcard src/*.c))
OBJS := $(SRCS:src/%.c=$(BUILD)/%.o)
BIN := $(BUILD)/vfbuf

.PHONY: all vfbuf deps check check-host asan asan-bin install uninstall clean lint-man demo

all: vfbuf

# ./vfbuf is always the default build; the sanitizer build lives in build/asan
vfbuf: $(BIN)
ifneq ($(SANITIZE),1)
	@ln -sf $(BIN) vfbuf
endif

# V=1 shows the commands
Q := $(if $(V),,@)

$(BIN): $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS) $$($(PKG_CONFIG) --libs $(PKGS))

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) Makefile | $(BUILD)/.deps-ok
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(WFLAGS) $(CFLAGS) $$($(PKG_CONFIG) --cflags $(PKGS)) -c -o $@ $<

# Make sure the libraries are there before the first compile: install them
# (root) or say exactly how.
$(BUILD)/.deps-ok:
	@scripts/deps build
	@mkdir -p $(BUILD) && touch $@

deps:
	@scripts/deps build test vm sim fuzz quality deb

# ---- tests ----
BATS ?= bats
export VFBUF = $(CURDIR)/$(BIN)
export VFBUF_SANITIZE = $(SANITIZE)

check-host: vfbuf
	@scripts/deps test
	$(BATS) tests/bats

asan:
	$(MAKE) check-host SANITIZE=1

# only build build/asan/vfbuf (the guest suite runs it once: tests/vm/check-vm)
asan-bin:
	$(MAKE) vfbuf SANITIZE=1

# What CI runs (.ci/run): the host suite, the same under ASan+UBSan, the
# static analysers, every fuzz harness over its corpus, the benchmarks once
# with tiny sizes, the Debian package installed and removed again
# (tests/deb/deb.bats), vfbuf-sim-dkms built by DKMS and loaded in the rig
# (tests/deb/dkms-rig), the rig's own tests (vm-selftest), then the guest suite on vfio-pci and on vfbuf_sim
# speaking each series revision (v4; v1 with the ASan+UBSan build; v2; v5;
# and v4, v2, v5 undeclared, found by vfbuf's probes: tests/vm/check-vm),
# then the rig's own iommufd kernel (check-vm-iommufd: the whole suite
# through the cdev door, with the P2P proof), and on that kernel a machine
# without an IOMMU, vfio in its no-IOMMU mode (check-vm-noiommu).
check: deps check-host asan analyse fuzz-smoke bench-smoke check-deb check-dkms vm-selftest check-vm check-vm-iommufd check-vm-noiommu

lint-man:
	mandoc -Tlint -W warning man/vfbuf.1

-include tests/vm/vm.mk
# Fuzzing, valgrind and static analysis (tests/quality.mk); benchmarks (bench/bench.mk)
-include tests/quality.mk
-include bench/bench.mk
# The Debian package: make deb, make check-deb (tests/deb/deb.mk)
-include tests/deb/deb.mk

# The README's first command: build, boot the rig, tour vfbuf on its devices
# (vfio-pci), then vending and revocation on vfbuf_sim (tests/vm/demo).
demo: deps vfbuf vm-helpers
	tests/vm/demo

# ---- install ----
install: vfbuf
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPLETIONSDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/vfbuf
	install -m 644 man/vfbuf.1 $(DESTDIR)$(MANDIR)/man1/vfbuf.1
	install -m 644 completions/vfbuf.bash $(DESTDIR)$(COMPLETIONSDIR)/vfbuf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vfbuf $(DESTDIR)$(MANDIR)/man1/vfbuf.1 $(DESTDIR)$(COMPLETIONSDIR)/vfbuf

clean:
	rm -rf build vfbuf
