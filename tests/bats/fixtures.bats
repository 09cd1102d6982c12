#!/usr/bin/env bats
# The checked-in fixture tree is what tests/fixtures/mk-sysroot makes.
load helpers

@test "tests/fixtures/sysroot matches mk-sysroot's output" {
	"$TOP/tests/fixtures/mk-sysroot" "$BATS_TEST_TMPDIR/root" 2>/dev/null
	run diff -r --no-dereference "$FIX" "$BATS_TEST_TMPDIR/root"
	assert_success
	assert_output ""
}
