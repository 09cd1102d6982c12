#!/usr/bin/env bats
# p2p.bats: peer-to-peer DMA into a BAR through a dma-buf imported into
# iommufd (guest only: the rig's own kernel, `tests/vm/run --kernel iommufd`;
# Debian's kernels have no /dev/iommu and skip it).
#
# Each test runs four steps, kept apart so that the import can be swapped
# for `vfbuf import` (import_p2p below is the only place that knows how):
#   1. import:  edu and ivshmem on their cdevs, bound to one iommufd and
#               attached to one IOAS; ivshmem's BAR2 [0, 64K) exported as a
#               dma-buf and IOMMU_IOAS_MAP_FILE'd at IOVA (p2p-setup)
#   2. seed:    a pattern written into ivshmem's BAR by the CPU
#   3. DMA:     edu copies it from IOVA + SRC into its buffer, then from its
#               buffer to IOVA + DST (edu-dma): both are peer-to-peer
#               transfers through the IOMMU into ivshmem's BAR
#   4. check:   in the guest, the bytes at DST read back through the device
#               fd; on the host, tests/vm/check-vm finds them in ivshmem's
#               backing file (tests/vm/ivshmem-expect: the offsets below)
# The revocation test clears ivshmem's memory decode before step 3: the DMA
# must then fault in the IOMMU (DMAR, dmesg) and land nowhere (the host
# finds zeros at its DST).

load guest

# IOVA of the mapping: below 2^28 (edu's DMA mask) and in the IOAS's
# allowed ranges on q35 + intel-iommu.
IOVA=0x200000
SIZE=0x10000
# ivshmem offsets (in BAR2, inside the 64K export), owned by this file:
# tests/vm/ivshmem-expect lists them for the host.
SEED_OFF=0x8000 DST_OFF=0xc000
PATTERN=vfbuf-p2p-dma-landed-0123456789
REVOKED_SEED_OFF=0x9000 REVOKED_DST_OFF=0xd000
REVOKED_PATTERN=vfbuf-p2p-after-decode-off-XYZ

setup_file() {
	guest_only || return 0
	if [ ! -c /dev/iommu ]; then
		file_skip "no /dev/iommu: this kernel has no IOMMUFD (Debian's kernels; boot the rig's own: tests/vm/run --kernel iommufd)"
		return 0
	fi
	if [ "${VFBUF_VM_DRIVER:-}" != vfio-pci ] && [ "${VFBUF_VM_DRIVER:-}" != vfio_pci ]; then
		file_skip "P2P import is tested on vfio-pci only (devices are on ${VFBUF_VM_DRIVER:-?})"
		return 0
	fi
	for bdf in "$VFBUF_EDU" "$VFBUF_IVSHMEM"; do
		if ! ls "/sys/bus/pci/devices/$bdf/vfio-dev/" 2> /dev/null | grep -q '^vfio[0-9]'; then
			file_skip "$bdf has no VFIO device cdev (CONFIG_VFIO_DEVICE_CDEV)"
			return 0
		fi
	done
}

setup() {
	guest_setup
}

# Step 1: import ivshmem's BAR2 [0, SIZE) at IOVA, edu and ivshmem attached;
# then run "$@" with P2P_EDU_FD, P2P_IVSHMEM_FD, P2P_IOVA set. Extra
# p2p-setup options (--seed, --readback) come before "--".
import_p2p() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	p2p-setup --edu "$VFBUF_EDU" --ivshmem "$VFBUF_IVSHMEM" --bar 2 \
		--size "$SIZE" --iova "$IOVA" "${opts[@]}" -- "$@"
}

# DMAR fault lines in dmesg for edu at IOVA ADDR (hex, no leading zeros).
dmar_faults() {
	dmesg | grep -E "DMAR: .*fault addr 0x0*${1#0x} " || true
}

@test "iommufd and both devices' cdevs are there" {
	[ -c /dev/iommu ]
	for bdf in "$VFBUF_EDU" "$VFBUF_IVSHMEM"; do
		n=$(ls "/sys/bus/pci/devices/$bdf/vfio-dev/")
		[ -c "/dev/vfio/devices/$n" ] || fail "no /dev/vfio/devices/$n for $bdf"
	done
	[ -d /sys/module/iommufd ] || fail "iommufd is not loaded"
}

@test "edu's DMA reaches ivshmem's BAR through the imported dma-buf" {
	dst=$(printf '0x%x' $((IOVA + DST_OFF)))
	# steps 1 (import) and 2 (seed), 3 (DMA) inside, 4 (readback) after
	run import_p2p --seed "$SEED_OFF:$PATTERN" --readback "$DST_OFF:${#PATTERN}" -- \
		bash -c "edu-dma --fd \"\$P2P_EDU_FD\" --load $((IOVA + SEED_OFF)) --to $((IOVA + DST_OFF)) --len ${#PATTERN}"
	echo "$output"
	assert_success
	fd=$(sed -n 's/^p2p-setup: export: .*dma-buf fd \([0-9]*\)$/\1/p' <<< "$output")
	[ -n "$fd" ] || fail "no export line"
	assert_line "p2p-setup: map: dma-buf fd $fd [0, $SIZE) at IOVA $IOVA (fixed)"
	assert_line --regexp "^load: ${#PATTERN} bytes from bus address $(printf '0x%x' $((IOVA + SEED_OFF))) into edu's buffer: done"
	assert_line --regexp "^store: ${#PATTERN} bytes from edu's buffer to bus address $dst: done"
	# step 4, guest side: the bytes arrived (the host checks the file)
	assert_line "p2p-setup: readback: $DST_OFF: $PATTERN"
	assert_line --regexp '^p2p-setup: remap: ok at IOVA 0x[0-9a-f]+$'
	# both mappings (the fixed one and the remap) go in one IOAS_UNMAP
	assert_line "p2p-setup: teardown: IOMMU_IOAS_UNMAP: $(printf '0x%x' $((2 * SIZE))) bytes"
	run dmar_faults "$dst"
	assert_output ''
}

@test "a wrong IOVA does not land: the DMA faults in the IOMMU" {
	# the same DMA aimed past the mapping's end: nothing is mapped there
	wrong=$((IOVA + SIZE + DST_OFF))
	run import_p2p --seed "$SEED_OFF:$PATTERN" -- \
		bash -c "edu-dma --fd \"\$P2P_EDU_FD\" --load $((IOVA + SEED_OFF)) --to $wrong --len ${#PATTERN}"
	echo "$output"
	assert_success
	run dmar_faults "$(printf '0x%x' "$wrong")"
	assert_output --partial "PTE Write access is not set"
}

@test "after ivshmem's memory decode is cleared, edu's DMA no longer lands" {
	dst=$(printf '0x%x' $((IOVA + REVOKED_DST_OFF)))
	# step 1, 2; then revoke (decode off), 3 (DMA), 4 (readback: EIO now)
	run import_p2p --seed "$REVOKED_SEED_OFF:$REVOKED_PATTERN" --readback "$REVOKED_DST_OFF:${#REVOKED_PATTERN}" -- \
		bash -c "edu-dma --fd \"\$P2P_IVSHMEM_FD\" --decode off &&
			edu-dma --fd \"\$P2P_EDU_FD\" --load $((IOVA + REVOKED_SEED_OFF)) --to $((IOVA + REVOKED_DST_OFF)) --len ${#REVOKED_PATTERN}"
	echo "$output"
	assert_success
	assert_line --regexp '^decode off: command register 0x[0-9a-f]{4}$'
	assert_line --regexp "^store: ${#REVOKED_PATTERN} bytes from edu's buffer to bus address $dst: done"
	# the dma-buf is revoked: iommufd refuses to map it again
	assert_line "p2p-setup: remap: ENODEV (No such device)"
	refute_line "p2p-setup: readback: $REVOKED_DST_OFF: $REVOKED_PATTERN"
	# the IOMMU blocked the write (the host checks that the file is unchanged)
	run dmar_faults "$dst"
	assert_output --partial "PTE Write access is not set"
}
