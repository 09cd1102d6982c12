#!/usr/bin/env bats
# The output layer (src/output.c): tables fitted to a terminal without
# cutting a cell, rows streamed in constant memory, no row lost silently,
# JSON strict and typed, names as text.
load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	command -v python3 > /dev/null || skip "python3 is not installed (the pty and JSON checks)"
}

# fits80 TRUNCATABLE ARGS...: vfbuf ARGS on an 80-column pseudo-terminal
# keeps every cell whole (tests/helpers/cells-whole), compared with -r
fits80() {
	local trunc=$1
	shift
	"$TOP/tests/helpers/pty" 80 "$VFBUF" --sysroot "$FIX" "$@" > "$T/term" 2> /dev/null
	"$VFBUF" --sysroot "$FIX" "$@" -r > "$T/raw" 2> /dev/null
	"$TOP/tests/helpers/cells-whole" 80 "$T/term" "$T/raw" "$trunc"
}

@test "80 columns, list -a: no line wider, no cell cut but names" {
	run fits80 NAME list -a
	assert_success
	# the terminal did matter: names were cut, BARs went one a line
	run "$TOP/tests/helpers/pty" 80 "$VFBUF" --sysroot "$FIX" list -a
	refute_line --partial "NVIDIA Corporation GV100GL [Tesla V100 PCIe 32GB]"
	assert_line --regexp '^ +1=256M/64/pf$'
	# wider, nothing is cut
	run "$TOP/tests/helpers/pty" 200 "$VFBUF" --sysroot "$FIX" list -a
	assert_line --partial "NVIDIA Corporation GV100GL [Tesla V100 PCIe 32GB]"
}

@test "80 columns, list with every column: cells folded onto lines of their own, never cut" {
	run fits80 NAME,PROBE list -a -o BDF,IDS,NAME,CLASS,DRIVER,VFIO,GROUP,VIABLE,BLOCKERS,NODE,CDEV,BARS,SERIES
	assert_success
}

@test "80 columns, stat: holders and mappings one a line, no cell cut but names" {
	run fits80 NAME,EXPORTER stat
	assert_success
	run "$TOP/tests/helpers/pty" 80 "$VFBUF" --sysroot "$FIX" stat
	assert_line --regexp '^ +200\(worker\):4$'
}

@test "80 columns, maps-decode of a file and of every process: no cell cut but names" {
	run fits80 NAME maps-decode -f "$MAPS/mixed.maps"
	assert_success
	run fits80 NAME maps-decode -a
	assert_success
	run fits80 NAME maps-decode -a -o +END,VFIO,OFFSET,INODE,LINE
	assert_success
}

@test "the fit check fails on a cut cell (tests/helpers/cells-whole)" {
	printf 'BDF NAME\n0000:00:03.0 a\n' > "$T/raw"
	printf 'BDF          NAME\n0000:00:0    a\n' > "$T/term"
	run "$TOP/tests/helpers/cells-whole" 80 "$T/term" "$T/raw" NAME
	assert_failure
	printf 'BDF NAME\n0000:00:03.0 %s\n' "$(printf 'x%.0s' $(seq 90))" > "$T/term"
	run "$TOP/tests/helpers/cells-whole" 80 "$T/term" "$T/raw" NAME
	assert_failure
}

@test "UTF-8 names print as text in a UTF-8 locale, escaped in C; JSON escapes bytes that are not UTF-8" {
	printf '7f0000000000-7f0000001000 rw-s 00000000 00:0e 77                         /dmabuf:caf\xc3\xa9 \xff\x01x\n' > "$T/u.maps"
	LC_ALL=C.UTF-8 run vf maps-decode -f "$T/u.maps" -o NAME -n
	assert_output 'café \xff\x01x'
	LC_ALL=C run vf maps-decode -f "$T/u.maps" -o NAME -n
	assert_output 'caf\xc3\xa9 \xff\x01x'
	run vf -J maps-decode -f "$T/u.maps" -o NAME
	assert_success
	jq_ok '.mappings[0].name == "café \\xff\u0001x"'
}

@test "-J: every command's output is one strict document of the man page's types" {
	for a in "list" "list --bars" "list -o +BLOCKERS,CDEV,SERIES,CLASS,VFIO,NODE" "list --bars -s 01:00.0" \
		"stat" "stat -o +COUNT" "stat --pid 200 --fd 3" "maps-decode -a -o +END,VFIO,OFFSET,INODE,LINE" \
		"maps-decode -e -f $MAPS/mixed.maps" "--version" "-v --version" \
		"maps-decode 999999" "list --bogus" "list -o NOPE" "stat --pid 999999"; do
		# shellcheck disable=SC2086 # the words of a
		run --separate-stderr vf -J $a
		[ "$status" -ne 98 ] || { echo "vfbuf -J $a: not valid" >&2; false; }
		assert_equal "$(echo "$output" | jq -s length)" 1
	done
}

@test "-J: numbers are numbers, lists arrays, unknown null" {
	run --separate-stderr vf -J maps-decode -f "$MAPS/mixed.maps" -o START,END,OFFSET,SIZE,BAROFF,PID,LINE
	assert_success
	jq_ok '[.mappings[] | .start, .end, .offset, .size, .baroff, .line | select(. != null) | type] | unique == ["number"]'
	jq_ok '[.mappings[].pid] | unique == [null]'
	jq_ok ".mappings[0].start == $((0x7f99f2973000))"
	run vf -J list -a -o BDF,VIABLE,GROUP,BARS
	assert_success
	jq_ok '[.devices[].bars | type] | unique == ["array"]'
	jq_ok '.devices[] | select(.bdf == "0000:02:00.0") | .group == 8'
	run vf -J --version
	assert_success
	jq_ok '.version[0].revisions | type == "array" and length >= 1'
}

@test "json-check refuses what is not strict JSON of the documented shapes" {
	local chk=$TOP/tests/helpers/json-check
	run "$chk" <<< '{"mappings": [{"pid": 1}]}'
	assert_success
	run "$chk" <<< '{"mappings": [{"pid": "1"}]}'
	assert_failure
	run "$chk" <<< '{"mappings": [{"nokey": 1}]}'
	assert_failure
	run "$chk" <<< '{"nomember": []}'
	assert_failure
	run "$chk" <<< '{"mappings": [{"pid": 1, "pid": 2}]}'
	assert_failure
	run "$chk" <<< '{"values": [{"value": NaN}]}'
	assert_failure
	run "$chk" <<< '{"mappings": []}{"mappings": []}'
	assert_failure
	run "$chk" <<< '{"dmabufs": [{"holders": [{"pid": 1, "comm": 2}]}]}'
	assert_failure
	run "$chk" < <(printf '{"mappings": [{"name": "\xff"}]}')
	assert_failure
	run "$chk" --lines <<< $'{"event": "handout", "n": 1, "pid": 2, "uid": 0, "inode": 3}\n{"error": [{"exit": 1}]}'
	assert_success
	run "$chk" --lines <<< '{"event": "handout", "n": "1"}'
	assert_failure
}

@test "maps-decode streams: rows come out while the input is still open (text, -r, -J)" {
	"$TOP/bench/gen-maps" 10000 100 > "$T/m" # 1,000 decoding rows
	for f in "" "-r" "-J"; do
		mkfifo "$T/in"
		# shellcheck disable=SC2086 # $f: no option or one
		"$VFBUF" maps-decode $f < "$T/in" > "$T/out" 2>&1 &
		local p=$!
		exec 7> "$T/in"
		cat "$T/m" >&7
		# the input stays open: what is printed now was streamed
		for _ in $(seq 50); do [ "$(wc -l < "$T/out")" -ge 90 ] && break; sleep 0.1; done
		[ "$(wc -l < "$T/out")" -ge 90 ] || { echo "vfbuf $f: $(wc -l < "$T/out") lines before the end of input" >&2; false; }
		exec 7>&-
		wait "$p"
		rm -f "$T/in"
	done
	output=$(cat "$T/out")
	jq_ok '.mappings | length == 1000'
}

@test "maps-decode: peak memory does not grow with decoded rows (text, -r, -J)" {
	[ "${VFBUF_SANITIZE:-}" != 1 ] || skip "ASan's shadow memory hides the heap's"
	[ -x /usr/bin/time ] || skip "GNU time is not installed (package time)"
	"$TOP/bench/gen-maps" 20000 50 > "$T/small"  # 1,000 decoding rows
	"$TOP/bench/gen-maps" 200000 500 > "$T/big"  # 100,000 decoding rows
	# peak RSS of identical runs varies by up to 15% here (2172-2508 KiB):
	# the least of 5 runs each, so that only growth with the rows counts
	least_rss() { # FLAGS FILE
		local i m=
		for i in 1 2 3 4 5; do
			# shellcheck disable=SC2086
			/usr/bin/time -f %M -o "$T/rss" "$VFBUF" maps-decode $1 -f "$2" > /dev/null
			[ -n "$m" ] && [ "$m" -le "$(cat "$T/rss")" ] || m=$(cat "$T/rss")
		done
		echo "$m"
	}
	for f in "" "-r" "-J"; do
		rs=$(least_rss "$f" "$T/small")
		rb=$(least_rss "$f" "$T/big")
		echo "vfbuf $f maps-decode: $rs KiB for 1k rows, $rb KiB for 100k (least of 5 runs each)" >&3
		# 100 times the rows, at most 10% (and 1 MiB) more
		[ "$rb" -le $((rs * 110 / 100)) ]
		[ "$rb" -le $((rs + 1024)) ]
	done
}

@test "no row is lost silently: under any ulimit -v, maps-decode prints every row or fails saying so" {
	[ "${VFBUF_SANITIZE:-}" != 1 ] || skip "ASan needs terabytes of address space: no ulimit -v"
	"$TOP/bench/gen-maps" 50000 1000 > "$T/m"  # every line a VFIO or dma-buf mapping
	local kb ok=0 failed=0 f
	for f in "" "-r" "-J"; do
		for kb in 1000 2000 3000 4000 6000 8000 16000 64000; do
			# shellcheck disable=SC2086
			rc=0
			bash -c 'ulimit -v "$1" && exec "${@:2}"' _ "$kb" "$VFBUF" maps-decode $f -f "$T/m" > "$T/out" 2> "$T/err" || rc=$?
			if [ "$rc" -eq 0 ]; then
				ok=$((ok + 1))
				case "$f" in
				-J) n=$(jq '.mappings | length' "$T/out") ;;
				*) n=$(($(wc -l < "$T/out") - 1)) ;;
				esac
				[ "$n" -eq 50000 ] || { echo "ulimit -v $kb, vfbuf $f: exit 0 with $n of 50000 rows" >&2; false; }
				[ ! -s "$T/err" ]
			else
				failed=$((failed + 1))
				[ -s "$T/err" ] || [ -s "$T/out" ] || { echo "ulimit -v $kb, vfbuf $f: exit $rc, saying nothing" >&2; false; }
			fi
		done
	done
	# both sides were tried: limits too small to run, and enough
	[ "$ok" -gt 0 ] && [ "$failed" -gt 0 ]
}

# the column names a command's --help lists, in order
help_columns() {
	# (the first table's: list -B has a second list)
	"$VFBUF" "$1" --help | awk '/^Columns for/ { n++ } n == 1 && /^  [A-Z][A-Z0-9_-]* / { print $1 }' | paste -sd' '
}

@test "-O/--output-all: every column --help lists, in its order; not with -o" {
	local c want
	for c in list stat maps-decode; do
		want=$(help_columns "$c")
		[ -n "$want" ] || fail "$c --help lists no columns"
		run bash -c "'$VFBUF' --sysroot '$FIX' $c -O -r < '$TOP/tests/fixtures/maps/mixed.maps' 2> /dev/null | head -1"
		assert_output "$want"
		run bash -c "'$VFBUF' --sysroot '$FIX' $c --output-all -r < '$TOP/tests/fixtures/maps/mixed.maps' 2> /dev/null | head -1"
		assert_output "$want"
		run --separate-stderr "$VFBUF" --sysroot "$FIX" "$c" -O -o BDF
		assert_failure 2
		assert_equal "$(head -1 <<< "$stderr")" "vfbuf: $c: --output and --output-all exclude each other"
	done
}
