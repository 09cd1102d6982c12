#!/usr/bin/env bats
# vfbuf_sim's own proof (kernel/vfbuf_sim/tests/simtest.c) on the guest's
# real kernel, in the runs where the devices are bound to vfbuf_sim: the
# series' uAPI at the raw ioctl/mmap level, revoke races included, on the
# revision the rig loaded (VFBUF_VM_UAPI: v1, v2, v4 or v5), declared or
# not (VFBUF_VM_UNDECLARED). vfbuf's commands on the same driver are tested
# in vfbuf-exercise.bats and series.bats.

load guest

setup_file() {
	guest_only || return 0
	if ! series; then
		file_skip "the devices are bound to $VFBUF_VM_DRIVER: simtest tests vfbuf_sim"
	elif [ ! -x "${VFBUF_SIMTEST:-}" ]; then
		file_skip "no simtest in this guest (tests/vm/run ships it with --driver vfbuf_sim)"
	elif [ -z "${VFBUF_VM_UAPI:-}" ]; then
		file_skip "the rig did not say which revision vfbuf_sim speaks (a --module vfbuf_sim run)"
	fi
}

setup() {
	guest_setup
}

# simtest's arguments for this run's revision and mode
simargs() {
	args=(--uapi "$VFBUF_VM_UAPI")
	[ "${VFBUF_VM_UNDECLARED:-0}" = 1 ] && args+=(--undeclared)
	return 0
}

@test "simtest: every check passes on the revision the module speaks" {
	simargs
	# the rig always has a bochs-display: its multi-BAR cases must run
	[ -n "${VFBUF_BOCHS:-}" ]
	# 300 revoke-versus-fault races (the module's own check runs 3000)
	SIMTEST_RACE_ROUNDS=300 run "$VFBUF_SIMTEST" "${args[@]}"
	assert_success
	if [ "${VFBUF_VM_UNDECLARED:-0}" = 1 ]; then
		assert_line --index 0 --partial "simtest: uapi $VFBUF_VM_UAPI undeclared,"
		assert_line --partial "PASS undeclared: no parameters/uapi file"
		assert_line --partial "PASS undeclared: exp_name vfio_pci_core"
	else
		assert_line --index 0 --partial "simtest: uapi $VFBUF_VM_UAPI,"
		assert_line --partial "PASS declared: parameters/uapi names the revision"
	fi
	assert_line --partial "PASS two-range buffer on bochs BAR0"
	assert_line --partial "PASS VMA split by munmap: revoke reaches both pieces"
	assert_line --regexp '^[1-9][0-9]* passed, 0 failed$'
	refute_line --partial FAIL
	refute_line --partial "SKIP bochs-display"
}

@test "simtest --reset: a device reset revokes for a while; the mapping comes back" {
	# edu and ivshmem cannot reset; QEMU's NVMe controller has FLR
	[ -n "${VFBUF_NVME:-}" ] || skip "no NVMe device in this guest (tests/vm/run --nvme)"
	simargs
	run "$VFBUF_SIMTEST" "${args[@]}" --reset "$VFBUF_NVME" "$VFBUF_NVME_GROUP"
	assert_success
	assert_line --regexp '^[1-9][0-9]* passed, 0 failed$'
	refute_line --partial FAIL
}
