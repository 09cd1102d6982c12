#!/usr/bin/env bats
# make install honours PREFIX and DESTDIR and installs binary, man page and
# bash completion.
load helpers

@test "make install DESTDIR=... PREFIX=/opt/vf" {
	run make -s -C "$TOP" install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/opt/vf
	assert_success
	[ -x "$BATS_TEST_TMPDIR/root/opt/vf/bin/vfbuf" ]
	cmp "$BATS_TEST_TMPDIR/root/opt/vf/share/man/man1/vfbuf.1" "$TOP/man/vfbuf.1"
	cmp "$BATS_TEST_TMPDIR/root/opt/vf/share/bash-completion/completions/vfbuf" "$TOP/completions/vfbuf.bash"
	run "$BATS_TEST_TMPDIR/root/opt/vf/bin/vfbuf" --version
	assert_output "vfbuf $(cat "$TOP/VERSION")"
	run make -s -C "$TOP" uninstall DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/opt/vf
	assert_success
	run find "$BATS_TEST_TMPDIR/root" -type f
	assert_output ""
}
