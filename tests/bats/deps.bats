#!/usr/bin/env bats
# deps.bats - scripts/deps: nothing printed when nothing is missing; as
# root one line per group it installs packages for, apt's output in the
# log; on failure the log's path and its tail; not root: the apt-get
# command.  All but the first test run it against a fake apt-get, id and
# dpkg-query (first on PATH), so nothing is installed.

load helpers

DEPS=$TOP/scripts/deps

setup() {
	FAKE=$BATS_TEST_TMPDIR/bin
	mkdir -p "$FAKE"
	export CALLS=$BATS_TEST_TMPDIR/apt-calls VFBUF_DEPS_LOG=$BATS_TEST_TMPDIR/deps.log
	export FAKE_UID=0 FAKE_APT_FAIL=never FAKE_INSTALLED=" "
	export UPDATED=$BATS_TEST_TMPDIR/updated
	cat > "$FAKE/id" <<-'EOS'
		#!/bin/bash
		[ "$1" = -u ] && { echo "$FAKE_UID"; exit 0; }
		exec /usr/bin/id "$@"
	EOS
	# dpkg-query -W -f='${Status}' PKG: installed when PKG is in $FAKE_INSTALLED
	cat > "$FAKE/dpkg-query" <<-'EOS'
		#!/bin/bash
		pkg=${!#}
		[[ $FAKE_INSTALLED == *" $pkg "* ]] || exit 1
		printf 'install ok installed'
	EOS
	# apt-get: records its arguments, says a lot, fails as $FAKE_APT_FAIL says
	cat > "$FAKE/apt-get" <<-'EOS'
		#!/bin/bash
		echo "$*" >> "$CALLS"
		if [ "$1" = update ]; then echo "Reading package lists... (fake)"; touch "$UPDATED"; exit 0; fi
		for i in $(seq 300); do echo "Unpacking fake-package-$i (1.0) ..."; done
		case $FAKE_APT_FAIL in
		always) echo "E: Unable to locate package (fake)"; exit 100 ;;
		until-update) [ -f "$UPDATED" ] || { echo "E: Unable to locate package (fake)"; exit 100; } ;;
		esac
		echo "Setting up (fake) done"
	EOS
	chmod +x "$FAKE"/*
}

# the packages of an apt-get install call line (without its options)
call_pkgs() {
	sed -E 's/^install //; s/(^| )-o [^ ]+//g; s/(^| )-[^ ]+//g; s/^ +//' <<< "$1"
}

@test "deps: nothing is printed for groups already installed" {
	# the host suite runs after make installed these (make check-host)
	run --separate-stderr "$DEPS" build test
	assert_success
	assert_output ""
	[ -z "$stderr" ] || { echo "stderr: $stderr"; false; }
}

@test "deps: as root, one line per group installed, apt's output in the log" {
	PATH=$FAKE:$PATH run "$DEPS" build test
	assert_success
	[ "${#lines[@]}" -eq 2 ] || { echo "want 2 lines, got ${#lines[@]}: $output"; false; }
	assert_line --index 0 --regexp '^deps: installing build: [a-z].* \.\.\. ok$'
	assert_line --index 1 --regexp '^deps: installing test: [a-z].* \.\.\. ok$'
	# apt's 300 lines of each call are in the log, not on the terminal
	[ "$(grep -c '^Unpacking fake-package' "$VFBUF_DEPS_LOG")" -eq 600 ]
	refute_output --partial Unpacking
	# one apt-get install per group, with that group's packages
	[ "$(wc -l < "$CALLS")" -eq 2 ]
	[ "$(call_pkgs "$(sed -n 1p "$CALLS")") ... ok" = "${lines[0]#deps: installing build: }" ]
	[ "$(call_pkgs "$(sed -n 2p "$CALLS")") ... ok" = "${lines[1]#deps: installing test: }" ]
}

@test "deps: a package in two groups is installed once, installed ones not at all" {
	export FAKE_INSTALLED=" gcc "
	PATH=$FAKE:$PATH run "$DEPS" build vm sim
	assert_success
	all=$(while read -r l; do call_pkgs "$l"; done < "$CALLS" | tr ' ' '\n' | grep .)
	[ -n "$all" ]
	dups=$(sort <<< "$all" | uniq -d)
	[ -z "$dups" ] || { echo "installed twice: $dups"; false; }
	! grep -qx gcc <<< "$all"
	# make is in build and vm: it is installed with build
	grep -q ' make ' <<< " $(call_pkgs "$(sed -n 1p "$CALLS")") "
	[ "${#lines[@]}" -eq "$(wc -l < "$CALLS")" ]
}

@test "deps: a fresh machine: install fails, apt-get update, install again" {
	export FAKE_APT_FAIL=until-update
	PATH=$FAKE:$PATH run "$DEPS" build
	assert_success
	assert_output --regexp '^deps: installing build: .* \.\.\. ok$'
	[ "${#lines[@]}" -eq 1 ]
	run sed -E 's/ .*//' "$CALLS"
	assert_output "$(printf 'install\nupdate\ninstall')"
}

@test "deps: apt fails: exit 1, the log's path and its last lines" {
	export FAKE_APT_FAIL=always
	PATH=$FAKE:$PATH run "$DEPS" build test
	assert_failure 1
	assert_line --index 0 --regexp '^deps: installing build: .* \.\.\. failed$'
	assert_line "vfbuf: deps: apt-get install $(call_pkgs "$(sed -n 1p "$CALLS")") failed; its output: $VFBUF_DEPS_LOG"
	assert_line "  E: Unable to locate package (fake)"
	# the tail, not the whole log; and the second group was not tried
	[ "${#lines[@]}" -le 20 ]
	refute_output --partial "installing test"
}

@test "deps: not root: the apt-get command to run, nothing installed" {
	export FAKE_UID=1000
	PATH=$FAKE:$PATH run "$DEPS" build
	assert_failure 1
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 0 --regexp '^vfbuf: missing packages: [a-z]'
	# the command installs exactly the packages it says are missing
	assert_line --index 1 "hint: sudo apt-get install -y ${lines[0]#vfbuf: missing packages: }"
	[ ! -e "$CALLS" ]
}

@test "deps: an unknown group" {
	PATH=$FAKE:$PATH run "$DEPS" build nosuch
	assert_failure 2
	assert_output "scripts/deps: unknown group 'nosuch'"
	[ ! -e "$CALLS" ]
}
