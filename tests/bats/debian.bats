#!/usr/bin/env bats
# debian.bats - debian/ agrees with the tree: the changelog's version is
# VERSION (make deb refuses otherwise), and debian/copyright names a
# licence for every SPDX-License-Identifier in the tree, in the files it
# says.  The package itself is tested installed: tests/deb (make check-deb).

load helpers

# changelog_version: the version of debian/changelog's newest entry
changelog_version() {
	sed -nE '1s/^vfbuf \(([^)]+)\) .*/\1/p' "$TOP/debian/changelog"
}

@test "debian/changelog's newest entry is VERSION" {
	v=$(changelog_version)
	[ -n "$v" ] || { echo "debian/changelog's first line: $(head -n1 "$TOP/debian/changelog")"; false; }
	[ "$v" = "$(cat "$TOP/VERSION")" ] || {
		echo "debian/changelog says $v, VERSION $(cat "$TOP/VERSION"): add a changelog entry"
		false
	}
	if command -v dpkg-parsechangelog > /dev/null; then
		run dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version
		assert_success
		assert_output "$(cat "$TOP/VERSION")"
	fi
}

@test "make deb refuses a changelog that is not at VERSION" {
	t=$BATS_TEST_TMPDIR/tree
	mkdir -p "$t/scripts" "$t/debian"
	cp "$TOP/scripts/deb" "$t/scripts/"
	cp "$TOP/debian/changelog" "$t/debian/"
	echo 99.0.0 > "$t/VERSION"
	run "$t/scripts/deb"
	assert_failure 1
	assert_line "vfbuf: deb: debian/changelog is at version '$(changelog_version)', VERSION says '99.0.0'"
	assert_line --regexp '^hint: add a changelog entry'
	[ ! -e "$t/build" ]
}

# the licence debian/copyright gives FILE (the last Files: stanza matching it)
copyright_licence() {
	awk -v f="$1" '
		function glob2re(g) { gsub(/\./, "\\.", g); gsub(/\*/, ".*", g); gsub(/\?/, ".", g); return "^" g "$" }
		/^Files:/ { m = 0; for (i = 2; i <= NF; i++) if (f ~ glob2re($i)) m = 1; next }
		/^License:/ && m { lic = $2; m = 0 }
		END { print lic }' "$TOP/debian/copyright"
}

@test "debian/copyright states the licence of every file with an SPDX line" {
	declare -A deb=([GPL-2.0-or-later]=GPL-2+ [GPL-2.0-only]=GPL-2)
	cd "$TOP"
	n=0 bad=()
	while IFS=: read -r f id; do
		id=$(sed -E 's/.*SPDX-License-Identifier: *([^ */]+).*/\1/' <<< "$id")
		want=${deb[$id]:-"(no mapping for $id: add it here and to debian/copyright)"}
		got=$(copyright_licence "$f")
		[ "$got" = "$want" ] || bad+=("$f: $id, debian/copyright says '${got}'")
		n=$((n + 1))
	done < <(git ls-files -co --exclude-standard 2> /dev/null | grep -v '^debian/copyright$' |
		xargs -d '\n' grep -IHm1 -E 'SPDX-License-Identifier: [A-Za-z0-9][A-Za-z0-9.+-]*' 2> /dev/null)
	[ "$n" -gt 0 ] || { echo "no SPDX lines found (not a git tree?)"; false; }
	[ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}"; false; }
}
