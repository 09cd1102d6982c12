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

# ---- the same proof through vfbuf: vfbuf import does step 1 ----
# Its own ivshmem offsets (tests/vm/ivshmem-expect): the seed at
# VSEED_OFF, edu's DMA to VDST_OFF; after decode off, to VREV_DST_OFF.
VSEED_OFF=0xa800 VDST_OFF=0xe000 VREV_SEED_OFF=0xb800 VREV_DST_OFF=0xf000 VKDST_OFF=0xe800
VPATTERN=vfbuf-import-dma-landed-ABCDEFG
VREV_PATTERN=vfbuf-import-after-revoke-HIJK

# seed OFF TEXT: the CPU writes TEXT into ivshmem's BAR2 at OFF (vfbuf poke)
seed() {
	local off=$1 text=$2 i vals=()
	for ((i = 0; i < ${#text}; i++)); do vals+=("$(printf '0x%02x' "'${text:i:1}")"); done
	vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 1 "$off" "${vals[@]}"
}

# readback OFF LEN: those bytes of ivshmem's BAR2, as text
readback() {
	vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -w 1 -c "$2" --binary "$BATS_TEST_TMPDIR/rb" "$1" &&
		tr -d '\0' < "$BATS_TEST_TMPDIR/rb"
}

@test "vfbuf import: edu's DMA reaches ivshmem's BAR at the IOVA vfbuf import mapped" {
	seed "$VSEED_OFF" "$VPATTERN"
	run --separate-stderr vfbuf import -s "$VFBUF_IVSHMEM" --bar 2 -R "0:$SIZE" --iova "$IOVA" \
		--attach "$VFBUF_EDU" -r -n -o IOVA,LENGTH,DEVICES --exec -- \
		bash -c "edu-dma --fd \"\$VFBUF_ATTACH_FD_0\" --load \$((VFBUF_IOVA + $VSEED_OFF)) --to \$((VFBUF_IOVA + $VDST_OFF)) --len ${#VPATTERN}"
	echo "$output"
	echo "$stderr"
	assert_success
	assert_line --index 0 "$IOVA 64K $VFBUF_EDU"
	assert_line --regexp "^store: ${#VPATTERN} bytes from edu's buffer to bus address $(printf '0x%x' $((IOVA + VDST_OFF))): done"
	run readback "$VDST_OFF" "${#VPATTERN}"
	assert_output "$VPATTERN"
	run dmar_faults "$(printf '0x%x' $((IOVA + VDST_OFF)))"
	assert_output ''
}

@test "vfbuf import: a kernel-chosen IOVA is reported, and the DMA to it lands" {
	seed "$VSEED_OFF" "$VPATTERN"
	run --separate-stderr vfbuf import -s "$VFBUF_IVSHMEM" --bar 2 -R "0:$SIZE" --attach "$VFBUF_EDU" \
		-r -n -o IOVA,DEVICES --exec -- \
		bash -c "echo iova \$VFBUF_IOVA; edu-dma --fd \"\$VFBUF_ATTACH_FD_0\" --load \$((VFBUF_IOVA + $VSEED_OFF)) --to \$((VFBUF_IOVA + $VKDST_OFF)) --len ${#VPATTERN}"
	echo "$output"
	echo "$stderr"
	assert_success
	iova=$(awk 'NR == 1 { print $1 }' <<< "$output")
	[[ "$iova" =~ ^0x[0-9a-f]+$ ]] || fail "no IOVA in: $output"
	assert_line --index 0 "$iova $VFBUF_EDU"
	assert_line "iova $iova"
	run readback "$VKDST_OFF" "${#VPATTERN}"
	assert_output "$VPATTERN"
}

@test "vfbuf import: refusals: a multi-range buffer, a device without its cdev door free" {
	run --separate-stderr vfbuf import -s "$VFBUF_IVSHMEM" --bar 2 -R 0:4K -R 8K:4K
	assert_failure 2
	# the exporter's device fd held elsewhere through its group: the cdev is busy
	vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --hold > /dev/null 2>&1 &
	local p=$!
	for _ in $(seq 50); do [ -n "$(vfbuf stat --pid $p -r -n -o KIND 2> /dev/null)" ] && break; sleep 0.1; done
	run --separate-stderr vfbuf import -s "$VFBUF_IVSHMEM" --bar 2 -R "0:$SIZE" --attach "$VFBUF_EDU"
	kill $p; wait $p || true
	echo "$stderr"
	assert_failure
	[[ "$stderr" == "vfbuf: import: "*"$VFBUF_EDU"* ]]
}

@test "vfbuf import: after ivshmem's memory decode is cleared (revoked), edu's DMA no longer lands" {
	seed "$VREV_SEED_OFF" "$VREV_PATTERN"
	dst=$(printf '0x%x' $((IOVA + VREV_DST_OFF)))
	# ivshmem attached too: the export goes through its cdev, whose fd the command gets
	run --separate-stderr vfbuf import -s "$VFBUF_IVSHMEM" --bar 2 -R "0:$SIZE" --iova "$IOVA" \
		--attach "$VFBUF_EDU" --attach "$VFBUF_IVSHMEM" -r -n -o DEVICES --exec -- \
		bash -c "edu-dma --fd \"\$VFBUF_ATTACH_FD_1\" --decode off &&
			edu-dma --fd \"\$VFBUF_ATTACH_FD_0\" --load \$((VFBUF_IOVA + $VREV_SEED_OFF)) --to \$((VFBUF_IOVA + $VREV_DST_OFF)) --len ${#VREV_PATTERN} &&
			edu-dma --fd \"\$VFBUF_ATTACH_FD_1\" --decode on"
	echo "$output"
	echo "$stderr"
	# the probe found the buffer revoked: said once, exit 3
	assert_failure 3
	assert_line --index 0 "$VFBUF_EDU,$VFBUF_IVSHMEM"
	[ "$(grep -c "^vfbuf: import: the mapping at IOVA $IOVA (0x10000 bytes, IOAS [0-9]*) of .* is invalidated: the dma-buf was revoked by its exporter" <<< "$stderr")" = 1 ] ||
		fail "no (or more than one) invalidation message"
	run dmar_faults "$dst"
	assert_output --partial "PTE Write access is not set"
	run readback "$VREV_DST_OFF" "${#VREV_PATTERN}"
	refute_output "$VREV_PATTERN"
}

@test "vfbuf import: the invalidation is seen while the command runs (probe), once, and with -J as an event" {
	err=$BATS_TEST_TMPDIR/import.err
	# decode off, then wait for vfbuf's probe to say so (at most 200 ms
	# apart) while the command still runs; decode back on does not undo it
	run --separate-stderr bash -c "vfbuf -J import -s \"$VFBUF_IVSHMEM\" --bar 2 -R 0:$SIZE --attach \"$VFBUF_IVSHMEM\" --exec -- \
		bash -c 'edu-dma --fd \"\$VFBUF_ATTACH_FD_0\" --decode off > /dev/null &&
			for i in \$(seq 20); do grep -q \"is invalidated\" \"$err\" && break; sleep 0.1; done &&
			grep -q \"is invalidated\" \"$err\" && echo seen-while-running >&2 &&
			edu-dma --fd \"\$VFBUF_ATTACH_FD_0\" --decode on > /dev/null' 2> \"$err\"; rc=\$?; cat \"$err\" >&2; exit \$rc"
	echo "$output"
	echo "$stderr"
	assert_failure 3
	[[ "$stderr" == *seen-while-running* ]] || fail "the probe did not see it while the command ran"
	[ "$(grep -c 'is invalidated' <<< "$stderr")" = 1 ]
	# one JSON object a line: imported, then invalidated
	[ "$(wc -l <<< "$output")" = 2 ]
	assert_line --index 0 --regexp '^\{"event": "imported", "iova": [0-9]+, "length": 65536, "ioas": [0-9]+, "source": "[^"]*", "devices": \["'"$VFBUF_IVSHMEM"'"\]\}$'
	assert_line --index 1 --regexp '^\{"event": "invalidated", "iova": [0-9]+, "length": 65536, "ioas": [0-9]+, "source": "[^"]*", "why": "the dma-buf was revoked by its exporter [^"]*"\}$'
}

@test "vfbuf stat: an imported dma-buf's importer is iommufd's device (debugfs bufinfo)" {
	[ -r /sys/kernel/debug/dma_buf/bufinfo ] || skip "debugfs is not mounted in this guest"
	run --separate-stderr vfbuf import -s "$VFBUF_IVSHMEM" --bar 2 -R "0:$SIZE" --attach "$VFBUF_EDU" -r -n -o IOVA --exec -- \
		bash -c 'vfbuf stat --pid $$ --fd "$VFBUF_FD" -r -n -o EXPORTER,SIZE,IMPORTERS -b'
	echo "$output"
	echo "$stderr"
	assert_success
	assert_line --index 1 "vfio_pci_core $((SIZE)) iommu"
	# without the import, nobody is attached
	vfbuf export -s "$VFBUF_IVSHMEM" --bar 2 --range "0:$SIZE" --exec -- \
		bash -c 'vfbuf stat --pid $$ --fd "$VFBUF_FD" -r -n -o IMPORTERS' > "$BATS_TEST_TMPDIR/out"
	run tail -1 "$BATS_TEST_TMPDIR/out"
	assert_output ""
}

# ---- the other revocations: the exporter's device fd closed, a reset ----
# ivshmem offsets (tests/vm/ivshmem-expect): the seed at XSEED_OFF; edu's
# DMA after the exporter was killed to XDST_OFF (must not land).
XSEED_OFF=0x7800 XDST_OFF=0x7000
XPATTERN=vfbuf-import-exporter-gone-LMNO

@test "vfbuf import --connect: the exporter killed (its device fd closed), edu's DMA faults and import says so" {
	seed "$XSEED_OFF" "$XPATTERN"
	sock=$BATS_TEST_TMPDIR/ivshmem.sock
	vfbuf export -s "$VFBUF_IVSHMEM" --bar 2 --range "0:$SIZE" --serve "$sock" > "$BATS_TEST_TMPDIR/serve.log" 2>&1 &
	srv=$!
	for _ in $(seq 50); do grep -q '^serving' "$BATS_TEST_TMPDIR/serve.log" && break; sleep 0.1; done
	dst=$(printf '0x%x' $((IOVA + XDST_OFF)))
	# the exporter goes (SIGKILL: no goodbye), its last device fd with it;
	# then edu copies the seed to DST through the dead mapping (after 5 s:
	# the kernel logs at most 10 DMAR faults in 5 s, and earlier tests fault)
	run --separate-stderr vfbuf import --connect "$sock" --iova "$IOVA" --attach "$VFBUF_EDU" -r -n -o IOVA,DEVICES --exec -- \
		bash -c "kill -9 $srv; for i in \$(seq 50); do grep -q '^State:.*Z' /proc/$srv/status 2> /dev/null || [ ! -e /proc/$srv ] && break; sleep 0.1; done;
			sleep 5; edu-dma --fd \"\$VFBUF_ATTACH_FD_0\" --load \$((VFBUF_IOVA + $XSEED_OFF)) --to \$((VFBUF_IOVA + $XDST_OFF)) --len ${#XPATTERN}"
	wait "$srv" || true
	echo "$output"
	echo "$stderr"
	cat "$BATS_TEST_TMPDIR/serve.log"
	assert_failure 3
	assert_line --index 0 "$IOVA $VFBUF_EDU"
	assert_line --regexp "^store: ${#XPATTERN} bytes from edu's buffer to bus address $dst: done"
	[[ "$stderr" == *"the mapping at IOVA $IOVA "*" is invalidated: the dma-buf was revoked by its exporter"* ]]
	# and, from the kernel log, the fault of edu's DMA inside the mapping:
	# its read of the seed (both are in one page, the IOMMU reports the
	# page), its write, or both (the emulated IOMMU may fold a second
	# fault of the same device into the first)
	[[ "$stderr" =~ "vfbuf: import: DMAR fault: DMA "(read|write)" by $VFBUF_EDU at IOVA $dst, in the mapping at $IOVA: fault reason 0x0"[56]" (PTE "(Read|Write)" access is not set)" ]]
	run dmar_faults "$dst"
	assert_output --regexp "PTE (Read|Write) access is not set"
	run readback "$XDST_OFF" "${#XPATTERN}"
	refute_output "$XPATTERN"
}

@test "vfbuf import of the NVMe's BAR0: after VFIO_DEVICE_RESET edu's DMA to it faults, and import says so" {
	[ -n "${VFBUF_NVME:-}" ] || skip "no NVMe controller in this guest (tests/vm/run --nvme; check-vm adds it on the iommufd kernel)"
	ls "/sys/bus/pci/devices/$VFBUF_NVME/vfio-dev/" 2> /dev/null | grep -q '^vfio[0-9]' ||
		skip "$VFBUF_NVME has no VFIO device cdev"
	niova=0x400000
	dst=$(printf '0x%x' $((niova + 0x800))) # the fault is logged at its page, niova
	# NVMe exported (BAR0, its registers: 16K) through its cdev and attached
	# too, edu attached; reset the NVMe, then edu writes into its BAR0
	run --separate-stderr vfbuf import -s "$VFBUF_NVME" --bar 0 -R 0:16K --iova "$niova" \
		--attach "$VFBUF_EDU" --attach "$VFBUF_NVME" -r -n -o IOVA,DEVICES --exec -- \
		bash -c "edu-dma --fd \"\$VFBUF_ATTACH_FD_1\" --reset && sleep 5 &&
			edu-dma --fd \"\$VFBUF_ATTACH_FD_0\" --to $dst --len 16 && sleep 0.5"
	echo "$output"
	echo "$stderr"
	# (the sleep: the kernel logs at most 10 DMAR faults in 5 s)
	# vfio-pci revokes the buffer for the reset and restores it at once:
	# the probe (a new MAP_FILE) cannot see it, the mapping is gone anyway;
	# import sees edu's DMA fault in the kernel log
	assert_failure 3
	assert_line --index 0 "$niova $VFBUF_EDU,$VFBUF_NVME"
	assert_line "reset: VFIO_DEVICE_RESET done"
	[[ "$stderr" == *"vfbuf: import: DMAR fault: DMA write by $VFBUF_EDU at IOVA $niova, in the mapping at $niova: fault reason 0x05 (PTE Write access is not set)"* ]]
	[[ "$stderr" == *"the mapping at IOVA $niova (0x4000 bytes, IOAS "*") of $VFBUF_NVME BAR 0 [0x0+0x4000) is invalidated: an attached device's DMA to it faulted in the IOMMU (DMAR)"* ]]
	run dmar_faults "$niova"
	assert_output --partial "PTE Write access is not set"
}

@test "vfbuf import --hold -J: the exporter killed while it holds, the invalidated event comes at once; released, exit 3" {
	sock=$BATS_TEST_TMPDIR/hold.sock out=$BATS_TEST_TMPDIR/hold.out
	vfbuf export -s "$VFBUF_IVSHMEM" --bar 2 --range "0:$SIZE" --serve "$sock" > "$BATS_TEST_TMPDIR/serve.log" 2>&1 &
	srv=$!
	for _ in $(seq 50); do grep -q '^serving' "$BATS_TEST_TMPDIR/serve.log" && break; sleep 0.1; done
	vfbuf -J import --connect "$sock" --attach "$VFBUF_EDU" --hold > "$out" 2> "$BATS_TEST_TMPDIR/hold.err" &
	imp=$!
	for _ in $(seq 50); do grep -q '"event": "imported"' "$out" && break; sleep 0.1; done
	run cat "$out"
	assert_line --index 0 --regexp '^\{"event": "imported", "iova": [0-9]+, "length": 65536, '
	kill -9 "$srv"
	wait "$srv" || true
	# the probe runs every 200 ms: well within 3 s
	for _ in $(seq 30); do grep -q '"event": "invalidated"' "$out" && break; sleep 0.1; done
	run cat "$out"
	assert_line --index 1 --regexp '^\{"event": "invalidated", "iova": [0-9]+, "length": 65536, "ioas": [0-9]+, "source": "the dma-buf from [^"]*", "why": "the dma-buf was revoked by its exporter'
	kill -TERM "$imp"
	rc=0
	wait "$imp" || rc=$?
	cat "$BATS_TEST_TMPDIR/hold.err"
	[ "$rc" = 3 ] || fail "import --hold exited $rc, not 3"
	run cat "$out"
	[ "${#lines[@]}" = 2 ]
}
