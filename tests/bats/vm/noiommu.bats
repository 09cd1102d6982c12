#!/usr/bin/env bats
# noiommu.bats: VFIO's no-IOMMU mode on a real kernel (guest only: a machine
# without an IOMMU, `tests/vm/run --noiommu` on the rig's own kernel, which
# has CONFIG_VFIO_NOIOMMU; make check-vm-noiommu). Debian's kernels lack
# the mode, and every other run has an IOMMU: there this file skips.
#
# There vfio-pci puts each device in a group of its own named vfio-noiommu,
# whose node is /dev/vfio/noiommu-N, and a container takes it only with
# VFIO_NOIOMMU_IOMMU. vfbuf must find that node, open it the no-IOMMU way,
# and say first that nothing isolates the device's DMA. The kernel taints
# itself (U) when such a device is opened.

load guest

# ivshmem offset owned by this file (tests/vm/ivshmem-expect)
POKE_OFF=0x6000

setup_file() {
	guest_only || return 0
	if [ "${VFBUF_VM_NOIOMMU:-0}" != 1 ]; then
		file_skip "needs a machine without an IOMMU, in vfio's no-IOMMU mode (make check-vm-noiommu)"
		return 0
	fi
}

setup() {
	guest_setup
}

# What the kernel says the group is, read without vfbuf.
kernel_group_name() { cat "/sys/kernel/iommu_groups/$1/name"; }

warning() {
	echo "vfbuf: $1: warning: $2 is in a no-IOMMU group (/dev/vfio/noiommu-$3): there is no DMA isolation, the device can reach all of this host's memory"
}

@test "the machine has no IOMMU: no DMAR unit, and vfio-pci made no-IOMMU groups" {
	[ -z "$(ls /sys/class/iommu 2> /dev/null)" ]
	[ "$(cat /sys/module/vfio/parameters/enable_unsafe_noiommu_mode)" = Y ]
	for g in "$VFBUF_EDU_GROUP" "$VFBUF_IVSHMEM_GROUP"; do
		assert_equal "$(kernel_group_name "$g")" vfio-noiommu
		[ -c "/dev/vfio/noiommu-$g" ]
		[ ! -e "/dev/vfio/$g" ]
	done
}

@test "list: each device's node is /dev/vfio/noiommu-N and its cdev noiommu-vfioN, as the kernel made them" {
	run --separate-stderr vfbuf -J list -s "$VFBUF_IVSHMEM" -o BDF,GROUP,NODE
	assert_success
	assert_equal "$stderr" ""
	assert_output --partial "{\"bdf\": \"$VFBUF_IVSHMEM\", \"group\": $VFBUF_IVSHMEM_GROUP, \"node\": \"/dev/vfio/noiommu-$VFBUF_IVSHMEM_GROUP\"}"
	# the cdev: the kernel's name for it, from sysfs (IOMMUFD_NOIOMMU)
	cdev=$(ls "/sys/bus/pci/devices/$VFBUF_EDU/vfio-dev/")
	[[ $cdev == noiommu-vfio[0-9]* ]]
	[ -c "/dev/vfio/devices/$cdev" ]
	run --separate-stderr vfbuf list -n -o NODE,CDEV,DOORS -s "$VFBUF_EDU"
	assert_success
	assert_output --regexp "^/dev/vfio/noiommu-$VFBUF_EDU_GROUP +$cdev +group,cdev\$"
}

# "vfio-noiommu device opened by user" lines in the kernel log
opened() { dmesg | grep -c "vfio-noiommu device opened by user (vfbuf:" || true; }

@test "poke and peek through a no-IOMMU group: the warning first, then the access; the kernel logs the open" {
	before=$(opened)
	# "noiommu-poke-ok!" as two little-endian 64-bit words
	run --separate-stderr vfbuf poke -s "$VFBUF_IVSHMEM" --bar 2 -w 8 "$POKE_OFF" 0x2d756d6d6f696f6e 0x216b6f2d656b6f70
	assert_success
	assert_equal "$stderr" "$(warning poke "$VFBUF_IVSHMEM" "$VFBUF_IVSHMEM_GROUP")"
	run --separate-stderr vfbuf peek -s "$VFBUF_IVSHMEM" --bar 2 -w 8 -c 2 "$POKE_OFF"
	assert_success
	assert_equal "$stderr" "$(warning peek "$VFBUF_IVSHMEM" "$VFBUF_IVSHMEM_GROUP")"
	assert_output "0x2d756d6d6f696f6e
0x216b6f2d656b6f70"
	# -q silences the warning, not the access
	run --separate-stderr vfbuf -q peek -s "$VFBUF_IVSHMEM" --bar 2 -w 8 "$POKE_OFF"
	assert_success
	assert_equal "$stderr" ""
	assert_output 0x2d756d6d6f696f6e
	# the kernel's own record of each open (vfio_group_fops_open)
	assert_equal "$(opened)" "$((before + 3))"
}

@test "the cdev door on a no-IOMMU device: the same warning, the access, and the mapping decodes to the device" {
	cdev=$(ls "/sys/bus/pci/devices/$VFBUF_IVSHMEM/vfio-dev/")
	run --separate-stderr vfbuf --vfio cdev peek -s "$VFBUF_IVSHMEM" --bar 2 -w 8 "$POKE_OFF"
	assert_success
	assert_equal "$stderr" "$(warning peek "$VFBUF_IVSHMEM" "$VFBUF_IVSHMEM_GROUP")"
	assert_output 0x2d756d6d6f696f6e
	run --separate-stderr vfbuf -q --vfio cdev map -s "$VFBUF_IVSHMEM" --bar 2 --length 4K -n -r -o KIND,DEVICE,BAR,NAME
	assert_success
	assert_output "vfio-bar $VFBUF_IVSHMEM 2 /dev/vfio/devices/$cdev"
}

@test "export: a dma-buf of a no-IOMMU device's BAR, after the same warning" {
	run --separate-stderr vfbuf -J export -s "$VFBUF_IVSHMEM" --bar 2 --range 0:8K -o SIZE,BAR
	assert_success
	assert_equal "$stderr" "$(warning export "$VFBUF_IVSHMEM" "$VFBUF_IVSHMEM_GROUP")"
	assert_output --partial '{"size": 8192, "bar": 2}'
}

@test "a no-IOMMU group held by another process: the open names the node and the holder (EBUSY)" {
	vfbuf -q export -s "$VFBUF_EDU" --bar 0 --range 0:4K --hold > /dev/null &
	holder=$!
	for _ in $(seq 100); do
		[ -n "$(vfbuf -q stat -n -o PID 2> /dev/null)" ] && break
		sleep 0.05
	done
	run --separate-stderr vfbuf -q peek -s "$VFBUF_EDU" --bar 0 0
	kill "$holder"
	wait "$holder" || true
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "vfbuf: peek: opening /dev/vfio/noiommu-$VFBUF_EDU_GROUP (IOMMU group of $VFBUF_EDU): Device or resource busy (EBUSY)
hint: pid $holder (vfbuf) holds it"
}
