#!/usr/bin/env bats
# vfbuf list, stat and maps-decode against the real kernel (guest only).
# A vfbuf-holder process holds a named VFIO dma-buf of edu BAR0, a dma-heap
# buffer named in the series' format (mapped), and a classic BAR0 mapping
# through the device fd; vfbuf must decode all three exactly.

load guest

setup_file() {
	guest_only || return 0
	HOLDER_OUT=$BATS_FILE_TMPDIR/holder.out
	tests/helpers/vfbuf-holder --bar 0 --range 0:4K --range 8K:8K \
		--name "vfio:$VFBUF_EDU:bar0" --map-bar 0 "$VFBUF_EDU" \
		< /dev/null > "$HOLDER_OUT" 2>&1 &
	echo $! > "$BATS_FILE_TMPDIR/holder.pid"
	for _ in $(seq 100); do
		grep -q '^ready' "$HOLDER_OUT" && break
		sleep 0.1
	done
	grep -q '^ready' "$HOLDER_OUT" || { cat "$HOLDER_OUT" >&2; return 1; }
	export HOLDER_OUT
}

teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/holder.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/holder.pid")" 2>/dev/null || true
}

setup() {
	guest_setup
	HOLDER_PID=$(cat "$BATS_FILE_TMPDIR/holder.pid")
}

# field KIND KEY: the value of KEY on the holder's KIND line
field() { sed -n "s/^$1 .*\\b$2=\\([^ ]*\\).*/\\1/p" "$HOLDER_OUT" | head -1; }

sysfs_size() { # BDF BAR -> size from sysfs resource (end - start + 1)
	local line
	line=$(sed -n "$(($2 + 1))p" "/sys/bus/pci/devices/$1/resource")
	set -- $line
	echo $(( $2 - $1 + 1 ))
}

@test "list: both devices, bound to the rig's driver, with their groups and nodes" {
	for bdf in "$VFBUF_EDU" "$VFBUF_IVSHMEM"; do
		group=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")
		run vfbuf list -s "$bdf" -r -n -o BDF,DRIVER,GROUP,VIABLE,NODE
		assert_success
		assert_output "$bdf $VFBUF_VM_DRIVER $group yes /dev/vfio/$group"
	done
}

@test "list --bars: BAR sizes equal the kernel's sysfs resource file" {
	run vfbuf list --bars -b -r -n -o BDF,BAR,SIZE
	assert_success
	assert_line "$VFBUF_EDU 0 $(sysfs_size "$VFBUF_EDU" 0)"
	assert_line "$VFBUF_IVSHMEM 0 $(sysfs_size "$VFBUF_IVSHMEM" 0)"
	assert_line "$VFBUF_IVSHMEM 2 $(sysfs_size "$VFBUF_IVSHMEM" 2)"
	[ "$(sysfs_size "$VFBUF_EDU" 0)" -eq 1048576 ]
	# two memory BARs of one device, one of 16 MiB
	assert_line "$VFBUF_BOCHS 0 $(sysfs_size "$VFBUF_BOCHS" 0)"
	assert_line "$VFBUF_BOCHS 2 $(sysfs_size "$VFBUF_BOCHS" 2)"
	[ "$(sysfs_size "$VFBUF_BOCHS" 0)" -eq 16777216 ]
}

@test "list --probe: dma-buf export is supported, regions are mmap-able" {
	run vfbuf list --probe -s "$VFBUF_IVSHMEM" -r -n -o BDF,DMABUF
	assert_success
	assert_output "$VFBUF_IVSHMEM yes"
	run vfbuf list --probe --bars -s "$VFBUF_IVSHMEM" -r -n -o BAR,FLAGS,OFFSET
	assert_success
	assert_line "0 rwm- 0x0"
	assert_line "2 rwm- 0x20000000000"
}

@test "list --probe of a group another process holds: EBUSY, names the holder" {
	run vfbuf list --probe -s "$VFBUF_EDU" -o BDF,PROBE -r -n
	assert_failure 1
	assert_output --partial "Device or resource busy (EBUSY)"
}

@test "stat --pid: the exported dma-buf, by inode, with size, exporter, name, device, BAR" {
	ino=$(field dmabuf ino)
	fd=$(field dmabuf fd)
	run vfbuf stat --pid "$HOLDER_PID" -b -r -n -o KIND,INODE,SIZE,EXPORTER,NAME,DEVICE,BAR,HOLDERS
	assert_success
	assert_line "dmabuf $ino 12288 $(exporter) vfio:$VFBUF_EDU:bar0 $VFBUF_EDU 0 $HOLDER_PID(vfbuf-holder):$fd"
}

@test "stat --pid: the heap buffer with its mapping, decoded from the series-format name" {
	ino=$(field heap ino)
	map=$(field heap map)
	name=$(field heap name)
	run vfbuf stat --pid "$HOLDER_PID" -b -r -n -o INODE,NAME,DEVICE,MAPS
	assert_success
	assert_line "$ino $name $VFBUF_EDU $HOLDER_PID:$map"
}

@test "stat --pid: the VFIO device fd names its device" {
	fd=$(field device fd)
	run vfbuf stat --pid "$HOLDER_PID" -r -n -o KIND,DEVICE,HOLDERS
	assert_success
	assert_line "vfio-device $VFBUF_EDU $HOLDER_PID(vfbuf-holder):$fd"
}

@test "stat --pid --fd: one buffer" {
	fd=$(field dmabuf fd)
	run vfbuf stat --pid "$HOLDER_PID" --fd "$fd" -r -n -o INODE
	assert_success
	assert_output "$(field dmabuf ino)"
}

@test "stat (all processes) finds the holder's buffers too" {
	run vfbuf stat -r -n -o INODE,HOLDERS
	assert_success
	assert_line --regexp "^$(field dmabuf ino) .*$HOLDER_PID\\(vfbuf-holder\\)"
}

@test "maps-decode PID: the classic BAR mapping is edu BAR0, offset 0" {
	map=$(field bar-map map)
	run vfbuf maps-decode "$HOLDER_PID" -r -n -o START,END,KIND,DEVICE,BAR,BAROFF,NAME
	assert_success
	if series; then
		# the series backs the classic mapping with a dma-buf named vfioN:BDF/BAR
		assert_line --regexp "^${map%-*} ${map#*-} dmabuf-bar $VFBUF_EDU 0 0x0 vfio[0-9]+:$VFBUF_EDU/0\$"
	else
		assert_line "${map%-*} ${map#*-} vfio-bar $VFBUF_EDU 0 0x0 anon_inode:[vfio-device]"
	fi
}

@test "maps-decode PID: the series-named heap mapping decodes to device and BAR" {
	map=$(field heap map)
	name=$(field heap name)
	bar=${name##*/}
	run vfbuf maps-decode "$HOLDER_PID" -r -n -o START,END,KIND,DEVICE,BAR,NAME,INODE
	assert_success
	assert_line "${map%-*} ${map#*-} dmabuf-bar $VFBUF_EDU $((16#$bar)) $name $(field heap ino)"
}

@test "maps-decode reads the kernel's own maps lines from stdin the same way" {
	run bash -c "vfbuf maps-decode -r -n -o START,KIND < /proc/$HOLDER_PID/maps"
	assert_success
	if series; then
		assert_line "$(field bar-map map | cut -d- -f1) dmabuf-bar"
	else
		assert_line "$(field bar-map map | cut -d- -f1) vfio-bar"
	fi
}

# Each command's -J on the real kernel: one document each. check-vm
# validates every guest -J output on the host (tests/vm/json-record,
# tests/helpers/json-check against the man page's shapes); here, that each
# printed one document about the holder's objects.
@test "-J of list, list --probe --bars, stat, maps-decode and map: one document each, about the holder's objects" {
	run --separate-stderr vfbuf -J list -s "$VFBUF_EDU" -o +CDEV,DOORS,BLOCKERS
	assert_success
	assert_output --regexp '^\{'
	assert_output --partial "\"bdf\": \"$VFBUF_EDU\""
	run --separate-stderr vfbuf -J list --probe --bars -s "$VFBUF_IVSHMEM"
	assert_success
	assert_output --partial "\"bdf\": \"$VFBUF_IVSHMEM\""
	run --separate-stderr vfbuf -J stat --pid "$HOLDER_PID"
	assert_success
	assert_output --partial "\"device\": \"$VFBUF_EDU\""
	run --separate-stderr vfbuf -J maps-decode "$HOLDER_PID"
	assert_success
	assert_output --partial "\"device\": \"$VFBUF_EDU\""
	# (the holder has edu open: map ivshmem)
	run --separate-stderr vfbuf -J map -s "$VFBUF_IVSHMEM" --bar 2 --length 4K
	assert_success
	assert_output --partial "\"device\": \"$VFBUF_IVSHMEM\""
}
