# tests/vm/vm.mk: the real-kernel VM rig's make targets.
# Included by the top-level Makefile, which defines the target `vfbuf`.
#
#   make vm-kernel              download (once) and unpack the kernel(s):
#                               KERNEL=VER, KERNELS="VER VER", else the newest;
#                               KERNEL=iommufd builds (once, cached) the rig's
#                               own kernel (tests/vm/build-kernel)
#   make vm-helpers             build the guest test helpers (tests/helpers)
#   make check-vm               build vfbuf and the helpers, boot the VM and run
#                               the guest suite (tests/bats/vm); KERNELS="a b"
#                               runs it once per kernel; VFBUF_SKIP_VM=1 skips
#                               it loudly; DRIVERS="vfio-pci vfbuf_sim:v4
#                               vfbuf_sim:v1+asan" (the default) says which
#                               driver, series revision and vfbuf build each
#                               run uses (tests/vm/check-vm)
#   make check-vm-iommufd       the guest suite on the rig's own kernel
#                               (KERNELS=iommufd, built on first use and
#                               cached) with DRIVERS=$(IOMMUFD_DRIVERS)
#                               (default vfio-pci+cdev: the whole suite
#                               through the cdev door, VFBUF_VFIO=cdev)
#   make check-vm-noiommu       tests/bats/vm/noiommu.bats on a machine
#                               without an IOMMU (the rig's own kernel, vfio
#                               in its no-IOMMU mode: tests/vm/run --noiommu)
#   make vm-selftest            the rig's own tests (tests/vm/selftest.bats:
#                               exit statuses, timeout, panic, --module)
#   make vm-clean               remove the helpers and tests/vm/out
#
# Downloads are cached in $(VFBUF_CACHE) (default ~/.cache/vfbuf), outside
# the tree, so every clone reuses them. The rig's own commands are
# tests/vm/run, tests/vm/fetch-kernel, tests/vm/mkinitramfs, tests/vm/check-vm.

VM_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
VM_HELPERS_DIR := $(dir $(VM_DIR))helpers
VM_HELPERS := $(VM_HELPERS_DIR)/vfbuf-holder $(VM_HELPERS_DIR)/uapi-facts $(VM_HELPERS_DIR)/vfbuf-fault \
	$(VM_HELPERS_DIR)/edu-dma
# helpers that link vfbuf's own kernel-interface code from src/
VM_SRC_HELPERS := $(VM_HELPERS_DIR)/p2p-setup

# The helpers are static so the guest needs no libraries for them.
VM_HELPER_CFLAGS ?= -std=c11 -O2 -g -Wall -Wextra -Werror
VM_HELPER_LDFLAGS ?= -static

$(VM_HELPERS): $(VM_HELPERS_DIR)/%: $(VM_HELPERS_DIR)/%.c $(VM_HELPERS_DIR)/helpers.c \
		$(VM_HELPERS_DIR)/helpers.h
	$(CC) $(VM_HELPER_CFLAGS) $(VM_HELPER_LDFLAGS) -o $@ $< $(VM_HELPERS_DIR)/helpers.c

# p2p-setup: iommufd through src/iommufd.c (what `vfbuf import` will use)
# (compiled as the Makefile compiles src/: -D_GNU_SOURCE and WFLAGS)
build/helpers/iommufd.o: src/iommufd.c src/iommufd.h
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE $(WFLAGS) -O2 -g -c -o $@ $<
$(VM_HELPERS_DIR)/p2p-setup: $(VM_HELPERS_DIR)/p2p-setup.c $(VM_HELPERS_DIR)/helpers.c \
		$(VM_HELPERS_DIR)/helpers.h build/helpers/iommufd.o
	$(CC) $(VM_HELPER_CFLAGS) -Isrc $(VM_HELPER_LDFLAGS) -o $@ $< \
		$(VM_HELPERS_DIR)/helpers.c build/helpers/iommufd.o

.PHONY: vm-helpers vm-kernel check-vm check-vm-iommufd check-vm-noiommu vm-selftest vm-clean
vm-helpers: $(VM_HELPERS) $(VM_SRC_HELPERS)

vm-kernel:
	@set -e; for k in $(or $(KERNELS),$(KERNEL),newest); do \
		if [ "$$k" = newest ]; then $(VM_DIR)/fetch-kernel; \
		else $(VM_DIR)/fetch-kernel --kernel "$$k"; fi; \
	done

check-vm: vfbuf asan-bin vm-helpers
	KERNELS="$(KERNELS)" KERNEL="$(KERNEL)" $(VM_DIR)/check-vm

# The guest suite on the rig's own kernel (IOMMUFD, the VFIO cdev,
# tests/bats/vm/p2p.bats); a +asan entry in IOMMUFD_DRIVERS needs asan-bin.
IOMMUFD_DRIVERS ?= vfio-pci+cdev vfbuf_sim:v4+cdev
check-vm-iommufd: vfbuf vm-helpers
	KERNELS=iommufd DRIVERS="$(IOMMUFD_DRIVERS)" $(VM_DIR)/check-vm

# vfio's no-IOMMU mode on a machine without an IOMMU (the rig's own kernel:
# Debian's lack CONFIG_VFIO_NOIOMMU); only tests/bats/vm/noiommu.bats
check-vm-noiommu: vfbuf vm-helpers
	KERNELS=iommufd DRIVERS=vfio-pci+noiommu VM_SUITE=tests/bats/vm/noiommu.bats $(VM_DIR)/check-vm

vm-selftest: vm-helpers
	bats $(VM_DIR)/selftest.bats

vm-clean:
	rm -f $(VM_HELPERS) $(VM_SRC_HELPERS)
	rm -rf build/helpers
	rm -rf $(VM_DIR)/out
