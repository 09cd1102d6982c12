# Shared setup for the host suite (bats-core).
# $VFBUF is the binary under test (the Makefile exports the one it built,
# e.g. the sanitizer build); FIX is the checked-in fixture sysroot.
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${VFBUF:=$TOP/vfbuf}"
FIX=$TOP/tests/fixtures/sysroot
MAPS=$TOP/tests/fixtures/maps

# vf ARGS...: run vfbuf on the fixture tree.  With -J its standard output
# must be one strict JSON document of the shapes the man page lists
# (tests/helpers/json-check): otherwise the reason goes to stderr and to
# $BATS_RUN_TMPDIR/json-bad (zz-json.bats fails on it) and vf returns 98.
vf() {
	case " $* " in
	*" -J "* | *" --json "*) json_run "$VFBUF" --sysroot "$FIX" "$@" ;;
	*) "$VFBUF" --sysroot "$FIX" "$@" ;;
	esac
}

# json_run CMD...: run CMD, pass its output on, and check it as vf does.
json_run() {
	local out rc=0
	out=$(mktemp "${BATS_RUN_TMPDIR:-/tmp}/json.XXXXXX")
	"$@" > "$out" || rc=$?
	cat "$out"
	json_checked "$*" < "$out" || rc=98
	rm -f "$out"
	return "$rc"
}

# json_checked WHAT < JSON: check and record (WHAT names it in the log).
json_checked() {
	local why
	if why=$("$TOP/tests/helpers/json-check" 2>&1 > /dev/null); then
		echo "$1" >> "${BATS_RUN_TMPDIR:-/tmp}/json-checked"
		return 0
	fi
	printf '%s:\n%s\n' "$1" "$why" | tee -a "${BATS_RUN_TMPDIR:-/tmp}/json-bad" >&2
	return 1
}

bats_require_minimum_version 1.5.0

# jq_ok FILTER: $output is JSON and FILTER is true for it
jq_ok() {
	echo "$output" | json_checked "jq_ok $1" || return 1
	echo "$output" | jq -e "$1" > /dev/null || {
		echo "jq filter failed: $1" >&2
		echo "$output" >&2
		return 1
	}
}

# unreadable_copy: a copy of the fixture sysroot in $ROOT/root that an
# unprivileged user can enter (bats' own temporary directories are private),
# for tests that then lock parts of it and run vfbuf as nobody (as_nobody).
# The caller's teardown removes $ROOT. Skips, saying why, without setpriv or
# root.
unreadable_copy() {
	command -v setpriv > /dev/null || skip "setpriv (util-linux) is not installed"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to an unprivileged user"
	ROOT=$(mktemp -d /tmp/vfbuf-unreadable.XXXXXX)
	cp -a "$FIX" "$ROOT/root"
	chmod -R a+rX "$ROOT"
}
