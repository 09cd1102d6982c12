#!/usr/bin/env bats
# kernel-uapi.bats: every fact of shared/docs/uapi.md section 1 that vfbuf
# relies on, checked on the running kernel (guest only: make check-vm).
#
# tests/helpers/uapi-facts drives the uAPI once per device (edu BAR0 and
# ivshmem BAR2, both 1 MiB) and once for a dma-heap buffer, printing one
# "fact: result" line each; every test below asserts some of those lines,
# so a kernel that changes behaviour fails a test named after the fact.

load guest

setup_file() {
	guest_only || return 0
	# These are vfio-pci's answers; a variant driver (tests/vm/run --driver)
	# answers differently on purpose.
	if [ "${VFBUF_VM_DRIVER:-vfio-pci}" != vfio-pci ]; then
		file_skip "the devices are bound to $VFBUF_VM_DRIVER, not vfio-pci"
		return 0
	fi
	export FACTS_DIR=$BATS_FILE_TMPDIR
	uapi-facts device "$VFBUF_EDU" 0 > "$FACTS_DIR/edu" 2> "$FACTS_DIR/edu.err" ||
		echo "exit $?" >> "$FACTS_DIR/edu.err"
	uapi-facts device "$VFBUF_IVSHMEM" 2 > "$FACTS_DIR/ivshmem" 2> "$FACTS_DIR/ivshmem.err" ||
		echo "exit $?" >> "$FACTS_DIR/ivshmem.err"
	uapi-facts heap "vfio0:$VFBUF_EDU/2" > "$FACTS_DIR/heap" 2> "$FACTS_DIR/heap.err" ||
		echo "exit $?" >> "$FACTS_DIR/heap.err"
	uapi-facts two-devices "$VFBUF_EDU" "$VFBUF_IVSHMEM" > "$FACTS_DIR/two" \
		2> "$FACTS_DIR/two.err" || echo "exit $?" >> "$FACTS_DIR/two.err"
}

setup() {
	guest_setup
}

# Load a facts file into $output and $lines, as `run cat FILE` would, but
# without a fork (forks are slow under TCG).
facts() {
	mapfile -t lines < "$FACTS_DIR/$1"
	local IFS=$'\n'
	output="${lines[*]}"
}

# Assert that the loaded facts have the line $1: a whole-line match first,
# bats-assert's assert_line (and its diagnostics) only when that fails.
# (assert_line walks every line under bats' per-command DEBUG trap, which
# costs seconds over this file under TCG.)
has() {
	[[ $'\n'$output$'\n' == *$'\n'"$1"$'\n'* ]] || assert_line "$1"
}

# Assert that each of the given lines is in the edu facts.
edu() {
	local l
	facts edu
	for l in "$@"; do has "$l"; done
}

# ... in the ivshmem facts.
ivshmem() {
	local l
	facts ivshmem
	for l in "$@"; do has "$l"; done
}

# ... in both devices' facts.
both() {
	edu "$@"
	ivshmem "$@"
}

# ... in the dma-heap facts.
heap() {
	local l
	facts heap
	for l in "$@"; do has "$l"; done
}

@test "uapi-facts ran to the end on both devices and the heap" {
	for f in edu.err ivshmem.err heap.err two.err; do
		facts "$f"
		assert_output ''
	done
	# the last fact of each run is there
	both 'close-device-fdinfo: same'
	facts heap
	assert_line --partial 'heap-maps-closed: '
}

@test "container: VFIO API version 0 and the TYPE1v2 IOMMU" {
	both 'container-api: 0' 'container-type1v2: 1'
}

@test "BAR sizes: edu BAR0 and ivshmem BAR2 are 1 MiB, as sysfs says" {
	both 'bar-size: 1048576'
	# sysfs resource: line N+1 is "start end flags" of BAR N
	local start end
	read -r start end _ < <(sed -n 1p "/sys/bus/pci/devices/$VFBUF_EDU/resource")
	[ $((end - start + 1)) -eq 1048576 ]
	read -r start end _ < <(sed -n 3p "/sys/bus/pci/devices/$VFBUF_IVSHMEM/resource")
	[ $((end - start + 1)) -eq 1048576 ]
}

@test "PROBE|GET DMA_BUF: supported (0)" {
	both 'probe-get: ok'
}

@test "PROBE|SET and SET DMA_BUF: EINVAL" {
	both 'probe-set: EINVAL' 'set: EINVAL'
}

@test "one range {0,4K} O_RDWR|O_CLOEXEC: an fd of 4096 bytes, fdinfo flags 02000002" {
	both 'one-range: ok size=4096 flags=02000002'
}

@test "two ranges {0,4K},{8K,8K} O_RDONLY: 12288 bytes, fdinfo flags 00" {
	both 'two-ranges: ok size=12288 flags=00'
}

@test "the whole BAR can be exported" {
	both 'whole-bar: ok size=1048576'
}

@test "two identical overlapping ranges are accepted (sizes add up)" {
	both 'overlap: ok size=8192'
}

@test "flags != 0 (1, 0x80000000): EINVAL" {
	both 'flags-1: EINVAL' 'flags-msb: EINVAL'
}

@test "nr_ranges = 0: EINVAL" {
	both 'nr-ranges-0: EINVAL'
}

@test "unaligned offset or length, and length 0: EINVAL" {
	both 'unaligned-offset: EINVAL' 'unaligned-length: EINVAL' 'length-0: EINVAL'
}

@test "a range past the BAR end, straddling it or longer than the BAR: EINVAL" {
	both 'past-end: EINVAL' 'straddle: EINVAL' 'too-long: EINVAL'
}

@test "offset 0xfffffffffffff000 length 8K: EOVERFLOW" {
	both 'overflow: EOVERFLOW'
}

@test "two ranges whose lengths overflow when added: EINVAL" {
	both 'sum-overflow: EINVAL'
}

@test "nr_ranges = 1<<28: ENOMEM" {
	both 'nr-ranges-huge: ENOMEM'
}

@test "nr_ranges beyond what argsz covers: EINVAL; argsz of the header only: EINVAL" {
	both 'nr-ranges-beyond-argsz: EINVAL' 'argsz-header-only: EINVAL'
}

@test "regions without a BAR, ROM (6), config (7), 99: ENODEV" {
	both 'region-1: ENODEV' 'region-3: ENODEV' 'region-4: ENODEV' 'region-5: ENODEV' \
		'region-6: ENODEV' 'region-7: ENODEV' 'region-99: ENODEV'
	edu 'region-2: ENODEV'
}

@test "a BAR smaller than a page (ivshmem BAR0, 256 B) with a 4K range: EINVAL" {
	ivshmem 'region-0: EINVAL'
	local start end
	read -r start end _ < "/sys/bus/pci/devices/$VFBUF_IVSHMEM/resource"
	[ $((end - start + 1)) -eq 256 ]
}

@test "mmap() of a VFIO dma-buf, RW or RO: EINVAL (mainline has no mmap)" {
	both 'mmap-rw: EINVAL' 'mmap-ro: EINVAL'
}

@test "read() of a VFIO dma-buf: EINVAL" {
	both 'read: EINVAL'
}

@test "DMA_BUF_IOCTL_SYNC on a VFIO dma-buf: 0" {
	both 'sync: ok'
}

@test "DMA_BUF_SET_NAME: 31 characters are accepted" {
	both 'name-31: ok name=abcdefghijklmnopqrstuvwxyz01234'
}

@test "DMA_BUF_SET_NAME: 32 or more characters are EINVAL and the old name stays" {
	both 'name-32: EINVAL name=abcdefghijklmnopqrstuvwxyz01234' \
		'name-42: EINVAL name=abcdefghijklmnopqrstuvwxyz01234'
}

@test "fdinfo of an unnamed VFIO dma-buf: exp_name vfio_pci_core, size, no name" {
	both 'fdinfo-unnamed: exp_name=vfio_pci_core size=4096 name=-'
}

@test "fdinfo of a named VFIO dma-buf shows the name" {
	edu "set-name: ok" "fdinfo-named: exp_name=vfio_pci_core size=4096 name=vfio:$VFBUF_EDU:bar0"
	ivshmem "set-name: ok" "fdinfo-named: exp_name=vfio_pci_core size=4096 name=vfio:$VFBUF_IVSHMEM:bar2"
}

@test "fdinfo ino: equals the fd's inode number" {
	both 'fdinfo-ino: same'
}

@test "readlink of a dma-buf fd: /dmabuf: then /dmabuf:NAME" {
	both 'link-unnamed: /dmabuf:'
	edu "link-named: /dmabuf:vfio:$VFBUF_EDU:bar0"
	ivshmem "link-named: /dmabuf:vfio:$VFBUF_IVSHMEM:bar2"
}

@test "device fd: anon_inode:[vfio-device] with fdinfo vfio-device-syspath" {
	both 'devfd-link: anon_inode:[vfio-device]'
	edu "devfd-syspath: $(readlink -f "/sys/bus/pci/devices/$VFBUF_EDU")"
	ivshmem "devfd-syspath: $(readlink -f "/sys/bus/pci/devices/$VFBUF_IVSHMEM")"
}

@test "region offset is index << 40" {
	both 'region-offset: same'
}

@test "classic BAR mmap: maps shows anon_inode:[vfio-device], offset index<<40, the fd's inode" {
	both 'bar-mmap: ok' 'bar-mmap-ino: same'
	edu 'bar-mmap-maps: perms=rw-s offset=0 path=anon_inode:[vfio-device]'
	ivshmem 'bar-mmap-maps: perms=rw-s offset=20000000000 path=anon_inode:[vfio-device]'
}

@test "edu through the BAR mmap: ID register 0x010000ed, liveness register inverts" {
	edu 'edu-id: 0x010000ed' 'edu-liveness: ok'
}

@test "closing the device fd leaves the dma-buf open, same size, name and fdinfo" {
	edu "close-device: ok size=4096 name=vfio:$VFBUF_EDU:bar0" 'close-device-fdinfo: same'
	ivshmem "close-device: ok size=4096 name=vfio:$VFBUF_IVSHMEM:bar2" 'close-device-fdinfo: same'
}

@test "dma-heap system: allocates, mmaps, unnamed buffer shows /dmabuf:" {
	heap 'heap-alloc: ok size=8192' 'heap-mmap: ok' 'heap-data: ok' \
		'heap-link-unnamed: /dmabuf:' 'heap-maps-unnamed: /dmabuf:'
}

@test "dma-heap named in the series' format: maps shows /dmabuf:NAME" {
	heap 'heap-set-name: ok' "heap-maps: perms=rw-s offset=0 path=/dmabuf:vfio0:$VFBUF_EDU/2" \
		"heap-link-named: /dmabuf:vfio0:$VFBUF_EDU/2" \
		"heap-fdinfo: exp_name=system size=8192 name=vfio0:$VFBUF_EDU/2"
}

@test "dma-heap mapping: maps inode == fstat inode == fdinfo ino, dev is the fd's" {
	heap 'heap-maps-ino-fstat: same' 'heap-maps-ino-fdinfo: same' 'heap-maps-dev: same'
}

@test "dma-heap: naming shows at once in mappings made before, renaming while mapped too" {
	heap "heap-maps-early: /dmabuf:vfio0:$VFBUF_EDU/2" 'heap-rename: ok' \
		'heap-maps-renamed: /dmabuf:renamed'
}

@test "dma-heap: the name stays on the mapping after the fd is closed" {
	heap 'heap-maps-closed: /dmabuf:renamed'
}

@test "two devices in one process: one anonymous inode, same maps path for both BARs" {
	facts two
	has 'two-devices-ino: same'
	has 'two-devices-maps: ino same, path same'
}
