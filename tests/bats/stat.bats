#!/usr/bin/env bats
# vfbuf stat on the fixture processes (tests/fixtures/mk-sysroot).
load helpers

@test "stat ties holders and mappings of one buffer together by inode" {
	run vf -J stat
	assert_success
	jq_ok '[.dmabufs[] | select(.kind == "dmabuf" and .inode == 1)] | length == 1'
	jq_ok '.dmabufs[] | select(.inode == 1) | .holders == [{"pid":100,"comm":"primary","fd":6},{"pid":200,"comm":"worker","fd":4}]'
	jq_ok '.dmabufs[] | select(.inode == 1) | .maps == [{"pid":200,"start":140024106385408,"end":140024106389504}]'
	# addresses are numbers, the text's hex
	[ "$((0x7f59e71f0000))" -eq 140024106385408 ]
	run vf stat -o INODE,MAPS -r
	assert_line "1 200:7f59e71f0000-7f59e71f1000"
}

@test "stat: size, exporter and name from fdinfo; device and BAR from the name" {
	run vf -J stat -o INODE,SIZE,EXPORTER,NAME,DEVICE,BAR
	assert_success
	jq_ok '.dmabufs[0] == {"inode":1,"size":4096,"exporter":"vfio_pci_core","name":"vfio:0000:00:03.0:bar0","device":"0000:00:03.0","bar":0}'
	jq_ok '.dmabufs[2] == {"inode":9,"size":8192,"exporter":"system","name":"vfio0:0000:00:04.0/2","device":"0000:00:04.0","bar":2}'
}

@test "stat: an unnamed VFIO dma-buf shows only what the kernel tells" {
	run vf -J stat -o INODE,SIZE,EXPORTER,NAME,DEVICE
	assert_success
	jq_ok '.dmabufs[1] == {"inode":2,"size":12288,"exporter":"vfio_pci_core","name":null,"device":null}'
}

@test "stat: a buffer only mapped (fd closed) still shows, from maps" {
	run vf -J stat
	assert_success
	jq_ok ".dmabufs[] | select(.inode == 12) | .holders == [] and .maps == [{\"pid\":200,\"start\":$((0x7f59e7200000)),\"end\":$((0x7f59e7201000))}]"
}

@test "stat lists VFIO device fds with their devices" {
	run vf -J stat -o KIND,DEVICE,HOLDERS
	assert_success
	jq_ok '[.dmabufs[] | select(.kind == "vfio-device")] | length == 3'
	jq_ok '[.dmabufs[] | select(.kind == "vfio-device") | .holders[] | "\(.pid)(\(.comm)):\(.fd)"] | sort == ["100(primary):5","300(multi):5","300(multi):6"]'
	jq_ok '.dmabufs[] | select(.holders == [{"pid":300,"comm":"multi","fd":6}]) | .device == "0000:00:04.0"'
}

@test "stat --pid: only that process" {
	run vf -J stat --pid 200 -o INODE,HOLDERS
	assert_success
	jq_ok '.dmabufs == [{"inode":1,"holders":[{"pid":200,"comm":"worker","fd":4}]},{"inode":9,"holders":[{"pid":200,"comm":"worker","fd":3}]},{"inode":12,"holders":[]}]'
}

@test "stat --pid --fd: only that buffer and its mappings in that process" {
	run vf -J stat --pid 200 --fd 3 -o INODE,MAPS
	assert_success
	jq_ok ".dmabufs == [{\"inode\":9,\"maps\":[{\"pid\":200,\"start\":$((0x7f59e71e7000)),\"end\":$((0x7f59e71e9000))}]}]"
}

@test "stat --pid of a missing process: exit 1 with the reason" {
	run --separate-stderr vf stat --pid 4242
	assert_failure 1
	assert_equal "$stderr" "vfbuf: stat: process 4242: no such process"
}

@test "stat --pid --fd of a fd that is not a dma-buf" {
	run --separate-stderr vf stat --pid 100 --fd 0
	assert_failure 1
	assert_equal "$stderr" "vfbuf: stat: fd 0 of process 100 (/dev/null): not a dma-buf or VFIO device fd"
}

@test "stat --pid --fd of a missing fd" {
	run --separate-stderr vf stat --pid 100 --fd 99
	assert_failure 1
	assert_equal "$stderr" "vfbuf: stat: fd 99 of process 100: no such fd"
}

@test "stat --fd without --pid is a usage error" {
	run --separate-stderr vf stat --fd 3
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: stat: --fd needs --pid"
}

@test "stat --pid rejects garbage" {
	run --separate-stderr vf stat --pid 12x
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: stat: --pid '12x': not a decimal number up to 2147483647"
}

# Unreadable processes: copy the fixture, lock one fd table, run unprivileged.
unreadable_setup() {
	unreadable_copy
	chmod 0700 "$ROOT/root/proc/400/fd"
}

teardown() {
	[ -z "${ROOT:-}" ] || rm -rf "$ROOT"
}

@test "stat counts and reports processes it cannot read" {
	unreadable_setup
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VFBUF" --sysroot "$ROOT/root" stat -o INODE
	assert_success
	assert_equal "$stderr" "vfbuf: stat: warning: 1 of 4 processes could not be read (permission denied) and are not shown; root sees them (CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE)"
	refute_line --regexp '^ +30$'
}

@test "stat --pid of an unreadable process: exit 77 with a hint" {
	unreadable_setup
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VFBUF" --sysroot "$ROOT/root" stat --pid 400
	assert_failure 77
	assert_equal "$stderr" "vfbuf: stat: reading the fds of process 400: Permission denied (EACCES)
hint: reading another user's fds needs root (CAP_DAC_READ_SEARCH to list them, CAP_SYS_PTRACE to read them)"
}
