#!/usr/bin/env bats
# vfbuf maps-decode on fixture maps files and fixture processes.
load helpers

decode_file() { vf -J maps-decode -f "$MAPS/mixed.maps" -o LINE,KIND,DEVICE,VFIO,BAR,BAROFF,NAME "$@"; }

# row N: the decoded row of input line N
row() { echo "$output" | jq -c ".mappings[] | select(.line == $1)"; }

@test "the series' BAR mapping name with /BAR" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 6)" '{"line":6,"kind":"dmabuf-bar","device":"0000:00:04.0","vfio":"vfio0","bar":2,"baroff":196608,"name":"vfio0:0000:00:04.0/2"}'
}

@test "the series' name without /BAR: BAR from the offset column" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 7)" '{"line":7,"kind":"dmabuf-bar","device":"0000:01:00.0","vfio":"vfio12","bar":5,"baroff":0,"name":"vfio12:0000:01:00.0"}'
}

@test "names cut at 31 characters: what survives is decoded" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 9)" '{"line":9,"kind":"dmabuf-bar","device":"0000:00:03.0","vfio":"vfio12345678901234","bar":3,"baroff":4096,"name":"vfio12345678901234:0000:00:03.0"}'
	assert_equal "$(row 10)" '{"line":10,"kind":"dmabuf-bar","device":null,"vfio":"vfio1234567890123456","bar":4,"baroff":8192,"name":"vfio1234567890123456:0000:00:03"}'
}

@test "a short name that only looks like the series' is not decoded" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 11)" '{"line":11,"kind":"dmabuf","device":null,"vfio":null,"bar":null,"baroff":null,"name":"vfio7:0000:00:0"}'
}

@test "classic mappings: BAR = offset >> 40, BAR offset = low 40 bits" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 3)" '{"line":3,"kind":"vfio-bar","device":null,"vfio":null,"bar":2,"baroff":0,"name":"anon_inode:[vfio-device]"}'
	assert_equal "$(row 4)" '{"line":4,"kind":"vfio-bar","device":null,"vfio":null,"bar":2,"baroff":16384,"name":"anon_inode:[vfio-device]"}'
}

@test "cdev mappings: the device comes from the cdev's sysfs link" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 5)" '{"line":5,"kind":"vfio-bar","device":"0000:00:03.0","vfio":"vfio0","bar":1,"baroff":0,"name":"/dev/vfio/devices/vfio0"}'
}

@test "vfbuf's own export name decodes to device and BAR" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 13)" '{"line":13,"kind":"dmabuf","device":"0000:00:03.0","vfio":null,"bar":0,"baroff":null,"name":"vfio:0000:00:03.0:bar0"}'
}

@test "unnamed and other named dma-bufs are shown as dmabuf" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 14)" '{"line":14,"kind":"dmabuf","device":null,"vfio":null,"bar":null,"baroff":null,"name":null}'
	assert_equal "$(row 15)" '{"line":15,"kind":"dmabuf","device":null,"vfio":null,"bar":null,"baroff":null,"name":"my buffer"}'
}

@test "ordinary mappings are passed over; --everything shows them" {
	run --separate-stderr decode_file
	assert_success
	assert_equal "$(row 1)" ""
	run --separate-stderr decode_file --everything
	assert_success
	assert_equal "$(row 16)" '{"line":16,"kind":"other","device":null,"vfio":null,"bar":null,"baroff":null,"name":"/tmp/a file with spaces (deleted)"}'
	assert_equal "$(row 18)" '{"line":18,"kind":"other","device":null,"vfio":null,"bar":null,"baroff":null,"name":null}'
}

@test "garbage lines warn with their line number; blank lines pass silently" {
	run --separate-stderr vf maps-decode -f "$MAPS/mixed.maps" -o LINE -n
	assert_success
	assert_equal "$stderr" "vfbuf: maps-decode: warning: $MAPS/mixed.maps:12: not a maps line, skipped"
	assert_equal "$(echo "$output" | wc -l)" 12
}

@test "standard input is read when no source is given, and -f -" {
	run bash -c '"$0" --sysroot "$1" maps-decode -r -n -o LINE,KIND < "$2" 2>/dev/null' "$VFBUF" "$FIX" "$MAPS/mixed.maps"
	assert_success
	assert_line --index 0 "2 vfio-bar"
	local a=$output
	run bash -c '"$0" --sysroot "$1" maps-decode -f - -r -n -o LINE,KIND < "$2" 2>/dev/null' "$VFBUF" "$FIX" "$MAPS/mixed.maps"
	assert_equal "$output" "$a"
}

@test "-q silences the warnings" {
	run --separate-stderr vf -q maps-decode -f "$MAPS/mixed.maps"
	assert_success
	assert_equal "$stderr" ""
}

@test "PID: a classic mapping names the process's only VFIO device" {
	run vf -J maps-decode 100 -o PID,KIND,DEVICE,BAR
	assert_success
	jq_ok '.mappings == [{"pid":100,"kind":"vfio-bar","device":"0000:00:03.0","bar":0}]'
}

@test "PID with two VFIO devices: the classic mapping's device stays unknown" {
	run vf -J maps-decode 300 -o PID,KIND,DEVICE,BAR
	assert_success
	jq_ok '.mappings == [{"pid":300,"kind":"vfio-bar","device":null,"bar":2}]'
}

@test "--all reads every process" {
	run vf -J maps-decode --all -o PID,KIND
	assert_success
	jq_ok '[.mappings[].pid] | unique == [100,200,300]'
}

@test "a missing file: exit 1 with errno" {
	run --separate-stderr vf maps-decode -f /nonexistent.maps
	assert_failure 1
	assert_equal "$stderr" "vfbuf: maps-decode: opening /nonexistent.maps: No such file or directory (ENOENT)"
}

@test "several PIDs: a missing one warns, the others decode, exit 1" {
	run --separate-stderr vf maps-decode 100 4242 -r -n -o PID
	assert_failure 1
	assert_output "100"
	assert_equal "$stderr" "vfbuf: maps-decode: warning: process 4242: No such process (ESRCH)"
}

@test "PIDs, --all and --file exclude each other" {
	run --separate-stderr vf maps-decode --all 100
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: maps-decode: PID arguments, --all and --file exclude each other"
}

@test "memory does not grow with lines that do not decode" {
	command -v /usr/bin/time > /dev/null || skip "GNU time is not installed"
	[ -z "${VFBUF_SANITIZE:-}" ] || skip "under ASan or valgrind, peak RSS is the tool's, not vfbuf's"
	local big=$BATS_TEST_TMPDIR/big.maps
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "%012x-%012x r--p 00000000 fe:01 %d    /usr/lib/x86_64-linux-gnu/libfoo.so.%d\n", i*4096, i*4096+4096, i, i }' > "$big"
	run /usr/bin/time -f "%M" "$VFBUF" maps-decode -f "$big"
	assert_success
	local kb=${lines[-1]}
	[ "$kb" -lt 8192 ] || { echo "peak RSS ${kb} KiB for 200k non-decoding lines"; return 1; }
}
