#!/usr/bin/env bats
# vfbuf list on the fixture tree (tests/fixtures/mk-sysroot tells its story).
load helpers

@test "list shows only devices bound to VFIO drivers, variant drivers included" {
	run vf list -r -n -o BDF,DRIVER
	assert_success
	assert_output "0000:00:03.0 vfio-pci
0000:00:04.0 vfio-pci
0000:01:00.0 vfio-pci
0000:05:00.0 vfbuf_sim"
}

@test "list --all shows every device and its VFIO state" {
	run vf list --all -r -n -o BDF,VFIO,GROUP,VIABLE
	assert_success
	assert_output "0000:00:00.0 no 0 yes
0000:00:02.0 no 2 no
0000:00:03.0 yes 3 yes
0000:00:04.0 yes 4 yes
0000:01:00.0 yes 7 no
0000:01:00.1 no 7 no
0000:02:00.0 no 8 no
0000:05:00.0 yes 9 yes
10000:e1:00.0 no 10 no"
}

@test "a non-viable group names the device in the way" {
	run vf list -s 01:00.0 -r -n -o VIABLE,BLOCKERS
	assert_success
	assert_output "no 0000:01:00.1(snd_hda_intel)"
}

@test "names come from pci.ids through libpci" {
	run vf -J list -s 00:04.0 -o IDS,NAME
	assert_success
	jq_ok '.devices[0] == {"ids":"1af4:1110","name":"Red Hat, Inc. Inter-VM shared memory"}'
}

@test "device nodes: group node and cdev" {
	run vf -J list -o BDF,NODE,CDEV
	assert_success
	jq_ok '.devices[0] == {"bdf":"0000:00:03.0","node":"/dev/vfio/3","cdev":"vfio0"}'
	jq_ok '.devices[1].cdev == null'
}

@test "BAR summary: sizes, 64-bit, prefetchable, IO; an array in JSON" {
	run vf list -s 01:00.0 -n -o BARS
	assert_success
	assert_output "0=16M,1=256M/64/pf,3=32M/64/pf,5=128/io"
	run vf -J list -s 01:00.0 -o BARS
	assert_success
	jq_ok '.devices[0].bars == [{"bar":0,"size":16777216,"type":"mem","bits":32,"prefetch":false},{"bar":1,"size":268435456,"type":"mem","bits":64,"prefetch":true},{"bar":3,"size":33554432,"type":"mem","bits":64,"prefetch":true},{"bar":5,"size":128,"type":"io","bits":null,"prefetch":false}]'
}

@test "raw output escapes blanks inside a cell, as lsblk -r does; list items joined by commas" {
	run vf list -s 01:00.0 -r -n -o BARS,NAME
	assert_success
	assert_output '0=16M,1=256M/64/pf,3=32M/64/pf,5=128/io NVIDIA\x20Corporation\x20GV100GL\x20[Tesla\x20V100\x20PCIe\x2032GB]'
}

@test "--bars: one row per BAR, sizes in bytes in JSON" {
	run vf -J list --bars -s 00:04.0
	assert_success
	jq_ok '.bars | length == 2'
	jq_ok '.bars[0] == {"bdf":"0000:00:04.0","bar":0,"size":256,"type":"mem","bits":32,"prefetch":false}'
	jq_ok '.bars[1] == {"bdf":"0000:00:04.0","bar":2,"size":1048576,"type":"mem","bits":64,"prefetch":true}'
}

@test "--bars shows an IO BAR without address width" {
	run vf -J list --bars -s 01:00.0
	assert_success
	jq_ok '.bars[3] == {"bdf":"0000:01:00.0","bar":5,"size":128,"type":"io","bits":null,"prefetch":false}'
}

@test "-d selects by vendor:device" {
	run vf list --all -d 10de: -r -n -o BDF
	assert_success
	assert_output "0000:01:00.0
0000:01:00.1"
}

@test "a selector that matches nothing prints nothing and says why" {
	run --separate-stderr vf list -s 0a:00.0
	assert_success
	assert_output ""
	assert_equal "$stderr" "vfbuf: list: warning: no PCI device matches -s 0a:00.0"
	run --separate-stderr vf list -s 02:00.0
	assert_success
	assert_output ""
	assert_equal "$stderr" "vfbuf: list: warning: no PCI device that -s 02:00.0 selects is bound to a VFIO driver ('vfbuf list --all' shows them)"
}

@test "-o +COLS adds to the default columns" {
	run vf list -o +CLASS -s 00:03.0 -r
	assert_success
	assert_line --index 0 "BDF IDS DRIVER GROUP VIABLE BARS NAME CLASS"
	assert_line --index 1 --regexp ' 00ff$'
}

@test "--probe on a fixture cannot open the device and says so (no ioctl on plain files)" {
	run --separate-stderr vf list --probe -s 00:03.0 -o BDF,DMABUF,PROBE -r -n
	assert_failure
	assert_output --regexp '^0000:00:03.0  '
	assert_equal "$(echo "$stderr" | head -1 | cut -c1-48)" "vfbuf: list: warning: 0000:00:03.0: cannot probe"
}

@test "SERIES: the revision a driver declares in sysfs; none for vfio-pci" {
	run vf list -o BDF,DRIVER,SERIES -r -n
	assert_success
	assert_line "0000:00:03.0 vfio-pci none"
	assert_line --regexp '^[0-9a-f:.]+ vfbuf_sim v4$'
	run vf -J list -o BDF,SERIES -s 00:03.0
	assert_success
	jq_ok '.devices[0].series == null'
}

@test "--help lists list's columns" {
	run "$VFBUF" list --help
	assert_success
	for c in BDF IDS NAME DRIVER GROUP VIABLE BLOCKERS NODE CDEV BARS DMABUF SERIES PREFETCH MMAP; do
		assert_output --partial "  $c "
	done
}
