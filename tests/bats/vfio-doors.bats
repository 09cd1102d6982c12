#!/usr/bin/env bats
# VFIO's two front doors (--vfio group|cdev|auto, VFBUF_VFIO): which one
# opens a device, and each refusal explained.  The fixture has only the
# group nodes; a copy gets the cdev nodes (/dev/iommu, /dev/vfio/devices)
# as plain files, whose first ioctl the kernel refuses (ENOTTY): enough to
# see which door vfbuf went through.
load helpers

setup() {
	ROOT=$(mktemp -d)
	cp -a "$FIX" "$ROOT/root"
	R=$ROOT/root
}
teardown() { rm -rf "$ROOT"; }

with_cdev() {
	mkdir -p "$R/dev/vfio/devices"
	: > "$R/dev/vfio/devices/vfio0"
	: > "$R/dev/iommu"
}

@test "list DOORS: the group path where its nodes exist; cdev once /dev/iommu and the cdev exist" {
	run "$VFBUF" --sysroot "$R" list -s 00:03.0 -o BDF,DOORS -r -n
	assert_output "0000:00:03.0 group"
	with_cdev
	run "$VFBUF" --sysroot "$R" list -s 00:03.0 -o BDF,DOORS -r -n
	assert_output "0000:00:03.0 group,cdev"
	rm "$R/dev/vfio/3"
	run "$VFBUF" --sysroot "$R" list -s 00:03.0 -o BDF,DOORS -r -n
	assert_output "0000:00:03.0 cdev"
}

@test "--vfio cdev without iommufd: exit 69, naming the missing /dev/iommu" {
	run --separate-stderr "$VFBUF" --sysroot "$R" --vfio cdev peek -s 00:03.0 --bar 0 0
	assert_failure 69
	assert_equal "$stderr" "vfbuf: peek: opening $R/dev/iommu for 0000:00:03.0's cdev: no iommufd on this kernel
hint: a kernel with CONFIG_IOMMUFD (modprobe iommufd) has it; --vfio group uses the group path"
}

@test "--vfio cdev of a device without a cdev: exit 69" {
	run --separate-stderr "$VFBUF" --sysroot "$R" --vfio cdev peek -s 00:04.0 --bar 0 0
	assert_failure 69
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: peek: 0000:00:04.0: --vfio cdev: no VFIO device cdev (no vfio-dev/ entry in sysfs)"
}

@test "auto takes the group path where it exists, the cdev path where only it does; --vfio and VFBUF_VFIO choose" {
	with_cdev
	# both doors: auto is the group path (its container answers ENOTTY here)
	run --separate-stderr "$VFBUF" --sysroot "$R" peek -s 00:03.0 --bar 0 0
	assert_failure 1
	[[ "$stderr" == "vfbuf: peek: $R/dev/vfio/vfio: not a VFIO container (VFIO_GET_API_VERSION)"* ]]
	# --vfio cdev: the cdev is bound to the iommufd (ENOTTY: a plain file)
	run --separate-stderr "$VFBUF" --sysroot "$R" --vfio cdev peek -s 00:03.0 --bar 0 0
	assert_failure 1
	assert_equal "$stderr" "vfbuf: peek: VFIO_DEVICE_BIND_IOMMUFD $R/dev/vfio/devices/vfio0 (cdev of 0000:00:03.0): Inappropriate ioctl for device (ENOTTY)"
	VFBUF_VFIO=cdev run --separate-stderr "$VFBUF" --sysroot "$R" peek -s 00:03.0 --bar 0 0
	[[ "$stderr" == "vfbuf: peek: VFIO_DEVICE_BIND_IOMMUFD "* ]]
	# --vfio wins over VFBUF_VFIO
	VFBUF_VFIO=cdev run --separate-stderr "$VFBUF" --sysroot "$R" peek --vfio group -s 00:03.0 --bar 0 0
	[[ "$stderr" == *"not a VFIO container"* ]]
	# only the cdev path: auto takes it
	rm "$R/dev/vfio/3"
	run --separate-stderr "$VFBUF" --sysroot "$R" peek -s 00:03.0 --bar 0 0
	[[ "$stderr" == "vfbuf: peek: VFIO_DEVICE_BIND_IOMMUFD "* ]]
}

@test "--vfio and VFBUF_VFIO: an unknown door is a usage error; --help works whatever VFBUF_VFIO says" {
	run --separate-stderr "$VFBUF" --vfio tunnel list
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: --vfio 'tunnel': not auto, group or cdev"
	VFBUF_VFIO=tunnel run --separate-stderr vf list
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: list: VFBUF_VFIO 'tunnel': not a VFIO front door"
	VFBUF_VFIO=tunnel run vf list --vfio auto -n -o BDF
	assert_success
	VFBUF_VFIO=tunnel run "$VFBUF" --help
	assert_success
}
