#!/usr/bin/env bats
# Regressions for what the fuzzers and analysers found (tests/fuzz/README.md),
# where the command line shows it.  The inputs themselves are replayed by
# `make fuzz-smoke`.

load helpers

# a writable copy of the fixture tree
copy_root() {
	ROOT=$BATS_TEST_TMPDIR/root
	cp -a "$FIX" "$ROOT"
}

@test "an IOMMU group whose name is not a number is no group, not group 0" {
	# clang-tidy cert-err34-c: atoi() read 'x3' as group 0
	copy_root
	mkdir -p "$ROOT/sys/kernel/iommu_groups/x3"
	ln -sfn ../../../kernel/iommu_groups/x3 "$ROOT/sys/devices/pci0000:00/0000:00:03.0/iommu_group"
	run --separate-stderr "$VFBUF" --sysroot "$ROOT" list -s 00:03.0 -r -n -o BDF,GROUP,NODE
	assert_success
	assert_output "0000:00:03.0  "
	run --separate-stderr "$VFBUF" --sysroot "$ROOT" -J list -s 00:03.0 -o BDF,GROUP
	assert_success
	jq_ok '.devices[0].group == null'
}

@test "maps-decode: only /dev/vfio/devices/vfio and digits is a VFIO cdev mapping" {
	# fuzz_maps: 'vfio%1' (or 'vfio/../x') was taken for a cdev, and its
	# name went into a sysfs path
	run --separate-stderr bash -c 'printf "%s\n" \
		"fffff4000000-fffff4001000 rw-s 10000000000 00:07 148   /dev/vfio/devices/vfio%1" \
		"fffff4000000-fffff4001000 rw-s 10000000000 00:07 148   /dev/vfio/devices/vfio/../x" \
		"fffff4000000-fffff4001000 rw-s 10000000000 00:07 148   /dev/vfio/devices/vfio0" |
		"$0" --sysroot "$1" maps-decode -e -r -n -o KIND,VFIO,DEVICE' "$VFBUF" "$FIX"
	assert_success
	assert_output "other  
other  
vfio-bar vfio0 0000:00:03.0"
}

@test "argp's hidden --HANG and --program-name are not options: no hour-long sleep" {
	# fuzz_args timed out on '--H': glibc argp's default options include a
	# hidden --HANG[=SECS] that sleeps (3600 s by default)
	run --separate-stderr timeout 10 "$VFBUF" --H
	assert_failure 2
	assert_equal "$stderr" "vfbuf: unrecognized option '--H'
hint: try 'vfbuf --help'"
	run --separate-stderr timeout 10 "$VFBUF" list --HANG=1
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: list: unrecognized option '--HANG=1'"
	run --separate-stderr "$VFBUF" --program-name=x list
	assert_failure 2
	run "$VFBUF" list --usage
	assert_success
	assert_output --partial "Usage: vfbuf list"
}
