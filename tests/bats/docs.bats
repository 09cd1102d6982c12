#!/usr/bin/env bats
# docs.bats - `vfbuf --help`, man/vfbuf.1 and completions/vfbuf.bash agree.
#
# Everything expected is parsed from the binary's own --help (the commands,
# each command's short and long options, its -o columns, the exit codes), so
# a new command, option or column is checked without editing this file.
#
# What is parsed from the man page (conventions noted at its top):
#   - commands: the .SS headings under .SH COMMANDS;
#   - options: the tag line (the line after .TP) of the items under .SH
#     "GLOBAL OPTIONS" (vfbuf's own) and under each command's .SS;
#   - columns: the ".B NAME" tag lines of the column lists in each .SS;
#   - exit codes: the tag lines under .SH "EXIT STATUS".
# The completion is exercised by calling its completion function with
# COMP_WORDS/COMP_CWORD/COMP_LINE set, in a fresh bash.

load helpers

MAN=$TOP/man/vfbuf.1
COMPLETION=$TOP/completions/vfbuf.bash

# ---- what --help says ----

# help_commands: the command names listed by `vfbuf --help`, sorted
help_commands() {
	"$VFBUF" --help | awk '
		/^Commands:/ { on = 1; next }
		on && /^$/ { exit }
		on && /^  [^ ]/ { print $1 }' | sort
}

# help_options [CMD]: the short and long options of `vfbuf [CMD] --help`,
# one per line, sorted ("--output", not "--output=COLUMNS")
help_options() {
	"$VFBUF" ${1:+"$1"} --help | awk '
		/^  -[^-], --/ { print substr($1, 1, 2); l = $2; sub(/[=[].*/, "", l); print l; next }
		/^  -[^-] /    { print substr($1, 1, 2); next }
		/^      --/    { l = $1; sub(/[=[].*/, "", l); print l }' | LC_ALL=C sort -u
}

# help_pairs [CMD]: "-x --long" for each option that has both forms
help_pairs() {
	"$VFBUF" ${1:+"$1"} --help | awk '
		/^  -[^-], --/ { l = $2; sub(/[=[].*/, "", l); print substr($1, 1, 2), l }' |
		LC_ALL=C sort -u
}

# help_column_blocks CMD: "COND COLUMN" lines from the "Columns for
# -o/--output" lists of CMD --help; COND is "-" for the default list, or the
# option of the "With --OPTION:" line that introduces another list.  A list
# ends at an empty line (argp may wrap a column's text to column 0).
help_column_blocks() {
	"$VFBUF" "$1" --help | awk '
		/^With --[a-z-]+:$/ { cond = $2; sub(/:$/, "", cond); next }
		/^Columns for / { on = 1; if (cond == "") cond = "-"; next }
		on && /^  [A-Z][A-Z0-9_]*  / { print cond, $1; next }
		/^$/ { on = 0; cond = "" }'
}

# help_exit_codes: the codes in the "Exit status: ..." sentence of --help
help_exit_codes() {
	"$VFBUF" --help | tr '\n' ' ' | sed -nE 's/.*Exit status: ([^.]*)\..*/\1/p' |
		tr ',' '\n' | sed -nE 's/^ *([0-9]+) .*/\1/p' | sort -n
}

# ---- what the man page says ----

# man_unescape: roff escapes out of tag lines
man_unescape() {
	sed -E 's/\\f[BIRP]//g; s/\\f\(..//g; s/\\-/-/g; s/\\&//g; s/\\e/\\/g'
}

# man_section_tags SECTION [SUBSECTION]: the tag lines (the line after each
# .TP) of .SH SECTION, or of its .SS SUBSECTION, unescaped
man_section_tags() {
	awk -v sec="$1" -v sub_="${2-}" '
		function unq(s) { gsub(/"/, "", s); gsub(/\\-/, "-", s); return s }
		/^\.SH / { s = $0; sub(/^\.SH +/, "", s); in_sec = (unq(s) == sec); in_sub = (sub_ == ""); next }
		/^\.SS / { s = $0; sub(/^\.SS +/, "", s); in_sub = (sub_ == "" || unq(s) == sub_); next }
		tag { tag = 0; if (in_sec && in_sub) print; next }
		/^\.TP/ { tag = 1 }' "$MAN" | man_unescape
}

# man_commands: the .SS headings of .SH COMMANDS, sorted
man_commands() {
	awk '/^\.SH / { on = ($0 ~ /^\.SH +"?COMMANDS"?$/); next }
		on && /^\.SS / { s = $0; sub(/^\.SS +/, "", s); gsub(/"/, "", s); print s }' "$MAN" |
		man_unescape | sort
}

# tag_options: the options at the start of each ", "-separated part of tag
# lines on stdin, one per line
tag_options() {
	grep -E '^-' | tr -s ',' '\n' | sed -nE 's/^ *(--?[^-=[ ][^=[ ]*).*/\1/p'
}

# man_options SECTION [SUBSECTION]: options documented there, sorted
man_options() {
	man_section_tags "$@" | tag_options | LC_ALL=C sort -u
}

# man_pairs SECTION [SUBSECTION]: "-x --long" from tag lines that hold
# exactly one short and one long option
man_pairs() {
	man_section_tags "$@" | grep -E '^-' | while IFS= read -r tag; do
		opts=$(tag_options <<< "$tag")
		[ "$(wc -l <<< "$opts")" -eq 2 ] || continue
		short=$(grep -E '^-[^-]$' <<< "$opts") || continue
		long=$(grep -E '^--' <<< "$opts") || continue
		echo "$short $long"
	done | LC_ALL=C sort -u
}

# man_columns CMD: the column names listed in CMD's subsection, sorted
man_columns() {
	man_section_tags COMMANDS "$1" | sed -nE 's/^\.B +([A-Z][A-Z0-9_]*)$/\1/p' | sort -u
}

# ---- what the completion offers ----

# shellcheck disable=SC2016 # expanded by the inner bash
comp_script='
	source "$1" || exit 1
	shift
	spec=$(complete -p vfbuf) || exit 1
	[[ $spec =~ -F\ ([^ ]+) ]] || { echo "no completion function in: $spec"; exit 1; }
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE=${CLINE-"$*"}
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"${BASH_REMATCH[1]}" vfbuf "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	for r in "${COMPREPLY[@]}"; do printf "%s\n" "$r"; done
'

# comp WORD...: what the completion offers for the command line WORD...,
# the last word being the one completed; one reply per line.  $CLINE, if
# set, is COMP_LINE (default: the words joined by spaces).
comp() {
	bash --norc --noprofile -c "$comp_script" comp "$COMPLETION" "$@"
}

# comp_sorted WORD...: the replies, sorted, without the trailing "," the
# completion adds after column names
comp_sorted() {
	comp "$@" | sed 's/,$//' | LC_ALL=C sort -u
}

# ---- tests ----

@test "docs: the man page is clean under mandoc -Tlint -W warning" {
	run mandoc -Tlint -W warning "$MAN"
	assert_success
	assert_output ""
}

@test "docs: --help, the man page and the completion list the same commands" {
	expected=$(help_commands)
	[ -n "$expected" ] || fail "no commands parsed from 'vfbuf --help'"
	assert_equal "$(man_commands)" "$expected"
	assert_equal "$(comp vfbuf '' | sort)" "$expected"
}

@test "docs: the man page's GLOBAL OPTIONS are the options of 'vfbuf --help'" {
	expected=$(help_options)
	[ -n "$expected" ] || fail "no options parsed from 'vfbuf --help'"
	assert_equal "$(man_options 'GLOBAL OPTIONS')" "$expected"
	assert_equal "$(man_pairs 'GLOBAL OPTIONS' | grep -vxFf <(help_pairs))" ""
}

@test "docs: the man page documents every command's options as its --help does" {
	local cmd n=0
	for cmd in $(help_commands); do
		expected=$(help_options "$cmd")
		[ -n "$expected" ] || fail "no options parsed from 'vfbuf $cmd --help'"
		assert_equal "$cmd: $(man_options COMMANDS "$cmd" | tr '\n' ' ')" \
			"$cmd: $(tr '\n' ' ' <<< "$expected")"
		# "-x, --long" in the man page is a pair in --help too
		assert_equal "$cmd: $(man_pairs COMMANDS "$cmd" | grep -vxFf <(help_pairs "$cmd") | tr '\n' ' ')" \
			"$cmd: "
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "docs: the man page lists every command's output columns as its --help does" {
	local cmd n=0
	for cmd in $(help_commands); do
		expected=$(help_column_blocks "$cmd" | awk '{ print $2 }' | sort -u)
		[ -n "$expected" ] || continue
		assert_equal "$cmd: $(man_columns "$cmd" | tr '\n' ' ')" "$cmd: $(tr '\n' ' ' <<< "$expected")"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no command's --help lists columns"
}

@test "docs: the man page lists the exit codes of 'vfbuf --help'" {
	expected=$(help_exit_codes)
	[ -n "$expected" ] || fail "no exit codes parsed from 'vfbuf --help'"
	assert_equal "$(man_section_tags 'EXIT STATUS' | sed -nE 's/^\.B +([0-9]+)$/\1/p' | sort -n | tr '\n' ' ')" \
		"$(tr '\n' ' ' <<< "$expected")"
}

@test "docs: the exit codes of 'vfbuf --help' are those of src/vfbuf.h" {
	expected=$(sed -nE 's/^[[:space:]]*VF_EXIT_[A-Z_]+ = ([0-9]+),.*/\1/p' "$TOP/src/vfbuf.h" | sort -n)
	[ -n "$expected" ] || fail "no VF_EXIT_* codes in src/vfbuf.h"
	assert_equal "$(help_exit_codes | tr '\n' ' ')" "$(tr '\n' ' ' <<< "$expected")"
}

@test "docs: the environment variables 'vfbuf --help' names are in the man page's ENVIRONMENT" {
	expected=$("$VFBUF" --help | grep -oE 'VFBUF_[A-Z_]+' | sort -u)
	[ -n "$expected" ] || fail "no VFBUF_* variable named by 'vfbuf --help'"
	documented=$(man_section_tags ENVIRONMENT | sed -nE 's/^\.B +(VFBUF_[A-Z_]+)$/\1/p' | sort -u)
	assert_equal "$(comm -23 <(echo "$expected") <(echo "$documented") | tr '\n' ' ')" ""
}

@test "completion: offers the options of 'vfbuf --help' before the command" {
	expected=$(help_options)
	[ -n "$expected" ]
	assert_equal "$(comp_sorted vfbuf -)" "$expected"
	# and only the long ones after --
	assert_equal "$(comp_sorted vfbuf --)" "$(grep -- '^--' <<< "$expected")"
}

@test "completion: offers each command's options as its --help lists them" {
	local cmd n=0
	for cmd in $(help_commands); do
		expected=$(help_options "$cmd")
		[ -n "$expected" ]
		assert_equal "$cmd: $(comp_sorted vfbuf "$cmd" - | tr '\n' ' ')" \
			"$cmd: $(tr '\n' ' ' <<< "$expected")"
		# global options before the command change nothing
		assert_equal "$cmd: $(comp_sorted vfbuf -J --sysroot / -q "$cmd" - | tr '\n' ' ')" \
			"$cmd: $(tr '\n' ' ' <<< "$expected")"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "completion: offers the column names after -o and --output" {
	local cmd cond n=0
	for cmd in $(help_commands); do
		for cond in $(help_column_blocks "$cmd" | awk '{ print $1 }' | sort -u); do
			expected=$(help_column_blocks "$cmd" | awk -v c="$cond" '$1 == c { print $2 }' | LC_ALL=C sort -u)
			set -- vfbuf "$cmd"
			[ "$cond" = - ] || set -- "$@" "$cond"
			assert_equal "$cmd $cond -o: $(comp_sorted "$@" -o '' | tr '\n' ' ')" \
				"$cmd $cond -o: $(tr '\n' ' ' <<< "$expected")"
			# --output=VALUE, as bash splits it at '='
			assert_equal "$cmd $cond --output=: $(CLINE="$* --output=" comp_sorted "$@" --output = '' | tr '\n' ' ')" \
				"$cmd $cond --output=: $(tr '\n' ' ' <<< "$expected")"
			n=$((n + 1))
		done
	done
	[ "$n" -gt 0 ] || fail "no command's --help lists columns"
}

@test "completion: completes the next column of a comma list after -o" {
	local cmd first second
	for cmd in $(help_commands); do
		first=$(help_column_blocks "$cmd" | awk '$1 == "-" { print $2 }' | sed -n 1p)
		second=$(help_column_blocks "$cmd" | awk '$1 == "-" { print $2 }' | sed -n 2p)
		[ -n "$second" ] || continue
		run comp vfbuf "$cmd" -o "$first,${second:0:1}"
		assert_line --regexp "^$first,$second,?\$"
		# a column already in the list is not offered again
		refute_line --regexp "^$first,$first,?\$"
		# +LIST adds to the defaults
		run comp vfbuf "$cmd" -o "+${second:0:1}"
		assert_line --regexp "^\\+$second,?\$"
		return 0
	done
	fail "no command with two columns"
}

@test "completion: offers PCI addresses after -s/--slot and IDs after -d/--device" {
	local dir=$BATS_TEST_TMPDIR/pci cmd n=0 bdfs ids
	mkdir -p "$dir/0000:00:1f.3" "$dir/0000:3a:00.0" "$dir/0001:00:02.0" "$dir/not-a-device"
	echo 0x8086 > "$dir/0000:00:1f.3/vendor"; echo 0xa348 > "$dir/0000:00:1f.3/device"
	echo 0x10de > "$dir/0000:3a:00.0/vendor"; echo 0x1db6 > "$dir/0000:3a:00.0/device"
	echo 0x8086 > "$dir/0001:00:02.0/vendor"; echo 0xa348 > "$dir/0001:00:02.0/device"
	bdfs='0000:00:1f.3 0000:3a:00.0 0001:00:02.0 '
	ids='10de:1db6 8086:a348 '
	export VFBUF_COMPLETION_SYSFS=$dir
	for cmd in $(help_commands); do
		help_options "$cmd" | grep -qx -- --slot || continue
		assert_equal "$(comp_sorted vfbuf "$cmd" -s '' | tr '\n' ' ')" "$bdfs"
		assert_equal "$(CLINE="vfbuf $cmd --slot=" comp_sorted vfbuf "$cmd" --slot = '' | tr '\n' ' ')" "$bdfs"
		# bash splits 0000:3a:0 at the colons and replaces only the last piece
		assert_equal "$(CLINE="vfbuf $cmd -s 0000:3a:0" comp vfbuf "$cmd" -s 0000 : 3a : 0)" "00.0"
		if help_options "$cmd" | grep -qx -- --device; then
			assert_equal "$(comp_sorted vfbuf "$cmd" -d '' | tr '\n' ' ')" "$ids"
			assert_equal "$(CLINE="vfbuf $cmd --device 8086:" comp vfbuf "$cmd" --device 8086 :)" "a348"
		fi
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no command has --slot"
}

@test "completion: offers PIDs for maps-decode arguments and after stat --pid" {
	[ -d /proc/$$ ] || skip "no /proc"
	help_commands | grep -qx maps-decode || skip "no maps-decode command"
	run comp vfbuf maps-decode ''
	assert_line "$$"
	assert_line 1
	run comp vfbuf stat --pid ''
	assert_line "$$"
	run comp vfbuf stat -p ''
	assert_line "$$"
	# not where an option's argument is something else
	run comp vfbuf stat -o ''
	refute_line "$$"
}

@test "completion: offers files after maps-decode --file and directories after --sysroot" {
	local d=$BATS_TEST_TMPDIR/files
	mkdir -p "$d/sub"
	: > "$d/maps.txt"
	run comp vfbuf maps-decode --file "$d/ma"
	assert_output "$d/maps.txt"
	run comp vfbuf maps-decode -f "$d/"
	assert_line "$d/maps.txt"
	run comp vfbuf --sysroot "$d/"
	assert_output "$d/sub"
	run comp vfbuf list --sysroot "$d/"
	assert_output "$d/sub"
}

@test "completion: offers nothing for an unknown command" {
	run comp vfbuf no-such-command -
	assert_success
	assert_output ""
}
