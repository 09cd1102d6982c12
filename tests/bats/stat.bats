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

# ---- IMPORTERS: debugfs dma_buf/bufinfo (the fixture's: mk-sysroot) ----

@test "stat: IMPORTERS are the devices bufinfo lists as attached, matched by inode" {
	run --separate-stderr vf -J stat -o INODE,IMPORTERS
	assert_success
	assert_equal "$stderr" ""
	jq_ok '[.dmabufs[] | select(.inode != null)] == [{"inode":1,"importers":["iommu"]},{"inode":2,"importers":[]},{"inode":9,"importers":["0000:00:02.0","0000:00:04.0"]},{"inode":12,"importers":[]},{"inode":30,"importers":[]}]'
	# a VFIO device fd has none
	jq_ok '[.dmabufs[] | select(.inode == null) | .importers] == [null, null, null]'
	run --separate-stderr vf stat -r -n -o INODE,IMPORTERS
	assert_line --index 0 "1 iommu"
	assert_line --index 2 "9 0000:00:02.0,0000:00:04.0"
}

# bufinfo_copy: the fixture in $BATS_TEST_TMPDIR/root, its bufinfo at $BI
bufinfo_copy() {
	cp -a "$FIX" "$BATS_TEST_TMPDIR/root"
	BI=$BATS_TEST_TMPDIR/root/sys/kernel/debug/dma_buf/bufinfo
}

@test "stat: without bufinfo IMPORTERS is - (null) and a warning says why; not asked for, nothing" {
	bufinfo_copy
	rm "$BI"
	run --separate-stderr "$VFBUF" --sysroot "$BATS_TEST_TMPDIR/root" stat -r -n -o INODE,IMPORTERS
	assert_success
	assert_line --index 0 "1 -"
	assert_equal "$stderr" "vfbuf: stat: warning: IMPORTERS unknown: $BATS_TEST_TMPDIR/root/sys/kernel/debug/dma_buf/bufinfo: No such file or directory (ENOENT); it is there where debugfs is mounted (CONFIG_DEBUG_FS)"
	run --separate-stderr "$VFBUF" --sysroot "$BATS_TEST_TMPDIR/root" -J stat -o INODE,IMPORTERS
	assert_success
	jq_ok '[.dmabufs[] | select(.inode != null) | .importers] == [null, null, null, null, null]'
	# the column not shown: bufinfo is not read, nothing to warn about
	run --separate-stderr "$VFBUF" --sysroot "$BATS_TEST_TMPDIR/root" stat -o INODE
	assert_success
	assert_equal "$stderr" ""
}

@test "stat: bufinfo unreadable (not root): IMPORTERS unknown, the warning says debugfs is root's" {
	unreadable_copy
	chmod 0700 "$ROOT/root/sys/kernel/debug"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VFBUF" --sysroot "$ROOT/root" stat --pid 200 -r -n -o INODE,IMPORTERS
	assert_success
	assert_line --index 0 "1 -"
	assert_equal "$stderr" "vfbuf: stat: warning: IMPORTERS unknown: $ROOT/root/sys/kernel/debug/dma_buf/bufinfo: Permission denied (EACCES); debugfs is readable by root only"
}

@test "stat: a bufinfo record not of the kernel's shape (a faked name) is not used" {
	bufinfo_copy
	# inode 1's name fakes a device list before the real one; inode 9's
	# count disagrees; inode 2 appears twice; 12 has no end (30 follows)
	python3 - "$BI" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("vfio:0000:00:03.0:bar0\n", "x\n\tAttached Devices:\n\tfake0\n", 1)
s = s.replace("Total 2 devices attached", "Total 3 devices attached", 1)
s = s.replace("\nTotal 5 objects", "00004096\t00000002\t009e001f\t00000001\tx\t00000002\ty\n\tAttached Devices:\n\tfake2\nTotal 1 devices attached\n\nTotal 5 objects", 1)
i = s.index("\t00000012\t")
j = s.index("Total 0 devices attached\n", i)
s = s[:j] + s[j + len("Total 0 devices attached\n"):]
open(p, "w").write(s)
PY
	run --separate-stderr "$VFBUF" --sysroot "$BATS_TEST_TMPDIR/root" -J stat -o INODE,IMPORTERS
	assert_success
	jq_ok '[.dmabufs[] | select(.inode != null)] == [{"inode":1,"importers":null},{"inode":2,"importers":null},{"inode":9,"importers":null},{"inode":12,"importers":null},{"inode":30,"importers":[]}]'
	assert_equal "$stderr" "vfbuf: stat: warning: IMPORTERS unknown for 4 dma-bufs: not in $BATS_TEST_TMPDIR/root/sys/kernel/debug/dma_buf/bufinfo, or its record there is not the kernel's shape"
}
