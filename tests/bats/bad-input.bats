#!/usr/bin/env bats
# Bad input that needs no device: the host rows of the bad-input table in
# tests/README.md.  Every refusal is checked for its message and exit
# status.  On the fixture sysroot no device can be opened (/dev/vfio/vfio
# is a plain file: ENOTTY), so a refusal other than that one proves the
# input was refused before vfbuf tried to open anything.
load helpers

# first CMD...: "rc=N FIRST-STDERR-LINE" (stdout dropped)
first() {
	local err rc=0
	err=$("$@" 2>&1 > /dev/null) || rc=$?
	echo "rc=$rc ${err%%$'\n'*}"
}

OPEN_FAILS="vfbuf: export: $FIX/dev/vfio/vfio: not a VFIO container (VFIO_GET_API_VERSION): Inappropriate ioctl for device (ENOTTY)"

# ---- global options ----

@test "--uapi: an unknown revision is a usage error, before or after the command" {
	run --separate-stderr "$VFBUF" --uapi v9 list
	assert_failure 2
	assert_equal "$stderr" "vfbuf: --uapi 'v9': unknown revision (auto, none, v1, v2, v3 (= v4), v4, v5)
hint: try 'vfbuf --help'"
	for c in list stat maps-decode export map peek poke revoke; do
		run first "$VFBUF" "$c" --uapi ''
		assert_output "rc=2 vfbuf: $c: --uapi '': unknown revision (auto, none, v1, v2, v3 (= v4), v4, v5)"
	done
}

# ---- device selectors ----

@test "selectors: a malformed -s or -d is a usage error in every command that takes one" {
	local c
	for c in "list" "export --bar 0" "map --bar 0" "peek --bar 0 0" "poke --bar 0 0 1" "revoke --fd 3"; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		run first vf "$@" -s 99999:1
		assert_output "rc=2 vfbuf: $1: -s '99999:1': Invalid bus number"
		run first vf "$@" -s 1.2.3
		assert_output "rc=2 vfbuf: $1: -s '1.2.3': Invalid slot/function number"
		run first vf "$@" -d xyz:1
		assert_output "rc=2 vfbuf: $1: -d 'xyz:1': Invalid vendor ID"
		run first vf "$@" -d 1234
		assert_output "rc=2 vfbuf: $1: -d '1234': At least two fields must be given"
	done
	# stat and maps-decode select processes, not devices
	run first vf stat -s 00:03.0
	assert_output "rc=2 vfbuf: stat: invalid option -- 's'"
}

@test "selectors matching no device: list warns (exit 0), the others fail (exit 1) with list's hint" {
	run --separate-stderr vf list -d 1234:ffff
	assert_success
	assert_output ""
	assert_equal "$stderr" "vfbuf: list: warning: no PCI device matches -d 1234:ffff"
	local c
	for c in "export --bar 0" "map --bar 0" "peek --bar 0 0" "poke --bar 0 0 1" "revoke --fd 3" "revoke --pid 100 --fd 6"; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		run --separate-stderr vf "$@" -s 0a:00.0
		assert_failure 1
		assert_equal "$stderr" "vfbuf: $1: -s 0a:00.0: no such PCI device
hint: 'vfbuf list --all' shows the PCI devices"
	done
}

@test "selectors matching several devices: list shows them, the others refuse and name them (exit 2)" {
	run vf list -d 10de: -r -n -o BDF
	assert_success
	assert_output "0000:01:00.0"
	local c
	for c in "export --bar 0" "map --bar 0" "peek --bar 0 0" "poke --bar 0 0 1" "revoke --fd 3"; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		run --separate-stderr vf "$@" -d 10de:
		assert_failure 2
		assert_equal "$stderr" "vfbuf: $1: -d 10de: (0000:01:00.0 0000:01:00.1): matches several devices
hint: narrow the selection with -s BDF"
	done
}

# ---- export's request, checked before the device is opened ----

@test "export: a BAR the device lacks, an I/O BAR, a BAR under a page: exit 2 before opening anything" {
	run --separate-stderr vf export -s 00:03.0 --bar 2
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: 0000:00:03.0 BAR 2: the device has no such BAR
hint: 'vfbuf list --bars -s 0000:00:03.0' shows its BARs"
	# the GPU's group is not viable, and BAR 5 is I/O: the BAR is refused first
	run --separate-stderr vf export -s 01:00.0 --bar 5
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: 0000:01:00.0 BAR 5: an I/O port BAR
hint: dma-bufs cover memory BARs only"
	run --separate-stderr vf export -s 00:04.0 --bar 0 --no-check
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: 0000:00:04.0 BAR 0 (256 bytes): smaller than a page
hint: the kernel exports whole pages only"
	local c
	for c in "export" "map" "peek 0" "poke 0 1"; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		run first vf "$@" -s 00:03.0 --bar 6
		assert_output "rc=2 vfbuf: $1: --bar 6: BARs are numbered 0 to 5"
		[ "$1" = export ] && continue
		run first vf "$@" --bar 0
		assert_output "rc=2 vfbuf: $1: --bar needs a device (-s BDF or -d VENDOR:DEVICE, or --pid PID)"
	done
}

@test "export: ranges unaligned, empty, past the end, overflowing 64 bits: exit 2 before opening anything" {
	run --separate-stderr vf export -s 00:03.0 --bar 0 --range 0x800:4K
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: --range 0x800:0x1000: not page-aligned
hint: offsets and lengths are whole pages (4K)"
	run first vf export -s 00:03.0 --bar 0 --range 0:6K
	assert_output "rc=2 vfbuf: export: --range 0x0:0x1800: not page-aligned"
	run --separate-stderr vf export -s 00:03.0 --bar 0 --range 4K:0
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: --range 0x1000:0x0: zero length"
	run --separate-stderr vf export -s 00:03.0 --bar 0 --range 0:4K --range 1020K:8K
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: --range 0xff000:0x2000: past the end of BAR 0 (size 0x100000)"
	run --separate-stderr vf export -s 00:03.0 --bar 0 --range 0xfffffffffffff000:8K
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: --range 0xfffffffffffff000:0x2000: offset + length overflows 64 bits"
	# --no-check sends them to the kernel: here, the open is what fails
	run first vf export -s 00:03.0 --bar 0 --range 4K:0 --no-check
	assert_output "rc=1 $OPEN_FAILS"
}

@test "export: overlapping ranges draw a warning, then go to the kernel (which accepts them)" {
	run --separate-stderr vf export -s 00:03.0 --bar 0 --range 0:8K --range 4K:4K --range 64K:4K --range 60K:8K
	assert_failure 1
	assert_equal "$stderr" "vfbuf: export: warning: --range 0x0:0x2000 overlaps --range 0x1000:0x1000: the dma-buf shows those BAR pages twice
vfbuf: export: warning: --range 0x10000:0x1000 overlaps --range 0xf000:0x2000: the dma-buf shows those BAR pages twice
$OPEN_FAILS"
	# adjacent is not overlapping; -q and --no-check are silent
	run first vf export -s 00:03.0 --bar 0 --range 0:4K --range 4K:4K
	assert_output "rc=1 $OPEN_FAILS"
	run first vf -q export -s 00:03.0 --bar 0 --range 0:8K --range 0:8K
	assert_output "rc=1 $OPEN_FAILS"
	run first vf export -s 00:03.0 --bar 0 --range 0:8K --range 0:8K --no-check
	assert_output "rc=1 $OPEN_FAILS"
}

@test "export: --range that is not OFFSET:LENGTH or does not fit 64 bits; more than 64 ranges" {
	local r
	for r in 4K x:4K 0:4Q 1:2:3 -1:4K ' 0:4K' 0x:4K 4K: :4K; do
		run first vf export -s 00:03.0 --bar 0 --range "$r"
		assert_output "rc=2 vfbuf: export: --range '$r': not OFFSET:LENGTH"
	done
	for r in 0x10000000000000000:4K 0:20000000T 18446744073709551616:4K; do
		run first vf export -s 00:03.0 --bar 0 --range "$r"
		assert_output "rc=2 vfbuf: export: --range '$r': does not fit in 64 bits"
	done
	local -a many=()
	for r in $(seq 0 64); do many+=(--range "$((r * 4))K:4K"); done
	run first vf export -s 00:03.0 --bar 0 "${many[@]}"
	assert_output "rc=2 vfbuf: export: at most 64 --range options"
}

# ---- numbers ----

@test "numbers: not a number, or past 64 bits, is a usage error wherever a number goes" {
	local opt
	# NAME COMMAND...: the number goes last
	while read -r name cmd; do
		# shellcheck disable=SC2086 # cmd is words
		run first vf $cmd x
		assert_output "rc=2 vfbuf: ${cmd%% *}: $name 'x': not a number (decimal, 0x hex, K/M/G/T suffix)"
		# shellcheck disable=SC2086
		run first vf $cmd 0x10000000000000000
		assert_output "rc=2 vfbuf: ${cmd%% *}: $name '0x10000000000000000': does not fit in 64 bits"
		# shellcheck disable=SC2086
		run first vf $cmd 16777216T
		assert_output "rc=2 vfbuf: ${cmd%% *}: $name '16777216T': does not fit in 64 bits"
	done <<- 'EOF'
		--bar export -s 00:03.0 --bar
		--count export -s 00:03.0 --bar 0 --serve /nonexistent/s --count
		--bar peek -s 00:03.0 0 --bar
		--offset peek -s 00:03.0 --bar 0 0 --offset
		--length map -s 00:03.0 --bar 0 --length
		--count peek -s 00:03.0 --bar 0 0 --count
		OFFSET peek -s 00:03.0 --bar 0
		VALUE poke -s 00:03.0 --bar 0 0
	EOF
	run first vf poke -s 00:03.0 --bar 0 x 1
	assert_output "rc=2 vfbuf: poke: OFFSET 'x': not a number (decimal, 0x hex, K/M/G/T suffix)"
	run first vf poke -s 00:03.0 --bar 0 0x10000000000000000 1
	assert_output "rc=2 vfbuf: poke: OFFSET '0x10000000000000000': does not fit in 64 bits"
	run first vf poke -s 00:03.0 --bar 0 0 1 2 0x1q
	assert_output "rc=2 vfbuf: poke: VALUE '0x1q': not a number (decimal, 0x hex, K/M/G/T suffix)"
	run first vf peek -s 00:03.0 --bar 0 --count 0 0
	assert_output "rc=2 vfbuf: peek: --count 0: nothing to read"
	run first vf map -s 00:03.0 --bar 0 --length 0
	assert_output "rc=2 vfbuf: map: --length 0: an empty window"
	for opt in nan inf -1 1e7 x; do
		run first vf export -s 00:03.0 --bar 0 --exec --revoke-after "$opt" -- true
		assert_output "rc=2 vfbuf: export: --revoke-after '$opt': not a number of seconds"
		run first vf peek -s 00:03.0 --bar 0 --watch "$opt" 0
		assert_output "rc=2 vfbuf: peek: --watch '$opt': not a number of seconds above 0"
	done
}

@test "ids: --fd and --pid are decimal, from 0 (--pid from 1) to INT_MAX" {
	local c v
	for c in "map" "peek" "poke" "revoke" "stat"; do
		for v in x -1 0x3 2147483648 99999999999 ' 3'; do
			run first vf $c --fd "$v"
			assert_output "rc=2 vfbuf: $c: --fd '$v': not a decimal number up to 2147483647"
			run first vf $c --pid "$v" --fd 3
			assert_output "rc=2 vfbuf: $c: --pid '$v': not a decimal number up to 2147483647"
		done
	done
	for c in "map" "peek" "poke" "revoke"; do
		run first vf $c --pid 0 --fd 3
		assert_output "rc=2 vfbuf: $c: --pid 0: not a process"
	done
	run first vf maps-decode 0
	assert_output "rc=2 vfbuf: maps-decode: '0': not a process ID"
	run first vf maps-decode 0x10
	assert_output "rc=2 vfbuf: maps-decode: '0x10': not a process ID"
}

@test "widths other than 1, 2, 4 and 8 are usage errors" {
	local w c
	for c in "peek -s 00:03.0 --bar 0 0" "poke -s 00:03.0 --bar 0 0 1"; do
		for w in 0 3 5 16 04 4x -4 ' 4' ''; do
			# shellcheck disable=SC2086 # c is words
			run first vf $c --width "$w"
			assert_output "rc=2 vfbuf: ${c%% *}: --width '$w': accesses are 1, 2, 4 or 8 bytes wide"
		done
	done
}

@test "poke: a value too wide for the width is refused before the device is opened" {
	run --separate-stderr vf poke -s 00:03.0 --bar 0 -w 1 0 0x41 0x100
	assert_failure 2
	assert_equal "$stderr" "vfbuf: poke: VALUE '0x100' (width 1): too wide for the access"
	run first vf poke -s 00:03.0 --bar 0 -w 2 0 0x10000
	assert_output "rc=2 vfbuf: poke: VALUE '0x10000' (width 2): too wide for the access"
	run first vf poke -s 00:03.0 --bar 0 -w 4 0 0x100000000
	assert_output "rc=2 vfbuf: poke: VALUE '0x100000000' (width 4): too wide for the access"
	# the widest values that fit go on to the device (here: the open fails)
	run first vf poke -s 00:03.0 --bar 0 -w 1 0 0xff
	assert_output "rc=1 ${OPEN_FAILS/export/poke}"
	run first vf poke -s 00:03.0 --bar 0 -w 8 0 0xffffffffffffffff
	assert_output "rc=1 ${OPEN_FAILS/export/poke}"
}

# ---- sockets ----

# A socket nobody listens on: faults.bats "a primary killed while a
# subordinate holds the fd" (the dead primary's socket).
@test "--serve and --connect: not a socket, missing, too long: each said, exit 1 (2 for the length)" {
	local c long
	: > "$BATS_TEST_TMPDIR/file"
	long=/tmp/$(printf 'x%.0s' $(seq 120))
	# --serve's path is checked before the device is opened
	run --separate-stderr vf export -s 00:03.0 --bar 0 --serve "$BATS_TEST_TMPDIR/file"
	assert_failure 1
	assert_equal "$stderr" "vfbuf: export: --serve $BATS_TEST_TMPDIR/file: exists and is not a socket
hint: choose another path, or remove it"
	run first vf export -s 00:03.0 --bar 0 --serve "$BATS_TEST_TMPDIR"
	assert_output "rc=1 vfbuf: export: --serve $BATS_TEST_TMPDIR: exists and is not a socket"
	run first vf export -s 00:03.0 --bar 0 --serve "$long"
	assert_output "rc=2 vfbuf: export: --serve $long: File name too long (ENAMETOOLONG)"
	run first vf export -s 00:03.0 --bar 0 --serve "$BATS_TEST_TMPDIR/none"
	assert_output "rc=1 $OPEN_FAILS"
	for c in "map" "peek 0" "poke 0 1" "revoke"; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		run --separate-stderr vf "$@" --connect "$BATS_TEST_TMPDIR/file"
		assert_failure 1
		assert_equal "$stderr" "vfbuf: $1: --connect $BATS_TEST_TMPDIR/file: exists and is not a socket
hint: name the SOCKET of a 'vfbuf export --serve'"
		run first vf "$@" --connect "$BATS_TEST_TMPDIR"
		assert_output "rc=1 vfbuf: $1: --connect $BATS_TEST_TMPDIR: exists and is not a socket"
		run --separate-stderr vf "$@" --connect "$BATS_TEST_TMPDIR/none"
		assert_failure 1
		assert_equal "$stderr" "vfbuf: $1: connecting to $BATS_TEST_TMPDIR/none: No such file or directory (ENOENT)
hint: is 'vfbuf export --serve' running there?"
		run first vf "$@" --connect "$long"
		assert_output "rc=2 vfbuf: $1: --connect $long: File name too long (ENAMETOOLONG)"
	done
}

# ---- /proc entries that cannot be read ----
# stat's own rows: stat.bats "stat counts and reports processes it cannot
# read" and "stat --pid of an unreadable process: exit 77 with a hint".


teardown() {
	[ -z "${ROOT:-}" ] || rm -rf "$ROOT"
}

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$VFBUF" --sysroot "$ROOT/root" "$@"; }

@test "unreadable /proc: maps-decode and revoke --pid exit 77 with the right they lack; --all warns" {
	unreadable_copy
	chmod 0700 "$ROOT/root/proc/400/fd"
	chmod 0600 "$ROOT/root/proc/400/maps"
	run --separate-stderr nobody maps-decode 400
	assert_failure 77
	assert_equal "$stderr" "vfbuf: maps-decode: reading the maps of process 400: Permission denied (EACCES)
hint: another user's maps need root or CAP_SYS_PTRACE"
	run --separate-stderr nobody maps-decode --all -o PID -n
	assert_success
	assert_equal "$stderr" "vfbuf: maps-decode: warning: 1 of 4 processes could not be read (permission denied)"
	refute_line --regexp '^ *400$'
	run --separate-stderr nobody maps-decode 400 100 -o PID -n
	assert_failure 1
	assert_equal "$stderr" "vfbuf: maps-decode: warning: process 400: Permission denied (EACCES)"
	assert_output --regexp '^ *100$'
	run --separate-stderr nobody revoke --pid 400 --fd 3
	assert_failure 77
	assert_equal "$stderr" "vfbuf: revoke: reading the fds of process 400: Permission denied (EACCES)
hint: reading another user's fds needs root (CAP_DAC_READ_SEARCH to list them, CAP_SYS_PTRACE to read them)"
}

@test "unreadable /proc: an fdinfo or fd link that cannot be read is a permission error, never 'no such fd'" {
	unreadable_copy
	chmod 0600 "$ROOT/root/proc/200/fdinfo/3"
	run --separate-stderr nobody stat --pid 200 --fd 3
	assert_failure 77
	assert_equal "$stderr" "vfbuf: stat: reading the fds of process 200: Permission denied (EACCES)
hint: reading another user's fds needs root (CAP_DAC_READ_SEARCH to list them, CAP_SYS_PTRACE to read them)"
	# the whole scan counts that process as unreadable
	run --separate-stderr nobody stat -o INODE -n
	assert_success
	assert_equal "$stderr" "vfbuf: stat: warning: 1 of 4 processes could not be read (permission denied) and are not shown; root sees them (CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE)"
}

@test "taking another user's fd: pidfd_getfd's EPERM is exit 77 naming CAP_SYS_PTRACE; nothing mapped" {
	command -v setpriv > /dev/null || skip "setpriv (util-linux) is not installed"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to an unprivileged user"
	[ "${VFBUF_SANITIZE:-}" != valgrind ] || skip "valgrind 3.19 does not implement pidfd_open (ENOSYS)"
	sleep 30 &
	local p=$!
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$VFBUF" peek --pid $p --fd 0 0
	kill $p
	assert_failure 77
	assert_equal "$stderr" "vfbuf: peek: pidfd_getfd(pid $p, dma-buf fd 0): Operation not permitted (EPERM)
hint: taking another process's fd needs CAP_SYS_PTRACE (or ptrace access to it: same user, yama ptrace_scope 0)"
	assert_output ""
}

@test "a kernel with only the VFIO cdev (no group interface): exit 69 naming the cdev, before any ioctl" {
	ROOT=$(mktemp -d /tmp/vfbuf-cdev.XXXXXX)
	cp -a "$FIX" "$ROOT/root"
	rm "$ROOT/root/dev/vfio/vfio" "$ROOT/root/dev/vfio/3"
	run --separate-stderr "$VFBUF" --sysroot "$ROOT/root" peek -s 00:03.0 --bar 0 0
	assert_failure 69
	assert_equal "$stderr" "vfbuf: peek: opening $ROOT/root/dev/vfio/vfio for 0000:00:03.0: no VFIO group interface on this kernel
hint: the device has only its cdev /dev/vfio/devices/vfio0 (iommufd), which vfbuf cannot open yet; a kernel with CONFIG_VFIO_GROUP=y and CONFIG_VFIO_CONTAINER=y has the group path"
}
