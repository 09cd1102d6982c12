#!/usr/bin/env bats
# Faults on the real kernel (guest only): processes that die or close the
# device while buffers live, a busy group, clients that leave early, fd
# leaks, and missing privileges.  Passes on both drivers: stock vfio-pci
# (mainline: no mmap of VFIO dma-bufs, no revoke) and vfbuf_sim (the
# series).  This file owns ivshmem BAR2 0xb0000-0xb7fff.

load guest

setup_file() {
	guest_only || return 0
}

setup() {
	guest_setup
	S=$BATS_TEST_TMPDIR/s
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null || true; done
	local n
	for n in ${GROUP_NODE:-}; do chown 0:0 "$n"; done
}

# until FILE PATTERN: wait (5 s at most) for a line matching PATTERN in FILE
until_line() {
	for _ in $(seq 100); do grep -qE "$2" "$1" 2> /dev/null && return; sleep 0.05; done
	echo "no line '$2' in $1:" >&2
	cat "$1" >&2
	false
}

# serve RANGE: a primary vending ivshmem BAR2 RANGE on $S, speaking the
# series if the driver does (--uapi auto); sets P, LOG, INO
serve() {
	LOG=$BATS_TEST_TMPDIR/primary.log
	vfbuf --uapi auto export -s "$VFBUF_IVSHMEM" --bar 2 --range "$1" --serve "$S" > "$LOG" 2>&1 &
	P=$!
	PIDS+=("$P")
	until_line "$LOG" '^serving '
	INO=$(sed -n 's/^serving .* inode=\([0-9]*\) .*/\1/p' "$LOG")
}

# stat_row INODE COLUMNS: the stat row of that dma-buf inode (raw, bytes)
stat_row() { vfbuf stat -r -n -b -o "INODE,$2" | grep "^$1 " || true; }

SENTINEL=faults-sentinel-0123456789abcdef

@test "a subordinate killed while it maps the buffer: the primary serves on; stat shows the primary alone" {
	serve 0xb0000:8K
	local sub_out=$BATS_TEST_TMPDIR/sub.out
	if series; then
		vfbuf map --connect "$S" --hold -r -n -o PID,LENGTH -b > "$sub_out" 2>&1 &
		SUB=$!
		until_line "$sub_out" "^$SUB 8192\$"
	else
		# mainline cannot mmap it: the subordinate holds the fd it received
		vfbuf-fault recv "$S" > "$sub_out" &
		SUB=$!
		until_line "$sub_out" '^fd='
	fi
	PIDS+=("$SUB")
	run stat_row "$INO" HOLDERS
	assert_output --regexp "^$INO ($P\\(vfbuf\\):[0-9]+,$SUB\\((vfbuf|vfbuf-fault)\\):[0-9]+|$SUB\\((vfbuf|vfbuf-fault)\\):[0-9]+,$P\\(vfbuf\\):[0-9]+)\$"
	if series; then
		run stat_row "$INO" MAPS
		assert_output --regexp "^$INO $SUB:[0-9a-f]+-[0-9a-f]+\$"
	fi
	kill -9 "$SUB"
	wait "$SUB" || true
	kill -0 "$P"
	run stat_row "$INO" HOLDERS,MAPS
	assert_output --regexp "^$INO $P\\(vfbuf\\):[0-9]+ *\$"
	# the next subordinate is served the same buffer
	if series; then
		run vfbuf poke --connect "$S" -w 8 0 0x1122334455667788
		assert_success
		run vfbuf peek --connect "$S" -w 8 0
		assert_output "0x1122334455667788"
	else
		run --separate-stderr vfbuf map --connect "$S"
		assert_failure 69
	fi
	kill "$P"
	wait "$P"
	run cat "$LOG"
	assert_line --regexp "^handout 2 pid=[0-9]+ uid=0 inode=$INO\$"
	refute_line --partial warning
}

@test "a primary killed while a subordinate holds the fd: the fd stays a dma-buf, the device is free again" {
	serve 0xb2000:4K
	vfbuf-fault recv "$S" > "$BATS_TEST_TMPDIR/sub.out" &
	SUB=$!
	PIDS+=("$SUB")
	until_line "$BATS_TEST_TMPDIR/sub.out" '^fd='
	local fd
	fd=$(sed -n 's/^fd=\([0-9]*\) .*/\1/p' "$BATS_TEST_TMPDIR/sub.out")
	if series; then
		run vfbuf poke --pid "$SUB" --fd "$fd" -w 8 0 0x0102030405060708
		assert_success
	fi
	kill -9 "$P"
	wait "$P" || true
	# stat tells the truth: the subordinate holds the buffer, nobody the device
	run vfbuf stat --pid "$SUB" --fd "$fd" -r -n -b -o KIND,SIZE,EXPORTER,NAME,DEVICE,BAR
	assert_success
	assert_output "dmabuf 4096 $(exporter) vfio:$VFBUF_IVSHMEM:bar2 $VFBUF_IVSHMEM 2"
	run vfbuf stat -r -n -o KIND
	refute_line vfio-device
	# what the kernel allows with the fd now: the series revoked the buffer
	# when the last device fd closed (exit 3); mainline never maps it (69)
	run --separate-stderr vfbuf peek --pid "$SUB" --fd "$fd" 0
	if series; then
		assert_failure 3
		assert_output ""
		[[ "$stderr" =~ ^"vfbuf: peek: mmap of dma-buf fd $fd of process $SUB: the dma-buf was revoked".*"(ENODEV)"$ ]]
	else
		assert_failure 69
	fi
	# the dead primary's socket: nobody listens
	run --separate-stderr vfbuf map --connect "$S"
	assert_failure 1
	assert_equal "$stderr" "vfbuf: map: connecting to $S: Connection refused (ECONNREFUSED)
hint: is 'vfbuf export --serve' running there?"
	# the group is free: another primary takes the stale socket over
	serve 0xb2000:4K
	run vfbuf-fault recv "$S" true
	assert_success
	assert_output --regexp '^fd=[0-9]+ desc=size=4096 '
}

@test "the device fd closed while its export lives: stat, peek, revoke and a new export say what is left" {
	run vfbuf-fault orphan "$VFBUF_IVSHMEM" 2 0xb3000:4K bash -c '
		vfbuf stat --pid $$ -r -n -b -o KIND,SIZE,NAME,DEVICE,BAR; echo "stat rc=$?"
		vfbuf peek --fd $VFBUF_FD 0 > /dev/null 2>&1; echo "peek rc=$?"
		vfbuf revoke --pid $$ --fd $VFBUF_FD 2>&1; echo "revoke rc=$?"
		vfbuf export -s $VFBUF_IVSHMEM --bar 2 --range 0xb3000:4K -r -n -b -o SIZE; echo "export rc=$?"
		vfbuf peek --fd $VFBUF_FD 0 > /dev/null 2>&1; echo "peek rc=$?"'
	assert_success
	assert_line --index 0 "dmabuf 4096 vfio:$VFBUF_IVSHMEM:bar2 $VFBUF_IVSHMEM 2"
	assert_line --index 1 "stat rc=0"
	# the series revokes a device's buffers when its last fd closes (3)
	if series; then assert_line --index 2 "peek rc=3"; else assert_line --index 2 "peek rc=69"; fi
	assert_line --index 3 --regexp "^vfbuf: revoke: process [0-9]+: holds no VFIO device fd\$"
	assert_line --index 4 "hint: only the process that owns the device can revoke"
	assert_line --index 5 "revoke rc=1"
	assert_line --index 6 "4096"
	assert_line --index 7 "export rc=0"
	if series; then assert_line --index 8 "peek rc=3"; else assert_line --index 8 "peek rc=69"; fi
}

@test "a busy group: every command that opens the device names the holder (EBUSY, exit 1); nothing written" {
	# export alone: vfbuf-exercise.bats "export of a device another process holds"
	# (the holder opens the group; on the cdev door the bind is refused)
	local busy
	busy=$(busy_open "$VFBUF_IVSHMEM" "$VFBUF_IVSHMEM_GROUP")
	uapi-facts write "$VFBUF_IVSHMEM" 2 0xb4000 "$SENTINEL"
	vfbuf-holder --bar 2 --range 0xb4000:4K --no-heap --no-bar-map "$VFBUF_IVSHMEM" \
		< /dev/null > "$BATS_TEST_TMPDIR/holder" 2>&1 &
	local h=$! c
	PIDS+=("$h")
	until_line "$BATS_TEST_TMPDIR/holder" '^ready'
	for c in "map --bar 2" "peek --bar 2 0xb4000" "poke --bar 2 0xb4000 0x41414141" "export --bar 2" "revoke --fd 0"; do
		# shellcheck disable=SC2086 # c is the command and its options
		set -- $c
		run --separate-stderr vfbuf --uapi auto "$@" -s "$VFBUF_IVSHMEM"
		assert_failure 1
		assert_equal "$stderr" "vfbuf: $1: $busy: Device or resource busy (EBUSY)
hint: pid $h (vfbuf-holder) holds it"
	done
	run --separate-stderr vfbuf list --probe -s "$VFBUF_IVSHMEM" -r -n -o BDF
	assert_failure 1
	assert_output "$VFBUF_IVSHMEM"
	assert_equal "$stderr" "vfbuf: list: warning: $VFBUF_IVSHMEM: cannot probe: $busy: Device or resource busy (EBUSY)"
	kill "$h"
	wait "$h"
	run uapi-facts read "$VFBUF_IVSHMEM" 2 0xb4000 ${#SENTINEL}
	assert_output "$SENTINEL"
}

@test "a client that leaves before the handout, or right after asking to revoke: the primary warns and serves on" {
	serve 0xb5000:4K
	# connected while the primary is stopped, gone before it accepts
	kill -STOP "$P"
	vfbuf-fault client "$S" hangup
	kill -CONT "$P"
	until_line "$LOG" 'left before the handout'
	run vfbuf-fault client "$S" revoke-hangup
	assert_success
	run vfbuf-fault recv "$S" true
	assert_success
	kill -0 "$P"
	kill "$P"
	wait "$P"
	run cat "$LOG"
	assert_line --regexp "^vfbuf: export: warning: client pid [0-9]+ left before the handout\$"
	assert_line --regexp "^handout 1 pid=[0-9]+ uid=0 inode=[0-9]+\$"
	assert_line --regexp "^handout 2 pid=[0-9]+ uid=0 inode=[0-9]+\$"
	if series; then
		assert_line --regexp "^revoked inode=$INO by client\$"
		assert_line --regexp "^re-exported size=4096 "
	fi
}

@test "the primary's log reader goes away: the primary serves on (no death by SIGPIPE)" {
	mkfifo "$BATS_TEST_TMPDIR/log"
	head -1 < "$BATS_TEST_TMPDIR/log" > "$BATS_TEST_TMPDIR/first" &
	vfbuf export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xb5000:4K --serve "$S" > "$BATS_TEST_TMPDIR/log" &
	P=$!
	PIDS+=("$P")
	until_line "$BATS_TEST_TMPDIR/first" '^serving '
	# each handout writes a log line into the closed pipe
	run vfbuf-fault recv "$S" true
	assert_success
	run vfbuf-fault recv "$S" true
	assert_success
	kill -0 "$P"
	kill "$P"
	wait "$P" # exit 0 (run would wait in a subshell, which cannot)
}

@test "no fd leaks: every command, given 0-2 and a dma-buf by export --exec, exits with exactly those fds" {
	# vfbuf-fault fdcheck reads the command's /proc/PID/fd when it starts
	# and again at its exit stop (ptrace), before the kernel closes them.
	# export --exec's own child: vfbuf-exercise.bats "the command gets
	# stdin, stdout, stderr and the dma-buf, no more".
	cat > "$BATS_TEST_TMPDIR/all.sh" <<'SH'
c() { vfbuf-fault fdcheck vfbuf "$@" > /dev/null 2>> "$FDLOG"; echo "rc=$? vfbuf $*"; }
c list
c list --probe -s "$VFBUF_IVSHMEM"
c stat
c stat --pid $$ --fd "$VFBUF_FD"
c maps-decode --all
c maps-decode 999999
c export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xb6000:4K
c export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xb6000:4K --exec -- true
c export -s "$VFBUF_IVSHMEM" --bar 2 --range 0:0
c map --fd "$VFBUF_FD"
c peek --fd "$VFBUF_FD" 0
c poke --fd "$VFBUF_FD" 4 0x1
c peek --fd 77 0
c map -s "$VFBUF_IVSHMEM" --bar 2 --offset 0xb6000 --length 4K
c peek -s "$VFBUF_IVSHMEM" --bar 2 0xb6000
c poke -s "$VFBUF_IVSHMEM" --bar 2 0xb6000 0x1
c poke -s "$VFBUF_IVSHMEM" --bar 2 0xb6001 0x1
c peek -s "$VFBUF_IVSHMEM" --bar 7 0
c peek --pid $PPID --fd "$VFBUF_FD" 0
c --uapi auto revoke -s "$VFBUF_EDU" --fd "$VFBUF_FD"
vfbuf --uapi auto export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xb6000:4K --serve "$S" > /dev/null 2>&1 &
p=$!
for _ in $(seq 100); do [ -S "$S" ] && break; sleep 0.05; done
c map --connect "$S"
c peek --connect "$S" 0
c revoke --connect "$S"
kill $p
wait $p
c peek --connect "$S" 0
c --uapi auto revoke --pid $PPID --fd "$VFBUF_FD"
# the commands that run until a signal: SIGTERM once they say they run
h() {
	local o=$BATS_TEST_TMPDIR/h f k
	vfbuf-fault fdcheck vfbuf "$@" > "$o" 2> "$o.err" &
	f=$!
	for _ in $(seq 100); do grep -qE 'holds|^0x' "$o" "$o.err" && break; sleep 0.05; done
	k=$(cat /proc/$f/task/$f/children)
	kill -TERM $k
	wait $f
	echo "rc=$? vfbuf $*"
	grep fdcheck "$o.err" >> "$FDLOG"
}
h export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xb6000:4K --hold
h map -s "$VFBUF_IVSHMEM" --bar 2 --offset 0xb6000 --length 4K --hold
h peek -s "$VFBUF_IVSHMEM" --bar 2 --watch 0.2 0xb6000
SH
	export FDLOG=$BATS_TEST_TMPDIR/fdcheck.log S BATS_TEST_TMPDIR
	run vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:4K -n -o SIZE --exec -- bash "$BATS_TEST_TMPDIR/all.sh"
	assert_success
	echo "$output"
	refute_line --regexp '^rc=125 '
	refute_line --regexp '^rc=[1-9][0-9]* vfbuf (export|map|peek) .*(--hold|--watch)'
	[ "$(grep -c '^rc=' <<< "$output")" -eq 28 ]
	run cat "$FDLOG"
	refute_line --partial "fdcheck: leak"
	[ "$(grep -c '^fdcheck: given' <<< "$output")" -eq 28 ]
	[ "$(grep -c '^fdcheck: at exit' <<< "$output")" -eq 28 ]
}

@test "privilege: the group node and CAP_SYS_PTRACE are named when missing (77); nothing is done half-way" {
	local g=/dev/vfio/$VFBUF_IVSHMEM_GROUP as="vfbuf-fault as 1000" refused nodes
	# what is refused first, and what the user needs, by door
	refused="opening $g" nodes=$g
	if cdev_door; then
		refused="opening /dev/iommu for $VFBUF_IVSHMEM's cdev" nodes="/dev/iommu and the device's cdev"
		g="/dev/iommu $(cdev_node "$VFBUF_IVSHMEM")"
	fi
	uapi-facts write "$VFBUF_IVSHMEM" 2 0xb7000 "$SENTINEL"
	run --separate-stderr $as vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 0xb7000 0x41414141
	assert_failure 77
	assert_equal "$stderr" "vfbuf: poke: $refused: Permission denied (EACCES)
hint: needs read and write access to $nodes: run as root, or give your user the node (chown/udev rule)"
	local c
	for c in "export --bar 2 --range 0xb7000:4K" "map --bar 2" "peek --bar 2 0xb7000" "revoke --fd 0"; do
		# shellcheck disable=SC2086 # c is the command and its options
		set -- $c
		run --separate-stderr $as vfbuf --uapi auto "$@" -s "$VFBUF_IVSHMEM"
		assert_failure 77
		assert_equal "$(head -1 <<< "$stderr")" "vfbuf: $1: $refused: Permission denied (EACCES)"
	done
	run --separate-stderr $as vfbuf list --probe -s "$VFBUF_IVSHMEM" -r -n -o BDF
	assert_failure 77
	assert_output "$VFBUF_IVSHMEM"
	assert_equal "$stderr" "vfbuf: list: warning: $VFBUF_IVSHMEM: cannot probe: $refused: Permission denied (EACCES)"
	# a root primary's fd: taking it needs CAP_SYS_PTRACE; reading its fds too
	vfbuf export -s "$VFBUF_IVSHMEM" --bar 2 --range 0xb7000:4K --hold -r -n -o FD > "$BATS_TEST_TMPDIR/hold" 2> /dev/null &
	P=$!
	PIDS+=("$P")
	until_line "$BATS_TEST_TMPDIR/hold" '^[0-9]+$'
	local fd
	fd=$(cat "$BATS_TEST_TMPDIR/hold")
	run --separate-stderr $as vfbuf peek --pid "$P" --fd "$fd" 0
	assert_failure 77
	assert_equal "$stderr" "vfbuf: peek: pidfd_getfd(pid $P, dma-buf fd $fd): Operation not permitted (EPERM)
hint: taking another process's fd needs CAP_SYS_PTRACE (or ptrace access to it: same user, yama ptrace_scope 0)"
	run --separate-stderr $as vfbuf revoke --pid "$P" --fd "$fd"
	assert_failure 77
	assert_equal "$stderr" "vfbuf: revoke: reading the fds of process $P: Permission denied (EACCES)
hint: reading another user's fds needs root (CAP_DAC_READ_SEARCH to list them, CAP_SYS_PTRACE to read them)"
	run --separate-stderr $as vfbuf maps-decode "$P"
	assert_failure 77
	assert_equal "$(tail -1 <<< "$stderr")" "hint: another user's maps need root or CAP_SYS_PTRACE"
	# CAP_SYS_PTRACE is what taking the fd needs (mainline then refuses the
	# mmap: 69); listing the fds needs CAP_DAC_READ_SEARCH too, and with
	# it alone each fd's link is unreadable: still 77, never "no fds"
	run --separate-stderr vfbuf-fault as 1000 --cap-sys-ptrace vfbuf peek --pid "$P" --fd "$fd" -w 8 0
	if series; then
		assert_success
		assert_output "0x732d73746c756166" # "faults-s", little-endian
	else
		assert_failure 69
	fi
	for caps in --cap-sys-ptrace --cap-dac-read-search; do
		run --separate-stderr vfbuf-fault as 1000 $caps vfbuf stat --pid "$P" --fd "$fd"
		assert_failure 77
		assert_equal "$stderr" "vfbuf: stat: reading the fds of process $P: Permission denied (EACCES)
hint: reading another user's fds needs root (CAP_DAC_READ_SEARCH to list them, CAP_SYS_PTRACE to read them)"
	done
	run vfbuf-fault as 1000 --cap-sys-ptrace --cap-dac-read-search vfbuf stat --pid "$P" --fd "$fd" -r -n -b -o SIZE
	assert_output "4096"
	kill "$P"
	wait "$P"
	# the group node (the cdev door: /dev/iommu and the cdev) given to the
	# user is all it takes to use the device
	GROUP_NODE=$g
	# shellcheck disable=SC2086 # g is one or two nodes
	chown 1000:1000 $g
	run $as vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -w 8 0xb7008
	assert_success
	assert_output "0x2d6c656e69746e65" # "entinel-"
	# shellcheck disable=SC2086
	chown 0:0 $g
	run uapi-facts read "$VFBUF_IVSHMEM" 2 0xb7000 ${#SENTINEL}
	assert_output "$SENTINEL"
}
