# tests/bats/vm/guest.bash: shared by the guest suite's files (load guest).
#
# The guest runs Debian 12's bats 1.8, which cannot skip from setup_file
# (it reports "setup_file failed"). A file that does not apply to this run
# calls `file_skip REASON; return 0` in setup_file instead, and its setup()
# calls guest_setup, which skips every test with that reason.

# Record why this file's tests do not apply to this run.
file_skip() {
	export GUEST_FILE_SKIP="$1"
}

# setup_file's first line: the guest suite runs only inside the rig's VM.
guest_only() {
	[ -n "${VFBUF_VM:-}" ] && return 0
	file_skip "guest-only test: run it with make check-vm"
	return 1
}

# setup()'s first line: the assertion libraries, then the file's skip.
guest_setup() {
	bats_load_library bats-support
	bats_load_library bats-assert
	bats_require_minimum_version 1.5.0
	[ -z "${GUEST_FILE_SKIP:-}" ] || skip "$GUEST_FILE_SKIP"
}

# The devices are bound to vfbuf_sim, which has the posted series.
series() { [ "${VFBUF_VM_DRIVER:-}" = vfbuf_sim ]; }

# The series revision vfbuf_sim speaks in this run (v1, v2, v4, v5), or "".
sim_rev() { series && echo "${VFBUF_VM_UAPI:-$(cat /sys/module/vfbuf_sim/parameters/uapi 2> /dev/null)}"; }

# vfbuf_sim presents itself as a real series kernel would: nothing declared.
undeclared() { series && [ "${VFBUF_VM_UNDECLARED:-0}" = 1 ]; }

# How vfbuf knows the revision under --uapi auto: declared or probed.
sim_how() { if undeclared; then echo probed; else echo declared; fi; }

# The exporter name the kernel reports for the devices' dma-bufs.
exporter() {
	if series && ! undeclared; then echo vfbuf_sim; else echo vfio_pci_core; fi
}

# This run opens devices through VFIO's cdev door and iommufd
# (tests/vm/check-vm's +cdev: VFBUF_VFIO=cdev), not through their groups.
cdev_door() { [ "${VFBUF_VFIO:-}" = cdev ]; }

# The cdev node of BDF's VFIO device: /dev/vfio/devices/vfioN.
cdev_node() { echo "/dev/vfio/devices/$(ls "/sys/bus/pci/devices/$1/vfio-dev/")"; }

# What vfbuf names when opening BDF (group G) is refused, by door: the
# group node, or the cdev's bind to iommufd.
busy_open() {
	if cdev_door; then
		echo "VFIO_DEVICE_BIND_IOMMUFD $(cdev_node "$1") (cdev of $1)"
	else
		echo "opening /dev/vfio/$2 (IOMMU group of $1)"
	fi
}

# The file name of BDF's device-fd BAR mappings in /proc/PID/maps, by door:
# the group's device fd is an anonymous inode, the cdev's is its node.
vfio_map_name() {
	if cdev_door; then cdev_node "$1"; else echo 'anon_inode:[vfio-device]'; fi
}
