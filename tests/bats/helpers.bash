# Shared setup for the host suite (bats-core).
# $VFBUF is the binary under test (the Makefile exports the one it built,
# e.g. the sanitizer build); FIX is the checked-in fixture sysroot.
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${VFBUF:=$TOP/vfbuf}"
FIX=$TOP/tests/fixtures/sysroot
MAPS=$TOP/tests/fixtures/maps

# vf ARGS...: run vfbuf on the fixture tree
vf() { "$VFBUF" --sysroot "$FIX" "$@"; }

bats_require_minimum_version 1.5.0

# jq_ok FILTER: $output is JSON and FILTER is true for it
jq_ok() {
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
