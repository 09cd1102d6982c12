#!/usr/bin/env bats
# vfbuf_sim's own proof (kernel/vfbuf_sim/tests/simtest.c) on the guest's
# real kernel, in the runs where the devices are bound to vfbuf_sim: the
# series' uAPI at the raw ioctl/mmap level, revoke races included. vfbuf's
# commands on the same driver are tested in vfbuf-exercise.bats and
# series.bats.

load guest

setup_file() {
	guest_only || return 0
	if ! series; then
		file_skip "the devices are bound to $VFBUF_VM_DRIVER: simtest tests vfbuf_sim"
	elif [ ! -x "${VFBUF_SIMTEST:-}" ]; then
		file_skip "no simtest in this guest (tests/vm/run ships it with --driver vfbuf_sim)"
	fi
}

setup() {
	guest_setup
}

@test "simtest: every check passes on the revision the module speaks" {
	rev=$(cat /sys/module/vfbuf_sim/parameters/uapi)
	# 300 revoke-versus-fault races (the module's own check runs 3000)
	SIMTEST_RACE_ROUNDS=300 run "$VFBUF_SIMTEST"
	assert_success
	assert_line --index 0 --partial "simtest: uapi $rev,"
	assert_line --regexp '^[1-9][0-9]* passed, 0 failed$'
	refute_line --partial FAIL
}

@test "simtest --reset: a device reset revokes for a while; the mapping comes back" {
	# edu and ivshmem cannot reset; QEMU's NVMe controller has FLR
	[ -n "${VFBUF_NVME:-}" ] || skip "no NVMe device in this guest (tests/vm/run --nvme)"
	run "$VFBUF_SIMTEST" --reset "$VFBUF_NVME" "$VFBUF_NVME_GROUP"
	assert_success
	assert_line --regexp '^[1-9][0-9]* passed, 0 failed$'
	refute_line --partial FAIL
}
