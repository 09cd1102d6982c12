#!/usr/bin/env bats
# vfbuf import on the host: its usage rules and the refusals that need no
# device (the P2P DMA itself: tests/bats/vm/p2p.bats on the rig's iommufd
# kernel).
load helpers

@test "import: name exactly one dma-buf; --pid needs --fd; --bar needs the exporter; one --range" {
	run --separate-stderr vf import
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: import: name one dma-buf: --fd FD [--pid PID], --connect SOCKET, or -s BDF --bar N"
	run --separate-stderr vf import --fd 0 --connect /x
	assert_failure 2
	run --separate-stderr vf import --pid 1 --connect /x
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: import: --pid needs --fd"
	run --separate-stderr vf import --bar 0
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: import: --bar needs the exporting device (-s BDF or -d VENDOR:DEVICE)"
	run --separate-stderr vf import -s 00:03.0 --bar 0 -R 0:4K -R 4K:4K
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: import: one --range: iommufd imports single-range dma-bufs only"
	run --separate-stderr vf import --fd 0 --attach 'zz:zz'
	assert_failure 2
	run --separate-stderr vf import --fd 0 -- true
	assert_failure 2
	assert_equal "$(head -1 <<< "$stderr")" "vfbuf: import: unexpected argument 'true' (a command needs --exec)"
}

@test "import without iommufd: exit 69, naming /dev/iommu" {
	run --separate-stderr vf import --fd 0
	assert_failure 69
	assert_equal "$stderr" "vfbuf: import: opening $FIX/dev/iommu for the import: no iommufd on this kernel
hint: a kernel with CONFIG_IOMMUFD (modprobe iommufd) has it; --vfio group uses the group path"
}
