#!/usr/bin/env bats
# Bad input that needs a device (guest only): the rows of the bad-input
# table in tests/README.md that the host suite cannot reach.  Each refused
# command is checked for its message and exit status, and for having
# written nothing: the pokes aim at a sentinel string in ivshmem's BAR2
# (plain RAM), written and read back with uapi-facts (pread/pwrite on the
# device fd, not vfbuf).  This file owns ivshmem BAR2 0xa0000-0xa0fff and
# 0xffff0-0xfffff.

load guest

setup_file() {
	guest_only || return 0
	# An I/O BAR: edu and ivshmem have none; q35's ICH9 SMBus controller
	# (00:1f.3, BAR4: 64 bytes of I/O ports) has one and no driver in the
	# guest.  Its IOMMU group (00:1f.0, 1f.2, 1f.3) has no driver at all,
	# so it is viable.
	local d=/sys/bus/pci/devices/0000:00:1f.3
	if [ -e "$d" ] && [ ! -e "$d/driver" ]; then
		echo "$VFBUF_VM_DRIVER" > "$d/driver_override"
		echo 0000:00:1f.3 > /sys/bus/pci/drivers_probe 2> /dev/null || true
	fi
}

teardown_file() {
	[ -n "${VFBUF_VM:-}" ] || return 0
	local d=/sys/bus/pci/devices/0000:00:1f.3
	# unbind it only from the driver setup_file bound it to
	[ "$(cat "$d/driver_override" 2> /dev/null)" = "$VFBUF_VM_DRIVER" ] || return 0
	[ ! -e "$d/driver" ] || echo 0000:00:1f.3 > "$d/driver/unbind"
	echo > "$d/driver_override"
}

setup() {
	guest_setup
}


SENTINEL=bad-input-sentinel-0123456789abcdef-ZYXWVUTSRQPONMLK # 52 bytes

# sentinel OFF: write it at OFF of ivshmem BAR2 (pwrite, not vfbuf)
sentinel() { uapi-facts write "$VFBUF_IVSHMEM" 2 "$1" "$SENTINEL"; }
# assert_sentinel OFF: it is still there, byte for byte
assert_sentinel() {
	run uapi-facts read "$VFBUF_IVSHMEM" 2 "$1" ${#SENTINEL}
	assert_output "$SENTINEL"
}

# refused CMD...: "rc=N FIRST-STDERR-LINE" (stdout dropped)
refused() {
	local err rc=0
	err=$("$@" 2>&1 > /dev/null) || rc=$?
	echo "rc=$rc ${err%%$'\n'*}"
}

@test "absent BAR: map, peek and poke --bar say so (exit 2, with list's hint); nothing written" {
	sentinel 0xa0000
	local c
	for c in "map" "peek 0xa0000" "poke 0xa0000 0x41414141"; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		run --separate-stderr vfbuf "$1" -s "$VFBUF_IVSHMEM" --bar 1 "${@:2}"
		assert_failure 2
		assert_equal "$stderr" "vfbuf: $1: $VFBUF_IVSHMEM BAR 1: the device has no such BAR
hint: 'vfbuf list --bars -s $VFBUF_IVSHMEM' shows its BARs"
	done
	assert_sentinel 0xa0000
}

@test "I/O BAR: export refuses it (2), map cannot mmap it (1), peek reads it by pread; refused pokes change nothing" {
	local io=0000:00:1f.3
	[ -e /sys/bus/pci/devices/$io/driver ] || skip "no I/O BAR here: 00:1f.3 is absent or was not bound (edu and ivshmem have none)"
	run vfbuf list -s $io --bars -r -n -o BAR,TYPE,SIZE -b
	assert_output "4 io 64"
	run --separate-stderr vfbuf export -s $io --bar 4
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: $io BAR 4: an I/O port BAR
hint: dma-bufs cover memory BARs only"
	# --wc maps a write-combining dma-buf of the window: the same refusal
	run --separate-stderr vfbuf --uapi auto map -s $io --bar 4 --wc
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: map: $io BAR 4: an I/O port BAR"
	run --separate-stderr vfbuf map -s $io --bar 4
	assert_failure 1
	assert_equal "$(head -2 <<< "$stderr")" "vfbuf: map: $io BAR 4: the region cannot be mmap()ed
hint: peek and poke reach it with pread/pwrite"
	run vfbuf peek -s $io --bar 4 --dump -w 1 -c 64 0
	assert_success
	assert_equal "${#lines[@]}" 4
	local before=$output
	run refused vfbuf poke -s $io --bar 4 -w 2 1 0
	assert_output "rc=2 vfbuf: poke: poke 0x1 width 2: misaligned"
	run refused vfbuf poke -s $io --bar 4 -w 1 0 0x100
	assert_output "rc=2 vfbuf: poke: VALUE '0x100' (width 1): too wide for the access"
	run refused vfbuf poke -s $io --bar 4 -w 8 0x38 0 0
	assert_output "rc=2 vfbuf: poke: poke 0x38 + 2 x 8 bytes of $io BAR 4 (length 0x40): past the end"
	run vfbuf peek -s $io --bar 4 --dump -w 1 -c 64 0
	assert_output "$before"
}

@test "overlapping ranges: the kernel accepts them; vfbuf warns and exports both (size is their sum)" {
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:8K --range 4K:8K -b -r -n -o RANGES,SIZE
	assert_success
	assert_output "0x0+0x2000,0x1000+0x2000 16384"
	assert_equal "$stderr" "vfbuf: export: warning: --range 0x0:0x2000 overlaps --range 0x1000:0x2000: the dma-buf shows those BAR pages twice"
	# -q silences the warning, --no-check skips the check: the same export
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --range 0:4K --no-check -b -r -n -o SIZE
	assert_success
	assert_output "8192"
	assert_equal "$stderr" ""
}

@test "overlapping ranges on the series: the one BAR page shows at both offsets of the buffer" {
	series || skip "mainline cannot mmap VFIO dma-bufs ($VFBUF_VM_DRIVER): the overlap is only visible through a mapping"
	sentinel 0xa0000
	run vfbuf -q export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xa0000:4K --range 0xa0000:4K -b -r -n -o SIZE --exec -- \
		bash -c 'vfbuf peek --fd $VFBUF_FD -w 8 0; vfbuf peek --fd $VFBUF_FD -w 8 0x1000'
	assert_success
	assert_line --index 0 "8192"
	assert_line --index 1 "0x75706e692d646162" # "bad-inpu", little-endian
	assert_line --index 2 "0x75706e692d646162"
}

@test "--no-check: the kernel's own EINVAL for zero-length and past-the-end ranges" {
	for r in 0:0 1M:4K 0xff000:8K; do
		run refused vfbuf export -s "$VFBUF_EDU" --bar 0 --range $r --no-check
		assert_output "rc=1 vfbuf: export: VFIO_DEVICE_FEATURE_DMA_BUF on $VFBUF_EDU BAR 0 (1 range): Invalid argument (EINVAL)"
	done
}

@test "offsets misaligned for the width, values too wide: exit 2 before any access; nothing written" {
	sentinel 0xa0000
	for w in 2 4 8; do
		run refused vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w $w 0xa0001 0
		assert_output "rc=2 vfbuf: poke: poke 0xa0001 width $w: misaligned"
		run refused vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -w $w 0xa0003
		assert_output "rc=2 vfbuf: peek: peek 0xa0003 width $w: misaligned"
	done
	run refused vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 1 0xa0000 0x41 0x100
	assert_output "rc=2 vfbuf: poke: VALUE '0x100' (width 1): too wide for the access"
	run refused vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 2 0xa0000 0x10000
	assert_output "rc=2 vfbuf: poke: VALUE '0x10000' (width 2): too wide for the access"
	run refused vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 4 0xa0000 0x100000000
	assert_output "rc=2 vfbuf: poke: VALUE '0x100000000' (width 4): too wide for the access"
	# with --offset, what the device sees (--offset + OFFSET) must be aligned
	run --separate-stderr vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 --offset 0xa0001 -w 4 0 0
	assert_failure 2
	assert_equal "$stderr" "vfbuf: poke: poke 0x0 width 4: misaligned
hint: the access is at --offset + OFFSET, a multiple of --width"
	run refused vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 --offset 0xa0002 -w 8 8
	assert_output "rc=2 vfbuf: peek: peek 0x8 width 8: misaligned"
	assert_sentinel 0xa0000
}

@test "counts past the mapping: the whole write is refused, not its first part; nothing written" {
	sentinel 0xa0000
	sentinel 0xfffc0
	local w="$VFBUF_IVSHMEM BAR 2"
	# the first value would fit: refused all the same
	run refused vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 8 0xffff8 0x4141414141414141 0x42
	assert_output "rc=2 vfbuf: poke: poke 0xffff8 + 2 x 8 bytes of $w (length 0x100000): past the end"
	run refused vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 4 0x100000 1
	assert_output "rc=2 vfbuf: poke: poke 0x100000 + 1 x 4 bytes of $w (length 0x100000): past the end"
	run refused vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -w 8 -c 3 0xffff0
	assert_output "rc=2 vfbuf: peek: peek 0xffff0 + 3 x 8 bytes of $w (length 0x100000): past the end"
	run refused vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -c 18446744073709551615 0
	assert_output "rc=2 vfbuf: peek: peek 0x0 + 18446744073709551615 x 4 bytes of $w (length 0x100000): past the end"
	# a window: the count is checked against it, not against the BAR
	run refused vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 --offset 0xa0000 --length 16 -w 8 8 0x4141414141414141 0x42
	assert_output "rc=2 vfbuf: poke: poke 0x8 + 2 x 8 bytes of $w (length 0x10): past the end"
	# windows outside the BAR
	for win in "--offset 1M" "--offset 0xff000 --length 8K" "--offset 0xffffffffffffffff --length 2"; do
		# shellcheck disable=SC2086 # the words of win
		run refused vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 $win 0 1
		assert_output --regexp "^rc=2 vfbuf: poke: --offset 0x[0-9a-f]+ --length 0x[0-9a-f]+ of $w \\(size 0x100000\\): outside the BAR\$"
	done
	assert_sentinel 0xa0000
	assert_sentinel 0xfffc0
}

@test "dma-buf windows: --offset not page-aligned or outside the buffer, a read-only buffer poked: refused" {
	run vfbuf -q export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xa0000:8K --rdonly -n -o SIZE --exec -- bash -c '
		for a in "peek --offset 100 0" "peek --offset 8K 0" "poke 0 1"; do
			# all of stderr, then its first line: a "| head -1" could leave
			# before the hint and kill vfbuf with SIGPIPE (rc=141, seen once)
			err=$(vfbuf $a --fd $VFBUF_FD 2>&1 >/dev/null); rc=$?
			printf "%s\n" "${err%%$'"'"'\n'"'"'*}"; echo "rc=$rc"
		done'
	assert_success
	assert_line --index 1 "vfbuf: peek: --offset 0x64: not page-aligned"
	assert_line --index 2 "rc=2"
	assert_line --index 3 --regexp "^vfbuf: peek: --offset 0x2000 --length 0x0 of dma-buf fd [0-9]+ \\(size 0x2000\\): outside the dma-buf\$"
	assert_line --index 4 "rc=2"
	assert_line --index 5 --regexp "^vfbuf: poke: dma-buf fd [0-9]+: read-only dma-buf\$"
	assert_line --index 6 "rc=1"
}

@test "a program file named like a VFIO cdev is not decoded as one on the real kernel (map_files: not a character device)" {
	command -v unshare > /dev/null || skip "no unshare in this guest"
	# in a mount namespace of its own, a tmpfs over /dev/vfio holds a copy of
	# bash as devices/vfio7; bash maps its own file: the maps lines read
	# /dev/vfio/devices/vfio7 at offset 0 (BAR 0, by the name alone)
	run unshare -m bash -c '
		mount -t tmpfs t /dev/vfio; mkdir /dev/vfio/devices
		cp "$(readlink -f "$BASH")" /dev/vfio/devices/vfio7
		# it blocks in bash itself (opening a FIFO): no child holds the output
		mkfifo /dev/vfio/wait
		/dev/vfio/devices/vfio7 -c "read -r _ < /dev/vfio/wait" > /dev/null 2>&1 & p=$!
		for _ in $(seq 50); do grep -q /dev/vfio/devices/vfio7 /proc/$p/maps && break; sleep 0.1; done
		echo "lines: $(grep -c /dev/vfio/devices/vfio7 /proc/$p/maps)"
		vfbuf -q maps-decode -r -n -o KIND,NAME $p; echo "rc=$?"
		kill $p; wait $p || :'
	assert_success
	assert_line --index 0 --regexp '^lines: [1-9][0-9]*$'
	# nothing decoded (by the name alone each line would be vfio-bar BAR 0)
	assert_line --index 1 "rc=0"
	assert_equal "${#lines[@]}" 2
}

# A fake primary (vfbuf-fault serve) on $BATS_TEST_TMPDIR/fake, one client.
fake_primary() {
	vfbuf-fault serve "$BATS_TEST_TMPDIR/fake" "$1" > /dev/null &
	FAKE=$!
	for _ in $(seq 50); do [ -S "$BATS_TEST_TMPDIR/fake" ] && return; sleep 0.05; done
	false
}

@test "a primary that sends garbage, no fd or not a dma-buf, or hangs up mid-handout: refused (exit 1); nothing written" {
	sentinel 0xa0000
	local s=$BATS_TEST_TMPDIR/fake
	fake_primary garbage
	run refused vfbuf poke --connect "$s" 0 0x41414141
	wait $FAKE
	assert_output "rc=1 vfbuf: poke: $s: the peer does not speak vfbuf's vending protocol"
	fake_primary nofd
	run refused vfbuf peek --connect "$s" 0
	wait $FAKE
	assert_output "rc=1 vfbuf: peek: $s: the peer does not speak vfbuf's vending protocol"
	fake_primary notdmabuf
	run refused vfbuf map --connect "$s"
	wait $FAKE
	assert_output "rc=1 vfbuf: map: the dma-buf from $s (/dev/null): not a dma-buf"
	fake_primary hangup
	run refused vfbuf revoke --connect "$s"
	wait $FAKE
	assert_output "rc=1 vfbuf: revoke: receiving from $s: Connection reset by peer (ECONNRESET)"
	assert_sentinel 0xa0000
}

@test "a primary that accepts and never answers: the client gives up after VFBUF_CONNECT_TIMEOUT (exit 1)" {
	local s=$BATS_TEST_TMPDIR/fake
	fake_primary silent
	SECONDS=0
	VFBUF_CONNECT_TIMEOUT=1 run --separate-stderr vfbuf peek --connect "$s" 0
	local took=$SECONDS
	wait $FAKE
	assert_failure 1
	assert_equal "$stderr" "vfbuf: peek: receiving from $s: no answer within 1 s (VFBUF_CONNECT_TIMEOUT)
hint: is the primary stuck, or not a 'vfbuf export --serve'?"
	[ "$took" -le 5 ]
}

@test "a client that sends garbage to a real primary is answered 'error 1 unknown request'; the primary serves on" {
	local s=$BATS_TEST_TMPDIR/s
	vfbuf export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xa0000:4K --serve "$s" > "$BATS_TEST_TMPDIR/log" 2>&1 &
	local p=$!
	for _ in $(seq 50); do [ -S "$s" ] && break; sleep 0.05; done
	run vfbuf-fault client "$s" garbage
	assert_success
	assert_output "reply: error 1 unknown request"
	# a second primary on the same socket is refused: the first one serves it
	run refused vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --serve "$s"
	assert_output "rc=1 vfbuf: export: --serve $s: in use"
	run vfbuf-fault recv "$s" true
	assert_success
	assert_output --regexp '^fd=[0-9]+ desc=size=4096 '
	kill -0 $p
	kill $p
	wait $p
	# the second primary's probe of the socket is a client too: it may be
	# served (handout 2) or leave first (a warning)
	run cat "$BATS_TEST_TMPDIR/log"
	assert_line --regexp "^handout 1 pid=[0-9]+ uid=0 inode=[0-9]+\$"
}

@test "the real kernel has vfio-pci and an IOMMU: a device without a driver gets the bind advice (exit 1, not 69), with nothing said in use" {
	local d=""
	for d in 0000:00:1f.0 0000:00:1f.2 ""; do
		[ -n "$d" ] && [ -e "/sys/bus/pci/devices/$d" ] && [ ! -e "/sys/bus/pci/devices/$d/driver" ] && break
	done
	[ -n "$d" ] || skip "no PCI device without a driver in this guest (q35's 00:1f.0 and 00:1f.2 are bound)"
	run --separate-stderr vfbuf peek -s "$d" --bar 0 0
	assert_failure 1
	assert_equal "$(head -2 <<< "$stderr")" "vfbuf: peek: $d: not bound to a VFIO driver: not bound to any driver
hint: bind it to vfio-pci (as root):"
	refute_output --partial "IS IN USE"
	refute_output --partial "no IOMMU"
}

@test "a tmpfs file named like a dma-buf is refused on the real kernel; a real dma-buf passes the same check" {
	command -v unshare > /dev/null || skip "no unshare in this guest"
	run unshare -m bash -c '
		D=$(mktemp -d); mount -t tmpfs t "$D"; mkdir "$D/dmabuf:vfio0:0000:00:04.0"
		head -c 8192 /dev/zero > "$D/dmabuf:vfio0:0000:00:04.0/2"
		exec 3<> "$D/dmabuf:vfio0:0000:00:04.0/2"; umount -l "$D"
		vfbuf poke --fd 3 0 0x41 2>&1; echo "rc=$?"'
	assert_success
	assert_output "vfbuf: poke: dma-buf fd 3 (/dmabuf:vfio0:0000:00:04.0/2): not a dma-buf
rc=1"
	# a real one: mapped on the series, refused by mainline's mmap (69), never "not a dma-buf"
	run --separate-stderr vfbuf -q export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xa0000:4K --exec -- \
		bash -c 'vfbuf peek --fd $VFBUF_FD -w 8 0'
	refute_output --partial "not a dma-buf"
	[[ "$stderr" != *"not a dma-buf"* ]]
	if series; then
		assert_success
	else
		assert_failure 69
	fi
}
