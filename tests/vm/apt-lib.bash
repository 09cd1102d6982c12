# tests/vm/apt-lib.bash: the rig's private apt configuration, sourced by
# tests/vm/fetch-kernel (Debian's kernel packages) and tests/vm/build-kernel
# (Debian's linux-source package). Not a program.
#
# apt runs with its own sources list, lists, cache and status (no system
# sources.list.d or preferences), reusing the Debian mirror configured on
# this machine (never written into the tree) and the system's Debian archive
# keyring, with trixie-backports and sid. The system's apt configuration is
# not touched. State lives in ${VFBUF_CACHE:-$HOME/.cache/vfbuf}/apt/.
#
# The sourcing script defines say() and die() first.

CACHE=${VFBUF_CACHE:-$HOME/.cache/vfbuf}
APTDIR=$CACHE/apt
DEBDIR=$CACHE/debs
# Lists older than this many minutes are refreshed before choosing "newest".
MAX_AGE_MIN=${VFBUF_APT_MAX_AGE_MIN:-1440}

# The Debian mirror this machine already uses (never hard-coded here).
mirror() {
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	apt-get indextargets --format '$(REPO_URI)|$(LABEL)' 2>/dev/null |
		awk -F'|' '$2 == "Debian" { print $1; exit }'
}

APT_OPTS=(
	-o "Dir::Etc::sourcelist=$APTDIR/sources.list"
	-o "Dir::Etc::sourceparts=$APTDIR/sources.list.d"   # kept empty
	-o "Dir::Etc::preferences=$APTDIR/preferences"
	-o "Dir::Etc::preferencesparts=$APTDIR/preferences.d"
	-o "Dir::State=$APTDIR/state"
	-o "Dir::State::lists=$APTDIR/lists"
	-o "Dir::State::status=$APTDIR/status"
	-o "Dir::Cache=$APTDIR/cache"
	-o "Dir::Cache::archives=$APTDIR/cache/archives"
	-o "APT::Architecture=amd64"
	-o "APT::Architectures=amd64"
	-o "Acquire::Languages=none"
	-o "APT::Sandbox::User=root"   # the cache may be in a home _apt cannot write
	-o "Debug::NoLocking=1"        # private state: the system lock is not ours
	-q
)

apt_setup() {
	local m
	mkdir -p "$APTDIR"/{sources.list.d,preferences.d,state,lists/partial,cache/archives/partial}
	: > "$APTDIR/status"
	: > "$APTDIR/preferences"
	m=$(mirror)
	[ -n "$m" ] || die "no Debian mirror found in this machine's apt configuration"
	m=${m%/}
	cat > "$APTDIR/sources.list.new" <<-SRC
	# written by tests/vm/apt-lib.bash from this machine's apt configuration
	deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m trixie-backports main
	deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m sid main
	SRC
	mv "$APTDIR/sources.list.new" "$APTDIR/sources.list"
}

lists_fresh() {
	[ -n "$(find "$APTDIR/lists" -maxdepth 1 -name '*_Packages*' -mmin -"$MAX_AGE_MIN" 2>/dev/null | head -1)" ]
}

lists_present() {
	[ -n "$(find "$APTDIR/lists" -maxdepth 1 -name '*_Packages*' 2>/dev/null | head -1)" ]
}

apt_update() {
	say "updating private package lists (trixie-backports, sid)"
	apt-get "${APT_OPTS[@]}" update >&2 || return 1
}

# Package names starting with $1 that have an installable candidate, each as
# "NAME VERSION", one per line.
apt_candidates() {
	local names
	lists_present || return 0
	names=$(apt-cache "${APT_OPTS[@]}" pkgnames "$1" 2>/dev/null || true)
	[ -n "$names" ] || return 0
	# pkgnames also lists mere references: keep those with a candidate
	# shellcheck disable=SC2086
	apt-cache "${APT_OPTS[@]}" policy $names 2>/dev/null | awk '
		/^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1) }
		/^  Candidate:/ && $2 != "(none)" { print pkg, $2 }
	'
}

# Download packages (NAME or NAME=VERSION) into $DEBDIR.
apt_download() {
	mkdir -p "$DEBDIR"
	(cd "$DEBDIR" && apt-get "${APT_OPTS[@]}" download "$@" >&2)
}

# One user of the private apt state and the unpacked kernels at a time per
# cache: apt itself does not lock it (Debug::NoLocking). Takes fd 9.
cache_lock() {
	mkdir -p "$CACHE"
	exec 9> "$CACHE/.lock"
	if ! flock -n 9; then
		say "waiting for another user of $CACHE"
		flock 9
	fi
}

cache_unlock() {
	exec 9>&-
}
