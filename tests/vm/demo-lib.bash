# tests/vm/demo-lib.bash: what the guest halves of `make demo`
# (demo-tour, demo-vending) share: narration, steps and their tally.

# the serial console is a tty of 80 columns: let tables breathe
export COLUMNS=${COLUMNS:-200}
steps=0 ok=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# tally DESCRIPTION EXPECTED-STATUS STATUS: count a step, say if it went wrong
tally() {
	steps=$((steps + 1))
	if [ "$3" -eq "$2" ]; then
		ok=$((ok + 1))
	else
		printf '!! %s: exit %d, expected %d\n' "$1" "$3" "$2"
	fi
}

# step DESCRIPTION EXPECTED-STATUS COMMAND...: show COMMAND, run it, tally it
step() {
	local what=$1 want=$2
	shift 2
	local a line=
	# as it would be typed: words with blanks or quotes quoted
	for a in "$@"; do
		if [[ $a =~ [[:space:]\'\"\$\\\&\|\;\(\)\<\>] ]]; then line+=" ${a@Q}"; else line+=" $a"; fi
	done
	printf '$%s\n' "$line"
	"$@"
	tally "$what" "$want" $?
}

# summary TITLE: the tally's last line; the status is 0 only if every step
# went as expected
summary() {
	printf '\n\033[1m%s: %d of %d steps as expected\033[0m\n' "$1" "$ok" "$steps"
	[ "$ok" -eq "$steps" ]
}
