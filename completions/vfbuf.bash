# bash completion for vfbuf(1)                      -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Completes the commands, the global options (before or after the command),
# each command's options, column names after -o/--output (comma lists, +LIST),
# PCI addresses after -s/--slot, vendor:device IDs after -d/--device, PIDs for
# maps-decode and after stat --pid, the --pid process's fds after stat --fd,
# files after maps-decode --file and directories after --sysroot.
#
# Environment:
#   VFBUF_COMPLETION_SYSFS  directory whose entries are offered after -s (PCI
#                           addresses) and whose vendor/device files are
#                           offered after -d; default /sys/bus/pci/devices,
#                           under the --sysroot directory when the command
#                           line has one.  Meant for tests.
#
# ---- Adding a command or an option ----------------------------------------
# Everything about a command is in its block below:
#   _vfbuf_opts_NAME   its options (NAME with '-' written '_')
#   _vfbuf_cols_NAME   its -o/--output columns, if it has -o
#   _vfbuf_cols_NAME_LONG  the columns instead when the option --LONG is on
#                      the line (e.g. list --bars)
#   _vfbuf_args_NAME   what its non-option arguments are (a KIND below)
# and its name goes into _vfbuf_commands.  An option is written SHORT|--LONG,
# or just one of them, followed by =KIND when it takes an argument; KIND is
# one of: bdf id columns pid fd file dir uapi vfio bar width socket command
# (anything else, e.g. "any", completes nothing).  "command" as the
# arguments' kind: a command and its arguments after "--".
# @global, @table, @select and @source stand for the shared option groups
# (src/args.c, src/source.c).
# tests/bats/docs.bats checks all this against `vfbuf [COMMAND] --help`.

_vfbuf_commands='list stat maps-decode export map peek poke revoke import'

# shared option groups
_vfbuf_group_global='-J|--json -q|--quiet -v|--verbose --sysroot=dir --uapi=uapi --vfio=vfio -?|--help --usage'
# the values of --uapi and --vfio
_vfbuf_uapi_revs='auto none v1 v2 v3 v4 v5'
_vfbuf_vfio_doors='auto group cdev'
_vfbuf_group_table='-o|--output=columns -O|--output-all -b|--bytes -n|--noheadings -r|--raw'
_vfbuf_group_select='-s|--slot=bdf -d|--device=id'
# where map, peek and poke get their memory
_vfbuf_group_source='--fd=fd --pid=pid --connect=socket --bar=bar --offset=any --length=any --wc --no-check --close-fd'

# before the command
_vfbuf_opts_main='-V|--version @global'

# vfbuf list
_vfbuf_opts_list='-a|--all -B|--bars -p|--probe @select @table @global'
_vfbuf_cols_list='BDF IDS NAME CLASS DRIVER VFIO GROUP VIABLE BLOCKERS NODE CDEV DOORS BARS DMABUF SERIES SERIESHOW SERIESWHY PROBE'
_vfbuf_cols_list_bars='BDF BAR SIZE TYPE BITS PREFETCH FLAGS MMAP OFFSET'

# vfbuf stat
_vfbuf_opts_stat='-p|--pid=pid -f|--fd=fd @table @global'
_vfbuf_cols_stat='KIND INODE SIZE EXPORTER NAME DEVICE BAR HOLDERS MAPS COUNT IMPORTERS'

# vfbuf maps-decode
_vfbuf_opts_maps_decode='-a|--all -e|--everything -f|--file=file @table @global'
_vfbuf_cols_maps_decode='PID START END SIZE PERMS OFFSET KIND DEVICE VFIO BAR BAROFF NAME INODE LINE'
_vfbuf_args_maps_decode='pid'

# vfbuf export
_vfbuf_opts_export='--bar=bar -R|--range=any --rdonly -N|--name=any -w|--wc -C|--no-check -H|--hold -x|--exec -T|--revoke-after=any -S|--serve=socket -c|--count=any --pid=pid @select @table @global'
_vfbuf_cols_export='PID FD DEVICE BAR RANGES SIZE INODE EXPORTER NAME ACCESS WC'
_vfbuf_args_export='command'

# vfbuf map
_vfbuf_opts_map='-H|--hold @source @select @table @global'
_vfbuf_cols_map='PID ADDR LENGTH SOURCE KIND DEVICE BAR BAROFF NAME MAPS WC MEMTYPE'

# vfbuf peek
_vfbuf_opts_peek='-w|--width=width -c|--count=any -D|--dump -B|--binary=file --watch=any @source @select @global'

# vfbuf poke
_vfbuf_opts_poke='-w|--width=width -V|--verify @source @select @global'

# vfbuf revoke
_vfbuf_opts_revoke='--connect=socket --pid=pid --fd=fd @select @global'
# vfbuf import
_vfbuf_opts_import='--fd=fd --pid=pid --connect=socket --bar=bar -R|--range=any --iova=any --attach=bdf -H|--hold -x|--exec @select @table @global'
_vfbuf_cols_import='IOVA LENGTH IOAS SOURCE DEVICES'
_vfbuf_args_import='command'

# ---- machinery ---------------------------------------------------------------

# _vfbuf_spec NAME: the option specs of a command ("main": before one),
# groups expanded, one per line.
_vfbuf_spec()
{
	local var=_vfbuf_opts_${1//-/_} g w x
	local -a ws gs
	[[ $1 == main || " $_vfbuf_commands " == *" $1 "* ]] || return 0
	# read -a, not an unquoted expansion: "-?" must not glob
	read -ra ws <<< "${!var}"
	for w in "${ws[@]}"; do
		if [[ $w == @* ]]; then
			g=_vfbuf_group_${w#@}
			read -ra gs <<< "${!g}"
			for x in "${gs[@]}"; do printf '%s\n' "$x"; done
		else
			printf '%s\n' "$w"
		fi
	done
}

# _vfbuf_lookup SPECS OPTION: "LONG KIND" of OPTION (-x or --long) in SPECS
# (LONG is the long name, or the short one when there is none; KIND is "-"
# for an option without argument); fails when OPTION is not there.
_vfbuf_lookup()
{
	local s kind n
	local -a names
	while IFS= read -r s; do
		kind=-
		[[ $s == *=* ]] && kind=${s#*=}
		IFS='|' read -ra names <<< "${s%%=*}"
		for n in "${names[@]}"; do
			if [[ $n == "$2" ]]; then
				printf '%s %s\n' "${names[-1]}" "$kind"
				return 0
			fi
		done
	done <<< "$1"
	return 1
}

# _vfbuf_words: words/cword from COMP_WORDS/COMP_CWORD, with the pieces bash
# split at ':' (COMP_WORDBREAKS) joined again, so that a PCI address or a
# vendor:device ID is one word.  A piece joins the previous one when it starts
# with ':' or the previous one ends with ':', and (when COMP_LINE is set) no
# blank separates them.
_vfbuf_words()
{
	local i w rest t blank
	local line=${COMP_LINE:-}
	line=${line:0:${COMP_POINT:-${#line}}}
	rest=$line
	words=() cword=0
	for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		blank=0
		if [[ -n $line ]]; then
			t=${rest#"${rest%%[![:blank:]]*}"}
			((${#t} != ${#rest})) && blank=1
			rest=${t#"$w"}
		fi
		if ((i > 0 && !blank)) && [[ $w == :* || ${words[-1]} == *: ]]; then
			words[-1]+=$w
		else
			words+=("$w")
		fi
		((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
	done
	((${#words[@]})) || words=("")
}

# _vfbuf_reply [-S SUFFIX] [-P PREFIX] WORDLIST CUR
_vfbuf_reply()
{
	mapfile -t COMPREPLY < <(compgen "$@")
}

_vfbuf_bdfs()
{
	local d=$1 f n
	for f in "$d"/*; do
		n=${f##*/}
		[[ $n == ????:??:??.? ]] && printf '%s\n' "$n"
	done
}

_vfbuf_ids()
{
	local d=$1 f v dv
	for f in "$d"/*; do
		[[ -r $f/vendor && -r $f/device ]] || continue
		{ read -r v < "$f/vendor" && read -r dv < "$f/device"; } || continue
		printf '%s:%s\n' "${v#0x}" "${dv#0x}"
	done | sort -u
}

_vfbuf_pids()
{
	local f
	for f in "$1"/proc/[0-9]*; do
		[[ -d $f ]] && printf '%s\n' "${f##*/}"
	done
}

# _vfbuf_arg KIND CUR: complete an option's argument (or a command's
# non-option argument) of that kind.
_vfbuf_arg()
{
	local kind=$1 cur=$2 sysfs list prefix realcur var c
	sysfs=${VFBUF_COMPLETION_SYSFS:-$sysroot/sys/bus/pci/devices}
	case $kind in
	bdf)
		list=$(_vfbuf_bdfs "$sysfs")
		_vfbuf_reply -W "$list" -- "$cur"
		if ((!${#COMPREPLY[@]})) && [[ -n $cur ]]; then
			# lspci style: the domain may be left out when it is 0000
			list=$(sed -n 's/^0000://p' <<< "$list")
			_vfbuf_reply -W "$list" -- "$cur"
		fi
		;;
	id)
		_vfbuf_reply -W "$(_vfbuf_ids "$sysfs")" -- "$cur"
		;;
	columns)
		var=_vfbuf_cols_${cmd//-/_}
		for c in "${seen[@]}"; do
			c=${var}_${c#--}
			c=${c//-/_}
			[[ -n ${!c:-} ]] && var=$c
		done
		list=
		realcur=${cur##*,}
		prefix=${cur%"$realcur"}
		if [[ -z $prefix && $realcur == +* ]]; then
			prefix=+
			realcur=${realcur#+}
		fi
		for c in ${!var:-}; do
			[[ ,${prefix#+}, == *",$c,"* ]] || list+=" $c"
		done
		_vfbuf_reply -P "$prefix" -S , -W "$list" -- "${realcur^^}"
		compopt -o nospace 2> /dev/null
		;;
	pid)
		_vfbuf_reply -W "$(_vfbuf_pids "$sysroot")" -- "$cur"
		;;
	fd)
		[[ -n $pid ]] && _vfbuf_reply -W "$(cd "$sysroot/proc/$pid/fd" 2> /dev/null && printf '%s\n' *)" -- "$cur"
		;;
	dir)
		compopt -o filenames 2> /dev/null
		_vfbuf_reply -d -- "$cur"
		;;
	uapi)
		_vfbuf_reply -W "$_vfbuf_uapi_revs" -- "$cur"
		;;
	vfio)
		_vfbuf_reply -W "$_vfbuf_vfio_doors" -- "$cur"
		;;
	bar)
		_vfbuf_reply -W '0 1 2 3 4 5' -- "$cur"
		;;
	width)
		_vfbuf_reply -W '1 2 4 8' -- "$cur"
		;;
	file | socket)
		compopt -o filenames 2> /dev/null
		_vfbuf_reply -f -- "$cur"
		;;
	command)
		# only after "--": the command, then its arguments (files)
		((dashdash)) || return 0
		if ((cword == dashdash + 1)); then
			_vfbuf_reply -c -- "$cur"
		else
			compopt -o filenames 2> /dev/null
			_vfbuf_reply -f -- "$cur"
		fi
		;;
	esac
}

# _vfbuf_set LONG VALUE: remember the values _vfbuf_arg needs.
_vfbuf_set()
{
	case $1 in
	--sysroot) sysroot=${2%/} ;;
	--pid) pid=$2 ;;
	esac
}

_vfbuf()
{
	local words cword cur prev specs cmd='' sysroot='' pid='' expect='' argopt='' eq='' i w r c
	local dashdash=0
	local -a seen=()
	COMPREPLY=()
	_vfbuf_words
	cur=${words[cword]}
	prev=
	((cword > 0)) && prev=${words[cword - 1]}
	specs=$(_vfbuf_spec main)

	# what is on the line before the word being completed
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		((dashdash)) && continue
		[[ $w == = ]] && continue
		if [[ -n $expect ]]; then
			_vfbuf_set "$expect" "$w"
			expect=
			continue
		fi
		if [[ $w == -- && -n $cmd ]]; then
			dashdash=$i
		elif [[ $w == --?* ]]; then
			r=$(_vfbuf_lookup "$specs" "${w%%=*}") || continue
			seen+=("${r% *}")
			if [[ ${r#* } != - ]]; then
				if [[ $w == *=* ]]; then
					_vfbuf_set "${r% *}" "${w#*=}"
				else
					expect=${r% *}
				fi
			fi
		elif [[ $w == -?* ]]; then
			# one short option or a bundle (-abp, -ofoo)
			for ((c = 1; c < ${#w}; c++)); do
				r=$(_vfbuf_lookup "$specs" "-${w:c:1}") || break
				seen+=("${r% *}")
				if [[ ${r#* } != - ]]; then
					if ((c + 1 < ${#w})); then
						_vfbuf_set "${r% *}" "${w:c+1}"
					else
						expect=${r% *}
					fi
					break
				fi
			done
		elif [[ -z $cmd ]]; then
			cmd=$w
			specs=$(_vfbuf_spec "$cmd")
		fi
	done

	# after "--": the command's arguments only
	if ((dashdash)); then
		w=_vfbuf_args_${cmd//-/_}
		[[ -n ${!w:-} ]] && _vfbuf_arg "${!w}" "$cur"
		return 0
	fi

	# the argument of an option?
	if [[ $cur == = ]]; then
		argopt=$prev cur=
	elif [[ $prev == = ]] && ((cword > 1)); then
		argopt=${words[cword - 2]}
	elif [[ $cur == --?*=* ]]; then
		argopt=${cur%%=*} cur=${cur#*=}
		eq=$argopt=
	elif [[ -n $expect ]]; then
		argopt=$expect
	fi
	if [[ -n $argopt ]]; then
		r=$(_vfbuf_lookup "$specs" "$argopt") || r=
		if [[ -n $r && ${r#* } != - ]]; then
			_vfbuf_arg "${r#* }" "$cur"
			if [[ -n $eq ]]; then
				COMPREPLY=("${COMPREPLY[@]/#/$eq}")
			fi
			_vfbuf_colon_trim
			return 0
		fi
	fi

	if [[ $cur == -* ]]; then
		local s all=
		local -a names
		while IFS= read -r s; do
			IFS='|' read -ra names <<< "${s%%=*}"
			all+=" ${names[*]}"
		done <<< "$specs"
		_vfbuf_reply -W "$all" -- "$cur"
	elif [[ -z $cmd ]]; then
		_vfbuf_reply -W "$_vfbuf_commands" -- "$cur"
	elif [[ " $_vfbuf_commands " == *" $cmd "* ]]; then
		w=_vfbuf_args_${cmd//-/_}
		[[ -n ${!w:-} ]] && _vfbuf_arg "${!w}" "$cur"
	fi
	_vfbuf_colon_trim
	return 0
}

# bash replaces only the text after the last ':' (COMP_WORDBREAKS): drop what
# comes before it from the replies, as bash-completion's
# __ltrim_colon_completions does.
_vfbuf_colon_trim()
{
	local i colon_word
	if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
		colon_word=${cur%"${cur##*:}"}
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"$colon_word"}
		done
	fi
}

complete -F _vfbuf vfbuf
