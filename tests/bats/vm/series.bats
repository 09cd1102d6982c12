#!/usr/bin/env bats
# The posted "mmap and revoke VFIO dma-bufs" series' own test cases (those
# kernel/vfbuf_sim/tests/simtest.c drives at the ioctl level), each driven
# through vfbuf's commands, on every driver of the rig: on vfbuf_sim (v1 or
# v4) each case works; on vfio-pci each asserts vfbuf's "absent" answer
# (exit 69 and its message) instead. Related cases share a test where one
# setup serves them; the test's name lists the cases.
#
# Writes through dma-buf mappings into the ivshmem BAR (0x10000) are checked
# from the host-side file by check-vm (tests/vm/ivshmem-expect). This file
# writes ivshmem BAR2 at 0x10000, 0x20000-0x23fff and 0x30000 only.

load guest

setup_file() {
	guest_only || return 0
}

setup() {
	guest_setup
	BG=()
}

teardown() {
	local p
	for p in "${BG[@]}"; do kill "$p" 2> /dev/null || true; done
	for p in "${BG[@]}"; do wait "$p" 2> /dev/null || true; done
}

# vfbuf speaking the revision the device's driver declares (none on vfio-pci)
vf() { vfbuf --uapi auto "$@"; }

# the revision vfbuf_sim speaks in this run
rev() { sim_rev; }

series_name="the posted 'vfio/pci: mmap and revoke VFIO dma-bufs' series"
absent_mmap="the running kernel ($(uname -r)) cannot mmap VFIO dma-bufs (EINVAL): that comes with $series_name, which no released kernel has"
absent_revoke="revoking a dma-buf: the running kernel ($(uname -r)) lacks it: it comes with $series_name, which no released kernel has"
revoked_why="SIGBUS: the buffer was revoked or the device is gone"

# bg NAME COMMAND...: run COMMAND in the background (in $BATS_TEST_TMPDIR,
# core dumps allowed, so a crash would leave one), stdout in NAME.out,
# stderr in NAME.err; NAME_PID is its pid. teardown kills what is left.
bg() {
	local name=$1
	shift
	[ "$1" = vf ] && set -- vfbuf --uapi auto "${@:2}"
	(
		cd "$BATS_TEST_TMPDIR" || exit 1
		ulimit -c unlimited 2> /dev/null
		exec "$@"
	) > "$BATS_TEST_TMPDIR/$name.out" 2> "$BATS_TEST_TMPDIR/$name.err" &
	printf -v "${name}_PID" %s $!
	BG+=($!)
}

# lines NAME: how many lines NAME.out has
lines_of() { wc -l < "$BATS_TEST_TMPDIR/$1.out"; }

# wait_lines NAME N: until NAME.out has N lines (10 s at most)
wait_lines() {
	local i
	for i in $(seq 200); do
		[ "$(lines_of "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "wait_lines: $1.out has $(lines_of "$1") lines, not $2; stderr: $(cat "$BATS_TEST_TMPDIR/$1.err")" >&2
	return 1
}

# hold NAME EXPORT-ARGS...: a primary holding one export (vfbuf export
# --hold); NAME_PID is the primary, NAME_FD its dma-buf fd
hold() {
	local name=$1
	shift
	bg "$name" vf export "$@" --hold -r -n -o FD
	wait_lines "$name" 1
	printf -v "${name}_FD" %s "$(cat "$BATS_TEST_TMPDIR/$name.out")"
}

# status NAME: wait for NAME; its exit status in $rc
status() {
	local p=${1}_PID
	rc=0
	wait "${!p}" || rc=$?
}

# no_core: nothing in the test's directory is a core dump
no_core() {
	run find "$BATS_TEST_TMPDIR" -name 'core*'
	assert_output ""
}

@test "series: mmap and MMIO through a dma-buf: edu's ID and liveness registers (peek/poke --fd)" {
	run vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:4K -r -n -o SIZE --exec -- bash -c '
		vfbuf peek --fd $VFBUF_FD 0; echo "rc=$?"
		vfbuf poke --fd $VFBUF_FD 4 0x12345678; echo "rc=$?"
		vfbuf peek --fd $VFBUF_FD 4; echo "rc=$?"' 2>&1
	assert_success
	if series; then
		assert_output $'4K\n0x010000ed\nrc=0\nrc=0\n0xedcba987\nrc=0'
	else
		[[ "${lines[1]}" =~ ^"vfbuf: peek: mmap of dma-buf fd "[0-9]+": $absent_mmap"$ ]]
		assert_line --index 3 "rc=69"
		assert_line --regexp "^vfbuf: poke: mmap of dma-buf fd [0-9]+: "
		assert_equal "$(grep -c '^rc=69$' <<< "$output")" 3
	fi
}

@test "series: oversize and off-the-end mmaps refused by the kernel (map --no-check); vfbuf's own check first" {
	run vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:4K -r -n -o SIZE --exec -- bash -c '
		vfbuf map --fd $VFBUF_FD --length 8K --no-check; echo "rc=$?"
		vfbuf map --fd $VFBUF_FD --offset 4K --length 4K --no-check; echo "rc=$?"
		vfbuf map --fd $VFBUF_FD --length 8K; echo "rc=$?"' 2>&1
	assert_success
	if series; then
		assert_line --index 1 --regexp "^vfbuf: map: mmap of 0x2000 bytes at 0x0 of dma-buf fd [0-9]+ \\(exporter $(exporter), size 0x1000\\): the exporter refuses a window outside the buffer: Invalid argument \\(EINVAL\\)\$"
		assert_line --index 2 "rc=1"
		assert_line --index 3 --regexp "^vfbuf: map: mmap of 0x1000 bytes at 0x1000 of dma-buf fd [0-9]+ \\(exporter $(exporter), size 0x1000\\): the exporter refuses"
		assert_line --index 4 "rc=1"
	else
		[[ "${lines[1]}" =~ ^"vfbuf: map: mmap of dma-buf fd "[0-9]+": $absent_mmap"$ ]]
		assert_line "rc=69"
		assert_equal "$(grep -c '^rc=69$' <<< "$output")" 2
	fi
	# on every kernel vfbuf refuses it itself first (usage error)
	assert_line --regexp "^vfbuf: map: --offset 0x0 --length 0x2000 of dma-buf fd [0-9]+ \\(size 0x1000\\): outside the dma-buf\$"
	assert_line "hint: --no-check asks the kernel anyway"
	assert_line --index "$((${#lines[@]} - 1))" "rc=2"
}

@test "series: classic mmap still works: /dmabuf:vfioN:BDF/BAR, offset column index<<40 (map -o +MAPS)" {
	run vfbuf map -s "$VFBUF_IVSHMEM" --bar 2 --offset 0x3000 --length 4K -r -n -o KIND,DEVICE,BAR,BAROFF,NAME,MAPS
	assert_success
	# raw output writes the maps line's blanks as \x20
	if series; then
		assert_output --regexp "^dmabuf-bar $VFBUF_IVSHMEM 2 0x3000 vfio[0-9]+:$VFBUF_IVSHMEM/2 [0-9a-f]+-[0-9a-f]+\\\\x20rw-s\\\\x2020000003000\\\\x20[0-9a-f:]+\\\\x20[0-9]+(\\\\x20)+/dmabuf:vfio[0-9]+:$VFBUF_IVSHMEM/2\$"
	else
		local name
		name=$(vfio_map_name "$VFBUF_IVSHMEM" | sed 's/[][]/\\&/g')
		assert_output --regexp "^vfio-bar $VFBUF_IVSHMEM 2 0x3000 $name [0-9a-f]+-[0-9a-f]+\\\\x20rw-s\\\\x2020000003000\\\\x20"
	fi
}

@test "series: revoke then fault (access revoked, exit 3, no core); classic mapping still works; double revoke EBADFD; mmap of revoked ENODEV; revoke through a dup (--pid)" {
	hold A -s "$VFBUF_EDU" --bar 0 --range 0:4K
	# a subordinate using the buffer, and one using the classic BAR mapping
	bg W vfbuf peek --pid "$A_PID" --fd "$A_FD" --watch 0.05 0
	bg C vfbuf peek --pid "$A_PID" --bar 0 --watch 0.05 0
	wait_lines C 1
	ino=$(vfbuf stat --pid "$A_PID" --fd "$A_FD" -r -n -o INODE)
	if series; then
		wait_lines W 1
		# revoke --pid revokes through its pidfd_getfd copy of the fd: a dup
		run --separate-stderr vf revoke --pid "$A_PID" --fd "$A_FD"
		assert_success
		assert_output "revoked fd $A_FD of process $A_PID (device $VFBUF_EDU, series $(rev))"
		status W
		assert_equal "$rc" 3
		assert_equal "$(cat "$BATS_TEST_TMPDIR/W.err")" "vfbuf: peek: access revoked: peek 0x0 of dma-buf fd $A_FD of process $A_PID: $revoked_why"
		run sort -u "$BATS_TEST_TMPDIR/W.out"
		assert_output "0x010000ed"
		no_core
		# the classic mapping reads on after the revoke
		n=$(lines_of C)
		wait_lines C $((n + 2))
		run grep -h "^ino $ino " /sys/kernel/debug/vfbuf_sim/"$VFBUF_EDU"/buffers
		assert_output --partial " state revoked "
		# double revoke
		run --separate-stderr vf revoke --pid "$A_PID" --fd "$A_FD"
		assert_failure 1
		assert_equal "$stderr" "vfbuf: revoke: revoking fd $A_FD of process $A_PID through $VFBUF_EDU (series $(rev)): File descriptor in bad state (EBADFD): it was revoked already"
		# mmap of the revoked buffer
		run --separate-stderr vfbuf peek --pid "$A_PID" --fd "$A_FD" 0
		assert_failure 3
		assert_equal "$stderr" "vfbuf: peek: mmap of dma-buf fd $A_FD of process $A_PID: the dma-buf was revoked, or its device closed (ENODEV)"
	else
		status W
		assert_equal "$rc" 69
		assert_equal "$(head -1 "$BATS_TEST_TMPDIR/W.err")" "vfbuf: peek: mmap of dma-buf fd $A_FD of process $A_PID: $absent_mmap"
		run --separate-stderr vf revoke --pid "$A_PID" --fd "$A_FD"
		assert_failure 69
		assert_equal "$(head -1 <<< "$stderr")" "vfbuf: revoke: $absent_revoke"
		n=$(lines_of C)
		wait_lines C $((n + 1))
	fi
	kill "$C_PID"
	status C
	assert_equal "$rc" 0
	run sort -u "$BATS_TEST_TMPDIR/C.out"
	assert_output "0x010000ed"
}

@test "series: revoke then fault: export --exec --revoke-after, the command's next access (exit 3)" {
	run --separate-stderr vf export -s "$VFBUF_EDU" --bar 0 --range 0:4K -r -n -o SIZE --revoke-after 2 \
		--exec -- bash -c 'exec vfbuf peek --fd $VFBUF_FD --watch 0.05 0'
	if series; then
		assert_failure 3
		assert_line --index 0 "4K"
		assert_line --index 1 "0x010000ed"
		[[ "$stderr" =~ vfbuf:\ export:\ revoked\ fd\ [0-9]+\ \(inode\ [0-9]+\)\ after\ 2\ s ]]
		[[ "$stderr" =~ "vfbuf: peek: access revoked: peek 0x0 of dma-buf fd "[0-9]+": $revoked_why" ]]
	else
		assert_failure 69
		[[ "$stderr" =~ "vfbuf: peek: mmap of dma-buf fd "[0-9]+": $absent_mmap" ]]
	fi
}

@test "series: aliasing buffers, double mmap, non-zero offsets, two-range buffer (export --pid: more buffers of a held device)" {
	hold A -s "$VFBUF_IVSHMEM" --bar 2 --range 0x20000:16K
	# each page's first word, through the holder's classic BAR mapping
	for i in 0 1 2 3; do vfbuf poke --pid "$A_PID" --bar 2 $((0x20000 + i * 0x1000)) $((0xa0 + i)); done
	# a second buffer of the same range, exported through the holder's device fd
	cd "$BATS_TEST_TMPDIR"
	run vfbuf -q export --pid "$A_PID" --bar 2 --range 0x20000:16K -r -n -o INODE --exec -- bash -c '
		vfbuf poke --fd $VFBUF_FD 16 0xfeedf00d; echo "poke rc=$?"
		vfbuf peek --pid '"$A_PID"' --fd '"$A_FD"' 16; echo "alias rc=$?"
		vfbuf peek --fd $VFBUF_FD --watch 0.05 16 > w.out 2>&1 & w=$!
		for _ in $(seq 100); do [ -s w.out ] && break; sleep 0.05; done
		vfbuf peek --fd $VFBUF_FD 16; echo "double rc=$?"
		kill $w; wait $w; echo "first mapping rc=$? $(sort -u w.out)"
		vfbuf peek --fd $VFBUF_FD --offset 4K 0; echo "offset rc=$?"
		vfbuf peek --fd $VFBUF_FD --offset 12K -c 1 0; echo "offset rc=$?"'
	assert_success
	inode_b=${lines[0]}
	inode_a=$(vfbuf stat --pid "$A_PID" --fd "$A_FD" -r -n -o INODE)
	[ "$inode_a" != "$inode_b" ] # two buffers
	if series; then
		assert_equal "${lines[*]:1}" "poke rc=0 0xfeedf00d alias rc=0 0xfeedf00d double rc=0 first mapping rc=0 0xfeedf00d 0x000000a1 offset rc=0 0x000000a3 offset rc=0"
	else
		for l in "poke rc=69" "alias rc=69" "double rc=69" "offset rc=69"; do assert_line "$l"; done
		assert_line --partial "first mapping rc=69"
	fi
	# two ranges: pages 0x20000 and 0x23000 back to back
	run vfbuf -q export --pid "$A_PID" --bar 2 --range 0x20000:4K --range 0x23000:4K -r -n -o SIZE --exec -- \
		bash -c 'vfbuf peek --fd $VFBUF_FD 0 && vfbuf peek --fd $VFBUF_FD 0x1000; echo "rc=$?"' 2>&1
	assert_line --index 0 "8K"
	if series; then
		assert_equal "${lines[*]:1}" "0x000000a0 0x000000a3 rc=0"
	else
		assert_line "rc=69"
	fi
}

@test "series: access after closing every dma-buf fd; device closed while mapped (a classic mapping keeps it open, then exit 3)" {
	hold A -s "$VFBUF_EDU" --bar 0 --range 0:4K
	# W maps the buffer, C the BAR; both close every fd once mapped
	bg W vfbuf peek --pid "$A_PID" --fd "$A_FD" --close-fd --watch 0.05 0
	bg C vfbuf map --pid "$A_PID" --bar 0 --close-fd --hold -r -n -o KIND
	wait_lines C 1
	if series; then
		wait_lines W 1
		run bash -c "ls -l /proc/$W_PID/fd /proc/$C_PID/fd | grep -cE 'dmabuf|vfio'"
		assert_output "0"
		# the primary goes: the last fd of the buffer and of the device close
		kill "$A_PID"
		wait "$A_PID" || true
		n=$(lines_of W)
		wait_lines W $((n + 2))
		# the classic mapping goes: the device closes, its buffers are revoked
		kill "$C_PID"
		status C
		assert_equal "$rc" 0
		status W
		assert_equal "$rc" 3
		assert_equal "$(cat "$BATS_TEST_TMPDIR/W.err")" "vfbuf: peek: access revoked: peek 0x0 of dma-buf fd $A_FD of process $A_PID: $revoked_why"
		no_core
	else
		status W
		assert_equal "$rc" 69
		assert_equal "$(head -1 "$BATS_TEST_TMPDIR/W.err")" "vfbuf: peek: mmap of dma-buf fd $A_FD of process $A_PID: $absent_mmap"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/C.out")" "vfio-bar"
	fi
}

@test "series: device closed (its last fd, no classic mapping): its buffers are revoked, mmap ENODEV (exit 3)" {
	hold A -s "$VFBUF_EDU" --bar 0 --range 0:4K
	# K keeps a copy of the dma-buf fd, and a mapping
	bg K vfbuf map --pid "$A_PID" --fd "$A_FD" --hold -r -n -o KIND
	if series; then
		wait_lines K 1
		kfd=$(for f in /proc/"$K_PID"/fd/*; do
			case $(readlink "$f") in /dmabuf:*) echo "${f##*/}" ;; esac
		done)
		[ -n "$kfd" ]
		kill "$A_PID"
		wait "$A_PID" || true
		run --separate-stderr vfbuf peek --pid "$K_PID" --fd "$kfd" 0
		assert_failure 3
		assert_equal "$stderr" "vfbuf: peek: mmap of dma-buf fd $kfd of process $K_PID: the dma-buf was revoked, or its device closed (ENODEV)"
	else
		status K
		assert_equal "$rc" 69
	fi
}

@test "series: WC attribute visible: export's WC column, debugfs attr wc, map's WC and MEMTYPE (uncached-minus on x86)" {
	run --separate-stderr vf export -s "$VFBUF_IVSHMEM" --bar 2 --range 0x30000:4K --wc -r -n -o WC --exec -- bash -c '
		grep -h "ranges 0x30000+0x1000" /sys/kernel/debug/vfbuf_sim/*/buffers
		vfbuf poke --fd $VFBUF_FD 8 0x5ca1ab1e && vfbuf peek --fd $VFBUF_FD 8'
	if series && [ "$(rev)" = v5 ]; then
		# v5 dropped the attribute: --wc says so, and nothing is exported
		assert_failure 69
		[[ "$(head -1 <<< "$stderr")" == "vfbuf: export: --wc (write-combining dma-buf mappings): series v5 has no write-combining attribute ($(sim_how)"* ]]
		run --separate-stderr vf map -s "$VFBUF_IVSHMEM" --bar 2 --offset 0x30000 --length 4K --wc
		assert_failure 69
	elif series; then
		assert_success
		assert_line --index 0 "yes"
		assert_line --index 1 --regexp "^ino [0-9]+ kind export bar 2 size 0x1000 attr wc state live ranges 0x30000\\+0x1000\$"
		assert_line --index 2 "0x5ca1ab1e"
		run vf map -s "$VFBUF_IVSHMEM" --bar 2 --offset 0x30000 --length 4K --wc -r -n -o KIND,WC,MEMTYPE
		assert_success
		assert_output "dmabuf yes uncached-minus"
	else
		assert_failure 69
		assert_equal "$(head -1 <<< "$stderr")" "vfbuf: export: --wc (write-combining dma-buf mappings): the running kernel ($(uname -r)) lacks it: it comes with $series_name, which no released kernel has"
		run --separate-stderr vf map -s "$VFBUF_IVSHMEM" --bar 2 --offset 0x30000 --length 4K --wc
		assert_failure 69
	fi
	# the classic mapping: no WC asked, the BAR's type
	run vfbuf map -s "$VFBUF_IVSHMEM" --bar 2 --offset 0x30000 --length 4K -r -n -o WC,MEMTYPE
	assert_success
	assert_output "no uncached-minus"
}

@test "series: revoke refusals explained: another device's buffer ENODEV, not a dma-buf EINVAL, no such fd EBADF" {
	# the ivshmem buffer's fd, revoked through edu (which the command opens)
	run vfbuf -q export -s "$VFBUF_IVSHMEM" --bar 2 --range 0:4K -r -n -o SIZE --exec -- bash -c '
		vfbuf --uapi auto revoke --fd $VFBUF_FD -s '"$VFBUF_EDU"'; echo "rc=$?"
		vfbuf --uapi auto revoke --fd 0 -s '"$VFBUF_EDU"' < /dev/null; echo "rc=$?"
		vfbuf --uapi auto revoke --fd 99 -s '"$VFBUF_EDU"'; echo "rc=$?"' 2>&1
	assert_success
	if series; then
		r=$(rev)
		assert_line --index 1 --regexp "^vfbuf: revoke: revoking fd [0-9]+ through $VFBUF_EDU \\(series $r\\): No such device \\(ENODEV\\): the dma-buf belongs to another device, or its device was closed since \\(the series detaches a buffer from its device at the last close\\)\$"
		assert_line --index 3 "vfbuf: revoke: revoking fd 0 through $VFBUF_EDU (series $r): Invalid argument (EINVAL): the fd is not a dma-buf"
		assert_line --index 5 "vfbuf: revoke: revoking fd 99 through $VFBUF_EDU (series $r): Bad file descriptor (EBADF): no such open fd"
		assert_equal "$(grep -c '^rc=1$' <<< "$output")" 3
	else
		assert_line --index 1 "vfbuf: revoke: $absent_revoke"
		assert_equal "$(grep -c '^rc=69$' <<< "$output")" 3
	fi
}

@test "series: revoke -J: what was revoked, as JSON (a JSON error, 69, without the series)" {
	hold A -s "$VFBUF_EDU" --bar 0 --range 0:4K
	ino=$(vfbuf stat --pid "$A_PID" --fd "$A_FD" -r -n -o INODE)
	run vf -J revoke --pid "$A_PID" --fd "$A_FD"
	if series; then
		assert_success
		assert_line '   "revoked": ['
		assert_line "      {\"device\": \"$VFBUF_EDU\", \"series\": \"$(rev)\", \"pid\": $A_PID, \"fd\": $A_FD, \"inode\": $ino, \"socket\": null}"
	else
		assert_failure 69
		assert_line '   "error": ['
		assert_output --partial '"what": "revoking a dma-buf", '
		assert_output --partial '"exit": 69}'
	fi
}

@test "series: vending end to end: --serve hands a slice out; writes reach the host file; maps-decode; revoke --connect; the subordinate's next access exits 3; re-export" {
	local s=$BATS_TEST_TMPDIR/s
	bg P vf export -s "$VFBUF_IVSHMEM" --bar 2 --range 0x10000:4K --serve "$s"
	for _ in $(seq 100); do [ -S "$s" ] && break; sleep 0.05; done
	# a client writes "dmabuf-vended-ok" through its mapping of the vended
	# buffer (check-vm finds it in the host's file: ivshmem-expect)
	run --separate-stderr vfbuf poke --connect "$s" -w 8 0 0x762d667562616d64 0x6b6f2d6465646e65
	if ! series; then
		assert_failure 69
		assert_equal "$stderr" "vfbuf: poke: mmap of the dma-buf from $s: $absent_mmap
hint: use the classic path (-s BDF --bar N), or vfbuf_sim (kernel/vfbuf_sim)"
		run --separate-stderr vfbuf revoke --connect "$s"
		assert_failure 69
		kill "$P_PID"
		status P
		assert_equal "$rc" 0
		run cat "$BATS_TEST_TMPDIR/P.out"
		assert_line --regexp "^handout 2 pid=[0-9]+ uid=0 inode=[0-9]+\$"
		refute_line --partial "revoked"
		return 0
	fi
	assert_success
	# the subordinate: maps its slice and reads it until it is revoked
	bg B vfbuf peek --connect "$s" -w 8 -c 2 --watch 0.05 0
	wait_lines B 2
	assert_equal "$(head -2 "$BATS_TEST_TMPDIR/B.out")" $'0x762d667562616d64\n0x6b6f2d6465646e65'
	# its mapping, decoded from the vended buffer's name
	run vfbuf maps-decode "$B_PID" -r -n -o KIND,DEVICE,BAR,NAME
	assert_output "dmabuf $VFBUF_IVSHMEM 2 vfio:$VFBUF_IVSHMEM:bar2"
	# the primary's BAR through its device fd: the series names such a
	# mapping's buffer vfioN:BDF/BAR
	bg D vfbuf map --pid "$P_PID" --bar 2 --offset 0x10000 --length 4K --close-fd --hold -r -n -o KIND
	wait_lines D 1
	run vfbuf maps-decode "$D_PID" -r -n -o KIND,DEVICE,BAR,BAROFF,NAME
	assert_output --regexp "^dmabuf-bar $VFBUF_IVSHMEM 2 0x10000 vfio[0-9]+:$VFBUF_IVSHMEM/2\$"
	# revoke through the primary
	run --separate-stderr vfbuf revoke --connect "$s"
	assert_success
	assert_output --regexp "^revoked the dma-buf served at $s \\(size=4096 inode=([0-9]+) device=$VFBUF_IVSHMEM bar=2 ranges=0x10000\\+0x1000 name=vfio:$VFBUF_IVSHMEM:bar2 access=rw wc=0\\)\$"
	ino=$(sed -nE 's/.* inode=([0-9]+) .*/\1/p' <<< "$output")
	status B
	assert_equal "$rc" 3
	assert_equal "$(cat "$BATS_TEST_TMPDIR/B.err")" "vfbuf: peek: access revoked: peek 0x0 of the dma-buf from $s: $revoked_why"
	no_core
	# a later client gets a new export of the same range
	run vfbuf peek --connect "$s" -w 8 0
	assert_success
	assert_output "0x762d667562616d64"
	kill "$P_PID"
	status P
	assert_equal "$rc" 0
	run cat "$BATS_TEST_TMPDIR/P.out"
	assert_line "revoked inode=$ino by client"
	assert_line --regexp "^re-exported size=4096 inode=[0-9]+ device=$VFBUF_IVSHMEM bar=2 ranges=0x10000\\+0x1000 "
	refute_line --regexp "^re-exported size=4096 inode=$ino "
	assert_line --regexp "^handout 4 pid=[0-9]+ uid=0 inode=[0-9]+\$"
}
