# bench/maps-decode.awk: what people write today to decode /proc/PID/maps
# VFIO and dma-buf lines without vfbuf.  POSIX awk (mawk, gawk, busybox).
# Prints the columns vfbuf maps-decode prints by default: START SIZE
# PERMS KIND DEVICE BAR BAROFF NAME, for dma-bufs named either way
# (the series' vfioN:BDF/BAR with index << 40 in the offset column, vfbuf's
# vfio:BDF:barN) and for BAR mappings through a VFIO device fd.  Unlike
# vfbuf it does not handle names cut at the dma-buf name limit (31
# characters): the benchmark's file has none.
function hexnum(s,   i, v) {
	v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
function tohex(v,   s, d) {	# printf %x is 32-bit in some awks
	s = ""
	do { d = v % 16; s = substr("0123456789abcdef", d + 1, 1) s; v = (v - d) / 16 } while (v > 0)
	return s
}
function human(v) {
	if (v % 1073741824 == 0) return (v / 1073741824) "G"
	if (v % 1048576 == 0) return (v / 1048576) "M"
	if (v % 1024 == 0) return (v / 1024) "K"
	return v
}
function isbdf(s) { return s ~ /^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-1][0-9a-f]\.[0-7]$/ }
BEGIN { printf "%-12s %5s %-5s %-10s %-12s %3s %8s %s\n", "START", "SIZE", "PERMS", "KIND", "DEVICE", "BAR", "BAROFF", "NAME" }
# cheap filter first: ordinary lines cost one regular-expression scan
/\/dmabuf:|vfio/ {
	# the path may hold spaces: it is everything after the inode field
	name = $0
	sub(/^[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +/, "", name)
	split($1, a, "-")
	start = a[1]; end = a[2]; size = hexnum(end) - hexnum(start); off = hexnum($3)
	sub(/^0+/, "", start); sub(/^0+/, "", end)
	kind = ""; dev = ""; vfio = ""; bar = ""; baroff = ""
	if (substr(name, 1, 8) == "/dmabuf:") {
		name = substr(name, 9)
		kind = "dmabuf"
		if (name ~ /^vfio:/) {			# vfio:BDF:barN
			if (isbdf(substr(name, 6, 12)) && substr(name, 18) ~ /^:bar[0-5]$/) {
				dev = substr(name, 6, 12); bar = substr(name, 22, 1)
			}
		} else if (name ~ /^vfio[0-9]+:/) {	# vfioN:BDF/BAR
			c = index(name, ":")
			d = substr(name, c + 1, 12)
			rest = substr(name, c + 13)
			if (isbdf(d) && (rest == "" || rest ~ /^\/[0-5]$/)) {
				kind = "dmabuf-bar"; dev = d; vfio = substr(name, 1, c - 1)
				bar = rest == "" ? int(off / 1099511627776) : substr(rest, 2)
				baroff = "0x" tohex(off % 1099511627776)
			}
		}
	} else if (name == "anon_inode:[vfio-device]" || name ~ /^\/dev\/vfio\/devices\/vfio[0-9]+$/) {
		kind = "vfio-bar"
		if (name ~ /^\/dev/) vfio = substr(name, 19)
		bar = int(off / 1099511627776); baroff = "0x" tohex(off % 1099511627776)
	} else
		next
	printf "%-12s %5s %-5s %-10s %-12s %3s %8s %s\n", start == "" ? "0" : start, human(size), $2, kind, dev, bar, baroff, name
}
