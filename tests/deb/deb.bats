#!/usr/bin/env bats
# deb.bats - the package that make deb built (build/deb/vfbuf_VERSION_*.deb,
# or $DEB), installed on this machine with dpkg -i: the installed
# /usr/bin/vfbuf is VERSION, runs list, has no RPATH/RUNPATH; man finds its
# page; bash loads its completion from the installed path; dpkg -r and
# --purge remove every file it installed.  Run by make check-deb (after
# make deb), as root.  The tests run in order and share the installation;
# teardown_file purges the package whatever failed.
#
# It refuses (skips, saying why) when vfbuf is already installed, as a
# package or as a file the package would replace (make install
# PREFIX=/usr): it never removes what it did not install.

load ../bats/helpers

PKG=vfbuf
STATE=${BATS_FILE_TMPDIR:-/tmp}

# the .deb's files and symlinks (not directories), as absolute paths
deb_files() {
	dpkg-deb --fsys-tarfile "$DEB" | tar -t | sed -n 's|^\./|/|p' | grep -v '/$' | sort
}

# refuse REASON: every test skips with REASON (bats cannot skip in setup_file)
refuse() {
	echo "$1" > "$STATE/refused"
}

setup() {
	[ ! -f "$STATE/refused" ] || skip "$(cat "$STATE/refused")"
}

setup_file() {
	[ "$(id -u)" -eq 0 ] || { refuse "dpkg -i needs root"; return 0; }
	version=$(cat "$TOP/VERSION")
	if [ -z "${DEB:-}" ]; then
		DEB=$(ls "$TOP"/build/deb/vfbuf_"$version"_*.deb 2> /dev/null | head -n1) || true
	fi
	[ -n "$DEB" ] && [ -f "$DEB" ] || {
		echo "no build/deb/vfbuf_${version}_*.deb: run make deb first (make check-deb does)" >&2
		return 1
	}
	export DEB
	status=$(dpkg-query -W -f='${db:Status-Status}' "$PKG" 2> /dev/null || true)
	if [ -n "$status" ] && [ "$status" != not-installed ]; then
		refuse "package $PKG is already on this machine ($status, $(dpkg-query -W -f='${Version}' "$PKG")): not replacing it; dpkg --purge $PKG to run these tests"
		return 0
	fi
	for f in $(deb_files); do
		if [ -e "$f" ] || [ -L "$f" ]; then
			refuse "$f exists (make install PREFIX=/usr?) and dpkg -i would replace it: remove it to run these tests"
			return 0
		fi
	done
	# directories the package brings that are not here yet: removal must take them away
	for d in $(dpkg-deb --fsys-tarfile "$DEB" | tar -t | sed -n 's|^\./\(.\+\)/$|/\1|p'); do
		[ -d "$d" ] || echo "$d"
	done > "$STATE/new-dirs"
	touch "$STATE/ours"
}

teardown_file() {
	if [ -f "$STATE/ours" ] && dpkg-query -W "$PKG" > /dev/null 2>&1; then
		dpkg --purge "$PKG" > /dev/null 2>&1 || true
	fi
	return 0
}

@test "dpkg -i installs the package, and its files are the .deb's" {
	run dpkg -i "$DEB"
	assert_success
	run dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$PKG"
	assert_output "ii  $(cat "$TOP/VERSION")"
	dpkg -L "$PKG" | while read -r f; do [ -d "$f" ] && [ ! -L "$f" ] || echo "$f"; done | sort > "$STATE/installed"
	deb_files > "$STATE/expected"
	run diff "$STATE/expected" "$STATE/installed"
	assert_success
	grep -qx /usr/bin/vfbuf "$STATE/installed"
	grep -qx /usr/share/man/man1/vfbuf.1.gz "$STATE/installed"
	grep -qx /usr/share/bash-completion/completions/vfbuf "$STATE/installed"
}

@test "the installed vfbuf's --version is VERSION" {
	run /usr/bin/vfbuf --version
	assert_success
	assert_output "vfbuf $(cat "$TOP/VERSION")"
}

@test "the installed vfbuf runs list on the fixture sysroot" {
	run /usr/bin/vfbuf --sysroot "$FIX" -J list --all
	assert_success
	# every PCI device of the fixture tree, no other
	want=$(ls "$FIX/sys/bus/pci/devices" | sort)
	got=$(echo "$output" | jq -r '.devices[].bdf' | sort)
	[ -n "$want" ] && [ "$got" = "$want" ] || { echo "devices: got '$got', want '$want'"; false; }
	# and the table is the tree's build's, byte for byte
	if [ -x "$VFBUF" ]; then
		run /usr/bin/vfbuf --sysroot "$FIX" list
		assert_success
		installed=$output
		run "$VFBUF" --sysroot "$FIX" list
		assert_output "$installed"
	fi
}

@test "man -w finds the installed page, and man renders it" {
	if grep -rqs '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d; then
		skip "dpkg is configured not to install man pages (path-exclude in /etc/dpkg/dpkg.cfg.d)"
	fi
	run man -w vfbuf
	assert_success
	assert_output /usr/share/man/man1/vfbuf.1.gz
	cmp <(zcat /usr/share/man/man1/vfbuf.1.gz) "$TOP/man/vfbuf.1"
	run env MANPAGER=cat MANWIDTH=80 man vfbuf
	assert_success
	assert_line --regexp '^NAME'
	assert_line --regexp '^ +vfbuf - '
}

# shellcheck disable=SC2016 # expanded by the inner bash
@test "bash loads the completion from its installed path" {
	run bash --norc --noprofile -c '
		source /usr/share/bash-completion/completions/vfbuf || exit 1
		complete -p vfbuf
		COMP_WORDS=(vfbuf lis) COMP_CWORD=1 COMP_LINE="vfbuf lis" COMP_POINT=9 COMPREPLY=()
		_vfbuf vfbuf lis vfbuf
		echo "reply: ${COMPREPLY[*]}"'
	assert_success
	assert_line "complete -F _vfbuf vfbuf"
	assert_line "reply: list"
}

# shellcheck disable=SC2016 # expanded by the inner bash
@test "bash-completion's loader finds it by the command's name" {
	[ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed (scripts/deps deb installs it)"
	run bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion || exit 1
		complete -p vfbuf 2> /dev/null && { echo "loaded before asked"; exit 1; }
		_completion_loader vfbuf
		complete -p vfbuf'
	assert_success
	assert_output "complete -F _vfbuf vfbuf"
}

@test "the installed binary has no RPATH or RUNPATH" {
	run readelf -d /usr/bin/vfbuf
	assert_success
	assert_line --regexp '\(NEEDED\).*\[libpci\.so\.3\]'
	refute_line --regexp 'RPATH|RUNPATH'
}

# the flags dpkg-buildflags gives debian/rules (hardening=+all)
buildflags() {
	DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"
}

@test "the build compiled and linked every file with dpkg-buildflags' flags" {
	log=$(dirname "$DEB")/build.log
	[ -f "$log" ] || { echo "no build log $log"; false; }
	compiles=$(grep -E '^cc .* -c -o build/default/[^ ]+\.o src/' "$log") || { echo "no compile command in $log (V=1?)"; false; }
	links=$(grep -E '^cc .* -o build/default/vfbuf ' "$log") || { echo "no link command in $log"; false; }
	# one compile per source file of the tree that was packaged
	[ "$(wc -l <<< "$compiles")" -eq "$(ls "$(dirname "$DEB")/vfbuf-$(cat "$TOP/VERSION")"/src/*.c | wc -l)" ]
	for f in $(buildflags CFLAGS | sed 's/-ffile-prefix-map=[^ ]*//') $(buildflags CPPFLAGS); do
		n=$(grep -cF -- " $f " <<< "$compiles" || true)
		[ "$n" -eq "$(wc -l <<< "$compiles")" ] || { echo "$f missing from compiles"; false; }
	done
	for f in $(buildflags LDFLAGS); do
		grep -qF -- " $f " <<< "$links" || { echo "$f missing from the link: $links"; false; }
	done
	# and the project's own warnings, -Werror included, alongside
	grep -qF -- " -Werror " <<< "$compiles"
}

@test "the installed binary has the hardening those flags give" {
	run readelf -dW /usr/bin/vfbuf
	assert_success
	if buildflags LDFLAGS | grep -q -- '-z,now'; then assert_line --regexp '\(FLAGS\).*BIND_NOW'; fi
	readelf -lW /usr/bin/vfbuf | grep -q GNU_RELRO
	syms=$(readelf --dyn-syms -W /usr/bin/vfbuf)
	if buildflags CFLAGS | grep -q -- -fstack-protector; then grep -q __stack_chk_fail <<< "$syms"; fi
	if buildflags CPPFLAGS | grep -q -- -D_FORTIFY_SOURCE; then grep -qE '__[a-z]+_chk' <<< "$syms"; fi
}

@test "the package depends on the libraries the binary links" {
	run dpkg-query -W -f='${Depends}' "$PKG"
	assert_success
	assert_output --regexp '(^|, )libpci3( |,|$)'
	assert_output --regexp '(^|, )libc6( |,|$)'
	# every library the binary links comes from a package it depends on
	local deps=$output lib pkg
	for lib in $(readelf -d /usr/bin/vfbuf | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		pkg=$(dpkg -S "*/$lib" 2> /dev/null | grep -v -- -dev | head -1 | cut -d: -f1)
		[ -n "$pkg" ] || fail "no package ships $lib"
		[[ ", $deps," == *", $pkg "* || ", $deps," == *", $pkg,"* ]] || fail "$lib ($pkg) is not in Depends: $deps"
	done
}

@test "dpkg -r removes every file it installed, dpkg --purge the package" {
	[ -s "$STATE/installed" ] || { echo "the install test did not record the files"; false; }
	run dpkg -r "$PKG"
	assert_success
	left=()
	while read -r f; do
		[ ! -e "$f" ] && [ ! -L "$f" ] || left+=("$f")
	done < "$STATE/installed"
	while read -r d; do
		[ ! -d "$d" ] || left+=("$d/")
	done < "$STATE/new-dirs"
	[ ${#left[@]} -eq 0 ] || { echo "left after dpkg -r: ${left[*]}"; false; }
	run dpkg --purge "$PKG"
	assert_success
	run dpkg-query -W -f='${db:Status-Status}' "$PKG"
	[ "$status" -ne 0 ] || [ "$output" = not-installed ]
	[ ! -e /usr/bin/vfbuf ]
}
