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
hint: the device has only its cdev /dev/vfio/devices/vfio0, which needs iommufd (no /dev/iommu: a kernel with CONFIG_IOMMUFD has it); a kernel with CONFIG_VFIO_GROUP=y and CONFIG_VFIO_CONTAINER=y has the group path"
	# with /dev/iommu, the cdev door is the way (auto takes it by itself)
	: > "$ROOT/root/dev/iommu"
	run --separate-stderr "$VFBUF" --sysroot "$ROOT/root" --vfio group peek -s 00:03.0 --bar 0 0
	assert_failure 69
	assert_equal "$(tail -1 <<< "$stderr")" "hint: the device has only its cdev /dev/vfio/devices/vfio0: --vfio cdev (or auto) opens it through that and iommufd"
}

@test "the cdev door without rights: /dev/iommu, then the cdev, named with what to grant (77), before any ioctl" {
	ROOT=$(mktemp -d /tmp/vfbuf-cdev.XXXXXX)
	chmod 755 "$ROOT"
	cp -a "$FIX" "$ROOT/root"
	mkdir -p "$ROOT/root/dev/vfio/devices"
	: > "$ROOT/root/dev/iommu"
	: > "$ROOT/root/dev/vfio/devices/vfio0"
	chmod 600 "$ROOT/root/dev/iommu" "$ROOT/root/dev/vfio/devices/vfio0"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$VFBUF" --sysroot "$ROOT/root" --vfio cdev peek -s 00:03.0 --bar 0 0
	assert_failure 77
	assert_equal "$stderr" "vfbuf: peek: opening $ROOT/root/dev/iommu for 0000:00:03.0's cdev: Permission denied (EACCES)
hint: needs read and write access to /dev/iommu and the device's cdev: run as root, or give your user the node (chown/udev rule)"
	chmod 666 "$ROOT/root/dev/iommu"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$VFBUF" --sysroot "$ROOT/root" --vfio cdev peek -s 00:03.0 --bar 0 0
	rm -rf "$ROOT"
	assert_failure 77
	assert_equal "$stderr" "vfbuf: peek: opening $ROOT/root/dev/vfio/devices/vfio0 (cdev of 0000:00:03.0): Permission denied (EACCES)
hint: needs read and write access to $ROOT/root/dev/vfio/devices/vfio0: run as root, or give your user the node (chown/udev rule)"
	assert_output ""
}

# ---- issue 13: hardening ----

# copy_root: a writable copy of the fixture sysroot in $ROOT/root (teardown
# removes $ROOT); vr ARGS: vfbuf on it.
copy_root() {
	ROOT=$(mktemp -d /tmp/vfbuf-harden.XXXXXX)
	cp -a "$FIX" "$ROOT/root"
}
vr() { "$VFBUF" --sysroot "$ROOT/root" "$@"; }

# the commands that open a device, with -s SEL and what follows
opening_commands() {
	echo "export --bar 0"
	echo "map --bar 0"
	echo "peek --bar 0 0"
	echo "poke --bar 0 0 1"
}

@test "in use: a device behind a mount, an interface that is up, the boot VGA and its console is said to be in use before any unbind advice" {
	local c
	while read -r c; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		run --separate-stderr vf "$@" -s 02:00.0
		assert_failure 1
		assert_equal "$stderr" "vfbuf: $1: 0000:02:00.0: not bound to a VFIO driver (e1000e): bound to another driver, and in use
hint: 0000:02:00.0 IS IN USE: network interface enp2s0 is up; unbinding it from e1000e takes that away from this host.
Only if you mean that, bind it to vfio-pci (as root):
  echo vfio-pci > /sys/bus/pci/devices/0000:02:00.0/driver_override
  echo 0000:02:00.0 > /sys/bus/pci/devices/0000:02:00.0/driver/unbind
  echo 0000:02:00.0 > /sys/bus/pci/drivers_probe"
		run --separate-stderr vf "$@" -s 10000:e1:00.0
		assert_failure 1
		assert_equal "$(echo "$stderr" | head -1)" "vfbuf: $1: 10000:e1:00.0: not bound to a VFIO driver (nvme): bound to another driver, and in use"
		assert_equal "$(echo "$stderr" | sed -n 2p)" "hint: 10000:e1:00.0 IS IN USE: nvme0n1p1 (259:1) is mounted on /; unbinding it from nvme takes that away from this host."
		run --separate-stderr vf "$@" -s 00:02.0
		assert_failure 1
		assert_equal "$(echo "$stderr" | sed -n 2p)" "hint: 0000:00:02.0 IS IN USE: it is the boot VGA device; its framebuffer fb0 shows the console (tty0); unbinding it from bochs-drm takes that away from this host."
	done < <(opening_commands)
	# a device nothing uses gets the plain advice
	copy_root
	echo 0 > "$ROOT/root/sys/devices/pci0000:00/0000:02:00.0/net/enp2s0/flags"
	run --separate-stderr vr export -s 02:00.0 --bar 0
	assert_failure 1
	assert_equal "$(echo "$stderr" | head -2)" "vfbuf: export: 0000:02:00.0: not bound to a VFIO driver (e1000e): bound to another driver
hint: bind it to vfio-pci (as root):"
}

@test "in use: a serial console, and a group member in use, are said so first too" {
	copy_root
	local d=$ROOT/root/sys/devices/pci0000:00/0000:02:00.0
	echo 0 > "$d/net/enp2s0/flags"
	mkdir -p "$d/tty/ttyS4"
	ln -s ../../../../../class/tty "$d/tty/ttyS4/subsystem"
	echo "tty0 ttyS4" > "$ROOT/root/sys/class/tty/console/active"
	run --separate-stderr vr peek -s 02:00.0 --bar 0 0
	assert_failure 1
	assert_equal "$(echo "$stderr" | sed -n 2p)" "hint: 0000:02:00.0 IS IN USE: ttyS4 on it is the console; unbinding it from e1000e takes that away from this host."
	# the GPU's group is not viable because of its audio function: if that
	# drives the boot display, the advice to unbind it says so first
	echo 1 > "$ROOT/root/sys/devices/pci0000:00/0000:01:00.1/boot_vga"
	run --separate-stderr vr export -s 01:00.0 --bar 0
	assert_failure 1
	assert_equal "$stderr" "vfbuf: export: IOMMU group 7 of 0000:01:00.0: group not viable
hint: 0000:01:00.1 IS IN USE: it is the boot VGA device: unbinding takes that away from this host.
Only if you mean that, unbind these from their drivers, or bind them to vfio-pci too: 0000:01:00.1(snd_hda_intel)"
}

@test "no vfio-pci, no IOMMU: exit 69 saying the kernel lacks it, never unbind advice" {
	copy_root
	rm -r "$ROOT/root/sys/bus/pci/drivers/vfio-pci"
	local c
	while read -r c; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		run --separate-stderr vr "$@" -s 10000:e1:00.0
		assert_failure 69
		assert_equal "$stderr" "vfbuf: $1: 10000:e1:00.0: not bound to a VFIO driver: this kernel (6.1.0-fixture) has no vfio-pci (no /sys/bus/pci/drivers/vfio-pci, no vfio-pci module)
hint: a kernel with CONFIG_VFIO_PCI (and an IOMMU) can give the device to VFIO; binding it to another driver would not help"
	done < <(opening_commands)
	# a module that is not loaded yet is vfio-pci too
	mkdir -p "$ROOT/root/lib/modules/6.1.0-fixture/kernel/drivers/vfio/pci"
	: > "$ROOT/root/lib/modules/6.1.0-fixture/kernel/drivers/vfio/pci/vfio-pci.ko.zst"
	run first vr export -s 02:00.0 --bar 0
	assert_output "rc=1 vfbuf: export: 0000:02:00.0: not bound to a VFIO driver (e1000e): bound to another driver, and in use"
	# no IOMMU groups at all (and no no-IOMMU mode)
	rm -r "$ROOT/root/sys/kernel/iommu_groups"/*
	find "$ROOT/root/sys/devices" -name iommu_group -delete
	run --separate-stderr vr export -s 02:00.0 --bar 0
	assert_failure 69
	assert_equal "$stderr" "vfbuf: export: 0000:02:00.0: not bound to a VFIO driver: this kernel has no IOMMU (no /sys/kernel/iommu_groups entries, no no-IOMMU mode)
hint: enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in firmware); vfio-pci refuses devices without one"
	# a VFIO device without a group on such a kernel: the same cause, 69
	run first vr peek -s 00:03.0 --bar 0 0
	assert_output "rc=69 vfbuf: peek: 0000:00:03.0: no IOMMU group: this kernel has no IOMMU (no /sys/kernel/iommu_groups entries, no no-IOMMU mode)"
	# no-IOMMU mode: vfio-pci binds it, without isolation, and vfbuf says so
	mkdir -p "$ROOT/root/sys/module/vfio/parameters"
	echo Y > "$ROOT/root/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"
	echo 0 > "$ROOT/root/sys/devices/pci0000:00/0000:02:00.0/net/enp2s0/flags"
	run --separate-stderr vr export -s 02:00.0 --bar 0
	assert_failure 1
	assert_equal "$(echo "$stderr" | tail -1)" "(no IOMMU: vfio-pci gives it a no-IOMMU group, without DMA isolation)"
}

@test "no-IOMMU groups: list shows /dev/vfio/noiommu-N, opening warns that nothing isolates DMA and goes there" {
	copy_root
	echo vfio-noiommu > "$ROOT/root/sys/kernel/iommu_groups/3/name"
	mv "$ROOT/root/dev/vfio/3" "$ROOT/root/dev/vfio/noiommu-3"
	run vr -J list -s 00:03.0 -o BDF,GROUP,NODE
	assert_success
	jq_ok '.devices[0] == {"bdf":"0000:00:03.0","group":3,"node":"/dev/vfio/noiommu-3"}'
	# the fixture's container is a plain file (ENOTTY): the warning comes first
	run --separate-stderr vr peek -s 00:03.0 --bar 0 0
	assert_failure 1
	assert_equal "$stderr" "vfbuf: peek: warning: 0000:00:03.0 is in a no-IOMMU group (/dev/vfio/noiommu-3): there is no DMA isolation, the device can reach all of this host's memory
vfbuf: peek: $ROOT/root/dev/vfio/vfio: not a VFIO container (VFIO_GET_API_VERSION): Inappropriate ioctl for device (ENOTTY)"
	# an ordinary group draws no such warning
	run first vr peek -s 00:04.0 --bar 0 0
	assert_output "rc=1 vfbuf: peek: $ROOT/root/dev/vfio/vfio: not a VFIO container (VFIO_GET_API_VERSION): Inappropriate ioctl for device (ENOTTY)"
}

@test "a no-IOMMU device's cdev is noiommu-vfioN: list shows it, its BAR mappings decode; other names in /dev/vfio/devices do not" {
	copy_root
	local pci=$ROOT/root/sys/devices/pci0000:00/0000:00:03.0 virt=$ROOT/root/sys/devices/virtual/vfio-dev
	mv "$pci/vfio-dev/vfio0" "$pci/vfio-dev/noiommu-vfio0"
	mv "$virt/vfio0" "$virt/noiommu-vfio0"
	rm "$ROOT/root/sys/class/vfio-dev/vfio0"
	ln -sfn ../../devices/virtual/vfio-dev/noiommu-vfio0 "$ROOT/root/sys/class/vfio-dev/noiommu-vfio0"
	run vr -J list -s 00:03.0 -o BDF,CDEV
	assert_success
	jq_ok '.devices[0] == {"bdf":"0000:00:03.0","cdev":"noiommu-vfio0"}'
	run vr -J maps-decode -f - -o KIND,DEVICE,VFIO,BAR <<- 'EOF'
		7f0000000000-7f0000001000 rw-s 10000000000 00:07 148                     /dev/vfio/devices/noiommu-vfio0
		7f0000001000-7f0000002000 rw-s 10000000000 00:07 148                     /dev/vfio/devices/noiommu-vfioX
		7f0000002000-7f0000003000 rw-s 10000000000 00:07 148                     /dev/vfio/devices/noiommu-0
	EOF
	assert_success
	jq_ok '.mappings == [{"kind":"vfio-bar","device":"0000:00:03.0","vfio":"noiommu-vfio0","bar":1}]'
}

@test "a process's cdev mapping is decoded only if the mapped file is that cdev: a regular file so named is not (map_files)" {
	copy_root
	local range=7f0000100000-7f0000101000
	echo "$range rw-s 10000000000 00:05 148                     /dev/vfio/devices/vfio0" >> "$ROOT/root/proc/300/maps"
	mkdir -p "$ROOT/root/proc/300/map_files"
	# the cdev's number, where the kernel's sysfs has it
	echo 511:0 > "$ROOT/root/sys/class/vfio-dev/vfio0/dev"
	# the kernel's link leads to a regular file: an impostor, not decoded
	echo impostor > "$ROOT/root/proc/300/map_files/$range"
	run vr -J maps-decode 300 -o KIND,VFIO,NAME
	assert_success
	jq_ok '[.mappings[] | select(.name == "/dev/vfio/devices/vfio0")] == []'
	# a character device with the number sysfs gives vfio0 (511:0): decoded
	if [ "$(id -u)" = 0 ]; then
		rm "$ROOT/root/proc/300/map_files/$range"
		mknod "$ROOT/root/proc/300/map_files/$range" c 511 0
		run vr -J maps-decode 300 -o KIND,DEVICE,VFIO,NAME
		assert_success
		jq_ok '[.mappings[] | select(.name == "/dev/vfio/devices/vfio0")] == [{"kind":"vfio-bar","device":"0000:00:03.0","vfio":"vfio0","name":"/dev/vfio/devices/vfio0"}]'
		# another device number: not that cdev
		rm "$ROOT/root/proc/300/map_files/$range"
		mknod "$ROOT/root/proc/300/map_files/$range" c 511 1
		run vr -J maps-decode 300 -o KIND,NAME
		jq_ok '[.mappings[] | select(.name == "/dev/vfio/devices/vfio0")] == []'
	fi
	# no map_files entry (no access to it): the name decides, as for a file's lines
	rm -r "$ROOT/root/proc/300/map_files"
	run vr -J maps-decode 300 -o KIND,VFIO
	assert_success
	jq_ok '[.mappings[] | select(.vfio == "vfio0")] == [{"kind":"vfio-bar","vfio":"vfio0"}]'
}

@test "--sysroot: a path too long is a usage error, and nothing outside the sysroot is read (no host pci.ids)" {
	run first "$VFBUF" --sysroot "/$(printf 'x%.0s' $(seq 3000))" list -a
	assert_output "rc=2 vfbuf: --sysroot: a path of 3001 bytes, longer than 2048"
	run first "$VFBUF" list -a --sysroot "/$(printf 'x%.0s' $(seq 3000))"
	assert_output "rc=2 vfbuf: list: --sysroot: a path of 3001 bytes, longer than 2048"
	copy_root
	rm "$ROOT/root/usr/share/misc/pci.ids"
	run vr list -a -r -n -o BDF,NAME -s 00:00.0
	assert_success
	assert_output "0000:00:00.0 Device\x208086:29c0"
}

@test "PCI domains above 0xffff: printed in full everywhere, selected, and decoded from dma-buf names" {
	run vf list -a -r -n -o BDF,DRIVER -s 10000:e1:00.0
	assert_success
	assert_output "10000:e1:00.0 nvme"
	run vf -J list -a -s e1:00.0
	assert_success
	jq_ok '.devices | length == 1 and .[0].bdf == "10000:e1:00.0"'
	run vf list --bars -a -r -n -o BDF,BAR -s 10000:e1:00.0
	assert_output "10000:e1:00.0 0"
	# dma-buf names in both formats, and the classic mapping's cdev
	run vf maps-decode -r -n -o DEVICE,BAR,NAME <<- 'EOF'
		7f59e71e7000-7f59e71e9000 rw-s 20000030000 00:0e 9                       /dmabuf:vfio0:10000:e1:00.0/2
		7f59e71f0000-7f59e71f1000 rw-s 00000000 00:0e 1                          /dmabuf:vfio:10000:e1:00.0:bar0
		7f59e71f0000-7f59e71f1000 rw-s 00000000 00:0e 1                          /dmabuf:vfio:ffffffff:ff:1f.7:bar5
		7f59e71f0000-7f59e71f1000 rw-s 00000000 00:0e 1                          /dmabuf:vfio:00010000:00:03.0:bar0
	EOF
	assert_success
	assert_output "10000:e1:00.0 2 vfio0:10000:e1:00.0/2
10000:e1:00.0 0 vfio:10000:e1:00.0:bar0
ffffffff:ff:1f.7 5 vfio:ffffffff:ff:1f.7:bar5
  vfio:00010000:00:03.0:bar0"
}

@test "looks like a dma-buf, is not: a file named /dmabuf:... is refused by map, peek, poke, revoke and stat" {
	[ "$(id -u)" -eq 0 ] || skip "needs root for a private mount namespace (unshare -m)"
	command -v unshare > /dev/null || skip "unshare (util-linux) is not installed"
	# a tmpfs file, its mount detached: its fd reads /dmabuf:vfio0:0000:00:04.0/2,
	# exactly what a dma-buf's would
	run unshare -m bash -c '
		D=$(mktemp -d); mount -t tmpfs t "$D"; mkdir "$D/dmabuf:vfio0:0000:00:04.0"
		head -c 8192 /dev/zero > "$D/dmabuf:vfio0:0000:00:04.0/2"
		exec 3<> "$D/dmabuf:vfio0:0000:00:04.0/2"; umount -l "$D"; rmdir "$D"
		echo "link $(readlink /proc/self/fd/3)"
		for c in "map" "peek 0" "poke 0 1"; do "$0" $c --fd 3 2>&1 > /dev/null; echo "rc=$?"; done
		"$0" revoke -s 00:03.0 --sysroot "$1" --fd 3 2>&1; echo "rc=$?"
		sleep 30 & p=$!
		echo "pid $p"
		"$0" peek --pid $p --fd 3 0 2>&1 > /dev/null; echo "rc=$?"
		"$0" stat --pid $p --fd 3 2>&1; echo "rc=$?"
		"$0" stat -o HOLDERS -n 2>&1 | grep -c "$p(sleep):3" || true
		kill $p' "$VFBUF" "$FIX"
	assert_success
	local p=${lines[9]#pid }
	assert_output "link /dmabuf:vfio0:0000:00:04.0/2
vfbuf: map: dma-buf fd 3 (/dmabuf:vfio0:0000:00:04.0/2): not a dma-buf
rc=1
vfbuf: peek: dma-buf fd 3 (/dmabuf:vfio0:0000:00:04.0/2): not a dma-buf
rc=1
vfbuf: poke: dma-buf fd 3 (/dmabuf:vfio0:0000:00:04.0/2): not a dma-buf
rc=1
vfbuf: revoke: fd 3 (/dmabuf:vfio0:0000:00:04.0/2): not a dma-buf
rc=1
pid $p
vfbuf: peek: dma-buf fd 3 of process $p (/dmabuf:vfio0:0000:00:04.0/2): not a dma-buf
rc=1
vfbuf: stat: fd 3 of process $p (/dmabuf:vfio0:0000:00:04.0/2): not a dma-buf or VFIO device fd (its fdinfo has no exp_name or vfio-device-syspath)
rc=1
0"
}

@test "looks like a dma-buf, is not: stat and maps-decode go by fdinfo exp_name and the anonymous device, not the path" {
	copy_root
	mkdir -p "$ROOT/root/proc/500/fd" "$ROOT/root/proc/500/fdinfo"
	echo impostor > "$ROOT/root/proc/500/comm"
	ln -s /dmabuf:vfio0:0000:00:04.0/2 "$ROOT/root/proc/500/fd/3"
	printf 'pos:\t0\nflags:\t02100002\nmnt_id:\t30\nino:\t77\n' > "$ROOT/root/proc/500/fdinfo/3"
	echo '7f0000000000-7f0000002000 rw-s 00000000 fe:01 78 /dmabuf:vfio0:0000:00:04.0/2' > "$ROOT/root/proc/500/maps"
	run --separate-stderr vr stat --pid 500 --fd 3
	assert_failure 1
	assert_equal "$stderr" "vfbuf: stat: fd 3 of process 500 (/dmabuf:vfio0:0000:00:04.0/2): not a dma-buf or VFIO device fd (its fdinfo has no exp_name or vfio-device-syspath)"
	run vr stat -r -n -o INODE,HOLDERS
	assert_success
	refute_output --partial "500("
	refute_line --regexp '^7[78] '
	run vr maps-decode -e -r -n -o KIND,NAME 500
	assert_success
	assert_output "other /dmabuf:vfio0:0000:00:04.0/2"
}

@test "usage: list -o '' (every table), stat -p 0 and maps-decode 0 alike, stat -p 0x1 as NUMBERS says" {
	local c
	for c in "list" "stat" "maps-decode" "export -s 00:03.0 --bar 0" "map --fd 0" "revoke --fd 0"; do
		# shellcheck disable=SC2086 # c is the command and its operands
		set -- $c
		grep -q -- "--output" < <("$VFBUF" "$1" --help) || continue
		run first vf "$@" -o ''
		assert_output "rc=2 vfbuf: $1: --output '': names no column"
	done
	run first vf stat -p 0
	assert_output "rc=2 vfbuf: stat: --pid 0: not a process"
	run first vf maps-decode 0
	assert_output "rc=2 vfbuf: maps-decode: '0': not a process ID"
	# NUMBERS: PIDs and fds are decimal, as /proc has them
	run first vf stat -p 0x1
	assert_output "rc=2 vfbuf: stat: --pid '0x1': not a decimal number up to 2147483647"
	run bash -c "man -l '$TOP/man/vfbuf.1' 2>/dev/null | col -b | sed -n '/^NUMBERS/,/^[A-Z]/p' | tr -s ' \t\n' ' '"
	assert_output --partial "PIDs and fds are decimal"
}

@test "--help and --usage to a full disk exit 1 saying so (main and every command)" {
	[ -w /dev/full ] || skip "no /dev/full"
	local c
	for c in "" list stat maps-decode export map peek poke revoke; do
		for h in --help --usage; do
			# shellcheck disable=SC2086 # c is empty or a command
			run --separate-stderr "$VFBUF" $c $h
			assert_success
			# shellcheck disable=SC2086
			run --separate-stderr bash -c '"$@" > /dev/full' _ "$VFBUF" $c $h
			assert_failure 1
			assert_equal "$stderr" "vfbuf: ${c:+$c: }writing standard output: No space left on device (ENOSPC)"
		done
	done
}

@test "/proc entries that loop or cannot be read are counted by stat and maps-decode --all, never skipped silently" {
	copy_root
	mkdir -p "$ROOT/root/proc/500"
	echo looped > "$ROOT/root/proc/500/comm"
	ln -s fd "$ROOT/root/proc/500/fd"
	ln -s maps "$ROOT/root/proc/500/maps"
	run --separate-stderr vr stat -o INODE -n
	assert_success
	assert_equal "$stderr" "vfbuf: stat: warning: 1 of 5 processes could not be read (Too many levels of symbolic links (ELOOP)) and are not shown (or not wholly)"
	run --separate-stderr vr maps-decode --all -o PID -n
	assert_success
	assert_equal "$stderr" "vfbuf: maps-decode: warning: 1 of 5 processes could not be read (Too many levels of symbolic links (ELOOP))"
	# maps that cannot be read (a directory: EISDIR), fds fine
	rm "$ROOT/root/proc/500/fd" "$ROOT/root/proc/500/maps"
	mkdir "$ROOT/root/proc/500/fd" "$ROOT/root/proc/500/maps"
	run --separate-stderr vr stat -o INODE -n
	assert_equal "$stderr" "vfbuf: stat: warning: 1 of 5 processes could not be read (Is a directory (EISDIR)) and are not shown (or not wholly)"
	run --separate-stderr vr maps-decode --all -o PID -n
	assert_equal "$stderr" "vfbuf: maps-decode: warning: 1 of 5 processes could not be read (Is a directory (EISDIR))"
	run --separate-stderr vr maps-decode 500
	assert_failure 1
	assert_equal "$stderr" "vfbuf: maps-decode: reading the maps of process 500: Is a directory (EISDIR)"
	# an fd link that is no link (EINVAL) is not "closed meanwhile"
	rmdir "$ROOT/root/proc/500/fd"
	mkdir "$ROOT/root/proc/500/fd"
	: > "$ROOT/root/proc/500/fd/3"
	rmdir "$ROOT/root/proc/500/maps"
	: > "$ROOT/root/proc/500/maps"
	run --separate-stderr vr stat -o INODE -n
	assert_equal "$stderr" "vfbuf: stat: warning: 1 of 5 processes could not be read (Invalid argument (EINVAL)) and are not shown (or not wholly)"
}

@test "EACCES as root: the hint never tells root to become root" {
	[ "$(id -u)" -eq 0 ] || skip "needs root (to drop root's capabilities)"
	command -v setpriv > /dev/null || skip "setpriv (util-linux) is not installed"
	unreadable_copy
	chown -R 65534 "$ROOT/root/proc/400"
	chmod 0700 "$ROOT/root/proc/400/fd"
	chmod 0600 "$ROOT/root/proc/400/maps"
	local rootless=(setpriv --inh-caps=-all --bounding-set=-all "$VFBUF" --sysroot "$ROOT/root")
	local why="vfbuf runs as root and was still refused: root lacks the capability here (CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_DAC_OVERRIDE: dropped, or another user namespace), or a security module refuses (Yama ptrace_scope, SELinux, AppArmor)"
	run --separate-stderr "${rootless[@]}" stat --pid 400
	assert_failure 77
	assert_equal "$stderr" "vfbuf: stat: reading the fds of process 400: Permission denied (EACCES)
hint: $why"
	run --separate-stderr "${rootless[@]}" maps-decode 400
	assert_failure 77
	assert_equal "$stderr" "vfbuf: maps-decode: reading the maps of process 400: Permission denied (EACCES)
hint: $why"
	run --separate-stderr "${rootless[@]}" revoke --pid 400 --fd 3
	assert_failure 77
	assert_equal "$(echo "$stderr" | tail -1)" "hint: $why"
	run --separate-stderr "${rootless[@]}" stat -o INODE -n
	assert_equal "$stderr" "vfbuf: stat: warning: 1 of 4 processes could not be read (permission denied) and are not shown; $why"
	run --separate-stderr "${rootless[@]}" maps-decode -a -o PID -n
	assert_equal "$stderr" "vfbuf: maps-decode: warning: 1 of 4 processes could not be read (permission denied): $why"
	refute_output --partial "run as root"
}

# ---- unbounded input ----

@test "maps-decode: warnings for lines that are not maps lines stop at 10, then one count" {
	run --separate-stderr bash -c 'for i in $(seq 25); do echo "garbage $i"; done | "$0" maps-decode' "$VFBUF"
	assert_success
	assert_equal "$(echo "$stderr" | wc -l)" 11
	assert_equal "$(echo "$stderr" | sed -n 10p)" "vfbuf: maps-decode: warning: stdin:10: not a maps line, skipped"
	assert_equal "$(echo "$stderr" | tail -1)" "vfbuf: maps-decode: warning: stdin: 15 more lines that are not maps lines skipped"
	run --separate-stderr bash -c 'for i in $(seq 11); do echo "garbage $i"; done | "$0" maps-decode' "$VFBUF"
	assert_equal "$(echo "$stderr" | tail -1)" "vfbuf: maps-decode: warning: stdin: 1 more line that is not a maps line skipped"
}

# peak_kb PID: the process's peak resident memory (VmHWM) in kB
peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

@test "maps-decode -f /dev/zero runs in bounded memory (a memory limit, a timeout)" {
	local limit=$((48 * 1024)) cap=16384
	if [ -n "${VFBUF_SANITIZE:-}" ]; then
		limit=unlimited # ASan reserves terabytes of address space
		cap=$((160 * 1024))
	fi
	bash -c 'ulimit -v "$1"; exec timeout 30 "$0" maps-decode -f /dev/zero' "$VFBUF" "$limit" &
	local bg=$! p kb
	sleep 3
	p=$(pgrep -P $bg) # the vfbuf under timeout
	[ -n "$p" ] && kill -0 "$p" # still reading: not dead of the limit
	kb=$(peak_kb "$p")
	kill "$p"
	echo "peak $kb kB (cap $cap kB)"
	[ -n "$kb" ] && [ "$kb" -lt "$cap" ]
	# ended by our SIGTERM (timeout passes it on as 128+15), not by an error
	local st=0
	wait $bg || st=$?
	assert_equal "$st" 143
}

@test "maps-decode: one 500 MB line without a newline costs bounded memory and one counted warning" {
	local limit=$((48 * 1024))
	[ -z "${VFBUF_SANITIZE:-}" ] || limit=unlimited
	run --separate-stderr bash -c 'set -o pipefail; head -c 500M /dev/zero | tr "\0" x |
		(ulimit -v "$1"; exec timeout 120 "$0" maps-decode)' "$VFBUF" "$limit"
	assert_success
	assert_equal "$stderr" "vfbuf: maps-decode: warning: stdin: 1 line longer than a maps line (4352 bytes) skipped"
	assert_output ""
	# and a maps line after it still decodes
	run --separate-stderr bash -c '(head -c 10M /dev/zero | tr "\0" x; echo;
		echo "7f59e71f0000-7f59e71f1000 rw-s 00000000 00:0e 1 /dmabuf:vfio:0000:00:03.0:bar0") |
		(ulimit -v "$1"; exec "$0" maps-decode -r -n -o LINE,DEVICE)' "$VFBUF" "$limit"
	assert_success
	assert_output "2 0000:00:03.0"
}
