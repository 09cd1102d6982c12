#!/usr/bin/env bats
# The source tree's structure (issue 15): headers that stand alone, the
# kernel interface at the bottom, and one PCI scan per command.
load helpers

SRC=$TOP/src

# cc_syntax FILE...: the headers, included in that order, compile
cc_syntax() {
	local f
	for f in "$@"; do echo "#include \"$f\""; done |
		cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$SRC" \
			$(pkg-config --cflags libpci smartcols) -fsyntax-only -x c -
}

@test "every header compiles alone" {
	local h failed=
	for h in "$SRC"/*.h; do
		cc_syntax "$(basename "$h")" || failed="$failed $(basename "$h")"
	done
	assert_equal "$failed" ""
}

@test "the headers compile together, in sorted and in reverse order" {
	local hs
	mapfile -t hs < <(cd "$SRC" && ls ./*.h | sed 's|^\./||')
	[ "${#hs[@]}" -gt 10 ]
	cc_syntax "${hs[@]}"
	cc_syntax $(printf '%s\n' "${hs[@]}" | tac)
}

# includes FILE: the project headers FILE includes
includes() { sed -n 's/^#include "\(.*\)"$/\1/p' "$SRC/$1" | sort | tr '\n' ' '; }

@test "vfio.c, the kernel interface, includes only its header, compat.h and vfbuf.h" {
	assert_equal "$(includes vfio.c)" "compat.h vfbuf.h vfio.h "
	assert_equal "$(includes vfio.h)" ""
}

@test "no core module includes the command layer (cmd.h)" {
	local f bad=
	for f in "$SRC"/*.c "$SRC"/*.h; do
		case $(basename "$f") in cmd-*.c | cmd.h | args.c | main.c) continue ;; esac
		grep -q '^#include "cmd.h"' "$f" && bad="$bad $(basename "$f")"
	done
	assert_equal "$bad" ""
}

@test "no file includes a command file (cmd-*.c)" {
	run grep -l '^#include "cmd-' "$SRC"/*.c "$SRC"/*.h
	assert_failure
}

# scans CMD...: how many times vfbuf scanned the PCI tree (-vv says each)
scans() { vf -vv "$@" 2>&1 | grep -c 'scanning PCI devices' || true; }

@test "export -s BDF scans the PCI tree once" {
	assert_equal "$(scans export -s 00:03.0 --bar 0)" 1
}

@test "export --pid PID (with and without -s) scans the PCI tree once" {
	assert_equal "$(scans export --pid 100 --bar 0)" 1
	assert_equal "$(scans export --pid 100 -s 00:03.0 --bar 0)" 1
}

@test "peek, poke and map -s BDF --bar N scan the PCI tree once" {
	assert_equal "$(scans peek -s 00:03.0 --bar 0 0)" 1
	assert_equal "$(scans poke -s 00:03.0 --bar 0 0 1)" 1
	assert_equal "$(scans map -s 00:03.0 --bar 0)" 1
	assert_equal "$(scans revoke -s 00:03.0 --fd 0)" 1
}

@test "the fuzzers need no snapshot of vfbuf's globals: only the settings global vf is writable state of the option parsers" {
	# each command keeps its options in a local struct: no 'static struct' of options
	run grep -ln '^static struct {' "$SRC"/cmd-*.c "$SRC"/main.c
	assert_failure
	[ ! -e "$TOP/tests/fuzz/state.h" ]
}
