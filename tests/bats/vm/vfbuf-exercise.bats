#!/usr/bin/env bats
# The exerciser on the real kernel (guest only): export, vending, map,
# peek/poke through the device fd, and the series' paths, which a stock
# kernel lacks (exit 69) and vfbuf_sim provides. Every test runs on every
# driver of the rig (vfio-pci, vfbuf_sim v1 and v4) and asserts what that
# driver must do; series.bats has the series' own test cases.

load guest

setup_file() {
	guest_only || return 0
}

setup() {
	guest_setup
}

# ---- export ----

@test "export: one range; size and inode from fdinfo, default name" {
	run vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K -b -r -n -o DEVICE,BAR,RANGES,SIZE,EXPORTER,NAME,ACCESS
	assert_success
	assert_output "$VFBUF_EDU 0 0x0+0x1000 4096 $(exporter) vfio:$VFBUF_EDU:bar0 rw"
}

@test "export: two ranges, read-only, named" {
	run vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --range 0x2000:8K --rdonly --name two \
		-b -r -n -o RANGES,SIZE,NAME,ACCESS
	assert_success
	assert_output "0x0+0x1000,0x2000+0x2000 12288 two ro"
}

@test "export: the whole BAR by default; ivshmem BAR2 is 1M" {
	run vfbuf export -s "$VFBUF_IVSHMEM" --bar 2 -b -r -n -o RANGES,SIZE
	assert_success
	assert_output "0x0+0x100000 1048576"
}

@test "export: --name '' leaves it unnamed" {
	run vfbuf -J export -s "$VFBUF_EDU" --bar 0 --range 0:4K --name ''
	assert_success
	assert_output --partial '"name": null'
}

@test "export: ranges are checked before the ioctl (exit 2)" {
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:100
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: export: --range 0x0:0x64: not page-aligned"
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 1M:4K
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: --range 0x100000:0x1000: past the end of BAR 0 (size 0x100000)"
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:0
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: --range 0x0:0x0: zero length"
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0xfffffffffffff000:8K
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: --range 0xfffffffffffff000:0x2000: offset + length overflows 64 bits"
}

@test "export: no such BAR, and a BAR smaller than a page" {
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 3
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: export: $VFBUF_EDU BAR 3: the device has no such BAR"
	run --separate-stderr vfbuf export -s "$VFBUF_IVSHMEM" --bar 0
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: export: $VFBUF_IVSHMEM BAR 0 (256 bytes): smaller than a page"
}

@test "export --no-check: the kernel's EINVAL for an unaligned range is explained" {
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:100 --no-check
	assert_failure 1
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: export: VFIO_DEVICE_FEATURE_DMA_BUF on $VFBUF_EDU BAR 0 (1 range): Invalid argument (EINVAL)"
	assert_equal "$(tail -1 <<< "$stderr")" "hint: ranges must be non-empty, page-aligned and inside the BAR, and flags 0 unless the series' attribute bits are in use"
}

@test "export --no-check: the kernel's EOVERFLOW is explained" {
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0xfffffffffffff000:8K --no-check
	assert_failure 1
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: export: VFIO_DEVICE_FEATURE_DMA_BUF on $VFBUF_EDU BAR 0 (1 range): Value too large for defined data type (EOVERFLOW)"
	assert_equal "$(tail -1 <<< "$stderr")" "hint: a range's offset + length overflows 64 bits"
}

absent_wc="vfbuf: export: --wc (write-combining dma-buf mappings): the running kernel ($(uname -r)) lacks it: it comes with the posted 'vfio/pci: mmap and revoke VFIO dma-bufs' series, which no released kernel has"

@test "export --wc: needs the series (auto: declared or probed; VFBUF_UAPI); 69 without, or on v5" {
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --wc -r -n -o SIZE,WC
	if series && [ "$(sim_rev)" != v5 ]; then
		assert_success
		assert_output "4K yes"
		VFBUF_UAPI=auto run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --wc -r -n -o WC
		assert_success
		assert_output "yes"
		# --uapi none: never a series number, and the hint says how to get one
		run --separate-stderr vfbuf --uapi none export -s "$VFBUF_EDU" --bar 0 --range 0:4K --wc
		assert_failure 69
		assert_equal "$(head -1 <<< "$stderr")" "$absent_wc"
		assert_equal "$(tail -1 <<< "$stderr")" "hint: --uapi none; --uapi auto (the default) asks the driver"
		# --uapi on the command line wins over VFBUF_UAPI
		VFBUF_UAPI=none run --separate-stderr vfbuf --uapi auto export -s "$VFBUF_EDU" --bar 0 --range 0:4K --wc -r -n -o WC
		assert_success
		VFBUF_UAPI=auto run --separate-stderr vfbuf --uapi none export -s "$VFBUF_EDU" --bar 0 --range 0:4K --wc
		assert_failure 69
	elif series; then
		# v5 has no attribute at all
		assert_failure 69
		[[ "$(head -1 <<< "$stderr")" == "vfbuf: export: --wc (write-combining dma-buf mappings): series v5 has no write-combining attribute ($(sim_how)"* ]]
		assert_equal "$(tail -1 <<< "$stderr")" "hint: map it uncached (without --wc)"
	else
		assert_failure 69
		assert_equal "$(head -1 <<< "$stderr")" "$absent_wc"
		[[ "$(tail -1 <<< "$stderr")" == "hint: $VFBUF_EDU's driver vfio-pci: not declared; the probes match no revision (feature 13 PROBE|SET refused, PROBE|GET refused; feature 14 PROBE|SET refused; revoke ioctl VFIO_BASE+22 with fd -1: ENOTTY); vfbuf_sim (kernel/vfbuf_sim) emulates the series on stock kernels" ]]
	fi
}

@test "export of a device another process holds: EBUSY names the holder" {
	vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --hold > /dev/null 2>&1 &
	local p=$!
	sleep 0.5
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K
	kill $p; wait $p || true
	assert_failure 1
	if cdev_door; then
		# the holder opened it through its cdev too: the kernel opens a
		# device once that way, and refuses the second bind EINVAL
		assert_equal "$(head -1 <<< "$stderr")" "vfbuf: export: $(busy_open "$VFBUF_EDU"): Invalid argument (EINVAL)"
		assert_equal "$(tail -1 <<< "$stderr")" "hint: pid $p (vfbuf) holds it (a VFIO device fd)"
	else
		assert_equal "$(tail -1 <<< "$stderr")" "hint: pid $p (vfbuf) holds it"
	fi
}

# ---- vending ----

@test "export --exec: the command inherits the fd; stat in it sees size, exporter, name" {
	run vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:8K -n -o SIZE --exec -- \
		bash -c 'vfbuf stat --pid $$ --fd $VFBUF_FD -b -r -n -o SIZE,EXPORTER,NAME; echo "env $VFBUF_SIZE $VFBUF_DEVICE $VFBUF_BAR"'
	assert_success
	assert_line --index 1 "8192 $(exporter) vfio:$VFBUF_EDU:bar0"
	assert_line --index 2 "env 8192 $VFBUF_EDU 0"
}

@test "export --exec: the command's exit status is vfbuf's" {
	run vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:4K -n -o SIZE --exec -- sh -c 'exit 7'
	assert_failure 7
}

@test "export --exec: the command gets stdin, stdout, stderr and the dma-buf, no more" {
	# vfbuf starts with only 0, 1 and 2 open (bats keeps others open); the
	# command's fd table is read from outside, so no pipe of ours shows in it
	cat > "$BATS_TEST_TMPDIR/fds.sh" <<'SH'
for f in /proc/$$/fd/*; do
	f=${f##*/}
	[ "$f" -gt 2 ] && eval "exec $f>&-"
done
vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:4K -n -o SIZE --exec -- sleep 3 > /dev/null &
v=$!
for _ in $(seq 100); do
	c=$(cat /proc/$v/task/$v/children 2>/dev/null)
	c=${c%% *}
	[ -n "$c" ] && [ "$(cat /proc/$c/comm 2>/dev/null)" = sleep ] && break
	sleep 0.05
done
echo "$(ls /proc/$c/fd | sort -n | tr '\n' ' ')"
for f in /proc/$c/fd/*; do readlink "$f"; done | grep -c '^/dmabuf:'
wait $v
SH
	run bash "$BATS_TEST_TMPDIR/fds.sh"
	assert_success
	assert_line --index 0 --regexp '^0 1 2 [0-9]+ $'
	assert_line --index 1 "1"
}

@test "export --serve: a client receives the fd; the primary logs the handout" {
	vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:8K --serve "$BATS_TEST_TMPDIR/s" --count 1 \
		> "$BATS_TEST_TMPDIR/log" 2>&1 &
	local p=$!
	for _ in $(seq 50); do [ -S "$BATS_TEST_TMPDIR/s" ] && break; sleep 0.1; done
	run --separate-stderr vfbuf map --connect "$BATS_TEST_TMPDIR/s"
	wait $p
	if series; then
		assert_success
	else
		assert_failure 69
	fi
	run cat "$BATS_TEST_TMPDIR/log"
	assert_line --regexp "^serving pid=$p socket=.* size=8192 inode=[0-9]+ device=$VFBUF_EDU bar=0 ranges=0x0\\+0x2000 name=vfio:$VFBUF_EDU:bar0 access=rw wc=0\$"
	assert_line --regexp "^handout 1 pid=[0-9]+ uid=0 inode=[0-9]+\$"
}

@test "export --serve: a socket path that is a file is refused" {
	: > "$BATS_TEST_TMPDIR/file"
	run --separate-stderr vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --serve "$BATS_TEST_TMPDIR/file"
	assert_failure 1
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: export: --serve $BATS_TEST_TMPDIR/file: exists and is not a socket"
}

@test "revoke --connect: the primary revokes and re-exports; without the series it says so (69)" {
	# the primary speaks the series (--uapi auto): it does the revoking
	vfbuf --uapi auto export -s "$VFBUF_EDU" --bar 0 --range 0:4K --serve "$BATS_TEST_TMPDIR/s" --count 1 \
		> "$BATS_TEST_TMPDIR/log" 2>&1 &
	local p=$!
	for _ in $(seq 50); do [ -S "$BATS_TEST_TMPDIR/s" ] && break; sleep 0.1; done
	run --separate-stderr vfbuf revoke --connect "$BATS_TEST_TMPDIR/s"
	wait $p
	if series; then
		assert_success
		assert_output --regexp "^revoked the dma-buf served at $BATS_TEST_TMPDIR/s \(size=4096 inode=[0-9]+ device=$VFBUF_EDU bar=0 ranges=0x0\+0x1000 name=vfio:$VFBUF_EDU:bar0 access=rw wc=0\)\$"
		run cat "$BATS_TEST_TMPDIR/log"
		assert_line --regexp "^revoked inode=[0-9]+ by client\$"
		assert_line --regexp "^re-exported size=4096 inode=[0-9]+ device=$VFBUF_EDU "
	else
		assert_failure 69
		assert_output ""
		[[ "$stderr" == "vfbuf: revoke: the primary at $BATS_TEST_TMPDIR/s refused to revoke: revoking a dma-buf: the running kernel"*"lacks it"* ]]
	fi
}

@test "export --serve -J: each event is a JSON object on a line of its own" {
	vfbuf -J export -s "$VFBUF_EDU" --bar 0 --range 0:4K --serve "$BATS_TEST_TMPDIR/s" --count 1 \
		> "$BATS_TEST_TMPDIR/log" 2> "$BATS_TEST_TMPDIR/err" &
	local p=$!
	for _ in $(seq 50); do [ -S "$BATS_TEST_TMPDIR/s" ] && break; sleep 0.1; done
	vfbuf map --connect "$BATS_TEST_TMPDIR/s" > /dev/null 2>&1 || true
	wait $p
	run cat "$BATS_TEST_TMPDIR/log"
	assert_line --index 0 --regexp "^\{\"event\": \"serving\", \"pid\": $p, \"socket\": \"$BATS_TEST_TMPDIR/s\", \"size\": 4096, \"inode\": [0-9]+, .*\"ranges\": \[\{\"offset\": 0, \"length\": 4096\}\], .*\"wc\": false\}\$"
	assert_line --index 1 --regexp '^\{"event": "handout", "n": 1, "pid": [0-9]+, "uid": 0, "inode": [0-9]+\}$'
	refute_line --partial "handout 1"
}

# ---- the classic path: peek and poke through the device fd ----

@test "peek: edu's ID register" {
	run vfbuf peek -s "$VFBUF_EDU" --bar 0 0
	assert_success
	assert_output "0x010000ed"
}

@test "poke then peek: edu's liveness register reads back the inverse" {
	run vfbuf poke -s "$VFBUF_EDU" --bar 0 4 0x12345678
	assert_success
	assert_output ""
	run vfbuf peek -s "$VFBUF_EDU" --bar 0 4
	assert_success
	assert_output "0xedcba987"
}

@test "poke --verify reports a value that reads back different" {
	run --separate-stderr vfbuf poke --verify -s "$VFBUF_EDU" --bar 0 4 0x1
	assert_failure 1
	assert_equal "$stderr" "vfbuf: poke: poke 0x4: wrote 0x00000001, read 0xfffffffe: the value read back differs"
}

@test "poke into ivshmem BAR2 and a hexdump of the pattern" {
	run vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 8 0x2000 0x6867666564636261 0x706f6e6d6c6b6a69
	assert_success
	run vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 --dump -w 8 -c 2 0x2000
	assert_success
	assert_output "00002000  61 62 63 64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|"
}

@test "peek widths: 1, 2, 8 read the same bytes" {
	vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 4 0x3000 0x44332211 0x88776655
	run vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -w 1 -c 2 0x3000
	assert_output $'0x11\n0x22'
	run vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -w 2 0x3002
	assert_output "0x4433"
	run vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -w 8 0x3000
	assert_output "0x8877665544332211"
}

@test "peek --binary writes the raw bytes" {
	vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 4 0x4000 0x64636261
	run vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -c 1 --binary "$BATS_TEST_TMPDIR/raw" 0x4000
	assert_success
	run cat "$BATS_TEST_TMPDIR/raw"
	assert_output "abcd"
}

@test "peek and poke check bounds and alignment before touching the device" {
	run --separate-stderr vfbuf peek -s "$VFBUF_EDU" --bar 0 -w 4 2
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: peek: peek 0x2 width 4: misaligned"
	run --separate-stderr vfbuf peek -s "$VFBUF_EDU" --bar 0 -w 8 -c 2 0xffff8
	assert_failure 2
	assert_equal "$stderr" "vfbuf: peek: peek 0xffff8 + 2 x 8 bytes of $VFBUF_EDU BAR 0 (length 0x100000): past the end"
	run --separate-stderr vfbuf poke -s "$VFBUF_EDU" --bar 0 -w 1 4 0x100
	assert_failure 2
	assert_equal "$stderr" "vfbuf: poke: VALUE '0x100' (width 1): too wide for the access"
	run --separate-stderr vfbuf peek -s "$VFBUF_EDU" --bar 0 -w 3 0
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: peek: --width '3': accesses are 1, 2, 4 or 8 bytes wide"
}

@test "peek of ivshmem BAR0 (256 bytes) works" {
	run vfbuf peek -s "$VFBUF_IVSHMEM" --bar 0 -c 2 0
	assert_success
	assert_equal "${#lines[@]}" 2
}

@test "map: the classic BAR mapping, decoded from the kernel's maps line" {
	run vfbuf map -s "$VFBUF_EDU" --bar 0 -r -n -o LENGTH,KIND,DEVICE,BAR,BAROFF,NAME -b
	assert_success
	if series; then
		# the series backs it with a dma-buf named vfioN:BDF/BAR
		assert_output --regexp "^1048576 dmabuf-bar $VFBUF_EDU 0 0x0 vfio[0-9]+:$VFBUF_EDU/0\$"
	else
		assert_output "1048576 vfio-bar $VFBUF_EDU 0 0x0 $(vfio_map_name "$VFBUF_EDU")"
	fi
}

@test "map --offset: the BAR offset comes from the maps offset column" {
	run vfbuf map -s "$VFBUF_IVSHMEM" --bar 2 --offset 0x3000 --length 4K -r -n -o LENGTH,KIND,BAR,BAROFF -b
	assert_success
	if series; then
		assert_output "4096 dmabuf-bar 2 0x3000"
	else
		assert_output "4096 vfio-bar 2 0x3000"
	fi
}

@test "peek -J: values as numbers; with --binary, what was written; with --dump, the rows" {
	vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 4 0x5000 0x64636261
	run vfbuf -J peek -s "$VFBUF_IVSHMEM" --bar 2 0x5000
	assert_success
	assert_line '   "values": ['
	assert_line "      {\"offset\": $((0x5000)), \"value\": $((0x64636261))}"
	run vfbuf -J peek -s "$VFBUF_IVSHMEM" --bar 2 -c 2 --binary "$BATS_TEST_TMPDIR/raw" 0x5000
	assert_success
	assert_line '   "binary": ['
	assert_line "      {\"file\": \"$BATS_TEST_TMPDIR/raw\", \"offset\": $((0x5000)), \"width\": 4, \"bytes\": 8}"
	assert_equal "$(head -c 4 "$BATS_TEST_TMPDIR/raw")" "abcd"
	run --separate-stderr vfbuf peek -J -s "$VFBUF_IVSHMEM" --bar 2 --dump 0x5000
	assert_success
	assert_line "      {\"offset\": $((0x5000)), \"bytes\": [97, 98, 99, 100], \"ascii\": \"abcd\"}"
	run vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 --dump 0x5000
	assert_success
	assert_output "00005000  61 62 63 64                                       |abcd|"
}

@test "peek --watch: reads each round until a signal (exit 0)" {
	vfbuf peek -s "$VFBUF_EDU" --bar 0 --watch 0.05 0 > "$BATS_TEST_TMPDIR/w" 2>&1 &
	local p=$!
	for _ in $(seq 100); do [ "$(wc -l < "$BATS_TEST_TMPDIR/w")" -ge 2 ] && break; sleep 0.1; done
	# the log is live: each round's value is in the file while it runs
	live=$(wc -l < "$BATS_TEST_TMPDIR/w")
	kill -TERM $p
	rc=0
	wait $p || rc=$? # not in run: a subshell cannot wait for our child
	assert_equal "$rc" 0
	[ "$live" -ge 2 ] || fail "only $live lines in the log while it ran (a file is written as the rounds go)"
	run sort -u "$BATS_TEST_TMPDIR/w"
	assert_output "0x010000ed"
	# with -J, each value a JSON object on a line of its own
	vfbuf -J peek -s "$VFBUF_EDU" --bar 0 --watch 0.05 0 > "$BATS_TEST_TMPDIR/j" 2>&1 &
	p=$!
	for _ in $(seq 100); do [ "$(grep -c '"event": "values"' "$BATS_TEST_TMPDIR/j")" -ge 2 ] && break; sleep 0.1; done
	kill -TERM $p
	rc=0
	wait $p || rc=$?
	assert_equal "$rc" 0
	run grep -c "^{\"event\": \"values\", \"offset\": 0, \"value\": $((0x010000ed))}\$" "$BATS_TEST_TMPDIR/j"
	[ "$output" -ge 2 ]
}

@test "peek --watch to a stdout that fails: the first round's write error ends it (exit 1), said once" {
	run --separate-stderr timeout 10 bash -c 'exec vfbuf peek -s "$1" --bar 0 --watch 0.05 0 > /dev/full' _ "$VFBUF_EDU"
	assert_failure 1
	assert_equal "$stderr" "vfbuf: peek: writing standard output: No space left on device (ENOSPC)"
}

@test "peek --pid --bar: a BAR through the device fd another process holds" {
	vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --hold -r -n -o FD > "$BATS_TEST_TMPDIR/hold" 2>/dev/null &
	local p=$!
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/hold" ] && break; sleep 0.1; done
	run vfbuf peek --pid $p --bar 0 0
	assert_success
	assert_output "0x010000ed"
	# a process without a VFIO device
	run --separate-stderr vfbuf peek --pid $$ --bar 0 0
	kill $p; wait $p || true
	assert_failure 1
	assert_equal "$stderr" "vfbuf: peek: process $$: holds no VFIO device fd
hint: --pid names the process that holds the device open"
}

# ---- the series' paths: absent on vfio-pci (69), working on vfbuf_sim ----

@test "map of an exported dma-buf: decoded from its name on the series; 69 without it" {
	run vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:4K -n -o SIZE --exec -- \
		bash -c 'vfbuf map --fd $VFBUF_FD -r -n -b -o LENGTH,KIND,DEVICE,BAR,NAME 2>&1; echo "rc=$?"'
	assert_success
	if series; then
		assert_line "4096 dmabuf $VFBUF_EDU 0 vfio:$VFBUF_EDU:bar0"
		assert_line "rc=0"
	else
		assert_line --partial ": the running kernel ($(uname -r)) cannot mmap VFIO dma-bufs (EINVAL): that comes with the posted 'vfio/pci: mmap and revoke VFIO dma-bufs' series"
		assert_line --regexp "^vfbuf: map: mmap of dma-buf fd [0-9]+: "
		assert_line "hint: use the classic path (-s BDF --bar N), or vfbuf_sim (kernel/vfbuf_sim)"
		assert_line "rc=69"
	fi
}

@test "peek of an exported dma-buf: edu's ID register on the series; 69 without it" {
	run vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:4K -n -o SIZE --exec -- \
		bash -c 'vfbuf peek --fd $VFBUF_FD 0 2>/dev/null; echo "rc=$?"'
	if series; then
		assert_line "0x010000ed"
		assert_line "rc=0"
	else
		assert_line "rc=69"
	fi
}

@test "revoke --pid --fd: the owner's buffer, with the revision the driver speaks; 69 without" {
	vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --hold -r -n -o FD > "$BATS_TEST_TMPDIR/hold" 2>/dev/null &
	local p=$!
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/hold" ] && break; sleep 0.1; done
	fd=$(cat "$BATS_TEST_TMPDIR/hold")
	run vfbuf stat --pid $p --fd "$fd" -r -n -o KIND,DEVICE,BAR
	assert_output "dmabuf $VFBUF_EDU 0"
	# --uapi none: 69, and the buffer is not taken
	run --separate-stderr vfbuf --uapi none revoke --pid $p --fd "$fd"
	assert_failure 69
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: revoke: revoking a dma-buf: the running kernel ($(uname -r)) lacks it: it comes with the posted 'vfio/pci: mmap and revoke VFIO dma-bufs' series, which no released kernel has"
	if series; then
		run --separate-stderr vfbuf revoke --pid $p --fd "$fd"
		assert_success
		assert_output "revoked fd $fd of process $p (device $VFBUF_EDU, series $(sim_rev))"
	else
		run --separate-stderr vfbuf revoke --pid $p --fd "$fd"
		assert_failure 69
		[[ "$(tail -1 <<< "$stderr")" == "hint: $VFBUF_EDU's driver vfio-pci: not declared; the probes match no revision ("* ]]
	fi
	kill $p; wait $p || true
}

@test "--uapi vN: the user's word on any driver, verified first: 69 naming what the probes answered, nothing sent" {
	local me
	me=$(sim_rev || true)
	for rev in v1 v2 v3 v4 v5; do
		run --separate-stderr vfbuf --uapi $rev export -s "$VFBUF_EDU" --bar 0 --range 0:4K --wc -r -n -o WC
		want=$rev
		[ "$rev" = v3 ] && want=v4
		if [ "$want" = "$me" ] && [ "$me" != v5 ]; then
			assert_success
			assert_output "yes"
		elif [ "$want" = v5 ]; then
			assert_failure 69
			[[ "$(head -1 <<< "$stderr")" == *"series v5 has no write-combining attribute (given by --uapi)" ]]
		else
			assert_failure 69
			[[ "$(head -1 <<< "$stderr")" == "vfbuf: export: --wc (write-combining dma-buf mappings): the driver does not answer as series $want would: feature 13 PROBE|SET "* ]]
			assert_equal "$(tail -1 <<< "$stderr")" "hint: $want (given by --uapi): nothing was sent; --uapi names another revision"
		fi
	done
	# revoke: on a driver without that revision, nothing but the probes is sent
	vfbuf export -s "$VFBUF_EDU" --bar 0 --range 0:4K --hold -r -n -o FD > "$BATS_TEST_TMPDIR/hold" 2>/dev/null &
	local p=$!
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/hold" ] && break; sleep 0.1; done
	fd=$(cat "$BATS_TEST_TMPDIR/hold")
	for rev in v1 v4; do
		[ "$rev" = "$me" ] && continue
		[ "$me" = v5 ] && [ "$rev" = v4 ] && continue # v5's REVOKE is v4's
		run --separate-stderr vfbuf --uapi $rev revoke --pid $p --fd "$fd"
		assert_failure 69
		[[ "$(head -1 <<< "$stderr")" == "vfbuf: revoke: revoking a dma-buf: the driver does not answer as series $rev would: "* ]]
	done
	# the buffer is still there and not revoked: its owner maps it, where mmap works
	run vfbuf stat --pid $p --fd "$fd" -r -n -o KIND
	assert_output dmabuf
	kill $p; wait $p || true
}
