#!/usr/bin/env bats
# rig.bats: the VM rig is what the guest suite assumes (guest only:
# make check-vm). Its ivshmem test has a host half in tests/vm/check-vm,
# which reads the backing file after the run.

load guest

setup_file() {
	guest_only || return 0
}

setup() {
	guest_setup
}

@test "VFBUF_EDU and VFBUF_IVSHMEM are the edu and ivshmem devices" {
	[[ $VFBUF_EDU =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]]
	[[ $VFBUF_IVSHMEM =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]]
	run cat "/sys/bus/pci/devices/$VFBUF_EDU/vendor" "/sys/bus/pci/devices/$VFBUF_EDU/device"
	assert_output $'0x1234\n0x11e8'
	run cat "/sys/bus/pci/devices/$VFBUF_IVSHMEM/vendor" "/sys/bus/pci/devices/$VFBUF_IVSHMEM/device"
	assert_output $'0x1af4\n0x1110'
}

@test "VFBUF_BOCHS is a bochs-display with a 16 MiB BAR0 and a 4 KiB BAR2" {
	[[ $VFBUF_BOCHS =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]]
	run cat "/sys/bus/pci/devices/$VFBUF_BOCHS/vendor" "/sys/bus/pci/devices/$VFBUF_BOCHS/device"
	assert_output $'0x1234\n0x1111'
	# resource lines: start end flags; BAR0 memory, prefetchable (0x2000)
	read -r s0 e0 f0 < <(sed -n 1p "/sys/bus/pci/devices/$VFBUF_BOCHS/resource")
	read -r s2 e2 _ < <(sed -n 3p "/sys/bus/pci/devices/$VFBUF_BOCHS/resource")
	[ $((e0 - s0 + 1)) -eq $((16 << 20)) ]
	[ $((f0 & 0x2200)) -eq $((0x2200)) ]
	[ $((e2 - s2 + 1)) -eq 4096 ]
	[ "$VFBUF_BOCHS_GROUP" = "$(basename "$(readlink "/sys/bus/pci/devices/$VFBUF_BOCHS/iommu_group")")" ]
}

@test "every rig device is bound to the rig's driver (vfio-pci by default)" {
	[ -n "$VFBUF_VM_DRIVER" ]
	for d in "$VFBUF_EDU" "$VFBUF_IVSHMEM" "$VFBUF_BOCHS"; do
		run basename "$(readlink "/sys/bus/pci/devices/$d/driver")"
		assert_output "$VFBUF_VM_DRIVER"
	done
}

@test "the vfio modules are loaded" {
	for m in vfio vfio_iommu_type1 irqbypass vfio_pci_core vfio_pci; do
		[ -d "/sys/module/$m" ] || fail "module $m not loaded"
	done
}

@test "the IOMMU is on and each device has its own group" {
	[ -n "$(ls /sys/class/iommu)" ]
	for bdf in "$VFBUF_EDU" "$VFBUF_IVSHMEM"; do
		g=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")
		run ls "/sys/kernel/iommu_groups/$g/devices"
		assert_output "$bdf"
	done
	run basename "$(readlink "/sys/bus/pci/devices/$VFBUF_EDU/iommu_group")"
	assert_output "$VFBUF_EDU_GROUP"
	run basename "$(readlink "/sys/bus/pci/devices/$VFBUF_IVSHMEM/iommu_group")"
	assert_output "$VFBUF_IVSHMEM_GROUP"
}

@test "/dev/vfio/vfio and /dev/vfio/N of both groups exist" {
	[ -c /dev/vfio/vfio ]
	[ -c "/dev/vfio/$VFBUF_EDU_GROUP" ]
	[ -c "/dev/vfio/$VFBUF_IVSHMEM_GROUP" ]
}

@test "the system dma-heap and debugfs dma_buf are there" {
	[ -c /dev/dma_heap/system ]
	[ -r /sys/kernel/debug/dma_buf/bufinfo ]
}

@test "the project tree is the working directory, with the built helpers" {
	[ "$PWD" = /vfbuf ] || [ "$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)" = /vfbuf ]
	[ -f /vfbuf/tests/vm/run ]
	[ ! -e /vfbuf/.git ]
	[ -x /vfbuf/tests/helpers/vfbuf-holder ]
	[ -x /vfbuf/tests/helpers/uapi-facts ]
	run command -v uapi-facts
	assert_output /vfbuf/tests/helpers/uapi-facts
}

@test "vfbuf is on PATH and runs" {
	run command -v vfbuf
	assert_output /usr/local/bin/vfbuf
	# It must at least start: every shared library it needs is in the guest.
	run vfbuf --help
	refute_output --partial 'error while loading shared libraries'
	refute_output --partial 'not found'
}

@test "vfbuf-holder prints its objects and stops on SIGTERM" {
	out=$BATS_TEST_TMPDIR/holder
	vfbuf-holder "$VFBUF_EDU" > "$out" &
	pid=$!
	for _ in $(seq 50); do grep -q '^ready' "$out" && break; sleep 0.1; done
	run cat "$out"
	assert_line --regexp "^device pid=$pid fd=[0-9]+ ino=[0-9]+ dev=[0-9a-f]+:[0-9a-f]+ bdf=$VFBUF_EDU group=$VFBUF_EDU_GROUP "
	assert_line --regexp "^dmabuf pid=$pid fd=[0-9]+ .* size=4096 name=vfbuf-test:$VFBUF_EDU:bar0 bdf=$VFBUF_EDU bar=0 ranges=0\+1000$"
	assert_line --regexp "^heap pid=$pid fd=[0-9]+ .* size=8192 name=vfio[0-9]+:$VFBUF_EDU/0 map=[0-9a-f]+-[0-9a-f]+$"
	assert_line --regexp "^bar-map pid=$pid fd=[0-9]+ .* bar=0 size=1048576 pgoff=00000000 map=[0-9a-f]+-[0-9a-f]+$"
	assert_line "ready pid=$pid"
	# what it printed is what the kernel shows
	map=$(sed -n 's/^heap .* map=\([0-9a-f-]*\)$/\1/p' "$out")
	ino=$(sed -n 's/^heap .* ino=\([0-9]*\) .*/\1/p' "$out")
	run grep "^$map " "/proc/$pid/maps"
	assert_output --regexp " $ino +/dmabuf:vfio[0-9]+:$VFBUF_EDU/0$"
	kill -TERM "$pid"
	wait "$pid"
}

@test "ivshmem: a write through VFIO reads back (the host checks the file)" {
	uapi-facts write "$VFBUF_IVSHMEM" 2 0xff000 vfbuf-rig-ivshmem-ok
	run uapi-facts read "$VFBUF_IVSHMEM" 2 0xff000 64
	assert_output vfbuf-rig-ivshmem-ok
}
