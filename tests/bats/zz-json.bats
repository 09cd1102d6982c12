#!/usr/bin/env bats
# Last of the host suite (files run in name order): every -J output the
# suite produced through vf or jq_ok (helpers.bash) was checked by
# tests/helpers/json-check; here the verdict over the whole run.
load helpers

@test "every -J output of the host suite is strict JSON of the man page's shapes" {
	[ -s "$BATS_RUN_TMPDIR/json-checked" ] || [ -s "$BATS_RUN_TMPDIR/json-bad" ] ||
		skip "no -J output checked in this run (run the whole suite: bats tests/bats)"
	if [ -s "$BATS_RUN_TMPDIR/json-bad" ]; then
		cat "$BATS_RUN_TMPDIR/json-bad" >&2
		false
	fi
	# the suite's -J tests all went through the check
	[ "$(wc -l < "$BATS_RUN_TMPDIR/json-checked")" -ge 40 ]
}
